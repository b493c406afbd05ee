/** Synthesized stacks for the tiers that read or run them (Terraform and Ghost). */
import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { buildApp, BuildAppOptions } from "../../src/app";
import { ProjectInput } from "../../src/config";
import { PROJECT } from "../../src/config/environments";
import { FULL_FEATURE_ENVIRONMENT } from "../fixtures";

/** Scratch space of the tiers (git-ignored). */
export const WORK_DIR = path.resolve(__dirname, "..", "..", ".test-work");

/** The shipped environments plus the full-feature one. */
export const TEST_PROJECT: ProjectInput = {
  ...PROJECT,
  environments: [...PROJECT.environments, FULL_FEATURE_ENVIRONMENT],
};

/** Synthesizes every stack into `<WORK_DIR>/<name>`; returns the directory of each stack by name. */
export function synthesizeStacks(
  name: string,
  options: BuildAppOptions = { project: TEST_PROJECT },
): Record<string, string> {
  const outdir = path.join(WORK_DIR, name);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const { stateStack, environmentStacks } = buildApp(app, options);
  app.synth();
  const dirs: Record<string, string> = {};
  for (const stack of [stateStack, ...environmentStacks]) {
    dirs[stack.node.id] = path.join(outdir, "stacks", stack.node.id);
  }
  return dirs;
}
