/**
 * The recovery of a stack after a killed deploy (npm run recover, scripts/recover.ts): finds
 * what exists in AWS but not in the stack's state, and proves each import with Terraform.
 *
 * Rounds: work out every id it can (tools/orphans.ts), plan with those imports, and learn from
 * the plan. An import AWS has no
 * object for is dropped (the apply creates it); an import that succeeds gives its attributes
 * (a cluster's ARN) to the resources that refer to it. It stops when a plan succeeds and the
 * next round would import nothing new.
 */
import * as fs from "fs";
import * as path from "path";
import { accountOf, awsLookups, revokeDefaultEgress } from "./aws-lookups";
import {
  Attributes,
  importBlocks,
  Lookup,
  partitionOf,
  Recovery,
  recoverResources,
  ResolvableStack,
  StackJson,
} from "./orphans";
import { runTerraform, TerraformResult } from "./terraform";

/** The import blocks' file, beside the stack's cdk.tf.json while Terraform reads it. */
export const IMPORTS_FILE = "recovery-imports.tf.json";
const MAX_ROUNDS = 6;

export interface RecoveryResult {
  readonly recoveries: Recovery[];
  /** The import blocks the last (successful) plan ran with. */
  readonly imports: ReturnType<typeof importBlocks>;
  /** The plan's summary ("Plan: 12 to import, …"). */
  readonly summary: string;
  readonly rounds: number;
  /** Tainted entries taken out of the state: AWS has their replacement, imported instead. */
  readonly removedFromState: string[];
  /** Tainted entries kept (and updated by the next apply) rather than destroyed and created again. */
  readonly untainted: string[];
  /** AWS's allow-all egress rules, which Terraform's create revokes, revoked on the imported groups. */
  readonly revokedDefaultEgress: string[];
}

export interface StateJson {
  readonly resources?: {
    mode: string;
    type: string;
    name: string;
    instances: { attributes: Attributes; status?: string }[];
  }[];
}

export interface StateEntry {
  readonly attributes: Attributes;
  /** Created by an apply that failed or was interrupted: Terraform replaces it. */
  readonly tainted: boolean;
}

/** Runs terraform in the stack's directory (the CLI config and credentials in `env`). */
type Terraform = (args: string[]) => Promise<TerraformResult>;

export function terraformIn(dir: string, env: NodeJS.ProcessEnv): Terraform {
  return (args) => runTerraform(args, { cwd: dir, env });
}

function expectOk(result: TerraformResult, what: string): TerraformResult {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  return result;
}

/** The managed resources of a state (`terraform state pull`), by address. */
export function stateEntries(state: StateJson): Map<string, StateEntry> {
  // A resource whose create was cut short can stay in the state with no instance: not in it.
  const managed = (state.resources ?? []).filter(
    (resource) => resource.mode === "managed" && resource.instances.length > 0,
  );
  return new Map(
    managed.map(({ type, name, instances: [instance] }) => [
      `${type}.${name}`,
      { attributes: instance.attributes, tainted: instance.status === "tainted" },
    ]),
  );
}

async function stateOf(terraform: Terraform): Promise<Map<string, StateEntry>> {
  const pulled = expectOk(await terraform(["state", "pull"]), "terraform state pull").stdout;
  return stateEntries((pulled.trim() ? JSON.parse(pulled) : {}) as StateJson);
}

/**
 * The imports that failed, from `plan -json` lines: AWS has no such object ("Cannot import
 * non-existent remote object", or the provider's own not-found error while reading it). Errors
 * that name no import are returned apart.
 */
export function failedImports(
  jsonLines: string,
  imports: readonly { to: string; id: string }[],
): { missing: string[]; errors: string[] } {
  const importing = new Set(imports.map((block) => block.to));
  const missing: string[] = [];
  const errors: string[] = [];
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as {
      "@level"?: string;
      diagnostic?: { summary?: string; detail?: string; address?: string };
    };
    if (message["@level"] !== "error" || !message.diagnostic) continue;
    const { summary = "", detail = "", address: named } = message.diagnostic;
    const address =
      detail.match(/import an existing object to "([^"]+)"/)?.[1] ?? named ?? readFailure(summary, imports);
    if (address && importing.has(address)) missing.push(address);
    else errors.push(`${summary}${detail ? `: ${detail}` : ""}`);
  }
  return { missing, errors };
}

