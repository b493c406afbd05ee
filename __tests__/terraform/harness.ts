/**
 * Shared by the Terraform tiers: the real CLI with the AWS provider from an offline mirror,
 * stacks synthesized into a scratch directory, and the rule that a missing Terraform skips
 * locally (one clear line) but fails under CI=true.
 */
import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { buildApp, BuildAppOptions } from "../../src/app";
import { ProjectInput } from "../../src/config";
import { PROJECT } from "../../src/config/environments";
import { FULL_FEATURE_ENVIRONMENT } from "../fixtures";
import {
  findProviderMirror,
  runTerraform,
  terraformEnv,
  TerraformResult,
  terraformVersion,
  writeCliConfig,
} from "../../src/local/terraform";

export const WORK_DIR = path.resolve(__dirname, "..", "..", ".test-work");

export { FULL_FEATURE_ENVIRONMENT };

/** The shipped environments plus the full-feature one. */
export const TEST_PROJECT: ProjectInput = { ...PROJECT, environments: [...PROJECT.environments, FULL_FEATURE_ENVIRONMENT] };

interface TerraformSetup {
  readonly available: boolean;
  readonly reason?: string;
  readonly cliConfigFile?: string;
}

/** The mirror found last time (searching the disk takes seconds), if it still holds the provider. */
const MIRROR_CACHE = path.join(WORK_DIR, "provider-mirror");

function locateMirror(): { mirror?: string; reason?: string } {
  if (!process.env.GHOST_TF_PROVIDER_MIRROR && fs.existsSync(MIRROR_CACHE)) {
    const cached = findProviderMirror({ ...process.env, GHOST_TF_PROVIDER_MIRROR: fs.readFileSync(MIRROR_CACHE, "utf8") });
    if (cached.mirror) return cached;
  }
  const found = findProviderMirror();
  if (found.mirror) {
    fs.mkdirSync(WORK_DIR, { recursive: true });
    fs.writeFileSync(MIRROR_CACHE, found.mirror);
  }
  return found;
}

function prepare(): TerraformSetup {
  const version = terraformVersion();
  if (!version) return { available: false, reason: "the terraform CLI is not on PATH" };
  const { mirror, reason } = locateMirror();
  if (!mirror) return { available: false, reason };
  return { available: true, cliConfigFile: writeCliConfig(mirror, WORK_DIR) };
}

export const TERRAFORM = prepare();

/** `describe` that needs Terraform: skipped with one line locally, failing under CI when it is missing. */
export function describeWithTerraform(name: string, body: () => void): void {
  if (TERRAFORM.available) return describe(name, body);
  if (process.env.CI === "true" || process.env.CI === "1") {
    return describe(name, () => {
      it("has the Terraform CLI and the hashicorp/aws provider mirror (required under CI)", () => {
        throw new Error(`Terraform tier cannot run: ${TERRAFORM.reason}`);
      });
    });
  }
  process.stdout.write(`SKIPPED ${name}: ${TERRAFORM.reason} (under CI=true this fails instead)\n`);
  return describe.skip(name, body);
}

/** Runs terraform with the offline CLI config; `extraEnv` adds variables. */
export function terraform(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  return runTerraform([...args], { cwd, env: terraformEnv(TERRAFORM.cliConfigFile!, extraEnv) });
}

/** Synthesizes every stack into `<WORK_DIR>/<name>`; returns the directory of each stack by name. */
export function synthesizeStacks(name: string, options: BuildAppOptions = { project: TEST_PROJECT }): Record<string, string> {
  const outdir = path.join(WORK_DIR, name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const { stateStack, environmentStacks } = buildApp(app, options);
  app.synth();
  const dirs: Record<string, string> = {};
  for (const stack of [stateStack, ...environmentStacks]) {
    dirs[stack.node.id] = path.join(outdir, "stacks", stack.node.id);
  }
  return dirs;
}

/** Fails with terraform's own output when a command did not exit 0. */
export function expectSuccess(result: TerraformResult, what: string): void {
  if (result.code !== 0) {
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`.slice(0, 8000));
  }
}
