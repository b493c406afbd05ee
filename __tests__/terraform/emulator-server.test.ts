/**
 * The emulator's server (tools/emulator-server.py), measured on a real server with a stand-in
 * application (emulator_server_check.py): what the end-to-end tier relies on besides moto itself;
 * and behaviours the patches restore, measured in moto with every patch applied
 * (emulator_patch_check.py).
 */
import { execFile } from "child_process";
import * as path from "path";
import { EMULATOR_PATCHES_DIR } from "../../tools/emulator";
import { ensurePythonEnv, pythonUnavailableReason, venvBin } from "../../tools/python-env";
import { describeWithTool, once } from "../support/tiers";

const CHECK = path.join(__dirname, "..", "support", "emulator_server_check.py");
const PATCH_CHECK = path.join(__dirname, "..", "support", "emulator_patch_check.py");
const SERVER = path.join(__dirname, "..", "..", "tools", "emulator-server.py");

interface ServerBehaviour {
  readonly overlapping: number;
  readonly retryLines: string[];
}

interface PatchedBehaviour {
  readonly rdsDefaultCa: string;
  readonly rdsChosenCa: string;
}

/** Runs one of the check scripts in the test venv; resolves to the JSON it prints. */
async function check<T>(script: string, arg: string): Promise<T> {
  const venv = await ensurePythonEnv();
  return new Promise<T>((resolve, reject) =>
    execFile(venvBin("python", venv), [script, arg], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${path.basename(script)} failed:\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

const measured = once(() => check<ServerBehaviour>(CHECK, SERVER));
const patched = once(() => check<PatchedBehaviour>(PATCH_CHECK, EMULATOR_PATCHES_DIR));

describeWithTool(
  "the emulator: its server, and behaviours its patches restore",
  {
    tier: "emulator server",
    requirement: "has python3 with venv (required under CI)",
    unavailable: pythonUnavailableReason(),
  },
  () => {
    it("serves one request at a time: moto's backends fail concurrent requests with a 500", async () => {
      expect((await measured()).overlapping).toBe(1);
    }, 120_000);

    it("logs each SDK retry with what the server did for the attempt before: answered, or failed", async () => {
      const attempt = (what: string) =>
        expect.stringMatching(
          new RegExp(
            `^emulator: retry attempt 2 of Test\\.Call from check/1 \\(i-\\d\\): attempt 1 answered ${what} in [\\d.]+ s, [\\d.]+ s before this one$`,
          ),
        );
      expect((await measured()).retryLines).toEqual([attempt("200"), attempt("500 \\(moto raised\\)")]);
    }, 120_000);

    it("creates an RDS DB instance on AWS's default CA for new instances, or on the one asked for (rds_default_ca.py)", async () => {
      expect(await patched()).toEqual({ rdsDefaultCa: "rds-ca-rsa2048-g1", rdsChosenCa: "rds-ca-ecc384-g1" });
    }, 120_000);
  },
);
