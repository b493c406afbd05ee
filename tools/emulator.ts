/**
 * moto in server mode: one local endpoint for every AWS API the stacks use, on a free loopback
 * port, and S3 over HTTPS on another (its bucket policies deny plain HTTP, as AWS does), with its
 * request log in a file. `stop()` ends it; so does the end of this process.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as tls from "tls";
import { LocalMode } from "../src/stacks/local-mode";
import { venvBin } from "./python-env";

/** Dummy credentials (moto accepts any). */
export const EMULATOR_CREDENTIALS = { accessKey: "moto-test", secretKey: "moto-test" } as const;

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** S3's, over HTTPS: e.g. https://127.0.0.1:41235 */
  readonly s3Endpoint: string;
  /**
   * What a client of the emulator needs in its environment to trust the S3 endpoint's self-signed
   * certificate (with the system's roots): Terraform and its provider (Go), the AWS CLI and boto3.
   */
  readonly env: { readonly SSL_CERT_FILE: string; readonly AWS_CA_BUNDLE: string };
  /** Every request moto served, and the tracebacks of those it failed. */
  readonly logFile: string;
  /** Local mode with every service, S3 (over HTTPS) and DynamoDB at this emulator. */
  readonly local: LocalMode;
  /** Creates a Route 53 hosted zone for `name` in the emulator; resolves to its id (Z...). */
  createHostedZone(name: string): Promise<string>;
  /** One API call with boto3 (`method` in its snake_case name), as the tier's own user; resolves to the response. */
  call(service: string, method: string, params: Record<string, unknown>, region?: string): Promise<any>;
  /** moto's "action has not been implemented" lines so far (each once): what a timed-out apply waited on. */
  notImplemented(): string[];
  stop(): Promise<void>;
}

/** The ports of the plain and the HTTPS server, once the server script prints them. */
function waitForPorts(
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<{ plain: number; secure: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const ports = /emulator listening: http (\d+) https (\d+)/.exec(fs.readFileSync(logFile, "utf8"));
      if (ports) finish(() => resolve({ plain: Number(ports[1]), secure: Number(ports[2]) }));
      else if (child.exitCode !== null)
        finish(() => reject(new Error(`moto exited (${child.exitCode}):\n${fs.readFileSync(logFile, "utf8")}`)));
      else if (Date.now() - started > timeoutMs)
        finish(() => reject(new Error(`moto did not start in ${timeoutMs} ms`)));
    }, 100);
    const finish = (settle: () => void): void => {
      clearInterval(poll);
      settle();
    };
  });
}

/** Resolves once moto answers HTTP (any status). */
async function waitForHttp(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await new Promise<boolean>((resolve) => {
      const request = http.get(`${endpoint}/moto-api/`, (response) => {
        response.resume();
        resolve(true);
      });
      request.on("error", () => resolve(false));
      request.setTimeout(2000, () => request.destroy());
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`moto at ${endpoint} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The patches carried for moto: each restores one documented AWS behaviour moto lacks, checks at
 * start that moto still lacks it (and stops the emulator, saying so, once upstream fixes it), and
 * is listed in emulator-gaps.ts (EMULATOR_PATCHES).
 */
export const EMULATOR_PATCHES_DIR = path.join(__dirname, "emulator-patches");

/** The server script: the patches, then moto over HTTP and (for S3) HTTPS in one process. */
const SERVER = path.join(__dirname, "emulator-server.py");

export async function startEmulator(options: { venv: string; logFile: string }): Promise<Emulator> {
  fs.writeFileSync(options.logFile, "");
  const log = fs.openSync(options.logFile, "a");
  const base = options.logFile.replace(/\.log$/, "");
  const [certificate, key, caBundle] = [`${base}-tls.crt`, `${base}-tls.key`, `${base}-ca-bundle.pem`];
  const child = spawn(venvBin("python", options.venv), ["-u", SERVER, EMULATOR_PATCHES_DIR, certificate, key], {
    stdio: ["pipe", log, log],
    env: {
      ...process.env,
      // AWS managed policies (AmazonECSTaskExecutionRolePolicy...) exist only when loaded.
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
      // ACM issues a DNS-validated certificate once its records exist (minutes in AWS); moto waits
      // this long, whatever the records: short, so the tier does not wait for nothing.
      MOTO_ACM_VALIDATION_WAIT: "5",
    },
  });
  fs.closeSync(log);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const ports = await waitForPorts(child, options.logFile, 30_000);
    const endpoint = `http://127.0.0.1:${ports.plain}`;
    const s3Endpoint = `https://127.0.0.1:${ports.secure}`;
    await waitForHttp(endpoint, 30_000);
    // The system's roots and the emulator's certificate: Go reads SSL_CERT_FILE instead of them.
    fs.writeFileSync(caBundle, [...tls.rootCertificates, fs.readFileSync(certificate, "utf8")].join("\n"));
    const env = { SSL_CERT_FILE: caBundle, AWS_CA_BUNDLE: caBundle };
    const call = (service: string, method: string, params: Record<string, unknown>, region = "us-east-1") =>
      new Promise<any>((resolve, reject) => {
        const script = [
          "import boto3, json, sys",
          "client = boto3.client(sys.argv[1], endpoint_url=sys.argv[2], region_name=sys.argv[3],",
          `    aws_access_key_id="${EMULATOR_CREDENTIALS.accessKey}", aws_secret_access_key="${EMULATOR_CREDENTIALS.secretKey}")`,
          "print(json.dumps(getattr(client, sys.argv[4])(**json.loads(sys.stdin.read())), default=str))",
        ].join("\n");
        const child = execFile(
          venvBin("python", options.venv),
          ["-c", script, service, service === "s3" ? s3Endpoint : endpoint, region, method],
          { env: { ...process.env, ...env } },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${service}.${method} failed:\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
        child.stdin?.end(JSON.stringify(params));
      });
    return {
      endpoint,
      s3Endpoint,
      env,
      logFile: options.logFile,
      local: { endpoint, s3Endpoint, dynamodbEndpoint: endpoint, answersSts: true, ...EMULATOR_CREDENTIALS },
      call,
      createHostedZone: async (name: string) => {
        const zone = await call("route53", "create_hosted_zone", { Name: name, CallerReference: name });
        return String(zone.HostedZone.Id).split("/").pop()!;
      },
      notImplemented: () => [
        ...new Set(fs.readFileSync(options.logFile, "utf8").match(/NotImplementedError: .*/g) ?? []),
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
