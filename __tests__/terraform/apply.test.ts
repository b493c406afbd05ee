/**
 * End-to-end tier: every stack applied to moto (the AWS API emulator, started here), in
 * dependency order (the bootstrap stack, then the environment stacks in parallel, their state
 * in moto's S3 with locks in moto's DynamoDB), outputs read back, apply-only facts checked, a
 * second plan that must show no changes, then destroy. Resource types moto cannot apply are
 * listed in __tests__/support/emulator-gaps.ts; they (and what depends on them) are left out with
 * -target, and the coverage is printed.
 */
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "../../tools/emulator";
import { withEmulatorZones } from "../../tools/emulator-project";
import { teardownSettings } from "../../tools/teardown-settings";
import { GhostEnvironmentInput, loadProject, ProjectInput } from "../../src/config";
import { environmentStackName } from "../../src/app";
import { EMULATOR_PATCHES, UNDELETABLE_RESOURCES } from "../support/emulator-gaps";
import { once } from "../support/tiers";
import { ensurePythonEnv } from "../../tools/python-env";
import { TerraformResult } from "../../tools/terraform";
import { synthesizeStacks, TEST_PROJECT, WORK_DIR } from "./harness";
import { AppliedEnvironment, DeploymentCallOutcomes, deploymentCalls } from "./deployment-calls";
import { ignoredChanges, RehearsedDeployment, rehearseDeployment, withoutIgnoredChanges } from "./rehearsed-deployment";
import { loseAndRestoreState, StateRestore } from "./state-restore";
import { duplicatesInEmulator, interruptAndRecover, InterruptedDeploy } from "./interrupted-deploy";
import { IMPORTS_FILE } from "../../tools/recover";
import { KEPT_ON_TEARDOWN } from "../../src/shared/stateful";
import { checkPlan, PlanForCheck } from "../../tools/plan-check";
import { describeFindings, Scan, scanPlan, SKIPS } from "./checkov-scan";
import {
  ApplicableSet,
  applicableSet,
  classifyChanges,
  coverageLine,
  describeChanges,
  describeWithPython,
  killTerraform,
  namedResource,
  PlannedChange,
  PlanJson,
  planJson,
  readStack,
  stackNames,
  StateResource,
  stateResources,
  targetArgs,
  tf,
  tfOk,
  writeStackCopy,
} from "./e2e";

jest.setTimeout(15 * 60_000);

/** The shipped environments and the full-feature one (every optional feature on), all applied. */
const APPLIED_PROJECT = TEST_PROJECT;
const STACKS = stackNames(APPLIED_PROJECT);
/**
 * The recovery scenarios, each on its own environment: they take minutes, and each stack runs
 * one command at a time, so on one stack the second would wait for the first.
 */
const INTERRUPTED_STACK = STACKS.environments[0];
const RESTORED_STACK = STACKS.environments[1];
/** When the tier started: each step's line says when it ended, to find the longest chain. */
const TIER_STARTED = Date.now();
const ALL_STACKS = [STACKS.bootstrap, ...STACKS.environments];
const APPLIED = loadProject(APPLIED_PROJECT);
/** The shipped environments' resolved configurations, by stack name. */
const CONFIGS = new Map(
  APPLIED.environments.map((config) => [environmentStackName(APPLIED.project, config.environment), config]),
);
/** Most of an apply is the provider waiting on the API: more parallel requests than cores pays. */
const PARALLELISM = "-parallelism=16";
/** The file each stack's first plan is saved in, for its apply. */
const SAVED_PLAN = "tfplan";
const APPLY_TIMEOUT_MS = 8 * 60_000;
/** The bootstrap resources the environment stacks' backend needs: applied first, the rest alongside. */
const BACKEND_RESOURCES = /^aws_(s3_bucket|dynamodb_table)\./;
/** The stateful resources preventDestroy guards. */
const PREVENT_DESTROY =
  /^aws_(db_instance|ecr_repository|efs_file_system|backup_vault|codecommit_repository)\.|^aws_secretsmanager_secret\.owner-bootstrap_owner-secret_/;
/**
 * A deployment call moto allowed and then could not answer: it authorizes before it looks for the
 * action (a refusal is a 403), so its 500 "action has not been implemented" follows an allow.
 */
const ALLOWED_NOT_IMPLEMENTED = "500";
const NOT_IMPLEMENTED = ["get_deployment_config", "register_application_revision"];

interface Applied {
  readonly outputs: Record<string, { value: unknown }>;
  readonly resources: StateResource[];
}