/**
 * The import a provider's not-found error is about. "reading EFS Backup Policy (fs-1234): …
 * PolicyNotFound" names the id, and the resource in words (which pick the type when several
 * imports share the id); "No association found between route table ID rtb-1 and target ID
 * subnet-2" names every part of the id.
 */
function readFailure(summary: string, imports: readonly { to: string; id: string }[]): string | undefined {
  if (!/not ?found|does not exist|no \w+ found/i.test(summary)) return undefined;
  const read = summary.match(/^reading (.+?) \(([^)]+)\)/);
  if (read) {
    const words = read[1].toLowerCase().replace(/[^a-z0-9]+/g, "_");
    const sameId = imports.filter((block) => block.id === read[2]);
    const named = sameId.filter((block) => block.to.split(".")[0].endsWith(words));
    return (sameId.length === 1 ? sameId : named.length === 1 ? named : [])[0]?.to;
  }
  // The most specific: a route table's own import is named too, as one part of the association's.
  const parts = (block: { id: string }) => block.id.split(/[/:_|,]/);
  const named = imports.filter((block) => parts(block).every((part) => summary.includes(part)));
  const most = Math.max(...named.map((block) => parts(block).length));
  const specific = named.filter((block) => parts(block).length === most);
  return specific.length === 1 ? specific[0].to : undefined;
}

/** The lock's ID and holder, from the output of a command refused by it. */
export function lockHolder(output: string): { id: string; who?: string } | undefined {
  if (!/Error acquiring the state lock/.test(output)) return undefined;
  const id = output.match(/^\s*ID:\s*(\S+)/m)?.[1];
  return id ? { id, who: output.match(/^\s*Who:\s*(.+)$/m)?.[1]?.trim() } : undefined;
}

/**
 * The recovery of the stack synthesized in `dir` (after `terraform init`); leaves the import
 * blocks in `dir` (IMPORTS_FILE), where the next plan or apply in `dir` reads them.
 *
 * It refuses while the state is locked: a lock means a deploy may still be running, whose new
 * resources are not orphans; a dead deploy's lock is force-unlocked by hand first (README).
 * It takes out of the state what a killed deploy left stale: a tainted entry (a create that was
 * interrupted) whose object the killed apply had already replaced with the one AWS now has.
 */
