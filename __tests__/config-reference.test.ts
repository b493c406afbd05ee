import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { resolveEnvironment, resolveProject } from "../src/config/defaults";
import { environmentSchema, settings } from "../src/config/schema";
import { configReference, configRows, readSection, ReferenceRow } from "../tools/config-reference";
import { FULL_FEATURE_ENVIRONMENT, HTTPS_CERTIFICATE_ENVIRONMENT } from "./fixtures";

const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const rows = configRows();

/** Dotted paths of every leaf: plain objects are recursed into, except `tags`; arrays are leaves. */
function leafPaths(value: object, prefix = ""): string[] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === "object" && child !== null && !Array.isArray(child) && key !== "tags"
      ? leafPaths(child, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

const valueAt = (value: object, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);

/**
 * The value a @default text states, when it is a literal (an optional "(...)" remark may follow);
 * prose such as "derived: ..." and templates with <placeholders> such as "<project>-<environment>"
 * give undefined. "undefined" itself is checked too: the field must be unset by default.
 */
function literalDefault(text: string | undefined): { value: unknown } | undefined {
  const match = /^(-?\d+(?:\.\d+)?|true|false|"[^"<]*"|\[\]|\{\}|undefined)(?: \(.*\))?$/.exec(text ?? "");
  if (!match) return undefined;
  return { value: match[1] === "undefined" ? undefined : JSON.parse(match[1]) };
}

/** Rows with a literal default, each paired with the value the code resolves for its path. */
function checkedDefaults(
  table: ReferenceRow[],
  resolved: object,
): { field: string; documented: unknown; actual: unknown }[] {
  return table.flatMap((row) => {
    const literal = literalDefault(row.default);
    return literal ? [{ field: row.field, documented: literal.value, actual: valueAt(resolved, row.field) }] : [];
  });
}

describe("README configuration reference", () => {
  it.each(["project", "environment"] as const)(
    "README's %s table is what src/config/schema.ts generates",
    (section) => {
      const generated = configReference()[section];
      if (readSection(README, section) !== generated) {
        throw new Error(`README.md's config-reference:${section} table is stale: run npm run docs:config`);
      }
    },
  );

  it("has one environment row per leaf of a fully featured config, and no other row", () => {
    const full = resolveEnvironment(
      {
        ...FULL_FEATURE_ENVIRONMENT,
        loadBalancer: {
          ...FULL_FEATURE_ENVIRONMENT.loadBalancer,
          certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555",
        },
        service: { ...FULL_FEATURE_ENVIRONMENT.service, siteUrl: "https://blog.example.com" },
        account: { ...FULL_FEATURE_ENVIRONMENT.account, id: "123456789012" },
        // SMTP's fields too (the full environment sends through SES).
        mail: { ...FULL_FEATURE_ENVIRONMENT.mail, smtp: HTTPS_CERTIFICATE_ENVIRONMENT.mail!.smtp },
      },
      "ghost",
    );
    expect(rows.environment.map((row) => row.field).sort()).toEqual(leafPaths(full).sort());
  });

  it("marks each setting whose change replaces a stateful resource, and no other", () => {
    const marked = rows.environment
      .filter((row) => row.description.includes(" Changing it replaces "))
      .map((row) => row.field);
    expect(marked.sort()).toEqual(
      [
        "database.databaseName",
        "database.username",
        "network.vpcCidr",
        "pipelines.artifactBucketName",
        "pipelines.repositoryName",
        "registry.repositoryName",
        "storage.performanceMode",
      ].sort(),
    );
  });

  it("has one project row per leaf of the resolved project (environments aside), and no other row", () => {
    const { project, state } = resolveProject({ environments: [{ environment: "dev" }] });
    expect(rows.project.map((row) => row.field).sort()).toEqual(leafPaths({ project, state }).sort());
  });

  it("states the defaults the code applies to an environment that sets nothing", () => {
    // The optional sections (mail.smtp, mail.mailgun) are given with their required fields only.
    const { smtp } = HTTPS_CERTIFICATE_ENVIRONMENT.mail!;
    const { mailgun } = FULL_FEATURE_ENVIRONMENT.mail!;
    const bare = {
      environment: "dev",
      mail: {
        smtp: { host: smtp!.host, user: smtp!.user, passwordSecretArn: smtp!.passwordSecretArn },
        mailgun: { domain: mailgun!.domain, apiKeySecretArn: mailgun!.apiKeySecretArn },
      },
    };
    const checked = checkedDefaults(rows.environment, resolveEnvironment(bare, "ghost")).filter(
      (check) => valueAt(bare, check.field) === undefined, // what `bare` gives is no default
    );
    expect(checked).toEqual(checked.map((c) => ({ ...c, actual: c.documented })));
    // Most defaults are literals: a parser that stopped matching must not pass by checking nothing.
    expect(checked.length).toBeGreaterThanOrEqual(40);
  });

  it("states the project defaults the code applies", () => {
    const { project, state } = resolveProject({ environments: [{ environment: "dev" }] });
    const checked = checkedDefaults(rows.project, { project, state });
    expect(checked).toEqual(checked.map((c) => ({ ...c, actual: c.documented })));
    expect(checked.map((c) => c.field)).toEqual(["project", "state.useLockfile", "state.selfHosted"]);
  });

  it("marks only the fields an environment must declare as required", () => {
    expect(rows.environment.filter((row) => row.default === undefined).map((row) => row.field)).toEqual([
      "environment",
    ]);
  });

  describe("a setting added to the schema", () => {
    it("fails generation without a description, naming the field", () => {
      const extended = environmentSchema.extend({ plainField: z.string().default("x") });
      expect(() => configRows(extended)).toThrow(/plainField has no description/);
    });

    it("fails generation when it has neither a default nor optional (only `environment` is required)", () => {
      const required = z.string();
      settings.add(required, { description: "Documented." });
      expect(() => configRows(environmentSchema.extend({ noDefault: required }))).toThrow(/noDefault has no default/);
    });
  });
});