/** One stack's life against the emulator; each step runs once and after the step before it. */
class StackRun {
  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly options: {
      bootstrap: boolean;
      hint: () => string;
      /** Waited for before `terraform init` (the stack's backend must exist). */
      after?: () => Promise<unknown>;
      /** Resources applied before the rest, because other stacks wait only for them. */
      firstApply?: RegExp;
      /** What else must be done with the applied stack before it is destroyed. */
      beforeDestroy?: () => Promise<unknown>;
      /** What the README's teardown empties right before the destroy (AWS refuses to delete it full). */
      empty?: () => Promise<unknown>;
      /**
       * The stack as the README's teardown deploys it before the destroy (preventDestroy and
       * deletion protection off): a directory synthesized from that configuration.
       */
      teardownDir?: string;
      /**
       * Interrupts the first apply twice and recovers, as a bad day would (interrupted-deploy.ts);
       * the apply then finishes with the recovery's import blocks.
       */
      interrupt?: {
        run: (applyArgs: string[]) => Promise<InterruptedDeploy>;
        /** What the emulator holds twice once the apply is done (before anything else moves). */
        duplicates: (resources: StateResource[]) => Promise<string[]>;
      };
    },
  ) {}

  /** The duplicates found right after the apply that followed the recovery. */
  private duplicatesAfterApply: string[] = [];
  readonly converged = once(async (): Promise<string[]> => {
    await this.applied();
    return this.duplicatesAfterApply;
  });

  /** The interruptions and the recovery before the apply (the stacks given `interrupt`). */
  readonly interrupted = once(async (): Promise<InterruptedDeploy> => {
    const { set } = await this.planned();
    return this.step("interrupted deploy and recovery", () =>
      this.options.interrupt!.run([PARALLELISM, ...targetArgs(set)]),
    );
  });

  /**
   * The plan the apply carries out, saved as a pipeline saves it (so the apply plans nothing
   * again), made once the stack's backend exists; it also decides the -target set.
   */
  readonly planned = once(async (): Promise<{ plan: PlanJson; set: ApplicableSet }> => {
    await this.firstApplied();
    const { plan } = await this.step("plan", () => planJson(this.dir, [PARALLELISM], SAVED_PLAN));
    return { plan, set: applicableSet(plan, { bootstrap: this.options.bootstrap }) };
  });

  /** `terraform init` once the backend exists. */
  readonly initialized = once(async (): Promise<void> => {
    await this.options.after?.();
    await tfOk(this.dir, ["init", "-input=false"], `${this.name}: terraform init`);
  });

  /**
   * The resources `firstApply` names, applied first. Their addresses come from the synthesized
   * configuration, so this waits for no plan: every environment stack waits for it.
   */
  readonly firstApplied = once(async (): Promise<void> => {
    const first = configuredResources(this.dir)
      .map(([address]) => address)
      .filter((address) => this.options.firstApply?.test(address));
    await this.initialized();
    if (first.length === 0) return;
    await this.step(`apply of ${first.join(", ")}`, () =>
      tfOk(
        this.dir,
        ["apply", "-input=false", "-auto-approve", ...first.map((address) => `-target=${address}`)],
        `${this.name}: first apply`,
        {
          hint: this.options.hint,
        },
      ),
    );
  });

  readonly applied = once(async (): Promise<Applied> => {
    const { set } = await this.planned();
    if (this.options.interrupt) await this.interrupted();
    // The saved plan, unless the interruptions changed the state since or the gaps leave resources out.
    const planOrTargets = this.options.interrupt || set.excluded.size > 0 ? targetArgs(set) : [SAVED_PLAN];
    await this.step("apply", () =>
      tfOk(
        this.dir,
        ["apply", "-input=false", "-auto-approve", PARALLELISM, ...planOrTargets],
        `${this.name}: terraform apply`,
        {
          timeoutMs: APPLY_TIMEOUT_MS,
          hint: this.options.hint,
        },
      ),
    );
    // As npm run deploy does once the imports are applied.
    fs.rmSync(path.join(this.dir, IMPORTS_FILE), { force: true });
    const outputs = JSON.parse(await tfOk(this.dir, ["output", "-json"], `${this.name}: terraform output`));
    const resources = await stateResources(this.dir);
    if (this.options.interrupt) this.duplicatesAfterApply = await this.options.interrupt.duplicates(resources);
    return { outputs, resources };
  });

  /** The re-plan's plan (`terraform show -json`): every attribute known, as the security scan reads it. */
  private replan?: PlanJson;
  /** Changes a second plan (same -target set) still wants; tolerated emulator drift is marked. */
  readonly replanned = once(async () => {
    await this.applied();
    const { set } = await this.planned();
    const { code, plan } = await this.step("re-plan", () =>
      planJson(this.dir, [PARALLELISM, ...targetArgs(set)], "replan"),
    );
    this.replan = plan;
    return code === 0 ? [] : classifyChanges(plan);
  });
  readonly replannedPlan = once(async (): Promise<PlanJson> => {
    await this.replanned();
    return this.replan!;
  });

  /**
   * A plain `terraform plan -destroy` of the applied stack. It changes nothing (no refresh, no
   * lock), so it runs beside the deployments, once the re-plan is done.
   */
  readonly plainDestroyPlanned = once(async (): Promise<TerraformResult> => {
    await Promise.allSettled([this.replanned()]);
    await this.applied();
    const { set } = await this.planned();
    return this.step("plan of a plain destroy", () =>
      tf(this.dir, ["plan", "-destroy", "-input=false", "-refresh=false", "-lock=false", ...targetArgs(set)]),
    );
  });

  /**
   * The README's teardown: a plain destroy first (refused at plan time while preventDestroy is on),
   * then the teardown configuration deployed, what moto cannot delete taken out of the state, and
   * the -target set destroyed. Returns the refused plan and what the state still holds.
   */
  readonly destroyed = once(async (): Promise<{ plainDestroy: TerraformResult; remaining: string[] }> => {
    await Promise.allSettled([this.applied(), this.replanned(), this.options.beforeDestroy?.()]);
    const { set } = await this.planned();
    const plainDestroy = await this.plainDestroyPlanned();
    const teardown = this.options.teardownDir;
    // Only the resources the teardown settings change: the rest of such a plan is emulator drift
    // (the tolerated changes of the re-plan), which moto cannot always apply (UpdateDeploymentGroup).
    const changed = teardown
      ? changedResources(this.dir, teardown).filter((address) => set.applied.includes(address))
      : [];
    if (changed.length > 0) {
      fs.copyFileSync(path.join(teardown!, "cdk.tf.json"), path.join(this.dir, "cdk.tf.json"));
      await this.step(`apply of the teardown settings (${changed.join(", ")})`, () =>
        tfOk(
          this.dir,
          ["apply", "-input=false", "-auto-approve", PARALLELISM, ...changed.map((address) => `-target=${address}`)],
          `${this.name}: apply of the teardown settings`,
          { timeoutMs: APPLY_TIMEOUT_MS, hint: this.options.hint },
        ),
      );
    }
    const state = (): Promise<string[]> =>
      tfOk(this.dir, ["state", "list"], `${this.name}: terraform state list`).then((out) =>
        out.split("\n").filter(Boolean),
      );
    // The README's teardown keeps the backup vault: out of the state, it outlives the destroy.
    const kept = (await state()).filter((address) => KEPT_ON_TEARDOWN.includes(address.split(".")[0]));
    if (kept.length > 0) await tfOk(this.dir, ["state", "rm", ...kept], `${this.name}: terraform state rm (kept)`);
    const undeletable = (await state()).filter((address) =>
      UNDELETABLE_RESOURCES.some((gap) => address.startsWith(`${gap.type}.`)),
    );
    if (undeletable.length > 0) {
      await tfOk(this.dir, ["state", "rm", ...undeletable], `${this.name}: terraform state rm`);
      process.stdout.write(
        `${this.name}: left in moto (it cannot delete them), taken out of the state before destroy: ${undeletable.join(", ")}\n`,
      );
    }
    await this.options.empty?.();
    await this.step("destroy", () =>
      tfOk(
        this.dir,
        ["destroy", "-input=false", "-auto-approve", PARALLELISM, ...targetArgs(set)],
        `${this.name}: terraform destroy`,
        {
          timeoutMs: APPLY_TIMEOUT_MS,
          hint: this.options.hint,
        },
      ),
    );
    return { plainDestroy, remaining: await state() };
  });

  /** Runs one step and prints how long it took (an apply or destroy: and what it waited for longest). */
  async step<T>(what: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await body();
    const [took, at] = [started, TIER_STARTED].map((since) => Math.round((Date.now() - since) / 1000));
    const waits = typeof result === "string" ? slowest(result) : "";
    process.stdout.write(`end-to-end ${this.name}: ${what} ${took} s (done at ${at} s)${waits}\n`);
    return result;
  }
}

/** The three resources an apply or destroy took longest for, from Terraform's progress lines. */
function slowest(output: string): string {
  const took = [...output.matchAll(/^(\S+): (?:Creation|Modifications|Destruction) complete after (?:(\d+)m)?(\d+)s/gm)]
    .map(([, address, minutes, seconds]): [string, number] => [address, Number(minutes ?? 0) * 60 + Number(seconds)])
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3);
  return took.length ? `; slowest: ${took.map(([address, seconds]) => `${address} ${seconds} s`).join(", ")}` : "";
}

/** Two deployments acted out on an applied environment (blue → green → blue), each re-planned. */
interface Rehearsal {
  readonly rounds: { readonly deployment: RehearsedDeployment; readonly changes: PlannedChange[] }[];
  /** The stack's ignore_changes entries: address → attributes. */
  readonly ignored: Map<string, string[]>;
  /** After the first deployment, a copy of the stack without them, planned against the same state. */
  readonly unignored: PlannedChange[];
  /** The service's desired count as applied. */
  readonly appliedDesiredCount: number;
}

