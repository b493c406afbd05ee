/** The deploy command's safeguards: the plan check, the graceful stop, its arguments. */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan, PlanForCheck, statefulChanges } from "../tools/plan-check";
import { parseDeployArgs } from "../scripts/deploy";
import { STATEFUL_RESOURCES } from "../src/shared/stateful";

const ROOT = path.join(__dirname, "..");
const REGISTER = path.join(ROOT, "scripts", "register.js");

const change = (address: string, actions: string[], replacePaths?: string[][]) => ({
  address,
  type: address.split(".")[0],
  mode: "managed",
  change: { actions, ...(replacePaths && { replace_paths: replacePaths }) },
});

const PLAN: PlanForCheck = {
  resource_changes: [
    change("aws_efs_file_system.storage_file-system", ["delete", "create"], [["performance_mode"]]),
    change("aws_db_instance.database_instance", ["create", "delete"], [["db_name"], ["username"]]),
    change("aws_ecr_repository.registry_repository", ["delete"]),
    change("aws_ecs_service.service", ["delete", "create"], [["capacity_provider_strategy"]]),
    change("aws_s3_bucket.artifacts", ["update"]),
    change("aws_kms_key.logs", ["no-op"]),
  ],
};

describe("plan check", () => {
  it("lists each stateful resource the plan replaces or destroys, with the attributes forcing it", () => {
    expect(statefulChanges(PLAN)).toEqual([
      {
        address: "aws_efs_file_system.storage_file-system",
        action: "replace",
        holds: STATEFUL_RESOURCES.aws_efs_file_system,
        because: ["performance_mode"],
      },
      {
        address: "aws_db_instance.database_instance",
        action: "replace",
        holds: STATEFUL_RESOURCES.aws_db_instance,
        because: ["db_name", "username"],
      },
      {
        address: "aws_ecr_repository.registry_repository",
        action: "destroy",
        holds: STATEFUL_RESOURCES.aws_ecr_repository,
        because: [],
      },
    ]);
  });

  it("ignores stateless replacements, updates and no-ops", () => {
    const { resource_changes: all = [] } = PLAN;
    expect(statefulChanges({ resource_changes: all.slice(3) })).toEqual([]);
  });

  it("refuses such a plan, naming each resource and what it holds", () => {
    const { ok, report } = checkPlan("ghost-prod", PLAN, false);
    expect(ok).toBe(false);
    expect(report).toContain("ghost-prod: the plan deletes 3 stateful resource(s):");
    expect(report).toContain(
      `replace aws_efs_file_system.storage_file-system: loses ${STATEFUL_RESOURCES.aws_efs_file_system} (forced by performance_mode)`,
    );
    expect(report).toContain("refused: undo the change, or confirm with --allow-replace");
  });

  it("goes ahead when the user confirms with --allow-replace, still listing them", () => {
    const { ok, report } = checkPlan("ghost-prod", PLAN, true);
    expect(ok).toBe(true);
    expect(report).toContain("destroy aws_ecr_repository.registry_repository");
    expect(report).toContain("going ahead: --allow-replace was given");
  });

  it("passes a plan that deletes nothing stateful", () => {
    expect(checkPlan("ghost-dev", { resource_changes: [] }, false)).toMatchObject({ ok: true, changes: [] });
  });
});

describe("npm run plan:check (the workflow's plan step)", () => {
  const check = (args: string[], plan: PlanForCheck) =>
    spawnSync(process.execPath, ["-r", REGISTER, path.join(ROOT, "scripts", "plan-check.ts"), ...args], {
      input: JSON.stringify(plan),
      encoding: "utf8",
    });

  it("exits 1 on a plan that deletes a stateful resource, printing the check", () => {
    const result = check(["ghost-prod"], PLAN);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("ghost-prod: the plan deletes 3 stateful resource(s):");
  });

  it("exits 0 when confirmed, or when nothing stateful is deleted", () => {
    expect(check(["ghost-prod", "--allow-replace"], PLAN).status).toBe(0);
    expect(check(["ghost-prod"], { resource_changes: [] }).status).toBe(0);
  });

  it("refuses an unknown flag with its usage", () => {
    const result = check(["ghost-prod", "--force"], PLAN);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: terraform show -json <plan> | npm run -s plan:check");
  });
});

describe("deploy arguments", () => {
  it("takes one environment and the optional --allow-replace", () => {
    expect(parseDeployArgs(["prod"])).toEqual({ environment: "prod", allowReplace: false });
    expect(parseDeployArgs(["prod", "--allow-replace"])).toEqual({ environment: "prod", allowReplace: true });
  });

  it.each([[[]], [["dev", "prod"]], [["prod", "--auto-approve"]]])("refuses %j with the usage", (argv) => {
    expect(() => parseDeployArgs(argv)).toThrow(/usage: npm run deploy -- <environment> \[--allow-replace\]/);
  });
});

describe("graceful stop (tools/graceful.ts)", () => {
  const wrapper = path.join(__dirname, "support", "graceful-wrapper.ts");
  const STAND_IN = path.join(__dirname, "support", "interruptible-child.js");

  async function interrupt(signals: NodeJS.Signals[]) {
    const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "graceful-")), "child.json");
    const child = spawn(process.execPath, ["-r", REGISTER, wrapper, process.execPath, STAND_IN, record], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    let running = true;
    const exited = new Promise((resolve) => child.on("exit", resolve)).finally(() => (running = false));
    // Signalled only once the stand-in runs (the wrapper's handlers are in place by then): on a
    // loaded machine the two Node starts take seconds; the test's timeout bounds the wait.
    while (running && !fs.existsSync(record)) await new Promise((r) => setTimeout(r, 50));
    const standIn: number | undefined = running ? JSON.parse(fs.readFileSync(record, "utf8")).started : undefined;
    try {
      for (const signal of signals) {
        child.kill(signal);
        await new Promise((r) => setTimeout(r, 50));
      }
      await exited;
      return { result: JSON.parse(stdout.split("RESULT ").pop()!), child: JSON.parse(fs.readFileSync(record, "utf8")) };
    } finally {
      // Left running, it would hold Jest's output open and Jest would never exit.
      try {
        if (standIn) process.kill(standIn, "SIGKILL");
      } catch {
        // it exited, as it should
      }
    }
  }

  it.each(["SIGINT", "SIGTERM"] as const)(
    "passes %s on as one SIGINT and waits for the child to save",
    async (signal) => {
      const { result, child } = await interrupt([signal]);
      expect(child).toEqual({ signals: ["SIGINT"], saved: true });
      expect(result).toEqual({ code: 0, interruptedBy: signal });
    },
  );

  it("does not pass on a second signal (Terraform would stop at once), and still waits", async () => {
    const { result, child } = await interrupt(["SIGINT", "SIGTERM", "SIGINT"]);
    expect(child).toEqual({ signals: ["SIGINT"], saved: true });
    expect(result).toEqual({ code: 0, interruptedBy: "SIGINT" });
  });
});
