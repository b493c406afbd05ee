/**
 * Guards refactoring: `--save` writes the synthesized Terraform JSON of every stack (the shipped
 * environments, the full-feature one and the HTTPS-certificate one of the tests) to a baseline
 * directory; `--check` synthesizes again and fails on any byte that differs, naming the stack and
 * the first differing line. Code may move; the synthesized plans (and so every resource address)
 * may not.
 *
 *   npm run synth:snapshot -- --save      before a refactoring step
 *   npm run synth:snapshot -- --check     after it
 */
import * as fs from "fs";
import * as path from "path";
import { FULL_FEATURE_ENVIRONMENT, HTTPS_CERTIFICATE_ENVIRONMENT } from "../__tests__/fixtures";
import { synthesizeStacks, TEST_PROJECT, WORK_DIR } from "../__tests__/support/stacks";

const BASELINE = path.join(WORK_DIR, "synth-baseline");

function synthesizedFiles(name: string): Record<string, string> {
  const project = { ...TEST_PROJECT, environments: [...TEST_PROJECT.environments, HTTPS_CERTIFICATE_ENVIRONMENT] };
  if (!project.environments.includes(FULL_FEATURE_ENVIRONMENT))
    throw new Error("the full-feature environment is missing");
  const dirs = synthesizeStacks(name, { project });
  return Object.fromEntries(
    Object.entries(dirs).map(([stack, dir]) => [stack, fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")]),
  );
}

function firstDifference(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  - ${a[at] ?? "(end)"}\n  + ${b[at] ?? "(end)"}`;
}

function main(mode: string | undefined): number {
  if (mode === "--save") {
    fs.rmSync(BASELINE, { recursive: true, force: true });
    fs.mkdirSync(BASELINE, { recursive: true });
    for (const [stack, text] of Object.entries(synthesizedFiles("synth-snapshot")))
      fs.writeFileSync(path.join(BASELINE, `${stack}.tf.json`), text);
    process.stdout.write(
      `synth-snapshot: saved ${fs.readdirSync(BASELINE).length} stacks to ${path.relative(process.cwd(), BASELINE)}\n`,
    );
    return 0;
  }
  if (mode !== "--check") {
    process.stderr.write("usage: npm run synth:snapshot -- --save | --check\n");
    return 2;
  }
  if (!fs.existsSync(BASELINE)) {
    process.stderr.write("synth-snapshot: no baseline; run with --save first\n");
    return 2;
  }
  const now = synthesizedFiles("synth-snapshot");
  const saved = fs.readdirSync(BASELINE).map((file) => file.replace(/\.tf\.json$/, ""));
  const problems: string[] = [];
  for (const stack of new Set([...saved, ...Object.keys(now)])) {
    const before = saved.includes(stack) ? fs.readFileSync(path.join(BASELINE, `${stack}.tf.json`), "utf8") : undefined;
    const after = now[stack];
    if (before === undefined || after === undefined)
      problems.push(`${stack}: ${before === undefined ? "new" : "gone"}`);
    else if (before !== after) problems.push(`${stack}: differs at ${firstDifference(before, after)}`);
  }
  for (const problem of problems) process.stderr.write(`synth-snapshot: ${problem}\n`);
  process.stdout.write(
    `synth-snapshot: ${Object.keys(now).length - problems.length}/${Object.keys(now).length} stacks byte-identical\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv[2]);