async function rehearse(
  stack: StackRun,
  applied: AppliedEnvironment,
  set: ApplicableSet,
  deploy: (round: string, desiredCount: number) => Promise<RehearsedDeployment>,
): Promise<Rehearsal> {
  const appliedDesiredCount: number = namedResource(applied.resources, "aws_ecs_service").values.desired_count;
  const json = readStack(stack.dir);
  const rounds: Rehearsal["rounds"][number][] = [];
  let unignored: PlannedChange[] = [];
  for (const round of ["green", "blue"]) {
    const desired = rounds.at(-1)?.deployment.service.desiredCount ?? appliedDesiredCount;
    const deployment = await deploy(round, desired);
    const replan = planJson(stack.dir, [PARALLELISM, ...targetArgs(set)], `rehearsal-${round}`);
    // After the first deployment everything CodeDeploy and autoscaling own differs from the configuration.
    const copy =
      rounds.length === 0
        ? planCopy(stack.dir, "unignored", withoutIgnoredChanges(json), stack.name, set)
        : Promise.resolve(undefined);
    const [{ code, plan }, planned] = await Promise.all([replan, copy]);
    if (planned) {
      if (planned.code === 1)
        throw new Error(`${stack.name}: plan of the copy without ignore_changes failed:\n${planned.stderr}`);
      unignored = planned.plan ? classifyChanges(planned.plan) : [];
    }
    rounds.push({ deployment, changes: code === 0 ? [] : classifyChanges(plan) });
  }
  return { rounds, ignored: ignoredChanges(json), unignored, appliedDesiredCount };
}

const ofType = (resources: StateResource[], type: string): StateResource[] =>
  resources.filter((resource) => resource.type === type);
/** Target group ARNs a listener forwards to by default. */
const forwardsTo = (listener: StateResource): string[] =>
  (listener.values.default_action ?? []).flatMap(
    (action: { target_group_arn?: string; forward?: { target_group?: { arn: string }[] }[] }) => [
      ...(action.target_group_arn ? [action.target_group_arn] : []),
      ...(action.forward ?? []).flatMap((forward) => (forward.target_group ?? []).map((group) => group.arn)),
    ],
  );

