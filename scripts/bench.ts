/**
 * npm run bench [-- --runs N]
 * Times what a developer waits for, N runs each (default 5), every run in a fresh child process:
 * synth of every stack four ways (compiled JS, the esbuild loader that cdktf.json uses, `cdktf synth`,
 * stock ts-node with type-checking), the unit-test tier, and `terraform plan` of each environment stack
 * against the local state stand-ins; then synth time for 1, 2, 4 and 8 environments. Prints the tables
 * and PASS/FAIL for the targets, writes bench-results.json, and exits 1 when a target fails.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ProjectInput } from "../src/config";

const ROOT = path.resolve(__dirname, "..");
const RESULTS_FILE = path.join(ROOT, "bench-results.json");
const SCALE_STEPS = [1, 2, 4, 8];
/** Targets: full synth from compiled JS at most this many seconds (median)… */
export const TARGET_COMPILED_SECONDS = 1.5;
/** …and at least this many times faster than the stock ts-node path. */
export const TARGET_TS_NODE_RATIO = 5;

// ---- pure helpers (unit-tested in __tests__/bench.test.ts) ----

export interface BenchOptions {
  readonly runs: number;
  /** Hidden: synthesize this many copies of the dev environment into `outdir`, then exit (a timed child). */
  readonly synthEnvironments?: number;
  readonly outdir?: string;
}

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} wants a positive integer, got "${value}"`);
  return number;
}

/** Parses `--runs N` (or `--runs=N`) and the hidden `--synth-environments N --outdir DIR`. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const args = argv.flatMap((arg) => (arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg]));
  let runs = 5;
  let synthEnvironments: number | undefined;
  let outdir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--runs") runs = positiveInteger(flag, value());
    else if (flag === "--synth-environments") synthEnvironments = positiveInteger(flag, value());
    else if (flag === "--outdir") outdir = value();
    else throw new Error(`unknown argument "${flag}" (usage: npm run bench -- [--runs N])`);
  }
  if (synthEnvironments !== undefined && outdir === undefined) throw new Error("--synth-environments needs --outdir");
  return { runs, synthEnvironments, outdir };
}

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** Seconds with two decimals. */
export function seconds(value: number): string {
  return value.toFixed(2);
}

/** A Markdown table with padded columns (readable in a terminal, pasteable into docs); "r" right-aligns a column. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("l" | "r")[] = [],
): string {
  const widths = headers.map((header, column) =>
    Math.max(3, header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => (align[column] === "r" ? (cells[column] ?? "").padStart(width) : (cells[column] ?? "").padEnd(width))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (align[column] === "r" ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** Number of resources in a synthesized cdk.tf.json. */
export function countResources(stack: { resource?: Record<string, Record<string, unknown>> }): number {
  return Object.values(stack.resource ?? {}).reduce((total, ofType) => total + Object.keys(ofType).length, 0);
}

/** `count` copies of the `template` environment (default dev), named e1..eN, each with its own VPC CIDR. */
export function scaledProject(base: ProjectInput, count: number, template = "dev"): ProjectInput {
  const source = base.environments.find((env) => env.environment === template) ?? base.environments[0];
  // Explicit subnet CIDRs belong to the template's VPC: let each copy cut its own.
  const { publicSubnetCidrs: _public, privateSubnetCidrs: _private, ...network } = source.network ?? {};
  return {
    ...base,
    environments: Array.from({ length: count }, (_, index) => ({
      ...source,
      environment: `e${index + 1}`,
      network: { ...network, vpcCidr: `10.${index + 1}.0.0/16` },
    })),
  };
}

/** Least-squares line y = intercept + slope·x and its r². */
export function linearFit(points: readonly (readonly [number, number])[]): {
  slope: number;
  intercept: number;
  r2: number;
} {
  const n = points.length;
  if (n < 2) throw new Error("a line needs two points");
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const syy = points.reduce((sum, [, y]) => sum + (y - meanY) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export interface TargetCheck {
  readonly pass: boolean;
  readonly line: string;
}

/** The two synth targets, from the medians of the compiled-JS and ts-node runs. */
export function checkTargets(compiledMedian: number, tsNodeMedian: number): TargetCheck[] {
  const ratio = tsNodeMedian / compiledMedian;
  return [
    {
      pass: compiledMedian <= TARGET_COMPILED_SECONDS,
      line: `full synth of all stacks from compiled JS: median ${seconds(compiledMedian)} s (target ≤ ${TARGET_COMPILED_SECONDS} s)`,
    },
    {
      pass: ratio >= TARGET_TS_NODE_RATIO,
      line: `compiled JS is ${ratio.toFixed(1)}× faster than ts-node with type-checking (target ≥ ${TARGET_TS_NODE_RATIO}×)`,
    },
  ];
}

// ---- measuring ----

interface Measurement {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly samples: number[];
  readonly stats: Stats;
  /** Runs whose command exited non-zero (allowed only for the unit-test tier, whose files may be mid-edit). */
  readonly failedRuns: number;
}

interface ChildCommand {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly allowFailure?: boolean;
}

const step = (message: string): void => {
  process.stdout.write(`==> ${message}\n`);
};

const display = (child: ChildCommand): string =>
  [child.command === process.execPath ? "node" : child.command, ...child.args].join(" ");

/** Runs a child to completion; returns whether it exited 0 (throws on failure unless allowed). */
function runChild(child: ChildCommand): boolean {
  const result = spawnSync(child.command, child.args, {
    cwd: ROOT,
    env: { ...process.env, ...child.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status === 0) return true;
  if (child.allowFailure) return false;
  throw new Error(`${display(child)} exited ${result.status}:\n${(result.stderr || result.stdout).slice(-4000)}`);
}

/** Times `runs` executions of `once` (`before` runs untimed ahead of each); `once` resolves false for a failed run. */
async function measure(
  id: string,
  label: string,
  command: string,
  runs: number,
  once: () => Promise<boolean> | boolean,
  before: () => void = () => undefined,
): Promise<Measurement> {
  step(`${label}: ${runs} run(s) of \`${command}\``);
  const samples: number[] = [];
  let failedRuns = 0;
  for (let run = 1; run <= runs; run++) {
    before();
    const start = process.hrtime.bigint();
    const ok = await once();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    samples.push(elapsed);
    if (!ok) failedRuns++;
    process.stdout.write(`    run ${run}/${runs}: ${seconds(elapsed)} s${ok ? "" : " (exited non-zero)"}\n`);
  }
  return { id, label, command, samples, stats: summarize(samples), failedRuns };
}

