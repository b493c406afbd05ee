/**
 * A blue/green deployment's API calls under the roles that make them (deployment_calls.py), against
 * an applied environment: the deploy pipeline's with the taskdef.json and appspec.yaml that
 * `npm run app-repo` writes from the stack's outputs, then CodeDeploy's. moto authorizes each role
 * session against the role's policies, resource by resource (the iam_* and ecs_pass_role patches).
 */
import { execFile } from "child_process";
import { parse } from "yaml";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, EMULATOR_CREDENTIALS } from "../../tools/emulator";
import { ProjectConfig } from "../../src/config";
import { APP_REPO_FILES, IMAGE1_PLACEHOLDER, TerraformOutputs } from "../../src/build/app-repo";
import { writeAppRepository } from "../../scripts/app-repo";
import { venvBin } from "../../tools/python-env";
import { namedResource, PlanJson, StateResource } from "./e2e";

const SUPPORT = path.join(__dirname, "..", "support");

/** Each call's outcome ("ok" or the error code), by the role that made it. */
export interface DeploymentCallOutcomes {
  readonly pipeline: Record<string, string>;
  readonly codeDeploy: Record<string, string>;
}

export interface AppliedEnvironment {
  readonly environment: string;
  readonly region: string;
  readonly outputs: TerraformOutputs;
  readonly resources: StateResource[];
  readonly plan: PlanJson;
}

/** The files a deployment uses, as the Ghost repository holds them (taskdef.json with its <IMAGE1_NAME>). */
export function pipelineFiles(
  project: ProjectConfig,
  applied: AppliedEnvironment,
): { taskDefinition: string; appSpec: string; capacityProviderStrategy: unknown[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ghost-app-repo-"));
  try {
    writeAppRepository({ env: applied.environment, out: dir }, applied.outputs, project);
    const read = (file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
    const appSpec = read(APP_REPO_FILES.appspec);
    // The replacement task set runs on the AppSpec's capacity providers, as CodeDeploy starts it.
    const strategy: { CapacityProvider: string; Base: number; Weight: number }[] =
      parse(appSpec).Resources[0].TargetService.Properties.CapacityProviderStrategy;
    return {
      taskDefinition: read(APP_REPO_FILES.taskDefinition),
      appSpec,
      capacityProviderStrategy: strategy.map((s) => ({
        capacityProvider: s.CapacityProvider,
        base: s.Base,
        weight: s.Weight,
      })),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one of the Python scripts of a deployment with `input` on its stdin; resolves to its JSON answer. */
export function runDeploymentScript<T>(venv: string, script: string, input: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = execFile(venvBin("python", venv), [path.join(SUPPORT, script)], (error, out, stderr) =>
      error ? reject(new Error(`${script} failed:\n${stderr}`)) : resolve(JSON.parse(out) as T),
    );
    child.stdin?.end(JSON.stringify(input));
  });
}

/** What every deployment script is given: the emulator, the two roles, the service, its listeners and group. */
export function deploymentTargets(emulator: Emulator, applied: AppliedEnvironment) {
  const { resources } = applied;
  const group = namedResource(resources, "aws_codedeploy_deployment_group").values;
  const pair = group.load_balancer_info[0].target_group_pair_info[0];
  const [serviceLoadBalancer] = namedResource(resources, "aws_ecs_service").values.load_balancer;
  return {
    group,
    input: {
      endpoint: emulator.endpoint,
      region: applied.region,
      ...EMULATOR_CREDENTIALS,
      pipelineRole: namedResource(resources, "aws_iam_role", "-codepipeline").values.arn as string,
      codeDeployRole: namedResource(resources, "aws_iam_role", "-codedeploy").values.arn as string,
      cluster: applied.outputs.cluster_name.value,
      service: applied.outputs.service_name.value,
      listeners: {
        production: pair.prod_traffic_route[0].listener_arns[0] as string,
        test: pair.test_traffic_route[0].listener_arns[0] as string,
      },
      containerName: serviceLoadBalancer.container_name,
      containerPort: serviceLoadBalancer.container_port,
      application: group.app_name,
      deploymentGroup: group.deployment_group_name,
      repository: namedResource(resources, "aws_ecr_repository").values.name,
    },
  };
}

export async function deploymentCalls(
  emulator: Emulator,
  venv: string,
  project: ProjectConfig,
  applied: AppliedEnvironment,
): Promise<DeploymentCallOutcomes> {
  const { resources } = applied;
  const { group, input: targets } = deploymentTargets(emulator, applied);
  const files = pipelineFiles(project, applied);
  const input = {
    ...targets,
    targetGroups: {
      blue: namedResource(resources, "aws_lb_target_group", "-blue").values.arn,
      green: namedResource(resources, "aws_lb_target_group", "-green").values.arn,
    },
    alarms: group.alarm_configuration[0].alarms,
    deploymentConfig: group.deployment_config_name,
    ...files,
    // The image URI of imageDetail.json, which CodeDeployToECS puts in place of <IMAGE1_NAME>.
    taskDefinition: JSON.parse(
      files.taskDefinition.split(IMAGE1_PLACEHOLDER).join(`${applied.outputs.ecr_repository_url.value}:latest`),
    ),
    anyFunction: "any-function-of-the-account",
    otherListener: targets.listeners.production.replace(/[^/]+$/, "0123456789abcdef"),
    topic: namedResource(resources, "aws_sns_topic").values.arn,
  };
  return runDeploymentScript<DeploymentCallOutcomes>(venv, "deployment_calls.py", input);
}