describeWithPython("end to end: every stack applied to moto, re-planned, destroyed", () => {
  let emulator: Emulator | undefined;
  let perpetualDiff: () => Promise<{ code: number; unexpected: PlannedChange[]; address: string }>;
  let bootstrapDestroy: () => Promise<{ result: TerraformResult; remaining: string[] }>;
  let bootstrapMigration: () => Promise<{ plan: TerraformResult; key: string; size: number }>;
  let stateRestore: () => Promise<StateRestore>;
  /** A plan of each applied environment with settings whose change replaces its file system and database. */
  const replacements = new Map<string, () => Promise<TerraformResult & { plan?: PlanForCheck }>>();
  let accountPlans: () => Promise<{ emulatorAccount: string; same: TerraformResult; other: TerraformResult }>;
  /** Two blue/green deployments acted out, each followed by a re-plan, once the stack re-planned. */
  const rehearsals = new Map<string, () => Promise<Rehearsal>>();
  /** A deployment's calls under the pipeline's and CodeDeploy's roles, once the rehearsals are done. */
  const deployments = new Map<string, () => Promise<DeploymentCallOutcomes>>();
  /** checkov over each stack's re-plan: every attribute known (policies and container definitions too). */
  const scans = new Map<string, () => Promise<Scan>>();
  const runs = new Map<string, StackRun>();
  const run = (name: string): StackRun => {
    const found = runs.get(name);
    if (!found) throw new Error(`${name} was not set up (see the beforeAll error)`);
    return found;
  };
  const hint = (): string => {
    const missing = emulator?.notImplemented() ?? [];
    return missing.length
      ? `moto reported: ${missing.join("; ")} -> add the resource type to __tests__/support/emulator-gaps.ts`
      : `see ${emulator?.logFile}`;
  };

  beforeAll(async () => {
    const started = Date.now();
    const venv = await ensurePythonEnv();
    emulator = await startEmulator({ venv, logFile: path.join(WORK_DIR, "moto.log") });
    // Every Terraform (and boto3) this tier starts trusts the emulator's S3 certificate.
    Object.assign(process.env, emulator.env);
    for (const patch of EMULATOR_PATCHES) {
      process.stdout.write(
        `end-to-end: moto patched (${patch.file}): ${patch.restores}; upstream: ${patch.upstreamGap}\n`,
      );
    }
    const bootstrapState = path.join(WORK_DIR, "apply-bootstrap.tfstate");
    fs.rmSync(bootstrapState, { force: true });
    const project = await withEmulatorZones(emulator, APPLIED_PROJECT, (line) => process.stdout.write(`${line}\n`));
    const dirs = synthesizeStacks("apply", { local: emulator.local, stateStackStatePath: bootstrapState, project });
    // The README's teardown deploys each environment once more before its destroy.
    const teardownDirs = synthesizeStacks("apply-teardown", {
      local: emulator.local,
      stateStackStatePath: bootstrapState,
      project: { ...project, environments: project.environments.map(teardownSettings) },
    });
    // Each environment planned once with settings whose change replaces its file system and database.
    const variantDirs = synthesizeStacks("apply-variant", {
      local: emulator.local,
      stateStackStatePath: bootstrapState,
      project: { ...project, environments: project.environments.map(replacingChange) },
    });
    const bootstrap = new StackRun(STACKS.bootstrap, dirs[STACKS.bootstrap], {
      bootstrap: true,
      hint,
      firstApply: BACKEND_RESOURCES,
    });
    runs.set(bootstrap.name, bootstrap);
    const resolved = loadProject(project);
    for (const config of resolved.environments) {
      const name = environmentStackName(resolved.project, config.environment);
      const stack = new StackRun(name, dirs[name], {
        bootstrap: false,
        hint,
        after: bootstrap.firstApplied,
        beforeDestroy: () => deployments.get(name)!(),
        // The images the deployments pushed: the repository refuses a delete while it holds any.
        empty: async () => {
          for (const repository of ofType((await stack.applied()).resources, "aws_ecr_repository")) {
            const [repositoryName, region] = [repository.values.name, repository.values.arn.split(":")[3]];
            const { imageIds } = await emulator!.call("ecr", "list_images", { repositoryName }, region);
            if (imageIds.length)
              await emulator!.call("ecr", "batch_delete_image", { repositoryName, imageIds }, region);
          }
        },
        teardownDir: teardownDirs[name],
        interrupt:
          name === INTERRUPTED_STACK
            ? {
                run: (applyArgs) => interruptAndRecover(emulator!, dirs[name], applyArgs),
                duplicates: (resources) => duplicatesInEmulator(emulator!, dirs[name], resources),
              }
            : undefined,
      });
      runs.set(name, stack);
      replacements.set(
        name,
        // What the settings change is the question, not AWS: planned without a refresh (no API
        // calls), beside the re-plan, against the state as applied.
        once(async () => {
          const [{ set }] = await Promise.all([stack.planned(), stack.applied()]);
          return stack.step("plan of the variant", () =>
            planCopy(stack.dir, "variant", readStack(variantDirs[name]), name, set, ["-refresh=false"]),
          );
        }),
      );
      /** The stack as applied, for the deployments acted out on it. */
      const appliedEnvironment = async (): Promise<AppliedEnvironment> => {
        const [{ outputs, resources }, { plan }] = await Promise.all([stack.applied(), stack.planned()]);
        const region = readStack(stack.dir).provider.aws[0].region;
        return { environment: config.environment, region, outputs, resources, plan };
      };
      // After the re-plan and the variant, which compare with the stack as applied, and the restore
      // scenario: deployments move traffic and register task definition revisions.
      rehearsals.set(
        name,
        once(async () => {
          await Promise.allSettled([stack.replanned(), replacements.get(name)!()]);
          if (name === RESTORED_STACK) await stateRestore().catch(() => undefined);
          const [applied, { set }] = await Promise.all([appliedEnvironment(), stack.planned()]);
          return stack.step("rehearsed deployments", () =>
            rehearse(stack, applied, set, (round, desired) =>
              rehearseDeployment(emulator!, venv, resolved, config, applied, round, desired),
            ),
          );
        }),
      );
      deployments.set(
        name,
        once(async () => {
          await rehearsals.get(name)!().catch(() => undefined);
          const applied = await appliedEnvironment();
          return stack.step("deployment calls", () => deploymentCalls(emulator!, venv, resolved, applied));
        }),
      );
    }
    for (const stack of runs.values()) {
      const scan = once(async () =>
        scanPlan(venv, stack.name, await stack.replannedPlan(), path.join(stack.dir, "checkov-plan.json")),
      );
      scans.set(stack.name, scan);
      scan().catch(() => undefined);
    }
    const restored = run(RESTORED_STACK);
    stateRestore = once(async () => {
      // It deletes the state object: not while a plan of the stack or of its variant reads it.
      await Promise.allSettled([restored.replanned(), replacements.get(RESTORED_STACK)!()]);
      const { set } = await restored.planned();
      return restored.step("state lost and restored", () => loseAndRestoreState(emulator!, restored.dir, set));
    });
    // Every stack goes through its life in parallel with the others; the tests await each step.
    // prevent_destroy fails the destroy plan before anything is deleted: no need to wait for the
    // environment stacks (whose own destroys then show the bucket and the table still serve them).
    bootstrapDestroy = once(async () => {
      await bootstrap.replanned().catch(() => undefined); // one command at a time on its state
      const { set } = await bootstrap.planned();
      const result = await tf(bootstrap.dir, [
        "destroy",
        "-input=false",
        "-auto-approve",
        "-refresh=false",
        ...targetArgs(set),
      ]);
      const remaining = (await tfOk(bootstrap.dir, ["state", "list"], "terraform state list"))
        .split("\n")
        .filter(Boolean);
      return { result, remaining };
    });
    bootstrapDestroy().catch(() => undefined);
    // The README's move of the bootstrap state into its own bucket, once that bucket exists.
    const selfHosted = synthesizeStacks("apply-self-hosted", {
      local: emulator.local,
      stateStackStatePath: bootstrapState,
      project: { ...project, state: { ...project.state, selfHosted: true } },
    })[STACKS.bootstrap];
    bootstrapMigration = once(async () => {
      await bootstrapDestroy().catch(() => undefined);
      fs.copyFileSync(path.join(selfHosted, "cdk.tf.json"), path.join(bootstrap.dir, "cdk.tf.json"));
      await tfOk(bootstrap.dir, ["init", "-input=false", "-migrate-state", "-force-copy"], "init -migrate-state");
      const { set } = await bootstrap.planned();
      const plan = await tf(bootstrap.dir, ["plan", "-input=false", "-detailed-exitcode", ...targetArgs(set)]);
      const { backend } = readStack(bootstrap.dir).terraform;
      const object = await emulator!.call(
        "s3",
        "head_object",
        { Bucket: backend.s3.bucket, Key: backend.s3.key },
        backend.s3.region,
      );
      return { plan, key: backend.s3.key as string, size: Number(object.ContentLength) };
    });
    bootstrapMigration().catch(() => undefined);
    for (const name of STACKS.environments) {
      run(name)
        .plainDestroyPlanned()
        .catch(() => undefined);
      run(name)
        .destroyed()
        .catch(() => undefined);
    }
    // The copy runs while the environment stacks' applies mostly wait on the API.
    perpetualDiff = once(() =>
      replanWithPerpetualDiff(dirs[STACKS.environments[0]], run(STACKS.environments[0]).planned),
    );
    perpetualDiff().catch(() => undefined);
    const emulatorAccount = (await emulator.call("sts", "get_caller_identity", {})).Account as string;
    accountPlans = once(async () => ({
      emulatorAccount,
      same: await planInAccount(emulator!, project, emulatorAccount),
      other: await planInAccount(emulator!, project, "111122223333"),
    }));
    accountPlans().catch(() => undefined);
    process.stdout.write(
      `end-to-end: moto at ${emulator.endpoint} (log ${emulator.logFile}), set up in ${Date.now() - started} ms\n`,
    );
  }, 10 * 60_000);

  afterAll(async () => {
    const lines: string[] = [];
    for (const stack of runs.values()) {
      const planned = await stack.planned().catch(() => undefined);
      if (planned) lines.push(coverageLine(stack.name, planned.set));
    }
    if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
    killTerraform();
    await emulator?.stop();
  });

  describe(`bootstrap stack ${STACKS.bootstrap}`, () => {
    it("applies to moto every resource it plans, its state in a scratch file", async () => {
      const { resources } = await run(STACKS.bootstrap).applied();
      const { set } = await run(STACKS.bootstrap).planned();
      expect(resources.map((resource) => resource.address).sort()).toEqual([...set.planned].sort());
      expect(ofType(resources, "aws_s3_bucket")).toHaveLength(1);
      expect(ofType(resources, "aws_dynamodb_table")).toHaveLength(1);
      expect(fs.existsSync(path.join(WORK_DIR, "apply-bootstrap.tfstate"))).toBe(true);
    });

    it("outputs the state bucket and the lock table it created", async () => {
      const { outputs, resources } = await run(STACKS.bootstrap).applied();
      expect(outputs.state_bucket.value).toBe(ofType(resources, "aws_s3_bucket")[0].values.bucket);
      expect(outputs.lock_table.value).toBe(ofType(resources, "aws_dynamodb_table")[0].values.name);
    });

    it("re-plans with no changes", async () => {
      expectNoUnexpectedChanges(STACKS.bootstrap, await run(STACKS.bootstrap).replanned());
    });

    it("refuses terraform destroy (prevent_destroy on the state bucket and the lock table), deleting nothing", async () => {
      const { result, remaining } = await bootstrapDestroy();
      expect(result.code).toBe(1);
      expect(result.stderr.match(/Instance cannot be destroyed/g)).toHaveLength(2);
      const { set } = await run(STACKS.bootstrap).planned();
      expect(remaining.sort()).toEqual([...set.applied].sort());
    });

    it("moves its own state into its bucket (state.selfHosted, terraform init -migrate-state) and plans no changes from there", async () => {
      const { plan, key, size } = await bootstrapMigration();
      expect(key).toBe(`${APPLIED.project}/_bootstrap/terraform.tfstate`);
      expect(size).toBeGreaterThan(0);
      expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: "" });
    });
  });

  for (const name of STACKS.environments) {
    describe(`environment stack ${name}`, () => {
      it("applies to moto every resource it plans, its state and lock in moto's S3 and DynamoDB", async () => {
        const { resources } = await run(name).applied();
        const { set } = await run(name).planned();
        expect(resources.map((resource) => resource.address).sort()).toEqual([...set.planned].sort());
      });

      it("outputs the ALB DNS name, the ECR URL, the cluster and service names", async () => {
        const { outputs, resources } = await run(name).applied();
        const { plan } = await run(name).planned();
        expect(outputs.alb_dns_name.value).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+\.elb\.amazonaws\.com$/);
        expect(outputs.alb_dns_name.value).toBe(ofType(resources, "aws_lb")[0].values.dns_name);
        const repository = ofType(resources, "aws_ecr_repository")[0].values;
        expect(outputs.ecr_repository_url.value).toMatch(
          new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/${repository.name}$`),
        );
        for (const output of ["cluster_name", "service_name"]) {
          expect(outputs[output].value).toBe(plan.planned_values?.outputs?.[output]?.value);
        }
        expect(outputs.cluster_name.value).toBe(ofType(resources, "aws_ecs_cluster")[0].values.name);
        expect(outputs.service_name.value).toBe(ofType(resources, "aws_ecs_service")[0].values.name);
      });

      it("points the ECS service at the blue target group", async () => {
        const { resources } = await run(name).applied();
        const blue = namedResource(resources, "aws_lb_target_group", "-blue");
        const [service] = ofType(resources, "aws_ecs_service");
        expect(service.values.load_balancer.map((lb: { target_group_arn: string }) => lb.target_group_arn)).toEqual([
          blue.values.arn,
        ]);
      });

      it("puts the EFS mount targets in the private subnets, one each", async () => {
        const { resources } = await run(name).applied();
        const privateSubnets = ofType(resources, "aws_subnet").filter((subnet) =>
          /-private-/.test(subnet.values.tags?.Name ?? ""),
        );
        expect(privateSubnets.length).toBeGreaterThan(0);
        const mountSubnets = ofType(resources, "aws_efs_mount_target").map((target) => target.values.subnet_id);
        expect(mountSubnets.sort()).toEqual(privateSubnets.map((subnet) => subnet.values.id).sort());
      });

      it("applies Amazon SES when Ghost sends through it: the identity with its DKIM tokens, MAIL FROM, the configuration set and its events to the alerts topic", async () => {
        const { resources, outputs } = await run(name).applied();
        const identities = ofType(resources, "aws_sesv2_email_identity");
        if (identities.length === 0) {
          process.stdout.write(`${name}: sends no mail through SES\n`);
          expect(outputs.mail_dns_records).toBeUndefined();
          return;
        }
        const [identity] = identities;
        const domain = identity.values.email_identity;
        const tokens: string[] = identity.values.dkim_signing_attributes[0].tokens;
        expect(tokens).toHaveLength(3);
        const [mailFrom] = ofType(resources, "aws_sesv2_email_identity_mail_from_attributes");
        expect(mailFrom.values).toMatchObject({ email_identity: domain, mail_from_domain: `mail.${domain}` });
        const [set] = ofType(resources, "aws_sesv2_configuration_set");
        expect(identity.values.configuration_set_name).toBe(set.values.configuration_set_name);
        const [destination] = ofType(resources, "aws_sesv2_configuration_set_event_destination");
        const [topic] = ofType(resources, "aws_sns_topic");
        expect(destination.values.event_destination[0]).toMatchObject({
          enabled: true,
          matching_event_types: ["BOUNCE", "COMPLAINT"],
          sns_destination: [{ topic_arn: topic.values.arn }],
        });
        // In the hosted zone (edge.dns), else listed in an output for the user's DNS host.
        const zoned = ofType(resources, "aws_route53_record").map(
          (record) =>
            `${String(record.values.name).replace(/\.$/, "")} ${record.values.type} ${(record.values.records ?? []).map((value: string) => value.replace(/^"|"$/g, "")).join(",")}`,
        );
        const records: string[] = (outputs.mail_dns_records?.value as string[]) ?? zoned;
        process.stdout.write(
          `${name}: DNS records of ${domain} (${outputs.mail_dns_records ? "to create" : "in the zone"}):\n  ${records.join("\n  ")}\n`,
        );
        for (const token of tokens) {
          expect(records).toContain(`${token}._domainkey.${domain} CNAME ${token}.dkim.amazonses.com`);
        }
        expect(records).toContain(`mail.${domain} TXT v=spf1 include:amazonses.com ~all`);
      });

      it("redeploys Ghost when the database secret rotates: the rule names the RDS secret, its target the runbook", async () => {
        const { resources } = await run(name).applied();
        const [database] = ofType(resources, "aws_db_instance");
        const rule = namedResource(resources, "aws_cloudwatch_event_rule", "-database-secret-rotated");
        const secretArn = database.values.master_user_secret[0].secret_arn;
        expect(secretArn).toMatch(/^arn:aws:secretsmanager:/);
        expect(JSON.parse(rule.values.event_pattern).detail.additionalEventData.SecretId).toEqual([secretArn]);
        const runbook = namedResource(resources, "aws_ssm_document", "-rotation-redeploy");
        const target = ofType(resources, "aws_cloudwatch_event_target").find((t) => t.values.rule === rule.values.name);
        expect(target?.values.arn).toBe(
          `${runbook.values.arn.replace(":document/", ":automation-definition/")}:$DEFAULT`,
        );
        const [read] = JSON.parse(runbook.values.content).mainSteps;
        expect(read.inputs.services).toEqual([ofType(resources, "aws_ecs_service")[0].values.name]);
      });

      it("names both target groups and the production and test listeners in the CodeDeploy deployment group", async () => {
        const { resources } = await run(name).applied();
        const blue = namedResource(resources, "aws_lb_target_group", "-blue");
        const green = namedResource(resources, "aws_lb_target_group", "-green");
        const [group] = ofType(resources, "aws_codedeploy_deployment_group");
        const pair = group.values.load_balancer_info[0].target_group_pair_info[0];
        expect(pair.target_group.map((tg: { name: string }) => tg.name).sort()).toEqual(
          [blue.values.name, green.values.name].sort(),
        );
        const listener = (arn: string): StateResource =>
          ofType(resources, "aws_lb_listener").find((l) => l.values.arn === arn)!;
        const [production] = pair.prod_traffic_route[0].listener_arns;
        const [test] = pair.test_traffic_route[0].listener_arns;
        expect(forwardsTo(listener(production))).toEqual([blue.values.arn]);
        expect(forwardsTo(listener(test))).toEqual([green.values.arn]);
      });

      it("creates the pipelines with their stages, or names the emulator gap that left each out", async () => {
        const { plan, set } = await run(name).planned();
        const { resources } = await run(name).applied();
        const pipelines = (plan.resource_changes ?? []).filter((change) => change.type === "aws_codepipeline");
        expect(pipelines.length).toBeGreaterThan(0);
        for (const pipeline of pipelines) {
          const stages = ((pipeline.change.after?.stage ?? []) as { name: string }[]).map((stage) => stage.name);
          const applied = resources.find((resource) => resource.address === pipeline.address);
          if (applied) {
            expect(applied.values.stage.map((stage: { name: string }) => stage.name)).toEqual(stages);
          } else {
            expect(set.excluded.get(pipeline.address)).toBeDefined();
            process.stdout.write(
              `${name}: ${pipeline.address} (stages ${stages.join(" → ")}) not applied: ${set.excluded.get(pipeline.address)}\n`,
            );
          }
        }
      });

      it("lets the deploy pipeline read the image, register Ghost's task definition and start a deployment under its role, and nothing beyond", async () => {
        const { pipeline } = await deployments.get(name)!();
        expect(pipeline).toEqual({
          "ecr:DescribeImages": "ok",
          "codedeploy:GetApplication": "ok",
          "codedeploy:GetDeploymentConfig": ALLOWED_NOT_IMPLEMENTED,
          "ecs:RegisterTaskDefinition": "ok",
          "codedeploy:RegisterApplicationRevision": ALLOWED_NOT_IMPLEMENTED,
          "codedeploy:CreateDeployment": "ok",
          "codedeploy:GetDeployment": "ok",
          "ecs:RegisterTaskDefinition of another family": "AccessDenied ecs:RegisterTaskDefinition",
          "ecs:RegisterTaskDefinition passing another role": "AccessDenied iam:PassRole",
          "codedeploy:CreateDeployment to another group": "AccessDenied codedeploy:CreateDeployment",
        });
        expect(emulator!.notImplemented()).toEqual(
          expect.arrayContaining(
            NOT_IMPLEMENTED.map((action) => `NotImplementedError: The ${action} action has not been implemented`),
          ),
        );
      });

      it("lets CodeDeploy shift task sets and swap the listeners of this service under its role, and nothing beyond (no AppSpec hooks)", async () => {
        const { codeDeploy } = await deployments.get(name)!();
        expect(codeDeploy).toEqual({
          "ecs:DescribeServices": "ok",
          "elasticloadbalancing:DescribeTargetGroups": "ok",
          "elasticloadbalancing:DescribeListeners": "ok",
          "elasticloadbalancing:DescribeRules": "ok",
          "cloudwatch:DescribeAlarms": "ok",
          "ecs:CreateTaskSet": "ok",
          "elasticloadbalancing:ModifyListener (test)": "ok",
          "elasticloadbalancing:ModifyListener (production)": "ok",
          "ecs:UpdateServicePrimaryTaskSet": "ok",
          "elasticloadbalancing:ModifyListener (rollback)": "ok",
          "ecs:DeleteTaskSet": "ok",
          "lambda:InvokeFunction (an AppSpec hook)": "AccessDenied lambda:InvokeFunction",
          "ecs:CreateTaskSet on another service": "AccessDenied ecs:CreateTaskSet",
          "elasticloadbalancing:ModifyListener on another listener": "AccessDenied elasticloadbalancing:ModifyListener",
          "sns:Publish": "AccessDenied sns:Publish",
        });
      });

      it("re-plans with no changes (terraform plan -detailed-exitcode)", async () => {
        expectNoUnexpectedChanges(name, await run(name).replanned());
      });

      describe("a rehearsed blue/green deployment (pipeline 2 and CodeDeploy acted out), twice", () => {
        const rehearsal = () => rehearsals.get(name)!();
        const groups = async () => {
          const { resources } = await run(name).applied();
          return {
            blue: namedResource(resources, "aws_lb_target_group", "-blue").values.arn as string,
            green: namedResource(resources, "aws_lb_target_group", "-green").values.arn as string,
            repository: namedResource(resources, "aws_ecr_repository").values.name as string,
            applied: namedResource(resources, "aws_ecs_task_definition").values.arn as string,
          };
        };

        it("deploys the image of imageDetail.json, by digest, as a new task definition revision: production traffic on green, test traffic on blue", async () => {
          const [{ deployment }] = (await rehearsal()).rounds;
          const { blue, green, repository, applied } = await groups();
          expect(deployment.imageDetail.ImageURI).toMatch(
            new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/${repository}@sha256:[0-9a-f]{64}$`),
          );
          expect(deployment.taskDefinitionImage).toBe(deployment.imageDetail.ImageURI);
          expect(deployment.registeredTaskDefinition).not.toBe(applied);
          expect(deployment.listeners).toEqual({ production: [green], test: [blue] });
          expect(deployment.service).toMatchObject({
            taskDefinition: deployment.registeredTaskDefinition,
            targetGroups: [green],
            taskSets: [{ status: "PRIMARY", taskDefinition: deployment.registeredTaskDefinition }],
          });
        });

        it("re-plans with no changes after the deployment to green", async () => {
          expectNoUnexpectedChanges(`${name} (after deploying to green)`, (await rehearsal()).rounds[0].changes);
        });

        it("deploys a second image back to blue: production on blue, test on green, the green task set gone", async () => {
          const [first, { deployment }] = (await rehearsal()).rounds;
          const { blue, green } = await groups();
          expect(deployment.imageDetail.ImageDigest).not.toBe(first.deployment.imageDetail.ImageDigest);
          expect(deployment.listeners).toEqual({ production: [blue], test: [green] });
          expect(deployment.service).toMatchObject({
            taskDefinition: deployment.registeredTaskDefinition,
            targetGroups: [blue],
            taskSets: [{ status: "PRIMARY", taskDefinition: deployment.registeredTaskDefinition }],
          });
        });

        it("re-plans with no changes after the deployment back to blue", async () => {
          expectNoUnexpectedChanges(`${name} (after deploying back to blue)`, (await rehearsal()).rounds[1].changes);
        });

        it("needs every ignore_changes entry: without them, the plan would undo what the deployment and autoscaling changed", async () => {
          const { ignored, unignored, rounds, appliedDesiredCount } = await rehearsal();
          const scaled = rounds[0].deployment.service.desiredCount !== appliedDesiredCount;
          if (!scaled) {
            process.stdout.write(
              `${name}: service.minCount = service.maxCount = ${appliedDesiredCount}, so autoscaling cannot change the desired count here; desired_count's entry is proven where they differ\n`,
            );
          }
          const undone = (address: string): string[] =>
            (unignored.find((change) => change.address === address)?.attributes ?? [])
              .filter((attribute) => ignored.get(address)!.includes(attribute))
              .sort();
          const expected = [...ignored].map(([address, attributes]) => [
            address,
            attributes.filter((attribute) => scaled || attribute !== "desired_count").sort(),
          ]);
          expect([...ignored.keys()].map((address) => [address, undone(address)])).toEqual(expected);
          expect([...ignored.keys()].map((address) => address.split(".")[0]).sort()).toEqual([
            "aws_ecs_service",
            "aws_lb_listener",
            "aws_lb_listener",
          ]);
        });
      });

      it("shows a setting change that would replace the file system and the database, and refuses it (plan check, or prevent_destroy in production)", async () => {
        const result = await replacements.get(name)!();
        if (CONFIGS.get(name)!.preventDestroy) {
          expect(result.code).toBe(1);
          const refused = preventDestroyRefusals(result.stderr).map((address) => address.split(".")[0]);
          expect(refused.sort()).toEqual(["aws_db_instance", "aws_efs_file_system"]);
          return;
        }
        expect(result.code).toBe(2);
        const verdict = checkPlan(name, result.plan!, false);
        process.stdout.write(`${verdict.report}\n`);
        expect(verdict.ok).toBe(false);
        expect(verdict.changes.map((c) => [c.address.split(".")[0], c.action, c.because])).toEqual(
          expect.arrayContaining([
            ["aws_efs_file_system", "replace", ["performance_mode"]],
            ["aws_db_instance", "replace", ["username"]],
          ]),
        );
      });

      it("refuses a plain terraform destroy at plan time while preventDestroy is on, naming the file system, its backup vault, the database, the image repository, the Ghost repository and the owner's password", async () => {
        const { plainDestroy } = await run(name).destroyed();
        const { set } = await run(name).planned();
        const guarded = set.applied.filter((address) => PREVENT_DESTROY.test(address));
        if (!CONFIGS.get(name)!.preventDestroy) {
          expect(plainDestroy.code).toBe(0);
          return;
        }
        expect(plainDestroy.code).toBe(1);
        expect(preventDestroyRefusals(plainDestroy.stderr).sort()).toEqual(guarded.sort());
        // The Ghost repository is CodeCommit's unless the source is GitHub.
        const repository = CONFIGS.get(name)!.pipelines.github ? [] : ["aws_codecommit_repository"];
        expect(guarded.map((address) => address.split(".")[0]).sort()).toEqual(
          [
            "aws_backup_vault",
            ...repository,
            "aws_db_instance",
            "aws_ecr_repository",
            "aws_efs_file_system",
            "aws_secretsmanager_secret",
          ].sort(),
        );
      });

      it("tears down as the README says, destroying everything it applied", async () => {
        expect((await run(name).destroyed()).remaining).toEqual([]);
      });

      it("leaves the database's final snapshot and its automated backups after the teardown", async () => {
        await run(name).destroyed();
        const { resources } = await run(name).applied();
        const [database] = ofType(resources, "aws_db_instance");
        const region = database.values.arn.split(":")[3];
        const { DBSnapshots } = await emulator!.call("rds", "describe_db_snapshots", {}, region);
        const snapshot = DBSnapshots.find(
          (s: { DBSnapshotIdentifier: string }) => s.DBSnapshotIdentifier === database.values.final_snapshot_identifier,
        );
        expect(snapshot).toMatchObject({ DBInstanceIdentifier: database.values.identifier, SnapshotType: "manual" });
        const { DBInstanceAutomatedBackups } = await emulator!.call(
          "rds",
          "describe_db_instance_automated_backups",
          { DBInstanceIdentifier: database.values.identifier },
          region,
        );
        expect(DBInstanceAutomatedBackups.map((b: { Status: string }) => b.Status)).toEqual(["retained"]);
      });

      it("keeps the file system's backup vault after the teardown, and its plan backs up only this file system", async () => {
        const { remaining } = await run(name).destroyed();
        const { resources } = await run(name).applied();
        const [vault] = ofType(resources, "aws_backup_vault");
        const [selection] = ofType(resources, "aws_backup_selection");
        const [fileSystem] = ofType(resources, "aws_efs_file_system");
        expect(selection.values.resources).toEqual([fileSystem.values.arn]);
        expect(remaining.filter((address) => address.startsWith("aws_backup_vault."))).toEqual([]);
        const region = vault.values.arn.split(":")[3];
        const described = await emulator!.call(
          "backup",
          "describe_backup_vault",
          { BackupVaultName: vault.values.name },
          region,
        );
        expect(described.BackupVaultArn).toBe(vault.values.arn);
      });

      it("keeps the owner bootstrap's two secrets after the teardown (the password opens the database its snapshot keeps)", async () => {
        const { remaining } = await run(name).destroyed();
        const { resources } = await run(name).applied();
        const secrets = ofType(resources, "aws_secretsmanager_secret");
        expect(secrets).toHaveLength(2);
        expect(remaining.filter((address) => address.startsWith("aws_secretsmanager_secret."))).toEqual([]);
        for (const secret of secrets) {
          const region = secret.values.arn.split(":")[3];
          const described = await emulator!.call(
            "secretsmanager",
            "describe_secret",
            { SecretId: secret.values.arn },
            region,
          );
          expect({ name: described.Name, deleted: described.DeletedDate ?? null }).toEqual({
            name: secret.values.name,
            deleted: null,
          });
        }
      });
    });
  }

  describe("checkov security scan of each applied stack's plan (every attribute known)", () => {
    /** Resource types whose policies or container definitions embed references (unknown before an apply). */
    const POLICY_ATTRIBUTES: Record<string, string> = {
      aws_iam_role_policy: "policy",
      aws_iam_role: "assume_role_policy",
      aws_s3_bucket_policy: "policy",
      aws_kms_key: "policy",
      aws_sns_topic_policy: "policy",
      aws_efs_file_system_policy: "policy",
      aws_ecs_task_definition: "container_definitions",
    };
    /** Bearers checkov (the pinned release) has no check for: their values must still be known. */
    const NO_CHECKOV_CHECK = ["aws_efs_file_system_policy"];

    for (const name of ALL_STACKS) {
      it(`${name}: every failed check is accepted in checkov-skips.json`, async () => {
        const result = await scans.get(name)!();
        process.stdout.write(
          `checkov ${name} (applied): passed ${result.passed}, failed ${result.failed.length}, skipped ${result.skipped.length}\n`,
        );
        if (result.failed.length) {
          throw new Error(
            `${name}: checkov failed checks not in checkov-skips.json:\n${describeFindings(result.failed)}`,
          );
        }
      });

      it(`${name}: scans every policy and container definition with its values known, and checks each`, async () => {
        const plan = await run(name).replannedPlan();
        const { evaluated } = await scans.get(name)!();
        const bearers = (plan.resource_changes ?? []).filter((change) => POLICY_ATTRIBUTES[change.type]);
        const unknown = bearers.filter(
          (change) => change.change.after_unknown?.[POLICY_ATTRIBUTES[change.type]] === true,
        );
        const unchecked = bearers.filter(
          (change) =>
            !NO_CHECKOV_CHECK.includes(change.type) && !evaluated.some((check) => check.resource === change.address),
        );
        expect({ unknown: unknown.map((c) => c.address), unchecked: unchecked.map((c) => c.address) }).toEqual({
          unknown: [],
          unchecked: [],
        });
        expect(bearers.length).toBeGreaterThan(0);
      });
    }

    it("has no skip that matches nothing (stale skips are removed)", async () => {
      const results = await Promise.all(ALL_STACKS.map(async (name) => (await scans.get(name)!()).skipped));
      const used = new Set(results.flat().map(({ skip }) => skip));
      expect(SKIPS.filter((skip) => !used.has(skip)).map((skip) => `${skip.check} ${skip.resource}`)).toEqual([]);
    });
  });

  describe(`a first deploy interrupted, then recovered (${INTERRUPTED_STACK}, README: Recovery)`, () => {
    const interrupted = () => run(INTERRUPTED_STACK).interrupted();

    it("stops gracefully on Ctrl-C through npm run deploy's runner: what it created is in the state, the lock released", async () => {
      const { ctrlC } = await interrupted();
      expect(ctrlC.exit).toEqual({ code: 1, interruptedBy: "SIGINT" });
      expect(ctrlC.created.length).toBeGreaterThanOrEqual(12);
      expect(ctrlC.created.filter((address) => !ctrlC.inState.includes(address))).toEqual([]);
      expect(ctrlC.lockHeld).toBe(false);
    });

    it("after kill -9, keeps the lock, and the state as it was: nothing the killed apply created reached it", async () => {
      const { ctrlC, kill } = await interrupted();
      expect(kill.created.length).toBeGreaterThanOrEqual(25);
      expect(kill.serial).toBe(ctrlC.serial);
      expect(kill.lockHeld).toBe(true);
    });

    it("refuses to recover while the lock is held, naming the lock the killed deploy left", async () => {
      const { refusedLock, lockId } = await interrupted();
      expect(refusedLock).toBe(lockId);
    });

    it("finds everything the killed apply created with npm run recover, once unlocked, and imports each", async () => {
      const { kill, recovery, inState } = await interrupted();
      const imported = recovery.imports.import.map((block) => block.to);
      // Or still in the state: a tainted entry of the same name, which the apply replaces itself.
      const lost = kill.created.filter((address) => !imported.includes(address) && !inState.includes(address));
      const why = (address: string) => recovery.recoveries.find((recovery) => recovery.address === address);
      expect(lost.map(why)).toEqual([]);
      expect(recovery.recoveries.filter((recovery) => recovery.kind === "unknown")).toEqual([]);
    });

    it("converges on the next apply: nothing in the emulator twice (VPC, subnets, groups, rules, keys, file system)", async () => {
      const duplicates = await run(INTERRUPTED_STACK).converged();
      // On a failure, what the recovery decided for the types found twice.
      const { recovery } = await interrupted();
      const decided = recovery.recoveries.filter((r) =>
        duplicates.some((d) => d.startsWith(`${r.address.split(".")[0]}:`)),
      );
      expect({ duplicates, decided: duplicates.length ? decided : [] }).toEqual({ duplicates: [], decided: [] });
    });
  });

  describe(`state lost and restored (${RESTORED_STACK}, README: Recovery)`, () => {
    it("plans to create the whole stack again once the state object and its digest are deleted", async () => {
      const { createdWithoutState } = await stateRestore();
      const { set } = await run(RESTORED_STACK).planned();
      expect(createdWithoutState).toBe(set.applied.length);
    });

    it("restores the lost version from the versioned bucket, with its digest, and plans no changes again", async () => {
      const { lostVersionId, restoredVersionId, changesAfterRestore } = await stateRestore();
      expect(restoredVersionId).toBe(lostVersionId);
      expectNoUnexpectedChanges(RESTORED_STACK, changesAfterRestore);
    });
  });

  describe("the environment's account (account.id)", () => {
    it("plans in the account it names", async () => {
      const { same } = await accountPlans();
      expect({ code: same.code, stderr: same.stderr }).toEqual({ code: 2, stderr: "" });
    });

    it("refuses to plan with credentials of any other account, before reading or changing anything", async () => {
      const { other, emulatorAccount } = await accountPlans();
      expect(other.code).toBe(1);
      expect(other.stderr).toContain(`AWS account ID not allowed: ${emulatorAccount}`);
    });
  });

  describe("the idempotence check can fail", () => {
    it("flags a perpetual diff (a tag set to timestamp()) in a copy of an environment stack", async () => {
      const { code, unexpected, address } = await perpetualDiff();
      expect(code).toBe(2);
      expect(unexpected.map((change) => [change.address, change.attributes.includes("tags")])).toEqual([
        [address, true],
      ]);
    });
  });
});

