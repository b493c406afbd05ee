/**
 * checkov (pinned in test-requirements.txt) over a plan (`terraform show -json`, framework
 * terraform_plan). A failed check is accepted only by a skip in checkov-skips.json, with a reason.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, venvBin } from "../../tools/python-env";

export interface Skip {
  readonly check: string;
  readonly resource: string;
  readonly stacks?: string[];
  readonly reason: string;
}
export const SKIPS: Skip[] = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "checkov-skips.json"), "utf8")).skips;

export interface Finding {
  readonly check: string;
  readonly resource: string;
  readonly name: string;
}

export interface Scan {
  readonly passed: number;
  /** Failed checks no skip accepts. */
  readonly failed: Finding[];
  /** Failed checks a skip accepts, with the skip. */
  readonly skipped: { finding: Finding; skip: Skip }[];
  /** Every check checkov evaluated, passed or failed. */
  readonly evaluated: Finding[];
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
const skipFor = (stack: string, finding: Finding): Skip | undefined =>
  SKIPS.find(
    (skip) =>
      skip.check === finding.check &&
      glob(skip.resource).test(finding.resource) &&
      (!skip.stacks || skip.stacks.includes(stack)),
  );

type CheckResult = { check_id: string; resource: string; check_name: string };
const finding = (check: CheckResult): Finding => ({
  check: check.check_id,
  resource: check.resource,
  name: check.check_name,
});

function checkov(venv: string, planFile: string): Promise<{ passed: Finding[]; failed: Finding[] }> {
  return new Promise((resolve, reject) => {
    // --skip-download: no calls to the vendor's platform (checks run offline). No --quiet: it drops
    // the passed checks from the report, which say what was evaluated.
    const args = ["-f", planFile, "--framework", "terraform_plan", "-o", "json", "--compact", "--skip-download"];
    const child = spawn(venvBin("checkov", venv), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      // Exit 1 means "failed checks"; anything else but 0 is checkov failing.
      if (code !== 0 && code !== 1)
        return reject(new Error(`checkov exited ${code}:\n${stderr}\n${stdout}`.slice(0, 8000)));
      const report = [JSON.parse(stdout)].flat()[0];
      resolve({
        passed: (report.results?.passed_checks ?? []).map(finding),
        failed: (report.results?.failed_checks ?? []).map(finding),
      });
    });
  });
}

/** Scans a plan (as `terraform show -json` prints it), written to `planFile` first. */
export async function scanPlan(venv: string, stack: string, plan: unknown, planFile: string): Promise<Scan> {
  fs.writeFileSync(planFile, JSON.stringify(plan));
  const { passed, failed } = await checkov(venv, planFile);
  const skipped = failed.flatMap((found) => {
    const skip = skipFor(stack, found);
    return skip ? [{ finding: found, skip }] : [];
  });
  return {
    passed: passed.length,
    failed: failed.filter((found) => !skipFor(stack, found)),
    skipped,
    evaluated: [...passed, ...failed],
  };
}

export const describeFindings = (findings: Finding[]): string =>
  findings.map((f) => `  ${f.check} ${f.resource}: ${f.name}`).join("\n");
