/**
 * Shared by the end-to-end tier (apply against moto) and the checkov scan: the Python gate, a
 * terraform runner with a time limit, plan JSON, the applicable resource set under the emulator's
 * gaps, and the classification of a re-plan's changes.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadProject, ProjectInput } from "../../src/config";
import { PROJECT } from "../../src/config/environments";
import { environmentStackName } from "../../src/app";
import { stateStackName } from "../../src/stacks/state-stack";
import { UNROUNDTRIPPED_ATTRIBUTES, UNSUPPORTED_RESOURCES } from "../support/emulator-gaps";
import { pythonUnavailableReason } from "../../tools/python-env";
import { terraformEnv, TerraformResult } from "../../tools/terraform";
import { describeWithTool } from "../support/tiers";
import { TERRAFORM } from "./harness";

const PYTHON_REASON = pythonUnavailableReason();

/** `describe` that needs Terraform and Python: skipped with one line locally, failing under CI. */
export function describeWithPython(name: string, body: () => void): void {
  describeWithTool(
    name,
    {
      tier: name,
      requirement: "has the Terraform CLI, the provider mirror and python3 with venv (required under CI)",
      unavailable: TERRAFORM.reason ?? PYTHON_REASON,
    },
    body,
  );
}

/** Stack names from the project configuration, known before anything is synthesized. */
export function stackNames(input: ProjectInput = PROJECT): { bootstrap: string; environments: string[] } {
  const project = loadProject(input);
  return {
    bootstrap: stateStackName(project.project),
    environments: project.environments.map((config) => environmentStackName(project.project, config.environment)),
  };
}

const running = new Set<ChildProcess>();

/** Kills every terraform this process still runs (with its provider plugins): afterAll calls it. */
export function killTerraform(): void {
  for (const child of running) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Runs terraform with the offline CLI config; interrupts it (then kills it) after `timeoutMs`.
 * The output is also appended to terraform.log in `cwd`.
 */
export function tf(
  cwd: string,
  args: string[],
  timeoutMs = 5 * 60_000,
): Promise<TerraformResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], {
      cwd,
      env: terraformEnv(TERRAFORM.cliConfigFile!),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: the provider plugins go with it
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const interrupt = setTimeout(() => {
      timedOut = true;
      child.kill("SIGINT"); // Terraform stops gracefully and saves state
      setTimeout(() => running.has(child) && process.kill(-child.pid!, "SIGKILL"), 30_000).unref();
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      clearTimeout(interrupt);
      // Every command's output, for a failure's post-mortem.
      fs.appendFileSync(
        path.join(cwd, "terraform.log"),
        `\n$ terraform ${args.join(" ").slice(0, 300)}\n(exit ${code})\n${stdout}${stderr}`,
      );
      resolve({ code: code ?? 1, stdout, stderr, timedOut });
    });
  });
}

/**
 * `terraform force-unlock` of the backend `cwd`'s configuration names. After a failed `init` the
 * directory's backend is still the one it had, so the unlock runs in a scratch directory that
 * holds only the configured backend.
 */
