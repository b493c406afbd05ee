/**
 * Third-party security scan: checkov (pinned in test-requirements.txt) over each stack's plan
 * (`terraform show -json`, framework terraform_plan). Any failed check that checkov-skips.json
 * does not accept, with a reason, fails the test.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalMode } from "../../src/stacks/local-mode";
import { ensurePythonEnv, PROJECT_ROOT, venvBin } from "../../tools/python-env";
import { synthesizeStacks, WORK_DIR } from "./harness";
import { describeWithPython, planJson, readStack, stackNames, tfOk, writeStackCopy } from "./e2e";

jest.setTimeout(10 * 60_000);

/**
 * Plans need no AWS: local mode (dummy credentials, the skip_* flags) with endpoints nothing
 * listens on, -refresh=false and no state, so the provider makes no call.
 */
const OFFLINE: LocalMode = {
  s3Endpoint: "http://127.0.0.1:9",
  dynamodbEndpoint: "http://127.0.0.1:9",
  accessKey: "offline",
  secretKey: "offline",
};

interface Skip {
  readonly check: string;
  readonly resource: string;
  readonly stacks?: string[];
  readonly reason: string;
}
const SKIPS: Skip[] = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "checkov-skips.json"), "utf8")).skips;

interface Finding {
  readonly check: string;
  readonly resource: string;
  readonly name: string;
}
interface Scan {
  readonly passed: number;
  /** Failed checks no skip accepts. */
  readonly failed: Finding[];
  /** Failed checks a skip accepts, with the skip. */
  readonly skipped: { finding: Finding; skip: Skip }[];
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

function checkov(venv: string, planFile: string): Promise<{ passed: number; failed: Finding[] }> {
  return new Promise((resolve, reject) => {
    // --skip-download: no calls to the vendor's platform (checks run offline).
    const args = [
      "-f",
      planFile,
      "--framework",
      "terraform_plan",
      "-o",
      "json",
      "--quiet",
      "--compact",
      "--skip-download",
    ];
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
      const failed = (report.results?.failed_checks ?? []).map(
        (check: { check_id: string; resource: string; check_name: string }) => ({
          check: check.check_id,
          resource: check.resource,
          name: check.check_name,
        }),
      );
      resolve({ passed: report.summary?.passed ?? 0, failed });
    });
  });
}

/** Plans `dir` (its backend dropped: checkov reads the plan, not the state) and scans the plan. */
async function scan(venv: string, stack: string, dir: string): Promise<Scan> {
  const json = readStack(dir);
  delete json.terraform.backend;
  writeStackCopy(dir, json);
  await tfOk(dir, ["init", "-input=false"], `${stack}: terraform init`);
  const { plan } = await planJson(dir, ["-refresh=false"]);
  const planFile = path.join(dir, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify(plan));
  const { passed, failed } = await checkov(venv, planFile);
  const skipped = failed.flatMap((finding) => {
    const skip = skipFor(stack, finding);
    return skip ? [{ finding, skip }] : [];
  });
  return { passed, failed: failed.filter((finding) => !skipFor(stack, finding)), skipped };
}

/**
 * A copy of a stack with two insecure settings no skip accepts: its world-open ingress rule moved
 * to port 22, and a public-access block that lets public ACLs through.
 */
function insecureCopy(venv: string, stack: string, dir: string): { scan: Promise<Scan>; rule: string; block: string } {
  const json = readStack(dir);
  const [ruleName, rule] = Object.entries<Record<string, unknown>>(
    json.resource.aws_vpc_security_group_ingress_rule,
  ).find(([, config]) => config.cidr_ipv4 === "0.0.0.0/0")!;
  Object.assign(rule, { from_port: 22, to_port: 22 });
  const [blockName, block] = Object.entries<Record<string, unknown>>(
    json.resource.aws_s3_bucket_public_access_block,
  )[0];
  block.block_public_acls = false;
  const copy = writeStackCopy(path.join(WORK_DIR, "checkov-insecure"), json);
  return {
    scan: scan(venv, `${stack}-insecure`, copy),
    rule: `aws_vpc_security_group_ingress_rule.${ruleName}`,
    block: `aws_s3_bucket_public_access_block.${blockName}`,
  };
}

const describeFindings = (findings: Finding[]): string =>
  findings.map((f) => `  ${f.check} ${f.resource}: ${f.name}`).join("\n");

describeWithPython("checkov security scan of each stack's plan (terraform_plan)", () => {
  const { bootstrap, environments } = stackNames();
  const names = [bootstrap, ...environments];
  const scans = new Map<string, Promise<Scan>>();
  let insecure: { scan: Promise<Scan>; rule: string; block: string };

  beforeAll(async () => {
    const venv = await ensurePythonEnv();
    const dirs = synthesizeStacks("checkov", {
      local: OFFLINE,
      stateStackStatePath: path.join(WORK_DIR, "checkov", "bootstrap.tfstate"),
    });
    insecure = insecureCopy(venv, environments[0], dirs[environments[0]]);
    for (const name of names) scans.set(name, scan(venv, name, dirs[name]));
    // Each is awaited by its test.
    for (const result of [...scans.values(), insecure.scan]) result.catch(() => undefined);
  }, 10 * 60_000);

  for (const name of names) {
    it(`${name}: every failed check is accepted in checkov-skips.json`, async () => {
      const result = await scans.get(name)!;
      process.stdout.write(
        `checkov ${name}: passed ${result.passed}, failed ${result.failed.length}, skipped ${result.skipped.length}\n`,
      );
      if (result.failed.length) {
        throw new Error(
          `${name}: checkov failed checks not in checkov-skips.json:\n${describeFindings(result.failed)}`,
        );
      }
    });
  }

  it("has no skip that matches nothing (stale skips are removed)", async () => {
    const results = await Promise.all(
      names.map(async (name) => (await scans.get(name)!).skipped.map(({ skip }) => skip)),
    );
    const used = new Set(results.flat());
    expect(SKIPS.filter((skip) => !used.has(skip)).map((skip) => `${skip.check} ${skip.resource}`)).toEqual([]);
  });

  it("fails a copy of an environment stack with SSH open to the world and public ACLs allowed", async () => {
    const failed = (await insecure.scan).failed.map((finding) => `${finding.check} ${finding.resource}`);
    expect(failed).toEqual(expect.arrayContaining([`CKV_AWS_24 ${insecure.rule}`, `CKV_AWS_53 ${insecure.block}`]));
  });
});
