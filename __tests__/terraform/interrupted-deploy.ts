/**
 * A first deploy interrupted twice, then recovered (README: Recovery), acted out on an
 * environment stack before its real apply:
 * 1. Ctrl-C through the deploy command's runner (tools/graceful.ts) once some resources exist:
 *    Terraform must save what it created and release the lock.
 * 2. kill -9 of Terraform once some more exist, with its periodic state snapshots held back (the
 *    worst case: nothing of that apply reaches the state): orphans, and the lock left behind.
 * 3. The recovery (tools/recover.ts, the core of npm run recover) refuses while the lock is held
 *    and names it; the lock is force-unlocked as the README says, and the recovery finds the
 *    orphans. The caller's apply then runs with the import blocks it left in the stack's directory.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Emulator } from "../../tools/emulator";
const REGISTER = path.join(__dirname, "..", "..", "scripts", "register.js");
import { recoverStack, RecoveryResult } from "../../tools/recover";
import { terraformEnv } from "../../tools/terraform";
import { readStack, tfOk } from "./e2e";
import { TERRAFORM } from "./harness";

const WRAPPER = path.join(__dirname, "..", "support", "graceful-wrapper.ts");
/** Created resources before each interruption: enough to reach the network, the roles, the keys. */
const CREATED_BEFORE_CTRL_C = 12;
const CREATED_BEFORE_KILL = 25;

export interface Interruption {
  /** Addresses whose creation Terraform reported before it stopped. */
  readonly created: string[];
  /** The state's addresses once it stopped. */
  readonly inState: string[];
  /** The state's serial once it stopped: the number of times it was written. */
  readonly serial: number;
  /** Whether the state lock was still held once it stopped. */
  readonly lockHeld: boolean;
  readonly exit: { code: number; interruptedBy?: string };
}

export interface InterruptedDeploy {
  readonly ctrlC: Interruption;
  readonly kill: Interruption;
  /** The lock npm run recover named when it refused to run. */
  readonly refusedLock: string;
  readonly recovery: RecoveryResult;
  /** The state's addresses after the recovery (it takes out the entries AWS replaced). */
  readonly inState: string[];
  /** The lock ID the lock table held after the kill. */
  readonly lockId?: string;
}

const CREATED = /^(\S+): Creation complete after/gm;

/**
 * Runs the apply (through the graceful runner, or bare) and interrupts it once `after` resources
 * were created: one SIGINT to the runner (then a second, which must not reach Terraform), or
 * SIGKILL to Terraform's process group.
 */
function interruptedApply(
  dir: string,
  applyArgs: string[],
  after: number,
  how: "ctrl-c" | "kill",
): Promise<{ output: string; exit: { code: number; interruptedBy?: string } }> {
  const env = terraformEnv(TERRAFORM.cliConfigFile!, { TF_STATE_PERSIST_INTERVAL: "3600" });
  const [command, args] =
    how === "ctrl-c"
      ? [process.execPath, ["-r", REGISTER, WRAPPER, "terraform", ...applyArgs]]
      : ["terraform", applyArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    let signalled = false;
    const onOutput = (chunk: Buffer): void => {
      output += chunk;
      if (signalled || [...output.matchAll(CREATED)].length < after) return;
      signalled = true;
      if (how === "kill") process.kill(-child.pid!, "SIGKILL");
      else {
        child.kill("SIGINT");
        setTimeout(() => child.exitCode === null && child.kill("SIGINT"), 200);
      }
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      // Beside the other commands' output, for a failure's post-mortem.
      fs.appendFileSync(path.join(dir, "terraform.log"), `\n$ terraform apply (interrupted: ${how})\n${output}`);
      const result = output.match(/^RESULT (.*)$/m)?.[1];
      resolve({ output, exit: result ? JSON.parse(result) : { code: code ?? 1, interruptedBy: signal ?? undefined } });
    });
  });
}

const stateList = async (dir: string): Promise<string[]> =>
  (await tfOk(dir, ["state", "list"], "terraform state list")).split("\n").filter(Boolean);

async function lockItem(emulator: Emulator, dir: string): Promise<{ id?: string; held: boolean }> {
  const { bucket, key, region, dynamodb_table: table } = readStack(dir).terraform.backend.s3;
  const { Item } = await emulator.call(
    "dynamodb",
    "get_item",
    { TableName: table, Key: { LockID: { S: `${bucket}/${key}` } } },
    region,
  );
  const info = Item?.Info?.S;
  return { held: Boolean(info), id: info ? JSON.parse(info).ID : undefined };
}

async function interruption(
  emulator: Emulator,
  dir: string,
  applyArgs: string[],
  after: number,
  how: "ctrl-c" | "kill",
): Promise<Interruption & { lockId?: string }> {
  const { output, exit } = await interruptedApply(dir, applyArgs, after, how);
  const created = [...output.matchAll(CREATED)].map((match) => match[1]);
  const inState = await stateList(dir);
  const { serial } = JSON.parse(await tfOk(dir, ["state", "pull"], "terraform state pull"));
  const lock = await lockItem(emulator, dir);
  return { created, inState, serial, lockHeld: lock.held, lockId: lock.id, exit };
}

