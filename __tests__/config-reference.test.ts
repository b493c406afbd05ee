import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveEnvironment, resolveProject } from "../src/config/defaults";
import { configReference, configRows, readSection, ReferenceRow } from "../tools/config-reference";
import { FULL_FEATURE_ENVIRONMENT } from "./fixtures";

const SRC = path.join(__dirname, "..", "src");
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
  it.each(["project", "environment"] as const)("README's %s table is what src/config/types.ts generates", (section) => {
    const generated = configReference()[section];
    if (readSection(README, section) !== generated) {
      throw new Error(`README.md's config-reference:${section} table is stale: run npm run docs:config`);
    }
  });

  it("has one environment row per leaf of a fully featured config, and no other row", () => {
    const full = resolveEnvironment(
      {
        ...FULL_FEATURE_ENVIRONMENT,
        loadBalancer: {
          ...FULL_FEATURE_ENVIRONMENT.loadBalancer,
          certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555",
        },
        service: { ...FULL_FEATURE_ENVIRONMENT.service, siteUrl: "https://blog.example.com" },
      },
      "ghost",
    );
    expect(rows.environment.map((row) => row.field).sort()).toEqual(leafPaths(full).sort());
  });

  it("has one project row per leaf of the resolved project (environments aside), and no other row", () => {
    const { project, state } = resolveProject({ environments: [{ environment: "dev" }] });
    expect(rows.project.map((row) => row.field).sort()).toEqual(leafPaths({ project, state }).sort());
  });

  it("states the defaults the code applies to an environment that sets nothing", () => {
    const checked = checkedDefaults(rows.environment, resolveEnvironment({ environment: "dev" }, "ghost"));
    expect(checked).toEqual(checked.map((c) => ({ ...c, actual: c.documented })));
    // Most defaults are literals: a parser that stopped matching must not pass by checking nothing.
    expect(checked.length).toBeGreaterThanOrEqual(40);
  });

  it("states the project defaults the code applies", () => {
    const { project, state } = resolveProject({ environments: [{ environment: "dev" }] });
    const checked = checkedDefaults(rows.project, { project, state });
    expect(checked).toEqual(checked.map((c) => ({ ...c, actual: c.documented })));
    expect(checked.map((c) => c.field)).toEqual(["project", "state.useLockfile"]);
  });

  it("marks only the fields an environment must declare as required", () => {
    expect(rows.environment.filter((row) => row.default === undefined).map((row) => row.field)).toEqual([
      "environment",
    ]);
  });

  describe("a field added to GhostConfig", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-reference-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A copy of types.ts (imports made absolute) with `field` added to GhostConfig. */
    function typesWith(field: string): string {
      const source = fs
        .readFileSync(path.join(SRC, "config", "types.ts"), "utf8")
        .replace(/from "\.\.\//g, `from "${SRC}/`)
        .replace("export interface GhostConfig {\n", `export interface GhostConfig {\n${field}\n`);
      const file = path.join(dir, `types-${fs.readdirSync(dir).length}.ts`);
      fs.writeFileSync(file, source);
      return file;
    }

    it("fails generation without JSDoc, naming the field", () => {
      expect(() => configRows(typesWith("  readonly plainField: string;"))).toThrow(/plainField has no JSDoc/);
    });

    it("fails generation without @default, naming the field", () => {
      expect(() => configRows(typesWith("  /** Documented. */ readonly noDefault?: number;"))).toThrow(
        /noDefault has no @default/,
      );
    });
  });
});