function measureChild(id: string, child: ChildCommand, runs: number, outdir?: string): Promise<Measurement> {
  const fresh = (): void => {
    if (!outdir) return;
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir, { recursive: true });
  };
  return measure(id, child.label, display(child), runs, () => runChild(child), fresh);
}

/** Stack name → resource count, from a synth output directory's manifest. */
function resourcesByStack(outdir: string): Record<string, number> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string }>;
  };
  return Object.fromEntries(
    Object.values(manifest.stacks).map((stack) => [
      stack.name,
      countResources(JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"))),
    ]),
  );
}

function sameStacks(expected: Record<string, number>, outdir: string, label: string): void {
  const got = Object.keys(resourcesByStack(outdir)).sort().join(", ");
  const want = Object.keys(expected).sort().join(", ");
  if (got !== want) throw new Error(`${label} synthesized [${got}], expected [${want}]`);
}

function machine(): Record<string, string | number> {
  // Loaded on demand (as below): the unit test imports only the pure helpers above.
  const { terraformVersion } = require("../tools/terraform") as typeof import("../tools/terraform");
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    node: process.version,
    terraform: terraformVersion() ?? "not on PATH",
  };
}

/** `terraform plan` of each environment stack in local mode; returns the measurements and each stack's plan summary. */
async function measurePlans(
  runs: number,
  workDir: string,
): Promise<{ measurements: Measurement[]; summaries: Record<string, string> }> {
  const { loadProject } = require("../src/config") as typeof import("../src/config");
  const { startStateServers } = require("../tools/state-servers") as typeof import("../tools/state-servers");
  const { localCliConfig, synthesizeLocal, terraformInit, terraformPlan } =
    require("../tools/plan") as typeof import("../tools/plan");
  const { terraformEnv } = require("../tools/terraform") as typeof import("../tools/terraform");

  const { cliConfigFile, mirror } = localCliConfig(workDir);
  step(
    mirror
      ? `terraform plan: provider hashicorp/aws from the mirror ${mirror}`
      : "terraform plan: no provider mirror found, Terraform downloads hashicorp/aws",
  );
  const { state } = loadProject();
  step("terraform plan: starting s3rver and dynalite (local S3 backend and DynamoDB locking)");
  const servers = await startStateServers({ bucket: state.bucket, lockTable: state.lockTable });
  try {
    const stacks = synthesizeLocal(workDir, servers);
    const env = terraformEnv(cliConfigFile);
    const measurements: Measurement[] = [];
    const summaries: Record<string, string> = {};
    for (const [stack, dir] of Object.entries(stacks)) {
      step(`${stack}: terraform init (untimed)`);
      await terraformInit(dir, env);
      const measurement = await measure(
        `plan:${stack}`,
        `terraform plan ${stack}`,
        "terraform plan -input=false",
        runs,
        async () => {
          summaries[stack] = await terraformPlan(dir, env);
          return true;
        },
      );
      measurements.push(measurement);
    }
    return { measurements, summaries };
  } finally {
    await servers.stop();
    step("terraform plan: stopped the local state backend");
  }
}

