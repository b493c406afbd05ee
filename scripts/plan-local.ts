/**
 * npm run plan:local [-- <environment> ...]
 * A real Terraform plan with no AWS account: starts s3rver and dynalite on loopback ports,
 * synthesizes the stacks in local mode, runs `terraform init` (S3 backend + DynamoDB locking
 * against the stand-ins) and `terraform plan` for each environment, prints the summary, stops.
 */
import { App } from "cdktf";
import * as path from "path";
import { environmentStackName, buildApp } from "../src/app";
import { loadProject } from "../src/config";
import { stateKey } from "../src/stacks/backend";
import { startStateServers } from "../src/local/state-servers";
import { findProviderMirror, runTerraform, terraformEnv, terraformVersion, writeCliConfig } from "../src/local/terraform";

const step = (message: string) => process.stdout.write(`==> ${message}\n`);

async function main(): Promise<void> {
  const project = loadProject();
  const wanted = process.argv.slice(2);
  const environments = wanted.length > 0 ? wanted : [project.environments[0].environment];
  const unknown = environments.filter((name) => !project.environments.some((env) => env.environment === name));
  if (unknown.length > 0) throw new Error(`unknown environment(s): ${unknown.join(", ")}`);

  const version = terraformVersion();
  if (!version) throw new Error("terraform is not on PATH: install Terraform >= 1.10 first");
  step(`using ${version}`);
  const workDir = path.resolve(".plan-local");
  const { mirror } = findProviderMirror();
  const cliConfig = mirror ? writeCliConfig(mirror, workDir) : process.env.TF_CLI_CONFIG_FILE ?? "";
  step(mirror ? `provider hashicorp/aws from the mirror ${mirror}` : "no provider mirror found: Terraform downloads hashicorp/aws from its registry");

  step("starting the local state backend (s3rver for S3, dynalite for DynamoDB)");
  const servers = await startStateServers({ bucket: project.state.bucket, lockTable: project.state.lockTable });
  try {
    step(`synthesizing in local mode into ${path.join(workDir, "cdktf.out")}`);
    const app = new App({ outdir: path.join(workDir, "cdktf.out") });
    buildApp(app, {
      local: { s3Endpoint: servers.s3Endpoint, dynamodbEndpoint: servers.dynamodbEndpoint, accessKey: "S3RVER", secretKey: "S3RVER" },
      stateStackStatePath: path.join(workDir, "ghost-state.tfstate"),
    });
    app.synth();

    const env = terraformEnv(cliConfig);
    for (const environment of environments) {
      const stack = environmentStackName(project.project, environment);
      const dir = path.join(workDir, "cdktf.out", "stacks", stack);
      step(`${stack}: terraform init (state: s3://${project.state.bucket}/${stateKey(project.project, environment)} at ${servers.s3Endpoint}, lock table ${project.state.lockTable} at ${servers.dynamodbEndpoint})`);
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env });
      if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
      step(`${stack}: terraform plan`);
      const plan = await runTerraform(["plan", "-input=false", "-no-color"], { cwd: dir, env });
      if (plan.code !== 0) throw new Error(`terraform plan failed:\n${plan.stderr}`);
      const summary = plan.stdout.match(/Plan: .*/)?.[0] ?? "no summary found";
      process.stdout.write(`${stack}: ${summary}\n`);
    }
    step("done: the plan above ran against real Terraform with remote state and locking, and no AWS account");
  } finally {
    await servers.stop();
    step("stopped the local state backend");
  }
}

main().catch((error: Error) => {
  process.stderr.write(`plan:local failed: ${error.message}\n`);
  process.exit(1);
});
