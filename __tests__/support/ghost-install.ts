/**
 * The real Ghost for the Ghost tier, installed as Ghost-CLI installs it: the release tarball from
 * the npm registry, then its production dependencies inside it (`file:` components, so not as a
 * dependency of ours), on the Node.js release Ghost asks for (official binaries from the npm
 * package `node-<platform>-<arch>`, whose headers let better-sqlite3 and re2 build offline).
 *
 * Cached in `.ghost/ghost-<version>-node-<version>/` (git-ignored): a cold install is a few
 * minutes and about 800 MB; a warm one is a directory check.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { PROJECT_ROOT, runLogged, withLock } from "../../tools/python-env";

/** Node.js release that runs Ghost here (Ghost 6.65 wants ^22.23.1 or ^24.20.0). */
export const GHOST_NODE_VERSION = "24.22.3";
export const GHOST_CACHE_DIR = path.join(PROJECT_ROOT, ".ghost");

/**
 * What the official image's Dockerfile configures with Ghost-CLI (`ghost install --db mysql
 * --dbhost mysql`, `ghost config --ip '::' --port 2368 --url http://localhost:2368`,
 * `paths.contentPath`): the defaults a task's environment variables override.
 */
export const IMAGE_CONFIG = {
  url: "http://localhost:2368",
  server: { port: 2368, host: "::" },
  database: { client: "mysql", connection: { host: "mysql", user: "root", password: "", database: "ghost" } },
  mail: { transport: "Direct" },
  logging: { transports: ["file", "stdout"] },
  process: "systemd",
  paths: { contentPath: "/var/lib/ghost/content" },
};

export interface GhostInstall {
  readonly version: string;
  readonly nodeVersion: string;
  /** Ghost's root: `index.js`, `core/`, `node_modules/`, `content.orig/` (the image's seed). */
  readonly dir: string;
  /** The Node.js binary that runs it. */
  readonly node: string;
}

/** The Ghost version an image reference pins (`ghost:6.65.0-alpine`, also through a mirror). */
export function ghostVersionOfImage(image: string): string | undefined {
  const match = /(?:^|\/)ghost:(\d+\.\d+\.\d+)(?:-[a-z0-9.]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  return match?.[1];
}

function installDir(version: string): string {
  return path.join(GHOST_CACHE_DIR, `ghost-${version}-node-${GHOST_NODE_VERSION}`);
}

function nodePackage(): string {
  return `node-${process.platform}-${process.arch}`;
}

function installed(version: string): GhostInstall | undefined {
  const dir = installDir(version);
  const marker = path.join(dir, ".installed");
  if (!fs.existsSync(marker)) return undefined;
  return {
    version,
    nodeVersion: GHOST_NODE_VERSION,
    dir: path.join(dir, "ghost"),
    node: path.join(dir, "node", "bin", "node"),
  };
}

/**
 * Why Ghost cannot be installed here, or undefined when it can (or already is): npm must be on
 * PATH and the registry must know the release.
 */
export function ghostUnavailableReason(version: string): string | undefined {
  if (installed(version)) return undefined;
  const result = spawnSync("npm", ["view", `ghost@${version}`, "version"], { encoding: "utf8", timeout: 60_000 });
  if (result.error) return `npm is not on PATH (${result.error.message})`;
  if (result.status !== 0 || result.stdout.trim() !== version) {
    return `the npm registry does not answer for ghost@${version}: ${(result.stderr || result.stdout).trim().split("\n").pop()}`;
  }
  return undefined;
}

/** Packs `spec` from the npm registry into `into` and unpacks it to `into/<name>`. */
async function fetchPackage(spec: string, into: string, name: string, log: string): Promise<string> {
  const before = new Set(fs.readdirSync(into));
  await runLogged("npm", ["pack", spec, "--pack-destination", into, "--silent"], log);
  const tarball = fs.readdirSync(into).find((file) => file.endsWith(".tgz") && !before.has(file));
  if (!tarball) throw new Error(`npm pack ${spec} wrote no tarball into ${into}`);
  const target = path.join(into, name);
  fs.mkdirSync(target);
  await runLogged("tar", ["-xzf", path.join(into, tarball), "-C", target, "--strip-components=1"], log);
  fs.rmSync(path.join(into, tarball));
  return target;
}

/** Installs (once) and returns Ghost `version`; progress lines go to `log`. */
export async function ensureGhost(version: string, log: (line: string) => void): Promise<GhostInstall> {
  const ready = installed(version);
  if (ready) return ready;
  fs.mkdirSync(GHOST_CACHE_DIR, { recursive: true });
  return withLock(path.join(GHOST_CACHE_DIR, ".install.lock"), async () => {
    const done = installed(version); // another worker may have finished it meanwhile
    if (done) return done;
    const started = Date.now();
    const final = installDir(version);
    const work = `${final}.partial`;
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const installLog = path.join(work, "install.log");
    fs.writeFileSync(installLog, "");
    log(
      `ghost-install: ghost@${version} on node ${GHOST_NODE_VERSION} (first run only, about 5 minutes; log: ${installLog})`,
    );

    const ghostDir = await fetchPackage(`ghost@${version}`, work, "ghost", installLog);
    const nodeDir = await fetchPackage(`${nodePackage()}@${GHOST_NODE_VERSION}`, work, "node", installLog);
    const engines = JSON.parse(fs.readFileSync(path.join(ghostDir, "package.json"), "utf8")).engines?.node as string;
    if (engines && !semver.satisfies(GHOST_NODE_VERSION, engines)) {
      throw new Error(`ghost@${version} needs node ${engines}; GHOST_NODE_VERSION is ${GHOST_NODE_VERSION}`);
    }
    const nodeBin = path.join(nodeDir, "bin");
    // npm runs on Ghost's Node (first on PATH), and node-gyp takes headers from its package.
    const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: nodeDir };
    await runLogged("npm", ["install", "--omit=dev", "--legacy-peer-deps", "--no-audit", "--no-fund"], installLog, {
      cwd: ghostDir,
      env,
    });
    // The native modules must load in Ghost's Node, or the first query fails at run time.
    await runLogged(path.join(nodeBin, "node"), ["-e", "require('better-sqlite3'); require('re2')"], installLog, {
      cwd: ghostDir,
    });

    // As the image does: the release's content/ is kept as content.orig/, the seed of an empty volume.
    fs.renameSync(path.join(ghostDir, "content"), path.join(ghostDir, "content.orig"));
    fs.writeFileSync(path.join(ghostDir, "config.production.json"), `${JSON.stringify(IMAGE_CONFIG, null, 2)}\n`);
    fs.writeFileSync(
      path.join(work, ".installed"),
      `${JSON.stringify({ ghost: version, node: GHOST_NODE_VERSION })}\n`,
    );
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(work, final);
    log(`ghost-install: ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return installed(version)!;
  });
}
