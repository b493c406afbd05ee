/**
 * npm run recover -- <environment>
 *
 * After a deploy that was killed before Terraform saved its state (kill -9, a CI runner lost, a
 * second Ctrl-C): finds the environment's resources that exist in AWS but not in its state and
 * writes the Terraform `import` blocks that take them back (recovery/<stack>.imports.tf.json).
 * Each import is proved by a plan first. The next `npm run deploy -- <environment>` imports them
 * instead of failing on "already exists" or creating a second VPC, then removes the file.
 * It changes nothing in AWS. It refuses while the state is locked (a deploy may be running); in
 * the state, it only takes out tainted entries whose object the killed apply had replaced.
 */
import * as fs from "fs";
import * as path from "path";
import { runTerraformOrExit, say, synthesizeEnvironment } from "../tools/environment-stack";
import { Recovery } from "../tools/orphans";
import { IMPORTS_FILE, recoverStack } from "../tools/recover";

const USAGE = "usage: npm run recover -- <environment>";

function report(recoveries: Recovery[]): string[] {
  const lines: string[] = [];
  const of = <K extends Recovery["kind"]>(kind: K) =>
    recoveries.filter((recovery): recovery is Extract<Recovery, { kind: K }> => recovery.kind === kind);
  for (const recovery of of("import"))
    lines.push(
      `  import ${recovery.address} = ${recovery.id} (${recovery.source === "lookup" ? "found in AWS" : "by its name"})`,
    );
  lines.push(`${of("missing").length} not in AWS: the deploy creates them`);
  for (const recovery of of("missing")) lines.push(`  create ${recovery.address} (${recovery.why})`);
  for (const recovery of of("recreated")) lines.push(`  ${recovery.address}: created again safely (${recovery.why})`);
  for (const recovery of of("unknown")) lines.push(`  NOT RECOVERED ${recovery.address}: ${recovery.why}`);
  return lines;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith("-")) throw new Error(`${USAGE}\n(got: ${args.join(" ") || "nothing"})`);
  const target = synthesizeEnvironment(args[0]);
  say(`${target.stack}: terraform init`);
  await runTerraformOrExit(target.dir, ["init"]);
  say(`${target.stack}: looking for what AWS has and the state lacks`);
  const result = await recoverStack(target.dir, process.env, say);
  if ("locked" in result) {
    const { id, who } = result.locked;
    say(
      `the state is locked (lock ${id}${who ? `, by ${who}` : ""}): a deploy may still be running, and what it is ` +
        `creating is not lost. Once you are sure none is (the CI run cancelled, the terminal closed), unlock and run this again:\n` +
        `    terraform -chdir=${path.relative(process.cwd(), target.dir)} force-unlock ${id}`,
    );
    process.exit(2);
  }
  fs.mkdirSync(path.dirname(target.recoveryFile), { recursive: true });
  fs.renameSync(path.join(target.dir, IMPORTS_FILE), target.recoveryFile);
  for (const address of result.removedFromState)
    say(`taken out of the state: ${address} (tainted by an interrupted create; AWS has its replacement)`);
  say(`${target.stack}: ${result.imports.import.length} resource(s) to import (${result.summary})`);
  for (const line of report(result.recoveries)) process.stdout.write(`${line}\n`);
  say(`written: ${path.relative(process.cwd(), target.recoveryFile)}`);
  say(`next: npm run deploy -- ${args[0]}   (it imports these, then creates what is missing)`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`recover failed: ${error.message}\n`);
    process.exit(1);
  });
}
