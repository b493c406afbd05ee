/**
 * From a synthesized task to a local Ghost: the task's environment with its container paths
 * mapped to this machine, and the few things a sandbox must change, each one said out loud.
 */
import * as path from "path";
import { PosixUser } from "./ghost-process";
import { SynthesizedTask } from "./synthesized-task";

export interface GhostBootPlan {
  readonly env: Record<string, string>;
  readonly user?: PosixUser;
  /** What differs from the task in AWS, one line each (printed by the tier). */
  readonly differences: string[];
}

/** The container's `user` ("1000:1000"). */
export function parseUser(user: string): PosixUser {
  const match = /^(\d+):(\d+)$/.exec(user);
  if (!match) throw new Error(`the task's user must be uid:gid, not ${JSON.stringify(user)}`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

/** The process user: the task's when this process may switch to it (root), else the current one. */
function processUser(task: SynthesizedTask, differences: string[]): PosixUser | undefined {
  const wanted = parseUser(task.user);
  const current = process.getuid?.();
  if (current === 0) return wanted; // root switches to the task's user
  if (current !== wanted.uid) {
    differences.push(`runs as uid ${current}, not the task's ${task.user} (only root can switch users)`);
  }
  return undefined; // already the task's user, or unable to switch
}

/**
 * Environment of a local boot: the task's variables and secrets, the content path mapped to
 * `contentDir`, Ghost on `127.0.0.1:port`. MySQL (RDS) is replaced by SQLite on the content
 * directory, the one service this machine cannot run. `secretValues` gives the value of each
 * remaining secret (as ECS injects it); a secret without one is an error.
 */
export function planGhostBoot(
  task: SynthesizedTask,
  options: { contentDir: string; port: number; secretValues?: Record<string, string>; tmpDir?: string },
): GhostBootPlan {
  const differences: string[] = [];
  const mapPath = (value: string): string =>
    value === task.contentPath || value.startsWith(`${task.contentPath}/`)
      ? path.join(options.contentDir, value.slice(task.contentPath.length))
      : value;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.environment)) env[name] = mapPath(value);
  const secrets = { ...task.secrets };

  if (env.database__client === "mysql") {
    differences.push(
      `uses SQLite on the content directory: the task uses MySQL at ${env.database__connection__host}, and no MySQL 8 runs here`,
    );
    for (const name of Object.keys(env)) if (name.startsWith("database__")) delete env[name];
    for (const name of Object.keys(secrets)) if (name.startsWith("database__")) delete secrets[name];
    env.database__client = "sqlite3";
    env.database__connection__filename = path.join(options.contentDir, "data", "ghost.db");
  }
  for (const [name, arn] of Object.entries(secrets)) {
    const value = options.secretValues?.[name];
    if (value === undefined) throw new Error(`no value for the task secret ${name} (${arn})`);
    env[name] = value;
  }

  differences.push(`listens on 127.0.0.1:${options.port}, not [::]:${task.containerPort}`);
  differences.push(`content in ${options.contentDir}, not ${task.contentPath} on EFS`);
  if (task.scratchPaths.includes("/tmp") && options.tmpDir) {
    // Node's os.tmpdir() follows TMPDIR: Ghost's scratch space is the task-storage volume's stand-in.
    env.TMPDIR = options.tmpDir;
    differences.push(`scratch space (TMPDIR) in ${options.tmpDir}, not the task-storage volume on /tmp`);
  }
  Object.assign(env, {
    server__host: "127.0.0.1",
    server__port: String(options.port),
    paths__contentPath: options.contentDir,
  });
  return { env, user: processUser(task, differences), differences };
}
