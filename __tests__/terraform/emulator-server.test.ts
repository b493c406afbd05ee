/**
 * The emulator's server (tools/emulator-server.py), measured on a real server with a stand-in
 * application (emulator_server_check.py): what the end-to-end tier relies on besides moto itself.
 */
import { execFile } from "child_process";
import * as path from "path";
import { ensurePythonEnv, pythonUnavailableReason, venvBin } from "../../tools/python-env";
import { describeWithTool, once } from "../support/tiers";

const CHECK = path.join(__dirname, "..", "support", "emulator_server_check.py");
const SERVER = path.join(__dirname, "..", "..", "tools", "emulator-server.py");

interface ServerBehaviour {
  readonly overlapping: number;
  readonly retryLines: string[];
}

const measured = once(async () => {
  const venv = await ensurePythonEnv();
  return new Promise<ServerBehaviour>((resolve, reject) =>
    execFile(venvBin("python", venv), [CHECK, SERVER], { timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`emulator_server_check.py failed:\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
});

describeWithTool(
  "emulator server",
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
  },
);
