/**
 * Runs the real Terraform CLI offline: finds a filesystem mirror of hashicorp/aws, writes a CLI
 * config that installs the provider from it, and runs terraform with that config.
 *
 * The mirror is, in order: GHOST_TF_PROVIDER_MIRROR (a directory laid out as
 * <dir>/registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/), Terraform's implied local
 * mirror directories, then a search of the local filesystem for terraform-provider-aws.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const AWS_PROVIDER_VERSION = "5.100.0";
const PROVIDER_DIR = path.join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `terraform version` output, or undefined when no terraform is on PATH. */
export function terraformVersion(): string | undefined {
  const result = spawnSync("terraform", ["version"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return result.status === 0 ? result.stdout.split("\n")[0] : undefined;
}

function platformDir(): string {
  const arch = { x64: "amd64", arm64: "arm64", ia32: "386" }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}

function hasProvider(mirror: string): boolean {
  const dir = path.join(mirror, PROVIDER_DIR, platformDir());
  return fs.existsSync(dir) && fs.readdirSync(dir).some((file) => file.startsWith("terraform-provider-aws"));
}

/** Terraform's implied local mirror directories (Terraform docs, "Provider Installation"). */
function impliedMirrors(): string[] {
  const home = os.homedir();
  // The XDG Base Directory default when XDG_DATA_DIRS is unset, as Terraform itself uses it.
  const xdgData = (process.env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share").split(":");
  return [
    path.join(home, ".terraform.d", "plugins"),
    path.join(process.env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "terraform", "plugins"),
    ...xdgData.map((dir) => path.join(dir, "terraform", "plugins")),
  ];
}

/** Searches the root filesystem for the provider binary; returns the mirror root above it. */
function searchFilesystem(): string | undefined {
  let found: string;
  try {
    found = execFileSync(
      "find",
      [
        "/",
        "-xdev",
        "(",
        "-path",
        "/proc",
        "-o",
        "-path",
        "/sys",
        "-o",
        "-name",
        "node_modules",
        ")",
        "-prune",
        "-o",
        "-path",
        `*/${PROVIDER_DIR}/${platformDir()}/terraform-provider-aws*`,
        "-print",
        "-quit",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 120_000 },
    ).trim();
  } catch (error) {
    // find exits non-zero on unreadable directories but still prints what it found.
    found = String((error as { stdout?: string }).stdout ?? "").trim();
  }
  if (!found) return undefined;
  return path.resolve(path.dirname(found), "..", "..", "..", "..", "..");
}

/** The provider mirror directory, or undefined with the reason. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): { mirror?: string; reason?: string } {
  const configured = env.GHOST_TF_PROVIDER_MIRROR;
  if (configured) {
    return hasProvider(configured)
      ? { mirror: configured }
      : {
          reason: `GHOST_TF_PROVIDER_MIRROR=${configured} has no ${PROVIDER_DIR}/${platformDir()}/terraform-provider-aws*`,
        };
  }
  const implied = impliedMirrors().find(hasProvider);
  if (implied) return { mirror: implied };
  const searched = searchFilesystem();
  return searched
    ? { mirror: searched }
    : { reason: `no filesystem mirror of hashicorp/aws ${AWS_PROVIDER_VERSION} found; set GHOST_TF_PROVIDER_MIRROR` };
}

/**
 * Writes a Terraform CLI config that installs hashicorp/aws only from `mirror`; returns its path.
 * Written to a temporary file and renamed, so a Terraform process reading it concurrently never
 * sees a half-written file.
 */
export function writeCliConfig(mirror: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "terraform.rc");
  const content = [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    '  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }',
    "}",
    "",
  ].join("\n");
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return file;
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
  return file;
}

/** Environment for every terraform run: offline CLI config, no telemetry, no metadata look-ups. */
export function terraformEnv(cliConfigFile: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    // S3-compatible stand-ins do not compute the SDK's newer default checksums.
    AWS_REQUEST_CHECKSUM_CALCULATION: "when_required",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required",
    ...extra,
  };
}

/** Runs terraform in `cwd` and resolves with its exit code and output (never rejects on exit code). */
export function runTerraform(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