export async function interruptAndRecover(
  emulator: Emulator,
  dir: string,
  applyArgs: string[],
): Promise<InterruptedDeploy> {
  const args = ["apply", "-input=false", "-auto-approve", "-no-color", ...applyArgs];
  const ctrlC = await interruption(emulator, dir, args, CREATED_BEFORE_CTRL_C, "ctrl-c");
  const kill = await interruption(emulator, dir, args, CREATED_BEFORE_KILL, "kill");
  // As the README says: recover refuses while the lock is held; the lock is the killed deploy's.
  const env = terraformEnv(TERRAFORM.cliConfigFile!);
  const refused = await recoverStack(dir, env);
  if (!("locked" in refused)) throw new Error("npm run recover went ahead while the killed deploy's lock was held");
  await tfOk(dir, ["force-unlock", "-force", refused.locked.id], "terraform force-unlock");
  const recovery = await recoverStack(dir, env, (line) =>
    process.stdout.write(`${path.basename(dir)}: recover: ${line}\n`),
  );
  if ("locked" in recovery) throw new Error(`still locked after force-unlock: ${recovery.locked.id}`);
  // Every decision, for a failure's post-mortem.
  fs.writeFileSync(path.join(dir, "recovery-decisions.json"), JSON.stringify(recovery.recoveries, null, 2));
  return { ctrlC, kill, refusedLock: refused.locked.id, recovery, inState: await stateList(dir), lockId: kill.lockId };
}

type Call = (service: string, method: string, params: Record<string, unknown>) => Promise<any>;

/**
 * How many objects of each type the emulator holds for the stack's Project/Environment tags, for
 * the types AWS names by an id of its own: a second apply without the recovery makes them twice.
 */
const COUNTED: Readonly<Record<string, (call: Call, filters: object[]) => Promise<number>>> = {
  aws_vpc: async (call, Filters) => (await call("ec2", "describe_vpcs", { Filters })).Vpcs.length,
  aws_subnet: async (call, Filters) => (await call("ec2", "describe_subnets", { Filters })).Subnets.length,
  aws_security_group: async (call, Filters) => (await ownGroups(call, Filters)).length,
  aws_route_table: async (call, Filters) =>
    (await call("ec2", "describe_route_tables", { Filters })).RouteTables.length,
  aws_internet_gateway: async (call, Filters) =>
    (await call("ec2", "describe_internet_gateways", { Filters })).InternetGateways.length,
  aws_vpc_security_group_ingress_rule: async (call, Filters) => (await groupRules(call, Filters, false)).length,
  aws_vpc_security_group_egress_rule: async (call, Filters) => (await groupRules(call, Filters, true)).length,
  aws_flow_log: async (call, Filters) => (await call("ec2", "describe_flow_logs", { Filter: Filters })).FlowLogs.length,
  aws_kms_key: async (call, Filters) => {
    const wanted = Object.fromEntries(Filters.map((f: any) => [f.Name.slice("tag:".length), f.Values[0]]));
    let count = 0;
    for (const { KeyId } of (await call("kms", "list_keys", {})).Keys) {
      const { KeyMetadata } = await call("kms", "describe_key", { KeyId });
      if (KeyMetadata.KeyState === "PendingDeletion") continue;
      const { Tags } = await call("kms", "list_resource_tags", { KeyId });
      const tags = Object.fromEntries(Tags.map((tag: any) => [tag.TagKey, tag.TagValue]));
      if (Object.entries(wanted).every(([key, value]) => tags[key] === value)) count++;
    }
    return count;
  },
};

async function ownGroups(call: Call, Filters: object[]): Promise<{ GroupId: string }[]> {
  const { SecurityGroups } = await call("ec2", "describe_security_groups", { Filters });
  return SecurityGroups.filter((group: { GroupName: string }) => group.GroupName !== "default");
}

async function groupRules(call: Call, Filters: object[], egress: boolean): Promise<unknown[]> {
  const groups = (await ownGroups(call, Filters)).map((group) => group.GroupId);
  if (groups.length === 0) return [];
  const { SecurityGroupRules } = await call("ec2", "describe_security_group_rules", {
    Filters: [{ Name: "group-id", Values: groups }],
  });
  return SecurityGroupRules.filter((rule: { IsEgress: boolean }) => rule.IsEgress === egress);
}

/** The types the emulator holds more (or fewer) of than the state: "aws_vpc: 2 in the emulator, 1 in the state". */
export async function duplicatesInEmulator(
  emulator: Emulator,
  dir: string,
  resources: readonly { type: string }[],
): Promise<string[]> {
  const json = readStack(dir);
  const provider = json.provider.aws[0];
  const tags: Record<string, string> = provider.default_tags[0].tags;
  const filters = ["Project", "Environment"].map((key) => ({ Name: `tag:${key}`, Values: [tags[key]] }));
  const call: Call = (service, method, params) => emulator.call(service, method, params, provider.region);
  const found: string[] = [];
  const counts: typeof COUNTED = { ...COUNTED, aws_efs_file_system: () => fileSystemsOf(call, json) };
  for (const [type, count] of Object.entries(counts)) {
    const inState = resources.filter((resource) => resource.type === type).length;
    const inEmulator = await count(call, filters);
    if (inEmulator !== inState) found.push(`${type}: ${inEmulator} in the emulator, ${inState} in the state`);
  }
  return found;
}

/** EFS filters by creation token, not tags: the stack's own tokens. */
async function fileSystemsOf(call: Call, json: any): Promise<number> {
  const tokens = Object.values(json.resource.aws_efs_file_system ?? {}).map((system: any) => system.creation_token);
  const { FileSystems } = await call("efs", "describe_file_systems", {});
  return FileSystems.filter((system: { CreationToken: string }) => tokens.includes(system.CreationToken)).length;
}
