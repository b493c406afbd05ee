/**
 * The steps of a local Terraform plan, shared by scripts/plan-local.ts and scripts/bench.ts:
 * the offline CLI config, a synth in local mode against the state stand-ins, and
 * `terraform init` / `terraform plan` of one stack.
 */
import { App } from "cdktf";
import * as path from "path";
import { buildApp } from "../src/app";
import { ProjectInput } from "../src/config";
import { PlanForCheck } from "./plan-check";
import { StateServers } from "./state-servers";
import { findProviderMirror, runTerraform, TerraformResult, writeCliConfig } from "./terraform";

/**
 * Terraform CLI config for offline runs, written into `workDir`: the provider mirror's when one is found,
 * else the caller's TF_CLI_CONFIG_FILE ("" = Terraform's default, which downloads from the registry).
 */
export function localCliConfig(
  workDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { cliConfigFile: string; mirror?: string } {
  const { mirror } = findProviderMirror(env);
  return { cliConfigFile: mirror ? writeCliConfig(mirror, workDir) : (env.TF_CLI_CONFIG_FILE ?? ""), mirror };
}

/**
 * Synthesizes every stack in local mode (S3 backend and DynamoDB locking at `servers`) into
 * `<workDir>/cdktf.out`; returns the directory of each environment stack by stack name.
 */
export function synthesizeLocal(
  workDir: string,
  servers: Pick<StateServers, "s3Endpoint" | "dynamodbEndpoint">,
  project?: ProjectInput,
): Record<string, string> {
  const outdir = path.join(workDir, "cdktf.out");
  const app = new App({ outdir });
  const { environmentStacks } = buildApp(app, {
    project,
    local: {
      s3Endpoint: servers.s3Endpoint,
      dynamodbEndpoint: servers.dynamodbEndpoint,
      accessKey: "S3RVER",
      secretKey: "S3RVER",
    },
    stateStackStatePath: path.join(workDir, "ghost-state.tfstate"),
  });
  app.synth();
  return Object.fromEntries(
    environmentStacks.map((stack) => [stack.node.id, path.join(outdir, "stacks", stack.node.id)]),
  );
}

function check(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr}`);
  return result;
}

/**
 * `terraform init` in `dir`; throws with Terraform's error output when it fails. `-reconfigure`:
 * the local endpoints get new ports every run, and there is no state to migrate between them.
 */
export async function terraformInit(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  check(
    await runTerraform(["init", "-input=false", "-no-color", "-reconfigure"], { cwd: dir, env }),
    `terraform init in ${dir}`,
  );
}

/** `terraform plan` in `dir`; returns its summary line ("Plan: …" or "No changes. …"), throws when it fails. */
export async function terraformPlan(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = check(
    await runTerraform(["plan", "-input=false", "-no-color"], { cwd: dir, env }),
    `terraform plan in ${dir}`,
  );
  return planSummary(stdout);
}

function planSummary(stdout: string): string {
  return stdout.match(/^(Plan: .*|No changes\..*)$/m)?.[0] ?? "no summary found";
}

/** `terraform plan -out=tfplan` in `dir`: its summary line and the plan as `terraform show -json` prints it. */
export async function savedPlan(dir: string, env: NodeJS.ProcessEnv): Promise<{ summary: string; plan: PlanForCheck }> {
  const { stdout } = check(
    await runTerraform(["plan", "-input=false", "-no-color", "-out=tfplan"], { cwd: dir, env }),
    `terraform plan in ${dir}`,
  );
  const shown = check(await runTerraform(["show", "-json", "tfplan"], { cwd: dir, env }), `terraform show in ${dir}`);
  return {
    summary: planSummary(stdout),
    plan: JSON.parse(shown.stdout) as PlanForCheck,
  };
}