/**
 * The first shipped environment with `account.id` set, synthesized in local mode against the
 * emulator and planned (no backend, one resource: the provider's account check comes first).
 */
async function planInAccount(emulator: Emulator, project: ProjectInput, id: string): Promise<TerraformResult> {
  const [first] = project.environments;
  const dirs = synthesizeStacks(`apply-account-${id}`, {
    local: emulator.local,
    project: { ...project, environments: [{ ...first, account: { id } }] },
  });
  const name = Object.keys(dirs).find((stack) => stack !== STACKS.bootstrap)!;
  const json = readStack(dirs[name]);
  delete json.terraform.backend;
  const dir = writeStackCopy(`${dirs[name]}-plan`, json);
  await tfOk(dir, ["init", "-input=false"], `init of ${name} in account ${id}`);
  const [repository] = Object.keys(json.resource.aws_ecr_repository);
  return tf(dir, [
    "plan",
    "-input=false",
    "-refresh=false",
    "-detailed-exitcode",
    `-target=aws_ecr_repository.${repository}`,
  ]);
}

/**
 * A copy of an environment stack (its own local state) whose ECR repository gets a tag that
 * changes on every plan: applied, re-planned and classified like the real stacks, then destroyed.
 */
async function replanWithPerpetualDiff(sourceDir: string, after: () => Promise<unknown>) {
  const json = readStack(sourceDir);
  const dir = path.join(WORK_DIR, "apply-perpetual-diff");
  json.terraform.backend = { local: { path: path.join(dir, "terraform.tfstate") } };
  const [name, repository] = Object.entries<Record<string, unknown>>(json.resource.aws_ecr_repository)[0];
  repository.name = `${repository.name}-perpetual-diff`;
  repository.tags = { PerpetualDiff: "${timestamp()}" };
  writeStackCopy(dir, json);
  const address = `aws_ecr_repository.${name}`;
  await after();
  await tfOk(dir, ["init", "-input=false"], "init of the copy");
  try {
    await tfOk(dir, ["apply", "-input=false", "-auto-approve", `-target=${address}`], "apply of the copy");
    const { code, plan } = await planJson(dir, [`-target=${address}`], "replan");
    return { code, address, unexpected: classifyChanges(plan).filter((change) => !change.toleratedBecause) };
  } finally {
    await tfOk(dir, ["destroy", "-input=false", "-auto-approve", `-target=${address}`], "destroy of the copy");
  }
}