export async function recoverStack(
  dir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => undefined,
): Promise<RecoveryResult | { locked: { id: string; who?: string } }> {
  const terraform = terraformIn(dir, env);
  const locked = await staleLock(terraform);
  if (locked) return { locked };
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as StackJson;
  const provider = json.provider?.aws?.[0] ?? {};
  const region = provider.region as string;
  const place = { account: await accountOf(provider), region, partition: partitionOf(region) };
  const resolvable = new ResolvableStack(json, () => undefined);
  const lookups = awsLookups((resource) => resolvable.providerOf(resourceJson(json, resource.address)));
  const before = await stateOf(terraform);
  const tainted = await taintedEntries(json, before, lookups);
  if (tainted.replaced.length > 0) {
    log(`taking out of the state what AWS replaced (tainted, interrupted creates): ${tainted.replaced.join(", ")}`);
    expectOk(await terraform(["state", "rm", ...tainted.replaced]), "terraform state rm");
  }
  for (const address of tainted.untaint) {
    log(`untainting ${address}: created just before the interruption, it is kept and updated`);
    expectOk(await terraform(["untaint", address]), `terraform untaint ${address}`);
  }
  // Read again only when the state changed (state rm, untaint).
  const changed = tainted.replaced.length + tainted.untaint.length > 0;
  const state = changed ? await stateOf(terraform) : before;
  const imported = new Map<string, Attributes>();
  const missing = new Set<string>();
  let previous: { blocks: string; summary: string } | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const recoveries = await recoverResources({
      stack: json,
      inState: new Set(state.keys()),
      known: (address) => state.get(address)?.attributes ?? imported.get(address),
      lookups,
      place,
      missing,
    });
    const imports = importBlocks(recoveries);
    const blocks = JSON.stringify(imports, null, 2);
    if (blocks === previous?.blocks) {
      const revoked = await revokeDefaultEgress(recoveries, json, provider);
      revoked.forEach((rule) => log(`revoked ${rule}`));
      return {
        recoveries,
        imports,
        summary: previous.summary,
        rounds: round - 1,
        removedFromState: tainted.replaced,
        untainted: tainted.untaint,
        revokedDefaultEgress: revoked,
      };
    }
    fs.writeFileSync(path.join(dir, IMPORTS_FILE), `${blocks}\n`);
    log(`round ${round}: planning ${imports.import.length} import(s)`);
    const plan = await terraform(["plan", "-input=false", "-json", "-out=recovery.tfplan"]);
    if (plan.code !== 0) {
      const { missing: absent, errors } = failedImports(plan.stdout, imports.import);
      if (absent.length === 0) throw new Error(`terraform plan with the imports failed:\n${errors.join("\n")}`);
      absent.forEach((address) => missing.add(address));
      log(`round ${round}: not in AWS (the deploy creates them): ${absent.join(", ")}`);
      continue;
    }
    const shown = JSON.parse(expectOk(await terraform(["show", "-json", "recovery.tfplan"]), "terraform show").stdout);
    for (const change of shown.resource_changes ?? []) {
      if (change.change?.importing) imported.set(change.address, change.change.before ?? {});
    }
    previous = { blocks, summary: planSummary(plan.stdout) };
  }
  throw new Error(`the recovery did not settle in ${MAX_ROUNDS} rounds of planning`);
}

/**
 * What to do with the tainted state entries (creates that were interrupted), which Terraform
 * would otherwise destroy and create again:
 * - `replaced`: the killed apply had already replaced the object: the lookup by configuration
 *   finds one object, with another id. Taken out of the state; the recovery imports the new one.
 * - `untaint`: every other one. The object was created moments before the interruption and is
 *   kept; the next apply updates it to the configuration. Destroying and creating it again
 *   under the same name would cut off what hangs on it (a cluster's capacity providers, a log
 *   group's metric filters), and fails for what is created before it is destroyed (the
 *   database parameter group). One AWS no longer has leaves the state at the next refresh.
 */
export async function taintedEntries(
  json: StackJson,
  state: ReadonlyMap<string, StateEntry>,
  lookups: Readonly<Record<string, Lookup>>,
): Promise<{ replaced: string[]; untaint: string[] }> {
  const stack = new ResolvableStack(json, (address) => state.get(address)?.attributes);
  const replaced: string[] = [];
  const untaint: string[] = [];
  for (const resource of stack.resources) {
    const entry = state.get(resource.address);
    if (!entry?.tainted) continue;
    const lookup = lookups[resource.type];
    const found = lookup && (await lookup(resource));
    if (typeof found === "object" && found.id !== entry.attributes.id) replaced.push(resource.address);
    else untaint.push(resource.address);
  }
  return { replaced, untaint };
}

function planSummary(jsonLines: string): string {
  for (const line of jsonLines.split("\n").reverse()) {
    if (line.includes('"type":"change_summary"')) return (JSON.parse(line) as { "@message": string })["@message"];
  }
  return "no summary";
}

function resourceJson(json: StackJson, address: string): Record<string, unknown> {
  const [type, name] = address.split(".");
  return json.resource?.[type]?.[name] ?? {};
}

/** A lock held (by a deploy running, or one killed): a plan that must take the lock fails at once. */
async function staleLock(terraform: Terraform): Promise<{ id: string; who?: string } | undefined> {
  const result = await terraform([
    "plan",
    "-input=false",
    "-no-color",
    "-refresh=false",
    "-lock-timeout=0s",
    "-target=terraform_data.none",
  ]);
  return lockHolder(result.stderr + result.stdout);
}
