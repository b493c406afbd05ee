/**
 * One Ghost process, started as the container starts it: the image's entrypoint seeds an empty
 * content volume from `content.orig`, then `node index.js` runs as the task's user with the
 * task's environment and nothing else of this machine's.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { GhostInstall } from "./ghost-install";

export interface PosixUser {
  readonly uid: number;
  readonly gid: number;
}

export interface GhostStart {
  /** Environment variables of the process (the task's, already mapped to this machine). */
  readonly env: Record<string, string>;
  /** The content directory (the EFS access point's root in AWS). */
  readonly contentDir: string;
  /** Loopback port Ghost listens on. */
  readonly port: number;
  /** Run as this user (the task definition's `user`); undefined runs as the current user. */
  readonly user?: PosixUser;
  /** Give up waiting for "Ghost booted" after this long. */
  readonly bootTimeoutMs: number;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * What the image's docker-entrypoint.sh does before Ghost starts: each top-level folder of
 * content.orig (and each bundled theme) that the volume lacks is copied in, owned by the user.
 */
export function seedContent(install: GhostInstall, contentDir: string, user?: PosixUser): void {
  const seed = path.join(install.dir, "content.orig");
  const entries = [
    ...fs.readdirSync(seed),
    ...fs.readdirSync(path.join(seed, "themes")).map((name) => path.join("themes", name)),
  ];
  for (const entry of entries) {
    const target = path.join(contentDir, entry);
    if (fs.existsSync(target)) continue;
    fs.cpSync(path.join(seed, entry), target, { recursive: true });
    if (user) chownTree(target, user);
  }
}

function chownTree(target: string, user: PosixUser): void {
  fs.chownSync(target, user.uid, user.gid);
  if (fs.statSync(target).isDirectory()) {
    for (const name of fs.readdirSync(target)) chownTree(path.join(target, name), user);
  }
}

/** A content directory as the EFS access point creates its root: owned by the user, mode 755. */
export function makeContentDir(dir: string, user?: PosixUser): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (user) fs.chownSync(dir, user.uid, user.gid);
}

export class GhostProcess {
  /** Milliseconds from spawn to Ghost's "Ghost booted" line. */
  bootMs = 0;
  private output = "";
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  /** Starts Ghost and resolves once it has booted; rejects with its output when it does not. */
  static async start(install: GhostInstall, options: GhostStart): Promise<GhostProcess> {
    const ghost = GhostProcess.spawn(install, options);
    const started = Date.now();
    const booted = await ghost.waitFor(/Ghost booted in/, options.bootTimeoutMs);
    if (!booted) {
      await ghost.stop();
      throw new Error(`Ghost did not boot within ${options.bootTimeoutMs} ms:\n${ghost.tail()}`);
    }
    ghost.bootMs = Date.now() - started;
    return ghost;
  }

  /** Starts Ghost without waiting (for a Ghost expected not to boot). */
  static spawn(install: GhostInstall, options: GhostStart): GhostProcess {
    seedContent(install, options.contentDir, options.user);
    const env = {
      PATH: `${path.dirname(install.node)}${path.delimiter}/usr/local/bin:/usr/bin:/bin`,
      HOME: options.contentDir, // the image's user has no writable home but the volume
      ...options.env,
    };
    const child = spawn(install.node, ["index.js"], {
      cwd: install.dir,
      env,
      uid: options.user?.uid,
      gid: options.user?.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new GhostProcess(child);
  }

  /** True once `pattern` shows in the output; false if Ghost exits or the time runs out first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pattern.test(this.output)) return true;
      if (this.child.exitCode !== null) return pattern.test(this.output);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines Ghost printed (for failure messages). */
  tail(lines = 40): string {
    return this.output.split("\n").slice(-lines).join("\n");
  }

  /** SIGTERM, then SIGKILL after 30 s (ECS's default stopTimeout); resolves when the process is gone. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}
