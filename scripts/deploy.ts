/**
 * npm run deploy -- <environment> [--allow-replace]
 *
 * The documented way to deploy an environment: synth, `terraform init`, a plan saved to a file
 * (waiting up to 10 minutes for the state lock), the plan check (it refuses a plan that would
 * replace or destroy a stateful resource unless --allow-replace confirms it), then the apply of
 * exactly that plan. Ctrl-C, SIGTERM and a CI cancel stop Terraform gracefully: it finishes the
 * calls in flight, saves the state and releases the lock (tools/graceful.ts).
 */
import { execFileSync } from "child_process";
import { App } from "cdktf";
import * as path from "path";
import { environmentStackName, synthesizeOrExit } from "../src/app";
import { environmentNamed, loadProject } from "../src/config";
import { runGracefully } from "../tools/graceful";
import { checkPlan, parseCheckArgs } from "../tools/plan-check";

export const USAGE = "usage: npm run deploy -- <environment> [--allow-replace]";
const LOCK_TIMEOUT = "-lock-timeout=10m";

export function parseDeployArgs(argv: string[]): { environment: string; allowReplace: boolean } {
  const { name, allowReplace } = parseCheckArgs(argv, USAGE);
  return { environment: name, allowReplace };
}

const say = (line: string) => process.stdout.write(`==> ${line}\n`);

async function terraform(dir: string, args: string[]): Promise<void> {
  const { code, interruptedBy } = await runGracefully("terraform", [...args, "-input=false"], { cwd: dir });
  if (interruptedBy) {
    say(
      `interrupted by ${interruptedBy}: Terraform stopped after saving its state; run the same deploy again to finish`,
    );
    process.exit(130);
  }
  if (code !== 0) throw new Error(`terraform ${args[0]} failed (exit ${code})`);
}

async function main(): Promise<void> {
  const { environment, allowReplace } = parseDeployArgs(process.argv.slice(2));
  const project = loadProject();
  const stack = environmentStackName(project.project, environmentNamed(project, environment).environment);
  const outdir = path.resolve("cdktf.out");
  say(`synthesizing into ${outdir}`);
  const app = new App({ outdir });
  synthesizeOrExit(app);
  const dir = path.join(outdir, "stacks", stack);
  say(`${stack}: terraform init`);
  await terraform(dir, ["init"]);
  say(`${stack}: terraform plan`);
  await terraform(dir, ["plan", LOCK_TIMEOUT, "-out=tfplan"]);
  const plan = JSON.parse(execFileSync("terraform", ["show", "-json", "tfplan"], { cwd: dir, encoding: "utf8" }));
  const { ok, report } = checkPlan(stack, plan, allowReplace);
  say(report);
  if (!ok) process.exit(1);
  say(`${stack}: terraform apply of that plan`);
  await terraform(dir, ["apply", LOCK_TIMEOUT, "tfplan"]);
  say(`${stack}: deployed`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`deploy failed: ${error.message}\n`);
    process.exit(1);
  });
}