/** Fails with the diff when a re-plan has changes that no emulator gap explains; prints the tolerated ones. */
function expectNoUnexpectedChanges(stack: string, changes: ReturnType<typeof classifyChanges>): void {
  const tolerated = changes.filter((change) => change.toleratedBecause);
  for (const change of tolerated) {
    process.stdout.write(
      `${stack}: tolerated emulator drift ${change.address} [${change.attributes.join(", ")}]: moto ${change.toleratedBecause}\n`,
    );
  }
  const unexpected = changes.filter((change) => !change.toleratedBecause);
  if (unexpected.length)
    throw new Error(`${stack}: the second plan still has changes (a perpetual diff):\n${describeChanges(unexpected)}`);
}

/** The addresses a plan's prevent_destroy errors name (Terraform wraps the message across lines). */
function preventDestroyRefusals(stderr: string): string[] {
  return [...stderr.matchAll(/Resource (\S+) has\s+lifecycle\.prevent_destroy set/g)].map((match) => match[1]);
}

/** Settings whose change replaces the file system and the database (README: Recovery). */
function replacingChange(environment: GhostEnvironmentInput): GhostEnvironmentInput {
  return {
    ...environment,
    storage: { ...environment.storage, performanceMode: "maxIO", throughputMode: "bursting" },
    database: { ...environment.database, username: "ghost_renamed" },
  };
}

