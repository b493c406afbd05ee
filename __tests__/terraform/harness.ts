/**
 * Shared by the Terraform tiers: the real CLI with the AWS provider from an offline mirror,
 * stacks synthesized into a scratch directory, and the rule that a missing Terraform skips
 * locally (one clear line) but fails under CI=true.
 */
import * as fs from "fs";
import * as path from "path";
import { FULL_FEATURE_ENVIRONMENT } from "../fixtures";
import { synthesizeStacks, TEST_PROJECT, WORK_DIR } from "../support/stacks";
import { describeWithTool } from "../support/tiers";
import {
  findProviderMirror,
  runTerraform,
  terraformEnv,
  TerraformResult,
  terraformVersion,
  writeCliConfig,
} from "../../tools/terraform";

export { FULL_FEATURE_ENVIRONMENT, synthesizeStacks, TEST_PROJECT, WORK_DIR };

interface TerraformSetup {
  readonly available: boolean;
  readonly reason?: string;
  readonly cliConfigFile?: string;
}

/** The mirror found last time (searching the disk takes seconds), if it still holds the provider. */
const MIRROR_CACHE = path.join(WORK_DIR, "provider-mirror");

function locateMirror(): { mirror?: string; reason?: string } {
  if (!process.env.GHOST_TF_PROVIDER_MIRROR && fs.existsSync(MIRROR_CACHE)) {
    const cached = findProviderMirror({
      ...process.env,
      GHOST_TF_PROVIDER_MIRROR: fs.readFileSync(MIRROR_CACHE, "utf8"),
    });
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
  describeWithTool(
    name,
    {
      tier: "Terraform tier",
      requirement: "has the Terraform CLI and the hashicorp/aws provider mirror (required under CI)",
      unavailable: TERRAFORM.available ? undefined : TERRAFORM.reason,
    },
    body,
  );
}

/** Runs terraform with the offline CLI config; `extraEnv` adds variables. */
export function terraform(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  return runTerraform([...args], { cwd, env: terraformEnv(TERRAFORM.cliConfigFile!, extraEnv) });
}

/** Fails with terraform's own output when a command did not exit 0. */
export function expectSuccess(result: TerraformResult, what: string): void {
  if (result.code !== 0) {
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`.slice(0, 8000));
  }
}
