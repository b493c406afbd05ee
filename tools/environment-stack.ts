/**
 * The first steps of the commands that act on one environment (npm run deploy, npm run recover):
 * synthesize every stack into cdktf.out and name the environment's stack and its directory.
 * A recovery's import blocks wait in recovery/ (git-ignored) for the next deploy: a synth
 * rewrites the stack's directory.
 */
import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { environmentStackName, synthesizeOrExit } from "../src/app";
import { environmentNamed, loadProject } from "../src/config";
import { runGracefully } from "./graceful";

export interface EnvironmentStack {
  readonly stack: string;
  /** The synthesized stack's directory, where Terraform runs. */
  readonly dir: string;
  /** Where `npm run recover` leaves the import blocks for the next deploy. */
  readonly recoveryFile: string;
}

/** The commands' progress lines. */
export const say = (line: string): void => {
  process.stdout.write(`==> ${line}\n`);
};

export function synthesizeEnvironment(environment: string): EnvironmentStack {
  const project = loadProject();
  const stack = environmentStackName(project.project, environmentNamed(project, environment).environment);
  const outdir = path.resolve("cdktf.out");
  say(`synthesizing into ${outdir}`);
  synthesizeOrExit(new App({ outdir }));
  return {
    stack,
    dir: path.join(outdir, "stacks", stack),
    recoveryFile: path.resolve("recovery", `${stack}.imports.tf.json`),
  };
}

/** Whether a recovery's import blocks wait for this stack's deploy. */
export const hasRecovery = (target: EnvironmentStack): boolean => fs.existsSync(target.recoveryFile);

/** Runs terraform in `dir`, gracefully on Ctrl-C (then exits 130); throws unless it succeeds. */
export async function runTerraformOrExit(dir: string, args: string[]): Promise<void> {
  const { code, interruptedBy } = await runGracefully("terraform", [...args, "-input=false"], { cwd: dir });
  if (interruptedBy) {
    say(
      `interrupted by ${interruptedBy}: Terraform stopped after saving its state. To finish, run npm run recover -- ` +
        `<environment> (a create cut short can leave what the next apply would trip on), then deploy again`,
    );
    process.exit(130);
  }
  if (code !== 0) throw new Error(`terraform ${args[0]} failed (exit ${code})`);
}
