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
import * as fs from "fs";
import * as path from "path";
import { hasRecovery, runTerraformOrExit, say, synthesizeEnvironment } from "../tools/environment-stack";
import { IMPORTS_FILE } from "../tools/recover";
import { checkPlan, parseCheckArgs } from "../tools/plan-check";

export const USAGE = "usage: npm run deploy -- <environment> [--allow-replace]";
const LOCK_TIMEOUT = "-lock-timeout=10m";

export function parseDeployArgs(argv: string[]): { environment: string; allowReplace: boolean } {
  const { name, allowReplace } = parseCheckArgs(argv, USAGE);
  return { environment: name, allowReplace };
}

async function main(): Promise<void> {
  const { environment, allowReplace } = parseDeployArgs(process.argv.slice(2));
  const target = synthesizeEnvironment(environment);
  const { stack, dir } = target;
  const recovering = hasRecovery(target);
  const imports = path.join(dir, IMPORTS_FILE);
  fs.rmSync(imports, { force: true }); // an earlier recovery's, already applied
  if (recovering) {
    fs.copyFileSync(target.recoveryFile, imports);
    say(`${stack}: importing what npm run recover found (${path.relative(process.cwd(), target.recoveryFile)})`);
  }
  say(`${stack}: terraform init`);
  await runTerraformOrExit(dir, ["init"]);
  say(`${stack}: terraform plan`);
  await runTerraformOrExit(dir, ["plan", LOCK_TIMEOUT, "-out=tfplan"]);
  const plan = JSON.parse(execFileSync("terraform", ["show", "-json", "tfplan"], { cwd: dir, encoding: "utf8" }));
  const { ok, report } = checkPlan(stack, plan, allowReplace);
  say(report);
  if (!ok) process.exit(1);
  say(`${stack}: terraform apply of that plan`);
  await runTerraformOrExit(dir, ["apply", LOCK_TIMEOUT, "tfplan"]);
  if (recovering) {
    fs.rmSync(target.recoveryFile);
    fs.rmSync(imports);
    say(`${stack}: the recovered resources are in the state again; removed the import blocks`);
  }
  say(`${stack}: deployed`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`deploy failed: ${error.message}\n`);
    process.exit(1);
  });
}
