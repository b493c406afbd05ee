/**
 * npm run deploy:local [-- <environment>] [--destroy]
 *
 * The whole product without an AWS account: starts the AWS emulator (moto, with the patches the
 * tests carry, tools/emulator-patches) on loopback ports it prints, deploys the bootstrap stack
 * and one environment (default: the first) completely, prints the environment's outputs and the
 * settings that point the AWS CLI or an SDK at the emulator, then waits. Ctrl-C (or --destroy,
 * right after the deploy) destroys the environment and stops the emulator, which takes the
 * bootstrap stack with it (its bucket and table refuse a destroy: prevent_destroy).
 *
 * The emulator's copy is thrown away, so preventDestroy and deletion protection are off in it.
 */
import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { buildApp, environmentStackName } from "../src/app";
import { TerraformOutputs } from "../src/build/app-repo";
import { environmentNamed, loadProject } from "../src/config";
import { PROJECT } from "../src/config/environments";
import { Emulator, EMULATOR_CREDENTIALS, startEmulator } from "../tools/emulator";
import { withEmulatorZones } from "../tools/emulator-project";
import { say } from "../tools/environment-stack";
import { runGracefully } from "../tools/graceful";
import { localCliConfig } from "../tools/plan";
import { ensurePythonEnv } from "../tools/python-env";
import { teardownSettings } from "../tools/teardown-settings";
import { runTerraform, terraformEnv, terraformVersion } from "../tools/terraform";

export const USAGE = "usage: npm run deploy:local [-- <environment>] [--destroy]";
const WORK_DIR = path.resolve(".deploy-local");
/** Most of an apply is the provider waiting on the API: more parallel requests than cores pays. */
const PARALLELISM = "-parallelism=16";

export function parseDeployLocalArgs(argv: string[]): { environment?: string; destroy: boolean } {
  const destroy = argv.includes("--destroy");
  const rest = argv.filter((arg) => arg !== "--destroy");
  const unknown = rest.filter((arg) => arg.startsWith("-"));
  if (unknown.length > 0 || rest.length > 1)
    throw new Error(`unexpected ${[...unknown, ...rest.slice(1)].join(" ")}\n${USAGE}`);
  return { environment: rest[0], destroy };
}

/** How to explore the deployed environment with the AWS CLI (or any SDK reading these variables). */
function exploreHint(emulator: Emulator, region: string, outputs: TerraformOutputs): string {
  const value = (name: string): string => String(outputs[name]?.value ?? `<${name}>`);
  return [
    "explore it with the AWS CLI or an SDK (in another terminal):",
    `  export AWS_ENDPOINT_URL=${emulator.endpoint} AWS_ENDPOINT_URL_S3=${emulator.s3Endpoint}`,
    `  export AWS_CA_BUNDLE=${emulator.env.AWS_CA_BUNDLE} AWS_REGION=${region}`,
    `  export AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.accessKey} AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secretKey}`,
    `  aws ecs describe-services --cluster ${value("cluster_name")} --services ${value("service_name")}`,
    `  aws elbv2 describe-load-balancers`,
    `  aws codepipeline list-pipelines`,
    `moto's request log: ${emulator.logFile}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const { environment: wanted, destroy } = parseDeployLocalArgs(process.argv.slice(2));
  const shipped = loadProject();
  const environment = environmentNamed(shipped, wanted ?? shipped.environments[0].environment);
  const version = terraformVersion();
  if (!version) throw new Error("terraform is not on PATH: install Terraform >= 1.10 first");
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const { cliConfigFile, mirror } = localCliConfig(WORK_DIR);
  say(`using ${version}; provider hashicorp/aws ${mirror ? `from the mirror ${mirror}` : "from its registry"}`);

  const venv = await ensurePythonEnv();
  const emulator = await startEmulator({ venv, logFile: path.join(WORK_DIR, "moto.log") });
  say(`AWS emulator (moto) at ${emulator.endpoint}, S3 at ${emulator.s3Endpoint}`);
  // Every Terraform below (Go) trusts the emulator's S3 certificate.
  const env = terraformEnv(cliConfigFile, emulator.env);
  let interrupted = false;
  let interrupt = (): void => undefined;
  const interruption = new Promise<void>((resolve) => (interrupt = resolve));
  const onSignal = (): void => {
    interrupted = true;
    interrupt();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const terraform = async (dir: string, args: string[]): Promise<void> => {
    const { code, interruptedBy } = await runGracefully("terraform", [...args, "-input=false"], { cwd: dir, env });
    if (interruptedBy) onSignal();
    else if (code !== 0) throw new Error(`terraform ${args[0]} in ${dir} failed (exit ${code})`);
  };

  const project = await withEmulatorZones(emulator, PROJECT, say);
  const input = {
    ...project,
    environments: project.environments.map((e) =>
      e.environment === environment.environment ? teardownSettings(e) : e,
    ),
  };
  const outdir = path.join(WORK_DIR, "cdktf.out");
  say(`synthesizing in local mode (every endpoint at the emulator) into ${outdir}`);
  const app = new App({ outdir });
  const { stateStack } = buildApp(app, {
    project: input,
    local: emulator.local,
    stateStackStatePath: path.join(WORK_DIR, "ghost-state.tfstate"),
  });
  app.synth();
  const stackDir = (name: string): string => path.join(outdir, "stacks", name);
  const stack = environmentStackName(shipped.project, environment.environment);
  let deployed = false;
  try {
    for (const [name, step] of [
      [stateStack.node.id, "the bootstrap stack (state bucket and lock table)"],
      [stack, `${environment.environment}, every resource`],
    ]) {
      if (interrupted) break;
      say(`${name}: terraform init, then apply of ${step}`);
      await terraform(stackDir(name), ["init"]);
      if (interrupted) break;
      deployed = name === stack || deployed;
      await terraform(stackDir(name), ["apply", "-auto-approve", PARALLELISM]);
    }
    if (!interrupted) {
      const shown = await runTerraform(["output", "-json"], { cwd: stackDir(stack), env });
      const outputs: TerraformOutputs = JSON.parse(shown.stdout || "{}");
      // As `terraform output` prints them, one line each.
      const printed = Object.entries(outputs).map(
        ([name, output]) => `${name} = ${output.sensitive ? "<sensitive>" : JSON.stringify(output.value)}`,
      );
      say(`${stack}: deployed to the emulator. Its outputs:\n${printed.join("\n")}`);
      say(exploreHint(emulator, environment.region, outputs));
      if (!destroy) {
        say("Ctrl-C destroys it and stops the emulator");
        await interruption;
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (deployed) {
      say(`${stack}: terraform destroy`);
      await terraform(stackDir(stack), ["destroy", "-auto-approve", PARALLELISM]).catch((error: Error) =>
        say(`the destroy failed: ${error.message} (the emulator is stopped anyway)`),
      );
    }
    await emulator.stop();
    say("stopped the emulator: the bootstrap stack and everything left in it are gone with it");
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`deploy:local failed: ${error.message}\n`);
    process.exit(1);
  });
}
