/**
 * The project-local Python environment of the end-to-end tier: `.venv` in the project root with
 * the pinned tools of test-requirements.txt (moto, checkov). Created on first use; reused while
 * the SHA-256 of test-requirements.txt matches the one recorded in the environment.
 */
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const VENV_DIR = path.join(PROJECT_ROOT, ".venv");
export const REQUIREMENTS_FILE = path.join(PROJECT_ROOT, "test-requirements.txt");
const MARKER = ".test-requirements.sha256";

/** Why the tier cannot build its Python environment here, or undefined when it can. */
export function pythonUnavailableReason(): string | undefined {
  // venv needs ensurepip (Debian ships it apart, in python3-venv).
  const result = spawnSync("python3", ["-c", "import venv, ensurepip"], { encoding: "utf8" });
  if (result.error) return "python3 is not on PATH";
  if (result.status !== 0)
    return `python3 cannot create virtual environments (${result.stderr.trim().split("\n").pop()})`;
  return undefined;
}

/** Path of an executable installed in the environment. */
export function venvBin(name: string, venv: string = VENV_DIR): string {
  return path.join(venv, process.platform === "win32" ? "Scripts" : "bin", name);
}

function requirementsHash(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Runs a command with its output appended to `logFile`; rejects with the log's tail when it fails. */
export function runLogged(
  command: string,
  args: string[],
  logFile: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "a");
    const child = spawn(command, args, { stdio: ["ignore", log, log], cwd: options.cwd, env: options.env });
    child.on("error", reject);
    child.on("close", (code) => {
      fs.closeSync(log);
      if (code === 0) return resolve();
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      reject(
        new Error(`${path.basename(command)} ${args.join(" ")} failed (exit ${code}); end of ${logFile}:\n${tail}`),
      );
    });
  });
}

/**
 * Another jest worker may be installing the same environment: a lock directory (mkdir is atomic)
 * serializes them; a lock left by a dead process is taken over.
 */
export async function withLock<T>(lockDir: string, body: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = lockOwner(lockDir);
      const stale = owner ? !isAlive(owner) : Date.now() - lockTime(lockDir) > 60_000;
      if (stale) fs.rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Pid of the lock's owner; 0 while it is still being written (or already gone). */
function lockOwner(lockDir: string): number {
  try {
    return Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

function lockTime(lockDir: string): number {
  try {
    return fs.statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the environment directory, creating it or installing test-requirements.txt into it
 * when the recorded hash differs. Progress goes to `log` (one line per step).
 */
export async function ensurePythonEnv(
  options: { venv?: string; requirements?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const venv = options.venv ?? VENV_DIR;
  const requirements = options.requirements ?? REQUIREMENTS_FILE;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const marker = path.join(venv, MARKER);
  const wanted = requirementsHash(requirements);
  const current = (): string | undefined =>
    fs.existsSync(marker) ? fs.readFileSync(marker, "utf8").trim() : undefined;
  if (current() === wanted) return venv;

  fs.mkdirSync(venv, { recursive: true }); // holds the lock and the log; `python3 -m venv` accepts it
  return withLock(path.join(venv, ".install.lock"), async () => {
    if (current() === wanted) return venv; // another worker finished it meanwhile
    const started = Date.now();
    const installLog = path.join(venv, "install.log");
    fs.writeFileSync(installLog, "");
    if (!fs.existsSync(venvBin("python", venv))) {
      log(`python-env: creating ${path.relative(PROJECT_ROOT, venv) || venv} (python3 -m venv)`);
      await runLogged("python3", ["-m", "venv", venv], installLog);
    }
    log(`python-env: installing ${path.basename(requirements)} (first run only, 1-2 minutes; log: ${installLog})`);
    await runLogged(
      venvBin("python", venv),
      ["-m", "pip", "install", "--disable-pip-version-check", "-r", requirements],
      installLog,
    );
    fs.writeFileSync(marker, `${wanted}\n`);
    log(`python-env: ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return venv;
  });
}
