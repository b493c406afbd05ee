/**
 * terraform show -json tfplan | npm run -s plan:check -- <stack> [--allow-replace]
 *
 * The plan check on its own, for a plan made elsewhere (the workflow's plan step): prints the
 * stateful resources the plan would replace or destroy and exits 1 unless --allow-replace.
 */
import * as fs from "fs";
import { checkPlan } from "../tools/plan-check";

const args = process.argv.slice(2);
const stack = args.find((arg) => !arg.startsWith("--"));
if (!stack || args.some((arg) => arg.startsWith("--") && arg !== "--allow-replace")) {
  process.stderr.write("usage: terraform show -json <plan> | npm run -s plan:check -- <stack> [--allow-replace]\n");
  process.exit(2);
}
const { ok, report } = checkPlan(stack, JSON.parse(fs.readFileSync(0, "utf8")), args.includes("--allow-replace"));
process.stdout.write(`${report}\n`);
process.exit(ok ? 0 : 1);
