/**
 * Issue 22: Ghost's owner is created by the product, never by a stranger. The deploy makes two
 * empty secrets, a `ghost-bootstrap` container beside Ghost fills them (it creates the owner and a
 * deployment integration on the task's loopback), and the ALB refuses Ghost's setup call to
 * everyone else.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { pullableImage, TASK_DEFINITION_TEMPLATE_OUTPUT } from "../src/build/app-repo";
import { GHOST, GhostEnvironmentInput, loadProject, ProjectInput } from "../src/config";
import { PROJECT } from "../src/config/environments";
import { SETUP_CALL_PATTERNS, SETUP_REFUSAL } from "../src/run/load-balancer";
import { BOOTSTRAP_CONTAINER, BOOTSTRAP_SCRIPT } from "../src/run/owner-bootstrap";
import { placeholderOwnerWarning } from "../src/stacks/steps/run-step";
import { FULL_FEATURE_ENVIRONMENT, HTTPS_CERTIFICATE_ENVIRONMENT } from "./fixtures";
import { onlyResource, parsePolicy, resourcesOfType, SynthJson, synthStack } from "./helpers";
import { albPathMatches, refusedByListenerRules } from "./support/alb-rules";

/** The shipped environments (dev: HTTP on the ALB, no mail; prod: HTTPS, SES), every feature, SMTP. */
const PROJECT_UNDER_TEST: ProjectInput = {
  ...PROJECT,
  environments: [...PROJECT.environments, FULL_FEATURE_ENVIRONMENT, HTTPS_CERTIFICATE_ENVIRONMENT],
};
const OWNER = "owner@mysite.org";

interface Synthesized {
  readonly stack: TerraformStack;
  readonly json: SynthJson;
}

/** Every stack of the project, synthesized: the state stack first, then the environments by name. */
function synthesize(project: ProjectInput): { all: Synthesized[]; byEnvironment: Record<string, Synthesized> } {
  const { stateStack, environmentStacks } = buildApp(Testing.app(), { project });
  const all = [stateStack, ...environmentStacks].map((stack) => ({ stack, json: synthStack(stack).json }));
  const byEnvironment: Record<string, Synthesized> = {};
  loadProject(project).environments.forEach((config, index) => {
    byEnvironment[config.environment] = all[index + 1];
  });
  return { all, byEnvironment };
}

const shipped = synthesize(PROJECT_UNDER_TEST);
/** dev with a real owner address. */
const owned = synthesize({
  ...PROJECT,
  environments: [{ ...PROJECT.environments[0], admin: { ownerEmail: OWNER } } as GhostEnvironmentInput],
}).byEnvironment.dev;
const dev = shipped.byEnvironment.dev;