/**
 * A plan of another version (`json`) of an applied stack, against that stack's state (its backend,
 * read without the lock: it changes nothing), in a copy beside it named by `suffix`.
 */
async function planCopy(
  stackDir: string,
  suffix: string,
  json: unknown,
  name: string,
  set: ApplicableSet,
  args: string[] = [],
): Promise<TerraformResult & { plan?: PlanForCheck & PlanJson }> {
  const dir = writeStackCopy(`${stackDir}-${suffix}`, json);
  await tfOk(dir, ["init", "-input=false"], `${name}: init of the ${suffix} copy`);
  const result = await tf(dir, [
    "plan",
    "-input=false",
    "-lock=false",
    "-detailed-exitcode",
    `-out=${suffix}`,
    PARALLELISM,
    ...args,
    ...targetArgs(set),
  ]);
  if (result.code !== 2) return result;
  const shown = await tfOk(dir, ["show", "-json", suffix], `${name}: show of the ${suffix} plan`);
  return { ...result, plan: JSON.parse(shown) };
}

/** Each resource of a synthesized stack directory: its address and its configuration. */
function configuredResources(dir: string): [string, unknown][] {
  return Object.entries<Record<string, unknown>>(readStack(dir).resource).flatMap(([type, resources]) =>
    Object.entries(resources).map(([name, config]): [string, unknown] => [`${type}.${name}`, config]),
  );
}

/** Addresses of the resources whose configuration differs between two synthesized stack directories. */
function changedResources(before: string, after: string): string[] {
  const old = new Map(configuredResources(before));
  return configuredResources(after)
    .filter(([address, config]) => JSON.stringify(config) !== JSON.stringify(old.get(address)))
    .map(([address]) => address);
}