async function bench(runs: number): Promise<boolean> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ghost-bench-"));
  const out = (name: string): string => path.join(tmp, name);
  try {
    const info = machine();
    step(`machine: ${info.nproc} CPU(s) (${info.cpu}), ${info.memory}, node ${info.node}, ${info.terraform}`);

    const dist = out("dist");
    step(`compiling the app once: npx tsc -p tsconfig.json --outDir ${dist}`);
    const compileStart = process.hrtime.bigint();
    const compiled = runChild({
      label: "tsc",
      command: "npx",
      args: ["tsc", "-p", "tsconfig.json", "--outDir", dist],
      allowFailure: true,
    });
    const compileSeconds = Number(process.hrtime.bigint() - compileStart) / 1e9;
    if (!fs.existsSync(path.join(dist, "main.js"))) throw new Error("tsc wrote no main.js");
    step(`compiled in ${seconds(compileSeconds)} s${compiled ? "" : " (with type errors; JS emitted anyway)"}`);
    // The compiled tree lives outside the repository: resolve its packages from the repository's node_modules.
    const compiledEnv = { NODE_PATH: path.join(ROOT, "node_modules") };

    const synthCommands: { id: string; child: ChildCommand; outdir: string }[] = [
      {
        id: "synth:compiled",
        outdir: out("compiled"),
        child: {
          label: "synth, compiled JS",
          command: process.execPath,
          args: [path.join(dist, "main.js")],
          env: { ...compiledEnv, CDKTF_OUTDIR: out("compiled") },
        },
      },
      {
        id: "synth:esbuild",
        outdir: out("esbuild"),
        child: {
          label: "synth, esbuild loader (npm run synth)",
          command: process.execPath,
          args: ["-r", "./scripts/register.js", "main.ts"],
          env: { CDKTF_OUTDIR: out("esbuild") },
        },
      },
      {
        id: "synth:cdktf",
        outdir: out("cdktf"),
        child: {
          label: "synth, cdktf CLI",
          command: "npx",
          args: ["cdktf", "synth", "--output", out("cdktf")],
          env: { CHECKPOINT_DISABLE: "1" },
        },
      },
      {
        id: "synth:ts-node",
        outdir: out("ts-node"),
        child: {
          label: "synth, ts-node (type-checks)",
          command: "npx",
          args: ["ts-node", "main.ts"],
          env: { CDKTF_OUTDIR: out("ts-node") },
        },
      },
    ];
    const measurements: Measurement[] = [];
    let resources: Record<string, number> = {};
    for (const { id, child, outdir } of synthCommands) {
      measurements.push(await measureChild(id, child, runs, outdir));
      if (id === "synth:compiled") resources = resourcesByStack(outdir);
      else sameStacks(resources, outdir, child.label);
    }

    const unit = await measureChild(
      "unit-tests",
      {
        label: "unit tests (jest)",
        command: "npx",
        args: ["jest", "--testPathIgnorePatterns", "__tests__/terraform"],
        allowFailure: true,
      },
      runs,
    );
    measurements.push(unit);

    let planSummaries: Record<string, string> = {};
    let planSkipped: string | undefined;
    try {
      const plans = await measurePlans(runs, out("plan"));
      measurements.push(...plans.measurements);
      planSummaries = plans.summaries;
    } catch (error) {
      planSkipped = (error as Error).message.split("\n")[0];
      step(`terraform plan skipped: ${planSkipped}`);
    }

    const scaling: { environments: number; stacks: number; resources: number; stats: Stats; samples: number[] }[] = [];
    for (const count of SCALE_STEPS) {
      const outdir = out(`scale-${count}`);
      const child: ChildCommand = {
        label: `synth, compiled JS, ${count} environment(s)`,
        command: process.execPath,
        args: [path.join(dist, "scripts", "bench.js"), "--synth-environments", String(count), "--outdir", outdir],
        env: compiledEnv,
      };
      const measurement = await measureChild(`scale:${count}`, child, runs, outdir);
      const counts = Object.values(resourcesByStack(outdir));
      if (counts.length !== count + 1)
        throw new Error(`${count} environment(s) synthesized ${counts.length} stacks, expected ${count + 1}`);
      scaling.push({
        environments: count,
        stacks: counts.length,
        resources: counts.reduce((a, b) => a + b, 0),
        stats: measurement.stats,
        samples: measurement.samples,
      });
    }
    const fit = linearFit(scaling.map((row) => [row.environments, row.stats.median] as const));

    const row = (m: Measurement): string[] => [
      m.label,
      String(m.samples.length),
      seconds(m.stats.min),
      seconds(m.stats.median),
      seconds(m.stats.max),
    ];
    process.stdout.write(
      `\nTimes in seconds, ${runs} run(s) each (tsc compile, once: ${seconds(compileSeconds)} s)\n\n`,
    );
    process.stdout.write(
      `${markdownTable(["what", "runs", "min", "median", "max"], measurements.map(row), ["l", "r", "r", "r", "r"])}\n`,
    );
    if (unit.failedRuns > 0)
      process.stdout.write(`note: ${unit.failedRuns} unit-test run(s) exited non-zero (timed all the same)\n`);
    if (planSkipped) process.stdout.write(`note: terraform plan not measured: ${planSkipped}\n`);

    process.stdout.write("\nResources per stack\n\n");
    process.stdout.write(
      `${markdownTable(
        ["stack", "resources", "terraform plan"],
        Object.entries(resources).map(([stack, count]) => [stack, String(count), planSummaries[stack] ?? "-"]),
        ["l", "r", "l"],
      )}\n`,
    );

    process.stdout.write(
      "\nSynth time by number of environments (compiled JS; every stack, the bootstrap one included)\n\n",
    );
    process.stdout.write(
      `${markdownTable(
        ["environments", "stacks", "resources", "min", "median", "max"],
        scaling.map((s) => [
          String(s.environments),
          String(s.stacks),
          String(s.resources),
          seconds(s.stats.min),
          seconds(s.stats.median),
          seconds(s.stats.max),
        ]),
        ["r", "r", "r", "r", "r", "r"],
      )}\n`,
    );
    process.stdout.write(
      `fit: median ≈ ${seconds(fit.intercept)} s + ${seconds(fit.slope)} s × environments (r² = ${fit.r2.toFixed(3)})\n\n`,
    );

    const median = (id: string): number => measurements.find((m) => m.id === id)!.stats.median;
    const targets = checkTargets(median("synth:compiled"), median("synth:ts-node"));
    for (const target of targets) process.stdout.write(`${target.pass ? "PASS" : "FAIL"} ${target.line}\n`);

    const results = {
      date: new Date().toISOString(),
      runs,
      machine: info,
      compileSeconds,
      measurements,
      resources,
      planSummaries,
      planSkipped,
      scaling,
      fit,
      targets,
    };
    fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    step(`wrote ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`);
    return targets.every((target) => target.pass);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The hidden child mode: synthesize `count` copies of the dev environment (plus the bootstrap stack). */
function synthScaled(count: number, outdir: string): void {
  const { App } = require("cdktf") as typeof import("cdktf");
  const { buildApp } = require("../src/app") as typeof import("../src/app");
  const { PROJECT } = require("../src/config/environments") as typeof import("../src/config/environments");
  const app = new App({ outdir });
  buildApp(app, { project: scaledProject(PROJECT, count) });
  app.synth();
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.synthEnvironments !== undefined) return synthScaled(options.synthEnvironments, options.outdir!);
  const passed = await bench(options.runs);
  if (!passed) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.message}\n`);
    process.exit(1);
  });
}
