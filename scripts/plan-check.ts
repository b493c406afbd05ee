/**
 * terraform show -json tfplan | npm run -s plan:check -- <stack> [--allow-replace]
 *
 * The plan check on its own, for a plan made elsewhere (the workflow's plan step): prints the
 * stateful resources the plan would replace or destroy and exits 1 unless --allow-replace.
 */
import * as fs from "fs";
import { checkPlan, parseCheckArgs } from "../tools/plan-check";

const USAGE = "usage: terraform show -json <plan> | npm run -s plan:check -- <stack> [--allow-replace]";
let args: { name: string; allowReplace: boolean };
try {
  args = parseCheckArgs(process.argv.slice(2), USAGE);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const { ok, report } = checkPlan(args.name, JSON.parse(fs.readFileSync(0, "utf8")), args.allowReplace);
process.stdout.write(`${report}\n`);
process.exit(ok ? 0 : 1);