async function forceUnlock(cwd: string, args: string[], lockId: string): Promise<void> {
  if (args[0] !== "init") {
    await tf(cwd, ["force-unlock", "-force", lockId]);
    return;
  }
  const scratch = fs.mkdtempSync(path.join(cwd, ".unlock-"));
  try {
    const { backend } = readStack(cwd).terraform;
    fs.writeFileSync(path.join(scratch, "backend.tf.json"), JSON.stringify({ terraform: { backend } }));
    await tf(scratch, ["init", "-input=false"]);
    await tf(scratch, ["force-unlock", "-force", lockId]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `tf`, retried once after a stale state lock. The tiers run one command at a time per stack, so
 * a lock already held is the failed command's own: its lock PutItem went out twice (an SDK retry
 * under load) and the second found the first. The emulator's log has a line for each retry.
 */
async function tfLocked(
  cwd: string,
  args: string[],
  timeoutMs?: number,
): Promise<TerraformResult & { timedOut: boolean }> {
  const result = await tf(cwd, args, timeoutMs);
  const staleLock =
    result.code === 1 ? /Error acquiring the state lock[\s\S]*?ID:\s+([0-9a-f-]{36})/.exec(result.stderr) : null;
  if (!staleLock) return result;
  process.stdout.write(`terraform ${args[0]} in ${cwd}: stale state lock ${staleLock[1]} force-unlocked, retrying\n`);
  await forceUnlock(cwd, args, staleLock[1]);
  return tf(cwd, args, timeoutMs);
}

/** Runs terraform and throws with its output (and `hint` when it timed out) unless it exits 0. */
export async function tfOk(
  cwd: string,
  args: string[],
  what: string,
  options: { timeoutMs?: number; hint?: () => string } = {},
): Promise<string> {
  const result = await tfLocked(cwd, args, options.timeoutMs);
  if (result.code !== 0) {
    const timeout = result.timedOut
      ? `timed out after ${(options.timeoutMs ?? 300_000) / 1000} s; ${options.hint?.() ?? ""}\n`
      : "";
    throw new Error(
      `${what} failed (exit ${result.code}): ${timeout}${result.stderr}\n${result.stdout.slice(-4000)}`.slice(
        0,
        12_000,
      ),
    );
  }
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// Plan JSON (`terraform show -json`)
// ---------------------------------------------------------------------------------------------

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly change: {
    readonly actions: string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: (string | number)[][];
  };
}

interface ConfigResource {
  readonly address: string;
  readonly type: string;
  readonly expressions?: unknown;
  readonly depends_on?: string[];
}

export interface PlanJson {
  readonly resource_changes?: ResourceChange[];
  readonly configuration: { readonly root_module: { readonly resources?: ConfigResource[] } };
  readonly planned_values?: { readonly outputs?: Record<string, { value?: unknown }> };
}

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>;
}

/** `terraform plan -out` + `terraform show -json` of that plan. */
export async function planJson(
  dir: string,
  args: string[] = [],
  file = "tfplan",
): Promise<{ code: number; plan: PlanJson }> {
  const result = await tfLocked(dir, ["plan", "-input=false", "-detailed-exitcode", `-out=${file}`, ...args]);
  if (result.code === 1) throw new Error(`terraform plan in ${dir} failed:\n${result.stderr}`.slice(0, 8000));
  const shown = await tfOk(dir, ["show", "-json", file], `terraform show ${file}`);
  return { code: result.code, plan: JSON.parse(shown) };
}

/** Resources in the state, from `terraform show -json`. */
export async function stateResources(dir: string): Promise<StateResource[]> {
  const state = JSON.parse(await tfOk(dir, ["show", "-json"], "terraform show (state)"));
  return state.values?.root_module?.resources ?? [];
}

const configAddress = (address: string): string => address.replace(/\[[^\]]*\]$/, "");

function references(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => references(item, into));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "references" && Array.isArray(value)) value.forEach((ref) => into.add(String(ref)));
      else references(value, into);
    }
  }
}

export interface ApplicableSet {
  /** Managed resource instances in the plan. */
  readonly planned: string[];
  /** Those the emulator can apply: the -target set. */
  readonly applied: string[];
  /** Left out (config address) → why: the gap's reason, or "depends on <the unsupported resource>". */
  readonly excluded: Map<string, string>;
}

/**
 * What to apply against the emulator: every planned resource except the unsupported types and,
 * transitively, whatever refers to or depends on one (a -target would pull those in).
 */
