/**
 * `npm run deploy:local` as a user runs it: the real command (its own emulator, its own Terraform),
 * the first environment deployed with every resource, explored through the endpoint it prints,
 * then Ctrl-C: everything it created destroyed, the emulator stopped.
 */
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as path from "path";
import { parseDeployLocalArgs } from "../../scripts/deploy-local";
import { terraformEnv } from "../../tools/terraform";
import { TERRAFORM } from "./harness";
import { describeWithPython } from "./e2e";

jest.setTimeout(15 * 60_000);

const ROOT = path.join(__dirname, "..", "..");
const NO_COLOR = Object.fromEntries(
  ["init", "apply", "destroy", "output"].map((command) => [`TF_CLI_ARGS_${command}`, "-no-color"]),
);

interface Session {
  readonly output: () => string;
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
}

function startDeployLocal(): Session {
  let output = "";
  const child = spawn("node", ["-r", "./scripts/register.js", "scripts/deploy-local.ts"], {
    cwd: ROOT,
    // The user's Terraform CLI config (here the tiers' offline mirror); plain output to match.
    env: terraformEnv(TERRAFORM.cliConfigFile ?? "", NO_COLOR),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { output: () => output, child, exit };
}

async function waitFor(session: Session, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(session.output());
    if (match) return match;
    if (session.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`deploy:local never printed ${pattern}:\n${session.output().slice(-6000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Whether anything answers HTTP at `endpoint`. */
const answers = (endpoint: string): Promise<boolean> =>
  new Promise((resolve) => {
    const request = http.get(`${endpoint}/moto-api/`, (response) => {
      response.resume();
      resolve(true);
    });
    request.on("error", () => resolve(false));
    request.setTimeout(2000, () => request.destroy());
  });

describe("npm run deploy:local arguments", () => {
  it("takes an optional environment and --destroy", () => {
    expect(parseDeployLocalArgs([])).toEqual({ environment: undefined, destroy: false });
    expect(parseDeployLocalArgs(["prod", "--destroy"])).toEqual({ environment: "prod", destroy: true });
  });

  it("refuses unknown flags and a second environment, with the usage", () => {
    expect(() => parseDeployLocalArgs(["--force"])).toThrow(/unexpected --force\nusage: npm run deploy:local/);
    expect(() => parseDeployLocalArgs(["dev", "prod"])).toThrow(/unexpected prod/);
  });
});

describeWithPython("npm run deploy:local: the product deployed to an emulator, explored, then Ctrl-C", () => {
  let session: Session;
  let endpoint: string;
  let deployed: string;

  beforeAll(async () => {
    session = startDeployLocal();
    endpoint = (await waitFor(session, /AWS emulator \(moto\) at (http:\/\/127\.0\.0\.1:\d+)/, 5 * 60_000))[1];
    deployed = (await waitFor(session, /Ctrl-C destroys it and stops the emulator/, 12 * 60_000)).input;
  }, 16 * 60_000);

  afterAll(() => {
    if (session?.child.exitCode === null) session.child.kill("SIGKILL");
  });

  it("deploys the bootstrap stack and the first environment, every resource, and prints the outputs", () => {
    const applies = [...deployed.matchAll(/Apply complete! Resources: (\d+) added, 0 changed, 0 destroyed/g)];
    expect(applies.map((match) => Number(match[1]) > 0)).toEqual([true, true]);
    expect(deployed).toMatch(/alb_dns_name = "[a-z0-9-]+\.[a-z0-9-]+\.elb\.amazonaws\.com"/);
    expect(deployed).toMatch(/ecr_repository_url = "\d{12}\.dkr\.ecr\./);
  });

  it("prints the settings that point the AWS CLI at the emulator, which answers there", async () => {
    expect(deployed).toContain(`export AWS_ENDPOINT_URL=${endpoint} AWS_ENDPOINT_URL_S3=https://127.0.0.1:`);
    expect(deployed).toMatch(/aws ecs describe-services --cluster ghost-\w+ --services ghost-\w+/);
    expect(await answers(endpoint)).toBe(true);
  });

  it("destroys everything it deployed on Ctrl-C, then stops the emulator", async () => {
    const [, added] = [...deployed.matchAll(/Apply complete! Resources: (\d+) added/g)].map((m) => Number(m[1]));
    session.child.kill("SIGINT");
    expect(await session.exit).toBe(0);
    const destroyed = /Destroy complete! Resources: (\d+) destroyed/.exec(session.output());
    expect(Number(destroyed?.[1])).toBe(added);
    expect(session.output()).toContain("stopped the emulator");
    expect(await answers(endpoint)).toBe(false);
  });
});
