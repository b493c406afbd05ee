// The users' CI: .github/workflows/terraform.yml (GitHub Actions) and ci/buildspec-plan.yml (CodeBuild).
// Structure from the parsed YAML; the inline scripts that list stacks are run against a fake synth output.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { environmentStackName } from "../src/app";
import { loadProject } from "../src/config";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_FILE = path.join(ROOT, ".github", "workflows", "terraform.yml");
const BUILDSPEC_FILE = path.join(ROOT, "ci", "buildspec-plan.yml");
const README_FILE = path.join(ROOT, "README.md");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string };
  env?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(fs.readFileSync(WORKFLOW_FILE, "utf8"));
const jobs: Record<string, Job> = workflow.jobs;
const project = loadProject();

/** Index of the only step matching `predicate` (fails when none or several match). */
function stepIndex(steps: Step[], predicate: (step: Step) => boolean, what: string): number {
  const matches = steps.flatMap((step, index) => (predicate(step) ? [index] : []));
  if (matches.length !== 1) throw new Error(`expected one step that ${what}, found ${matches.length}`);
  return matches[0];
}
const uses = (action: string) => (step: Step) => step.uses?.split("@")[0] === action;
const runs = (pattern: RegExp) => (step: Step) => pattern.test(step.run ?? "");

