/**
 * Terraform tier 2: each environment stack initializes its real S3 backend and plans against
 * local stand-ins (s3rver for the state bucket, dynalite for the DynamoDB lock table), and a
 * held state lock makes a second plan fail.
 */
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import { loadProject } from "../../src/config";
import { terraformEnv } from "../../tools/terraform";
import { scanLockTable, startStateServers, StateServers } from "../../tools/state-servers";
import { stateKey } from "../../src/stacks/backend";
import { describeWithTerraform, expectSuccess, synthesizeStacks, terraform, TERRAFORM, TEST_PROJECT } from "./harness";

jest.setTimeout(300_000);

const { project, state, environments } = loadProject(TEST_PROJECT);
const environmentStacks = environments.map((environment) => `${project}-${environment.environment}`);

/** Resolves when `child`'s stdout contains `text`; rejects if it exits first or time runs out. */
function waitForOutput(child: ChildProcessWithoutNullStreams, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}":\n${output}`)), timeoutMs);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`terraform exited (${code}) before "${text}":\n${output}`));
    });
  });
}

describeWithTerraform("remote state: S3 backend + DynamoDB locking (s3rver, dynalite)", () => {
  let servers: StateServers | undefined;
  let stacks: Record<string, string> = {};

  beforeAll(async () => {
    servers = await startStateServers({ bucket: state.bucket, lockTable: state.lockTable });
    stacks = synthesizeStacks("remote-state", {
      project: TEST_PROJECT,
      local: {
        s3Endpoint: servers.s3Endpoint,
        dynamodbEndpoint: servers.dynamodbEndpoint,
        accessKey: "S3RVER",
        secretKey: "S3RVER",
      },
    });
  });

  afterAll(async () => {
    await servers?.stop();
  });

  for (const name of environmentStacks) {
    it(`${name} initializes its S3 backend and plans the whole environment`, async () => {
      const dir = stacks[name];
      const init = await terraform(dir, ["init", "-input=false", "-no-color"]);
      expectSuccess(init, `${name}: terraform init`);
      expect(init.stdout).toContain('Successfully configured the backend "s3"');
      const plan = await terraform(dir, ["plan", "-input=false", "-no-color", "-lock-timeout=10s"]);
      expectSuccess(plan, `${name}: terraform plan`);
      expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    });
  }

  it("refuses a second plan while another Terraform process holds the state lock", async () => {
    const name = environmentStacks[0];
    const dir = stacks[name];
    // `terraform apply` holds the lock while it waits for its confirmation prompt.
    const holder = spawn("terraform", ["apply", "-input=true", "-no-color", "-lock=true"], {
      cwd: dir,
      env: terraformEnv(TERRAFORM.cliConfigFile!, { TF_INPUT: "1" }),
    });
    try {
      await waitForOutput(holder, "Enter a value:", 180_000);

      const lockId = `${state.bucket}/${stateKey(project, environments[0].environment)}`;
      const items = await scanLockTable(servers!.dynamodbEndpoint, state.lockTable);
      const lock = items.find((item) => item.LockID?.S === lockId);
      expect(lock).toBeDefined();
      expect(lock!.Info?.S).toContain('"Operation":"OperationTypeApply"');

      const blocked = await terraform(dir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain("Error acquiring the state lock");
    } finally {
      const exited = new Promise((resolve) => holder.on("exit", resolve));
      holder.stdin.end("no\n");
      await exited;
    }
    const itemsAfter = await scanLockTable(servers!.dynamodbEndpoint, state.lockTable);
    expect(itemsAfter.filter((item) => !item.LockID?.S?.endsWith("-md5"))).toEqual([]);
  });
});
