/**
 * The security scan can fail: checkov over the plan of a copy of an environment stack with two
 * insecure settings that no skip accepts must flag both. The scans of the stacks themselves run in
 * the end-to-end tier, on the plans of the applied stacks, where every attribute is known
 * (policies and container definitions included): apply.test.ts.
 */
import * as path from "path";
import { LocalMode } from "../../src/stacks/local-mode";
import { ensurePythonEnv } from "../../tools/python-env";
import { synthesizeStacks, WORK_DIR } from "./harness";
import { describeWithPython, planJson, readStack, stackNames, tfOk, writeStackCopy } from "./e2e";
import { Scan, scanPlan } from "./checkov-scan";

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

/** Plans `dir` (its backend dropped: checkov reads the plan, not the state) and scans the plan. */
async function scan(venv: string, stack: string, dir: string): Promise<Scan> {
  const json = readStack(dir);
  delete json.terraform.backend;
  writeStackCopy(dir, json);
  await tfOk(dir, ["init", "-input=false"], `${stack}: terraform init`);
  const { plan } = await planJson(dir, ["-refresh=false"]);
  return scanPlan(venv, stack, plan, path.join(dir, "plan.json"));
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

describeWithPython("checkov security scan", () => {
  const { environments } = stackNames();
  let insecure: { scan: Promise<Scan>; rule: string; block: string };

  beforeAll(async () => {
    const venv = await ensurePythonEnv();
    const dirs = synthesizeStacks("checkov", {
      local: OFFLINE,
      stateStackStatePath: path.join(WORK_DIR, "checkov", "bootstrap.tfstate"),
    });
    insecure = insecureCopy(venv, environments[0], dirs[environments[0]]);
    insecure.scan.catch(() => undefined); // awaited by its test
  }, 10 * 60_000);

  it("fails a copy of an environment stack with SSH open to the world and public ACLs allowed", async () => {
    const failed = (await insecure.scan).failed.map((finding) => `${finding.check} ${finding.resource}`);
    expect(failed).toEqual(expect.arrayContaining([`CKV_AWS_24 ${insecure.rule}`, `CKV_AWS_53 ${insecure.block}`]));
  });
});