/** A fake `cdktf.out` with a local-state bootstrap stack and two S3-backed stacks of names no file hard-codes. */
function fakeSynthOutput(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-test-"));
  const stacks: Record<string, string> = { "acme-state": "local", "acme-qa": "s3", "acme-live": "s3" };
  const manifest: { stacks: Record<string, unknown> } = { stacks: {} };
  for (const [name, backend] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, "cdktf.out", "stacks", name), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"),
      JSON.stringify({ terraform: { backend: { [backend]: {} } } }),
    );
    manifest.stacks[name] = {
      name,
      synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
      workingDirectory: `stacks/${name}`,
    };
  }
  fs.writeFileSync(path.join(dir, "cdktf.out", "manifest.json"), JSON.stringify(manifest));
  return dir;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync("bash", ["-eo", "pipefail", "-c", script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

/** The `terraform [-chdir=...] plan ...` command lines of a script (comments left out). */
function terraformPlans(script: string): string[] {
  return script.split("\n").filter((line) => /^\s*terraform(\s+-chdir=\S+)?\s+plan\b/.test(line));
}

/** Commands that write or unlock state, or apply: none belongs where the plan role's credentials are. */
const STATE_WRITES =
  /\bterraform\b.*\s(apply|destroy|import|taint|untaint|force-unlock|state\s+(rm|mv|push|replace-provider)|workspace\s+(new|delete))\b|\bcdktf\s+(deploy|destroy)\b|\bnpm run (deploy|destroy)\b/;

/** Plans under the plan role read state only: no lock (so no lock-table or lock-file write), a refresh, a saved plan. */
function expectReadOnlyPlans(scripts: string[]) {
  const plans = scripts.flatMap(terraformPlans);
  expect(plans.length).toBeGreaterThan(0);
  for (const command of plans) {
    expect(command).toMatch(/\s-lock=false\b/);
    expect(command).not.toMatch(/-lock-timeout\b/);
    expect(command).not.toMatch(/\s-lock=true\b/);
    expect(command).toMatch(/\s-refresh=true\b/);
    expect(command).toMatch(/\s-input=false\b/);
    expect(command).toMatch(/\s-out=tfplan\b/);
  }
  for (const script of scripts) {
    for (const line of script.split("\n").filter((l) => !/^\s*#/.test(l))) expect(line).not.toMatch(STATE_WRITES);
  }
}

/** The IAM policy example in README's plan-role bullet (the first json block after "**plan role**"). */
function readmePlanRolePolicy(): { Statement: Record<string, unknown>[] } {
  const readme = fs.readFileSync(README_FILE, "utf8");
  const bullet = readme.indexOf("**plan role**");
  if (bullet < 0) throw new Error("README.md has no **plan role** bullet");
  const block = /```json\n([\s\S]*?)\n\s*```/.exec(readme.slice(bullet, readme.indexOf("**deploy role**", bullet)));
  if (!block) throw new Error("README.md's plan-role bullet has no json policy example");
  return JSON.parse(block[1]);
}

/** The flag's value in both jobs: set only by the dispatch input. */
const ALLOW_REPLACE = "${{ inputs.allow_replace && 'yes' || '' }}";

describe("GitHub Actions workflow", () => {
  const plan = jobs.plan;
  const deploy = jobs.deploy;

  it("runs on pull requests and pushes to main, and on demand", () => {
    expect(workflow.on.pull_request.branches).toEqual(["main"]);
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.on.workflow_dispatch).toBeDefined();
  });

  it("offers every declared environment as the dispatch choice", () => {
    const input = workflow.on.workflow_dispatch.inputs.environment;
    expect(input.type).toBe("choice");
    expect([...input.options].sort()).toEqual(project.environments.map((env) => env.environment).sort());
  });

  it("asks for an OIDC token, read access to the code and write access to pull requests, nothing more", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read", "pull-requests": "write" });
  });

  it("runs one workflow per ref at a time", () => {
    expect(workflow.concurrency.group).toContain("${{ github.ref }}");
  });

  it("pins every action by major version", () => {
    const all = Object.values(jobs).flatMap((job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : [])));
    expect(all.length).toBeGreaterThan(0);
    for (const action of all) expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  it("sets up Node 20 with the npm cache and Terraform 1.11 without the wrapper", () => {
    for (const job of [plan, deploy]) {
      expect(job.steps[stepIndex(job.steps, uses("actions/setup-node"), "sets up node")].with).toEqual({
        "node-version": 20,
        cache: "npm",
      });
      const terraform = job.steps[stepIndex(job.steps, uses("hashicorp/setup-terraform"), "sets up terraform")].with!;
      expect(String(terraform.terraform_version)).toMatch(/^1\.11\./);
      expect(terraform.terraform_wrapper).toBe(false);
    }
  });

  it("plans in order: checkout, npm ci, unit tests, synth, list stacks, AWS credentials, init and plan, upload", () => {
    const order = [
      stepIndex(plan.steps, uses("actions/checkout"), "checks out"),
      stepIndex(plan.steps, runs(/^npm ci\b/), "runs npm ci"),
      stepIndex(plan.steps, runs(/^npm run test:unit$/m), "runs the unit tests"),
      stepIndex(plan.steps, runs(/^(npm run synth|npx cdktf synth)$/m), "synthesizes"),
      stepIndex(plan.steps, runs(/cdktf\.out\/manifest\.json/), "lists the stacks"),
      stepIndex(plan.steps, uses("aws-actions/configure-aws-credentials"), "gets AWS credentials"),
      stepIndex(plan.steps, runs(/terraform .*\binit\b/), "runs terraform init"),
      stepIndex(plan.steps, uses("actions/upload-artifact"), "uploads the plans"),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("assumes the plan role from a repository variable through OIDC", () => {
    const credentials =
      plan.steps[stepIndex(plan.steps, uses("aws-actions/configure-aws-credentials"), "gets AWS credentials")];
    expect(credentials.with!["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(credentials.with!["aws-region"]).toBeDefined();
  });

  it("inits and saves a plan for every listed stack, naming none itself", () => {
    const step = plan.steps[stepIndex(plan.steps, runs(/terraform .*\bplan\b/), "runs terraform plan")];
    expect(step.run).toMatch(/for stack in \$STACKS/);
    expect(step.run).toMatch(/terraform -chdir="\$dir" init /);
    expect(step.run).toMatch(/terraform -chdir="\$dir" plan .*-out=/);
    expect(step.env!.STACKS).toBe("${{ steps.stacks.outputs.names }}");
    expect(JSON.stringify(workflow)).not.toMatch(/ghost-(dev|prod)/);
  });

  it("plans read-only on state under the plan role: -lock=false, no lock timeout, nothing that writes state", () => {
    expectReadOnlyPlans(plan.steps.map((step) => step.run ?? ""));
  });

  it("lists the stacks with an S3 backend from the synth manifest", () => {
    const step = plan.steps[stepIndex(plan.steps, (s) => s.id === "stacks", "has id stacks")];
    const dir = fakeSynthOutput();
    const output = path.join(dir, "github-output");
    const result = bash(step.run!, dir, { GITHUB_OUTPUT: output });
    expect(result.stderr).toBe("");
    expect(fs.readFileSync(output, "utf8")).toBe("names=acme-qa acme-live\n");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("uploads the plans as an artifact, also after a failed plan", () => {
    const upload = plan.steps[stepIndex(plan.steps, uses("actions/upload-artifact"), "uploads")];
    expect(upload.with!.path).toBe("plans/");
    expect(upload.if).toBe("${{ !cancelled() }}");
  });

  it("writes a summary of every plan to the run summary", () => {
    const summary = plan.steps.find(
      (step) => /\$GITHUB_STEP_SUMMARY/.test(step.run ?? "") && /\$STACKS/.test(step.run ?? ""),
    );
    expect(summary?.run).toMatch(/Plan:\|No changes/);
  });

  it("passes expressions to scripts through env, never inline (no script injection)", () => {
    for (const job of Object.values(jobs)) for (const step of job.steps) expect(step.run ?? "").not.toContain("${{");
  });

  it("deploys after the plan job, only on a push to main or on demand", () => {
    expect([deploy.needs].flat()).toContain("plan");
    expect(deploy.if).toContain("github.event_name == 'workflow_dispatch'");
    expect(deploy.if).toContain("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it("deploys behind the chosen GitHub environment, where the required reviewers live", () => {
    const environment = typeof deploy.environment === "string" ? deploy.environment : deploy.environment?.name;
    expect(environment).toMatch(/^\$\{\{ inputs\.environment \|\| /);
    expect(deploy.env!.DEPLOY_ENVIRONMENT).toBe(environment);
    expect(deploy.concurrency?.group).toContain("inputs.environment");
  });

  it("deploys with its own role and without write access to pull requests", () => {
    const credentials =
      deploy.steps[stepIndex(deploy.steps, uses("aws-actions/configure-aws-credentials"), "gets AWS credentials")];
    expect(credentials.with!["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(deploy.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("runs npm run deploy (plan check, graceful stop) of the resolved environment, after the credentials", () => {
    const stack = stepIndex(deploy.steps, (s) => s.id === "stack", "resolves the stack");
    const credentials = stepIndex(deploy.steps, uses("aws-actions/configure-aws-credentials"), "gets AWS credentials");
    const apply = stepIndex(
      deploy.steps,
      runs(/^npm run deploy -- "\$DEPLOY_ENVIRONMENT" \$\{ALLOW_REPLACE:\+--allow-replace\}$/m),
      "deploys",
    );
    expect(stack).toBeLessThan(apply);
    expect(credentials).toBeLessThan(apply);
    expect(deploy.steps[apply].env!.ALLOW_REPLACE).toBe(ALLOW_REPLACE);
    expect(JSON.stringify(workflow)).not.toContain("cdktf deploy");
  });

  it("checks every plan for stateful resources it replaces or destroys, failing the job after planning them all", () => {
    const step = plan.steps[stepIndex(plan.steps, runs(/terraform .*\bplan\b/), "runs terraform plan")];
    expect(step.run).toContain(
      'terraform -chdir="$dir" show -json tfplan | npm run -s plan:check -- "$stack" ${ALLOW_REPLACE:+--allow-replace}',
    );
    expect(step.run).toMatch(/refused="\$refused \$stack"[\s\S]*done\n\s*if \[ -n "\$refused" \]; then[\s\S]*exit 1/);
    expect(step.env!.ALLOW_REPLACE).toBe(ALLOW_REPLACE);
  });

  it("lets only a run started by hand confirm a replacement (allow_replace, off by default)", () => {
    expect(workflow.on.workflow_dispatch.inputs.allow_replace).toMatchObject({ type: "boolean", default: false });
  });

  it("resolves an environment to its stack name and refuses an undeclared one", () => {
    const step = deploy.steps[stepIndex(deploy.steps, (s) => s.id === "stack", "resolves the stack")];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-test-"));
    const output = path.join(dir, "github-output");
    const environment = project.environments[0].environment;
    expect(bash(step.run!, ROOT, { GITHUB_OUTPUT: output, DEPLOY_ENVIRONMENT: environment }).status).toBe(0);
    expect(fs.readFileSync(output, "utf8")).toBe(`name=${environmentStackName(project.project, environment)}\n`);
    const unknown = bash(step.run!, ROOT, { GITHUB_OUTPUT: output, DEPLOY_ENVIRONMENT: "nope" });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('unknown environment "nope"');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const actionlint = spawnSync("actionlint", ["-version"], { encoding: "utf8" });
  if (actionlint.error) process.stdout.write("actionlint is not on PATH: the workflow's actionlint check is skipped\n");
  (actionlint.error ? it.skip : it)("passes actionlint", () => {
    const result = spawnSync("actionlint", ["-no-color", WORKFLOW_FILE], { cwd: ROOT, encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("CodeBuild buildspec", () => {
  const buildspec = parse(fs.readFileSync(BUILDSPEC_FILE, "utf8"));
  const phases = ["install", "pre_build", "build", "post_build"];
  const commands: string[] = phases.flatMap((phase) => buildspec.phases[phase]?.commands ?? []);
  const position = (pattern: RegExp, what: string): number => {
    const index = commands.findIndex((command) => pattern.test(command));
    if (index < 0) throw new Error(`no command ${what}`);
    return index;
  };

  it("is a version 0.2 buildspec on the Node.js 20 runtime", () => {
    expect(String(buildspec.version)).toBe("0.2");
    expect(buildspec.phases.install["runtime-versions"]).toEqual({ nodejs: 20 });
  });

  it("installs a pinned Terraform and checks its checksum", () => {
    expect(buildspec.env.variables.TERRAFORM_VERSION).toMatch(/^1\.\d+\.\d+$/);
    const install = commands[position(/releases\.hashicorp\.com/, "downloads terraform")];
    expect(install).toContain("${TERRAFORM_VERSION}");
    expect(install).toMatch(/sha256sum -c/);
  });

  it("runs npm ci, the unit tests, synth, then terraform init and plan, in that order", () => {
    const order = [
      position(/^npm ci\b/, "runs npm ci"),
      position(/^npm run test:unit$/, "runs the unit tests"),
      position(/^(npm run synth|npx cdktf synth)$/, "synthesizes"),
      position(/cdktf\.out\/manifest\.json/, "lists the stacks"),
      position(/terraform .*\binit\b[\s\S]*terraform .*\bplan\b.*-out=/, "inits and plans"),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("lists the stacks with an S3 backend from the synth manifest", () => {
    const dir = fakeSynthOutput();
    const result = bash(
      `${commands[position(/cdktf\.out\/manifest\.json/, "lists the stacks")]}\nprintf '%s' "$STACKS"`,
      dir,
    );
    expect(result.stdout.split("\n").pop()).toBe("acme-qa acme-live");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("plans read-only on state: -lock=false, no lock timeout, nothing that writes state", () => {
    expectReadOnlyPlans(commands);
  });

  it("keeps the plans as the build's artifacts", () => {
    expect(buildspec.artifacts["base-directory"]).toBe("plans");
    expect(buildspec.artifacts.files).toEqual(["**/*"]);
    expect(commands[position(/terraform .*\bplan\b/, "plans")]).toMatch(/plans\/\$stack/);
  });
});

describe("README plan role", () => {
  const policy = readmePlanRolePolicy();
  const statements = policy.Statement;
  const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);

  it("is a valid policy of Allow statements with explicit actions", () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.NotAction).toBeUndefined();
      expect(statement.Action).toBeDefined();
    }
  });

  it("reads the state (s3:GetObject on the project's prefix, s3:ListBucket on the bucket)", () => {
    const resourcesOf = (action: string) =>
      statements.filter((statement) => [statement.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());
    expect(resourcesOf("s3:GetObject")).toEqual(["arn:aws:s3:::<bucket>/<project>/*"]);
    expect(resourcesOf("s3:ListBucket")).toEqual(["arn:aws:s3:::<bucket>"]);
  });

  it("cannot write, delete or lock state: no s3:Put*, s3:Delete*, dynamodb:* or wildcard action", () => {
    for (const action of actions) {
      expect(action).not.toMatch(/^s3:(Put|Delete)/i);
      expect(action).not.toMatch(/^dynamodb:/i);
      expect(action).not.toContain("*");
    }
  });
});