export function applicableSet(plan: PlanJson, options: { bootstrap: boolean }): ApplicableSet {
  const gaps = new Map(
    UNSUPPORTED_RESOURCES.filter((gap) => options.bootstrap || !gap.bootstrapOnly).map((gap) => [gap.type, gap.reason]),
  );
  const dependencies = new Map<string, string[]>();
  for (const resource of plan.configuration.root_module.resources ?? []) {
    const refs = new Set<string>(resource.depends_on ?? []);
    references(resource.expressions, refs);
    const resourceRefs = [...refs]
      .map((ref) => /^[a-z0-9_]+\.[^.[]+/.exec(ref)?.[0])
      .filter((ref): ref is string => !!ref && !ref.startsWith("data."));
    dependencies.set(resource.address, resourceRefs);
  }
  const excluded = new Map<string, string>();
  for (const address of dependencies.keys()) {
    const reason = gaps.get(address.split(".")[0]);
    if (reason) excluded.set(address, reason);
  }
  const root = new Map([...excluded.keys()].map((address) => [address, address]));
  for (let grew = true; grew;) {
    grew = false;
    for (const [address, deps] of dependencies) {
      const blocker = deps.find((dep) => excluded.has(dep));
      if (!excluded.has(address) && blocker) {
        root.set(address, root.get(blocker)!);
        excluded.set(address, `depends on ${root.get(blocker)}`);
        grew = true;
      }
    }
  }
  const planned = (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => change.address);
  return { planned, applied: planned.filter((address) => !excluded.has(configAddress(address))), excluded };
}

export const targetArgs = (set: ApplicableSet): string[] => set.applied.map((address) => `-target=${address}`);

/** One line per stack: `coverage <stack>: <applied>/<planned> resources (...)`. */
export function coverageLine(stack: string, set: ApplicableSet): string {
  const direct = [...set.excluded]
    .filter(([, why]) => !why.startsWith("depends on "))
    .map(([address]) => address.split(".")[0]);
  const dependents = set.excluded.size - direct.length;
  const left = direct.length
    ? `; left out: ${[...new Set(direct)].join(", ")}${dependents ? ` and ${dependents} resources that depend on them` : ""}`
    : "";
  return `coverage ${stack}: ${set.applied.length}/${set.planned.length} resources applied${left}`;
}

// ---------------------------------------------------------------------------------------------
// Re-plan classification
// ---------------------------------------------------------------------------------------------

export interface PlannedChange {
  readonly address: string;
  readonly actions: string[];
  /** Top-level attributes that differ (or force the replacement). */
  readonly attributes: string[];
  /** `attribute: before -> after`, for the failure message. */
  readonly details: string[];
  /** The emulator gap that explains it, when one does. */
  readonly toleratedBecause?: string;
}

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && Object.keys(value).length === 0);
const same = (a: unknown, b: unknown): boolean => (isEmpty(a) && isEmpty(b)) || JSON.stringify(a) === JSON.stringify(b);
const short = (value: unknown): string => (JSON.stringify(value) ?? "null").slice(0, 200);

/** Every change in a plan, each tolerated only when all its attributes are known emulator drift. */
export function classifyChanges(plan: PlanJson): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const change of plan.resource_changes ?? []) {
    const { actions, before, after, after_unknown: unknown = {}, replace_paths: replacePaths = [] } = change.change;
    if (change.mode !== "managed" || actions.every((action) => action === "no-op" || action === "read")) continue;
    const replaced = actions.includes("delete") && actions.includes("create");
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    const attributes = [...keys].filter((key) =>
      unknown[key] === true ? !replaced : !same(before?.[key], after?.[key]),
    );
    for (const replacePath of replacePaths) attributes.push(String(replacePath[0]));
    const unique = [...new Set(attributes)].sort();
    const gap = UNROUNDTRIPPED_ATTRIBUTES.find((entry) => entry.type === change.type);
    const tolerated =
      unique.length > 0 && gap !== undefined && unique.every((attribute) => gap.attributes.includes(attribute));
    changes.push({
      address: change.address,
      actions,
      attributes: unique,
      details: unique.map(
        (key) =>
          `${key}: ${short(before?.[key])} -> ${unknown[key] === true ? "(known after apply)" : short(after?.[key])}`,
      ),
      toleratedBecause: tolerated ? gap!.reason : undefined,
    });
  }
  return changes;
}

export const describeChanges = (changes: PlannedChange[]): string =>
  changes
    .map(
      (change) =>
        `${change.address} (${change.actions.join("/")}):\n${change.details.map((line) => `    ${line}`).join("\n")}`,
    )
    .join("\n");

/** Writes `json` as the only configuration of a fresh directory (for altered copies of a stack). */
export function writeStackCopy(dir: string, json: unknown): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  return dir;
}

/** The one resource of `type` whose name ends with `suffix` (any name without one); throws otherwise. */
export function namedResource(resources: StateResource[], type: string, suffix = ""): StateResource {
  const found = resources.filter((r) => r.type === type && String(r.values.name ?? "").endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}`);
  return found[0];
}

export const readStack = (dir: string): any => JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
