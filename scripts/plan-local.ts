/**
 * npm run plan:local [-- <environment> ...] [--allow-replace]
 * A real Terraform plan with no AWS account: starts s3rver and dynalite on loopback ports,
 * synthesizes the stacks in local mode, runs `terraform init` (S3 backend + DynamoDB locking
 * against the stand-ins) and `terraform plan` for each environment, prints the summary and the plan
 * check (it fails on a plan that would replace or destroy a stateful resource), stops.
 */
import * as path from "path";
import { environmentStackName } from "../src/app";
import { loadProject } from "../src/config";
import { stateKey } from "../src/stacks/backend";
import { localCliConfig, savedPlan, synthesizeLocal, terraformInit } from "../tools/plan";
import { checkPlan } from "../tools/plan-check";
import { startStateServers } from "../tools/state-servers";
import { terraformEnv, terraformVersion } from "../tools/terraform";

const step = (message: string) => process.stdout.write(`==> ${message}\n`);

async function main(): Promise<void> {
  const project = loadProject();
  const args = process.argv.slice(2);
  const allowReplace = args.includes("--allow-replace");
  const wanted = args.filter((arg) => arg !== "--allow-replace");
  const environments = wanted.length > 0 ? wanted : [project.environments[0].environment];
  const unknown = environments.filter((name) => !project.environments.some((env) => env.environment === name));
  if (unknown.length > 0) throw new Error(`unknown environment(s): ${unknown.join(", ")}`);

  const version = terraformVersion();
  if (!version) throw new Error("terraform is not on PATH: install Terraform >= 1.10 first");
  step(`using ${version}`);
  const workDir = path.resolve(".plan-local");
  const { cliConfigFile, mirror } = localCliConfig(workDir);
  step(
    mirror
      ? `provider hashicorp/aws from the mirror ${mirror}`
      : "no provider mirror found: Terraform downloads hashicorp/aws from its registry",
  );

  step("starting the local state backend (s3rver for S3, dynalite for DynamoDB)");
  const servers = await startStateServers({ bucket: project.state.bucket, lockTable: project.state.lockTable });
  try {
    step(`synthesizing in local mode into ${path.join(workDir, "cdktf.out")}`);
    const stackDirs = synthesizeLocal(workDir, servers);
    const env = terraformEnv(cliConfigFile);
    for (const environment of environments) {
      const stack = environmentStackName(project.project, environment);
      const key = stateKey(project.project, environment);
      step(
        `${stack}: terraform init (state s3://${project.state.bucket}/${key} at ${servers.s3Endpoint}, lock table ${project.state.lockTable} at ${servers.dynamodbEndpoint})`,
      );
      await terraformInit(stackDirs[stack], env);
      step(`${stack}: terraform plan`);
      const { summary, plan } = await savedPlan(stackDirs[stack], env);
      const verdict = checkPlan(stack, plan, allowReplace);
      process.stdout.write(`${stack}: ${summary}\n${verdict.report}\n`);
      if (!verdict.ok) process.exitCode = 1;
    }
    step("done: a real Terraform plan with remote state and locking, and no AWS account");
  } finally {
    await servers.stop();
    step("stopped the local state backend");
  }
}

main().catch((error: Error) => {
  process.stderr.write(`plan:local failed: ${error.message}\n`);
  process.exit(1);
});