const reference = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** The logical id of the only resource of a type whose `field` is `value`. */
function idWhere(json: SynthJson, type: string, field: string, value: unknown): string {
  const ids = Object.entries(resourcesOfType(json, type))
    .filter(([, resource]) => resource[field] === value)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} with ${field} ${String(value)}, found ${ids.length}`);
  return ids[0];
}

/** The two secrets' ARNs as the stack refers to them. */
function secretArns(json: SynthJson, prefix = "ghost-dev") {
  const arn = (name: string) =>
    reference("aws_secretsmanager_secret", idWhere(json, "aws_secretsmanager_secret", "name", name), "arn");
  return { owner: arn(`${prefix}/ghost-owner`), integration: arn(`${prefix}/ghost-deploy-integration`) };
}

/** Statements of the inline policies of a role and the managed policies attached to it, by the role's name. */
function grantsOf(json: SynthJson, roleName: string) {
  const roleId = idWhere(json, "aws_iam_role", "name", roleName);
  const isRole = (value: unknown) =>
    value === reference("aws_iam_role", roleId, "name") || value === reference("aws_iam_role", roleId, "id");
  const statements = Object.values(resourcesOfType(json, "aws_iam_role_policy"))
    .filter((policy) => isRole(policy.role))
    .flatMap((policy) => parsePolicy(policy.policy).Statement);
  const managed = Object.values(resourcesOfType(json, "aws_iam_role_policy_attachment"))
    .filter((attachment) => isRole(attachment.role))
    .map((attachment) => attachment.policy_arn as string);
  return { statements, managed };
}

const actionsOf = (statement: { Action: string | string[] }): string[] => [].concat(statement.Action as never);
const resourcesOf = (statement: { Resource: string | string[] }): string[] => [].concat(statement.Resource as never);

/** The task definition's containers, by name. */
function containersOf(json: SynthJson): Record<string, any> {
  const definitions = JSON.parse(onlyResource(json, "aws_ecs_task_definition").container_definitions);
  return Object.fromEntries(definitions.map((container: any) => [container.name, container]));
}

const environmentOf = (container: any): Record<string, string> =>
  Object.fromEntries(container.environment.map(({ name, value }: { name: string; value: string }) => [name, value]));

/** The warnings synth gave for a stack. */
const warningsOf = ({ stack }: Synthesized): string[] =>
  stack.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => entry.data as string);

/** The listener rules on the listeners CodeDeploy swaps, by route (from the deployment group). */
function swappedListenerRules(json: SynthJson): { production: any[]; test: any[] } {
  const routes = onlyResource(json, "aws_codedeploy_deployment_group").load_balancer_info.target_group_pair_info;
  const rulesOf = (listenerArns: string[]) => {
    expect(listenerArns).toHaveLength(1);
    return Object.values(resourcesOfType(json, "aws_lb_listener_rule")).filter(
      (rule) => rule.listener_arn === listenerArns[0],
    );
  };
  return {
    production: rulesOf(routes.prod_traffic_route.listener_arns),
    test: rulesOf(routes.test_traffic_route.listener_arns),
  };
}

describe("the owner's secrets", () => {
  it("are two: <prefix>/ghost-owner (the owner's e-mail and password) and <prefix>/ghost-deploy-integration (the Admin API key)", () => {
    for (const [environment, { json }] of Object.entries(shipped.byEnvironment)) {
      const names = Object.values(resourcesOfType(json, "aws_secretsmanager_secret")).map((secret) => secret.name);
      expect(names.sort()).toEqual([
        `ghost-${environment}/ghost-deploy-integration`,
        `ghost-${environment}/ghost-owner`,
      ]);
    }
  });

  it("are created empty: no stack has an aws_secretsmanager_secret_version, so no value is in Terraform's state", () => {
    expect(shipped.all.length).toBe(PROJECT_UNDER_TEST.environments.length + 1);
    for (const { json } of shipped.all) {
      expect(resourcesOfType(json, "aws_secretsmanager_secret_version")).toEqual({});
    }
  });

  it("guard the owner's password with prevent_destroy where preventDestroy is on (the integration's key is stored again when empty), and are deleted without a recovery window (which would block their names for 30 days)", () => {
    for (const [environment, { json }] of Object.entries(shipped.byEnvironment)) {
      for (const secret of Object.values(resourcesOfType(json, "aws_secretsmanager_secret"))) {
        const guarded = (environment === "prod" || environment === "full") && secret.name.endsWith("/ghost-owner");
        expect({
          environment,
          window: secret.recovery_window_in_days,
          guarded: secret.lifecycle?.prevent_destroy ?? false,
        }).toEqual({
          environment,
          window: 0,
          guarded,
        });
      }
    }
  });

  it("are output by ARN, for the operator (get-secret-value) and the deployments", () => {
    const arns = secretArns(dev.json);
    expect(dev.json.output?.owner_secret_arn?.value).toBe(arns.owner);
    expect(dev.json.output?.deploy_integration_secret_arn?.value).toBe(arns.integration);
  });
});

describe("who may read and write the owner's secrets", () => {
  it("the task role may only get and put the values of exactly those two secrets", () => {
    const { statements, managed } = grantsOf(dev.json, "ghost-dev-task");
    const arns = secretArns(dev.json);
    const secretsManager = statements.filter((statement) =>
      actionsOf(statement).some((action) => action === "*" || action.startsWith("secretsmanager:")),
    );
    expect(secretsManager).toEqual([
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        Resource: [arns.owner, arns.integration],
      },
    ]);
    expect(managed).toEqual([]); // no managed policy could grant more
  });

  it("the execution role cannot read them: ECS injects neither into any container", () => {
    const { statements } = grantsOf(dev.json, "ghost-dev-task-execution");
    const arns = secretArns(dev.json);
    const granted = statements.flatMap(resourcesOf);
    expect(granted).not.toContain(arns.owner);
    expect(granted).not.toContain(arns.integration);
    expect(granted).not.toContain("*");
    const injected = Object.values(containersOf(dev.json)).flatMap((container) =>
      container.secrets.map((secret: { valueFrom: string }) => secret.valueFrom),
    );
    expect(injected.filter((from) => from.includes("aws_secretsmanager_secret."))).toEqual([]);
  });
});

describe("the ghost-bootstrap container", () => {
  const containers = containersOf(dev.json);
  const bootstrap = containers[BOOTSTRAP_CONTAINER];
  const ghost = containers[GHOST.containerName];

  it("runs beside Ghost in the task, and is not essential: it exits once the owner exists", () => {
    expect(Object.keys(containers)).toEqual([GHOST.containerName, BOOTSTRAP_CONTAINER]);
    expect(bootstrap.essential).toBe(false);
    expect(ghost.essential).toBe(true);
  });

  it("starts once Ghost has started, and reaches it on the task's loopback", () => {
    expect(bootstrap.dependsOn).toEqual([{ containerName: GHOST.containerName, condition: "START" }]);
  });

  it("runs as Ghost's user (1000:1000) on a read-only root filesystem, with no port and no mount", () => {
    expect(bootstrap.user).toBe("1000:1000");
    expect(bootstrap.readonlyRootFilesystem).toBe(true);
    expect(bootstrap.portMappings).toEqual([]);
    expect(bootstrap.mountPoints).toEqual([]);
  });

  it("is given no secret by ECS: it reads and writes its two with the task role", () => {
    expect(bootstrap.secrets).toEqual([]);
  });

  it("names in its environment the two secrets' ARNs, the owner's e-mail and name, and Ghost's own URL", () => {
    const cases = [
      { json: owned.json, prefix: "ghost-dev", owner: OWNER, site: /^http:\/\/\$\{aws_lb\..+\.dns_name\}$/ },
      {
        json: shipped.byEnvironment.prod.json,
        prefix: "ghost-prod",
        owner: "owner@example.com",
        site: /^https:\/\/blog\.example\.com$/,
      },
    ];
    for (const { json, prefix, owner, site } of cases) {
      const { [BOOTSTRAP_CONTAINER]: container, [GHOST.containerName]: ghost } = containersOf(json);
      const arns = secretArns(json, prefix);
      expect(environmentOf(container)).toMatchObject({
        BOOTSTRAP_OWNER_SECRET_ARN: arns.owner,
        BOOTSTRAP_INTEGRATION_SECRET_ARN: arns.integration,
        BOOTSTRAP_OWNER_EMAIL: owner,
        BOOTSTRAP_OWNER_NAME: "Site owner",
        BOOTSTRAP_SITE_URL: environmentOf(ghost).url,
      });
      expect(environmentOf(container).BOOTSTRAP_SITE_URL).toMatch(site);
    }
  });

  it("creates the owner at the first alert address when admin.ownerEmail is not set", () => {
    const { [BOOTSTRAP_CONTAINER]: container } = containersOf(shipped.byEnvironment.full.json);
    expect(environmentOf(container).BOOTSTRAP_OWNER_EMAIL).toBe(FULL_FEATURE_ENVIRONMENT.alerts!.emails![0]);
  });

  it("runs the bootstrap script with node -e in Ghost's upstream image, the script unchanged", () => {
    expect(bootstrap.command).toEqual(["node", "-e", BOOTSTRAP_SCRIPT]);
    expect(bootstrap.image).toBe(pullableImage(loadProject().environments[0].service.ghostImage));
  });

  it("logs to the task's log group, under the stream prefix ghost-bootstrap", () => {
    expect(bootstrap.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { ...ghost.logConfiguration.options, "awslogs-stream-prefix": "ghost-bootstrap" },
    });
  });

  it("is in CodeDeploy's task definition template (taskdef.json) exactly as in Terraform's task definition", () => {
    const template = JSON.parse(dev.json.output![TASK_DEFINITION_TEMPLATE_OUTPUT].value as string);
    expect(template.containerDefinitions.map((container: any) => container.name)).toEqual([
      GHOST.containerName,
      BOOTSTRAP_CONTAINER,
    ]);
    expect(template.containerDefinitions[1]).toEqual(bootstrap);
  });
});

describe("the bootstrap script", () => {
  it('holds no "${" nor "%{": Terraform would read either as its own template in the task definition', () => {
    expect(BOOTSTRAP_SCRIPT).not.toContain("${");
    expect(BOOTSTRAP_SCRIPT).not.toContain("%{");
  });

  it("is JavaScript that node accepts (node --check)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "owner-bootstrap-")), "bootstrap.cjs");
    fs.writeFileSync(file, BOOTSTRAP_SCRIPT);
    expect(() => execFileSync(process.execPath, ["--check", file], { stdio: "pipe" })).not.toThrow();
  });
});

describe("the ALB's refusal of Ghost's setup call", () => {
  const rules = swappedListenerRules(dev.json);

  it("is on both listeners CodeDeploy swaps, production and test, first among their rules (priorities 1 and 2)", () => {
    for (const { json } of [dev, shipped.byEnvironment.prod]) {
      const { production, test } = swappedListenerRules(json);
      expect(production.map((rule) => rule.priority).sort()).toEqual([1, 2]);
      expect(test.map((rule) => rule.priority).sort()).toEqual([1, 2]);
      expect(Object.keys(resourcesOfType(json, "aws_lb_listener_rule"))).toHaveLength(4);
    }
  });

  it("refuses POST to the setup call's path patterns, with a fixed 403", () => {
    for (const listenerRules of [rules.production, rules.test]) {
      const byPriority = [...listenerRules].sort((a, b) => a.priority - b.priority);
      expect(byPriority.map((rule) => rule.condition)).toEqual(
        SETUP_CALL_PATTERNS.map((patterns) => [
          { http_request_method: { values: ["POST"] } },
          { path_pattern: { values: patterns } },
        ]),
      );
      for (const rule of byPriority) {
        expect(rule.action).toEqual([
          {
            type: "fixed-response",
            fixed_response: { content_type: "text/plain", status_code: "403", message_body: SETUP_REFUSAL },
          },
        ]);
      }
    }
  });

  it("never forwards: a fixed response names no target group, so CodeDeploy's swaps leave the rules as they are", () => {
    for (const rule of [...rules.production, ...rules.test]) {
      expect(rule.action.map((action: { type: string }) => action.type)).toEqual(["fixed-response"]);
      expect(JSON.stringify(rule)).not.toContain("forward");
      expect(JSON.stringify(rule)).not.toContain("aws_lb_target_group");
    }
  });

  it("is in place before the service starts a task: the service depends on the four rules and on the bootstrap's policy", () => {
    const dependsOn: string[] = onlyResource(dev.json, "aws_ecs_service").depends_on;
    for (const id of Object.keys(resourcesOfType(dev.json, "aws_lb_listener_rule"))) {
      expect(dependsOn).toContain(`aws_lb_listener_rule.${id}`);
    }
    const policy = idWhere(dev.json, "aws_iam_role_policy", "name", "ghost-dev-ghost-bootstrap");
    expect(dependsOn).toContain(`aws_iam_role_policy.${policy}`);
  });

  it.each([
    "/ghost/api/admin/authentication/setup/",
    "/ghost/api/admin/authentication/setup",
    "/ghost/api/admin/AUTHENTICATION/SETUP/",
    "/ghost/api/v5.0/admin/authentication/setup/",
    "/ghost/api/admin/Authentication/Setup",
  ])("answers POST %s with 403 on both listeners (Ghost routes it to setup)", (route) => {
    for (const listenerRules of [rules.production, rules.test]) {
      expect(refusedByListenerRules(listenerRules, { method: "POST", path: route })).toEqual({
        statusCode: "403",
        contentType: "text/plain",
        messageBody: SETUP_REFUSAL,
      });
    }
  });

  it.each([
    "/ghost/api/admin/authentication/reset/",
    "/ghost/api/admin/session/",
    "/members/api/send-magic-link/",
    "/ghost/api/admin/posts/",
  ])("lets POST %s through to Ghost", (route) => {
    for (const listenerRules of [rules.production, rules.test]) {
      expect(refusedByListenerRules(listenerRules, { method: "POST", path: route })).toBeUndefined();
    }
  });

  it("lets GET of the setup path through: Ghost Admin asks there whether the site has an owner", () => {
    expect(
      refusedByListenerRules(rules.production, { method: "GET", path: "/ghost/api/admin/authentication/setup/" }),
    ).toBeUndefined();
  });
});

describe("ALB path patterns, as the test matcher reads them (support/alb-rules.ts)", () => {
  it("matches the whole path, every other character itself, case-sensitively", () => {
    expect(albPathMatches("/ghost/", "/ghost/")).toBe(true);
    expect(albPathMatches("/ghost/", "/ghost/api/")).toBe(false);
    expect(albPathMatches("/ghost/", "/x/ghost/")).toBe(false);
    expect(albPathMatches("/ghost/", "/Ghost/")).toBe(false);
  });

  it("reads * as any run of characters, '/' and none included", () => {
    expect(albPathMatches("*/setup", "/ghost/api/admin/setup")).toBe(true);
    expect(albPathMatches("/a*b", "/ab")).toBe(true);
    expect(albPathMatches("/a*", "/a/b/c")).toBe(true);
  });

  it("reads ? as exactly one character, '/' included", () => {
    expect(albPathMatches("/s????", "/setup")).toBe(true);
    expect(albPathMatches("/s????", "/set")).toBe(false);
    expect(albPathMatches("/s????", "/setups")).toBe(false);
    expect(albPathMatches("/a?b", "/a/b")).toBe(true);
  });

  it("evaluates rules by priority, conditions ANDed and the values of one ORed; undefined when none matches", () => {
    const fixed = (status: string) => [
      { type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: status } },
    ];
    const listenerRules = [
      {
        priority: 2,
        condition: [{ path_pattern: { values: ["/a", "/b"] } }],
        action: fixed("404"),
      },
      {
        priority: 1,
        condition: [{ http_request_method: { values: ["POST", "PUT"] } }, { path_pattern: { values: ["/a"] } }],
        action: fixed("403"),
      },
      { priority: 3, condition: [{ path_pattern: { values: ["/c"] } }], action: [{ type: "forward" }] },
    ];
    const status = (method: string, route: string) =>
      refusedByListenerRules(listenerRules, { method, path: route })?.statusCode;
    expect(status("PUT", "/a")).toBe("403");
    expect(status("GET", "/a")).toBe("404");
    expect(status("GET", "/b")).toBe("404");
    expect(status("POST", "/c")).toBeUndefined();
    expect(status("POST", "/d")).toBeUndefined();
  });
});

describe("staff device verification (Ghost's e-mailed sign-in codes)", () => {
  const configs = loadProject(PROJECT_UNDER_TEST).environments;

  it('is turned off (security__staffDeviceVerification "false") exactly when mail.mode is "none": nobody could sign in', () => {
    expect(configs.map((config) => config.mail.mode).sort()).toEqual(["none", "ses", "ses", "smtp"]);
    for (const config of configs) {
      const ghost = containersOf(shipped.byEnvironment[config.environment].json)[GHOST.containerName];
      const setting = environmentOf(ghost).security__staffDeviceVerification;
      expect({ mode: config.mail.mode, setting }).toEqual({
        mode: config.mail.mode,
        setting: config.mail.mode === "none" ? "false" : undefined,
      });
    }
  });
});

describe("the placeholder owner", () => {
  it("is warned about at synth: the default config creates the owner at owner@example.com", () => {
    expect(environmentOf(containersOf(dev.json)[BOOTSTRAP_CONTAINER]).BOOTSTRAP_OWNER_EMAIL).toBe("owner@example.com");
    expect(warningsOf(dev)).toContain(placeholderOwnerWarning("owner@example.com"));
  });

  it("is warned about whatever reserved domain the owner's address is at (here the first alert address)", () => {
    expect(warningsOf(shipped.byEnvironment.full)).toContain(placeholderOwnerWarning("ops@example.com"));
  });

  it("is not warned about when admin.ownerEmail is an address at a real-looking domain", () => {
    expect(warningsOf(owned).filter((warning) => warning.includes("admin.ownerEmail"))).toEqual([]);
  });
});
