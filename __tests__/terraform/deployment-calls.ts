/**
 * A blue/green deployment's API calls under the roles that make them (deployment-calls.py), against
 * an applied environment: the deploy pipeline's with the taskdef.json and appspec.yaml that
 * `npm run app-repo` writes from the stack's outputs, then CodeDeploy's. moto authorizes each role
 * session against the role's policies, resource by resource (the iam_* and ecs_pass_role patches).
 */
import { execFile } from "child_process";
import { parse } from "yaml";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, EMULATOR_CREDENTIALS } from "../support/emulator";
import { ProjectConfig } from "../../src/config";
import { APP_REPO_FILES, IMAGE1_PLACEHOLDER, TerraformOutputs } from "../../src/build/app-repo";
import { writeAppRepository } from "../../scripts/app-repo";
import { venvBin } from "../../tools/python-env";
import { namedResource, PlanJson, StateResource } from "./e2e";

const SCRIPT = path.join(__dirname, "..", "support", "deployment-calls.py");

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

/** The files a deployment uses, as the Ghost repository holds them (taskdef.json with the pushed image). */
function pipelineFiles(
  project: ProjectConfig,
  applied: AppliedEnvironment,
): { taskDefinition: unknown; appSpec: string; capacityProviderStrategy: unknown[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ghost-app-repo-"));
  try {
    writeAppRepository({ env: applied.environment, out: dir }, applied.outputs, project);
    const read = (file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
    // The image URI of imageDetail.json, which CodeDeployToECS puts in place of <IMAGE1_NAME>.
    const image = `${applied.outputs.ecr_repository_url.value}:latest`;
    const appSpec = read(APP_REPO_FILES.appspec);
    // The replacement task set runs on the AppSpec's capacity providers, as CodeDeploy starts it.
    const strategy: { CapacityProvider: string; Base: number; Weight: number }[] =
      parse(appSpec).Resources[0].TargetService.Properties.CapacityProviderStrategy;
    return {
      taskDefinition: JSON.parse(read(APP_REPO_FILES.taskDefinition).split(IMAGE1_PLACEHOLDER).join(image)),
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

export async function deploymentCalls(
  emulator: Emulator,
  venv: string,
  project: ProjectConfig,
  applied: AppliedEnvironment,
): Promise<DeploymentCallOutcomes> {
  const { resources, plan } = applied;
  const group = namedResource(resources, "aws_codedeploy_deployment_group").values;
  const pair = group.load_balancer_info[0].target_group_pair_info[0];
  const production: string = pair.prod_traffic_route[0].listener_arns[0];
  const plannedGroup = (plan.resource_changes ?? []).find((change) => change.type === "aws_codedeploy_deployment_group")
    ?.change.after as Record<string, any> | undefined;
  const [serviceLoadBalancer] = namedResource(resources, "aws_ecs_service").values.load_balancer;
  const input = {
    endpoint: emulator.endpoint,
    region: applied.region,
    ...EMULATOR_CREDENTIALS,
    pipelineRole: namedResource(resources, "aws_iam_role", "-codepipeline").values.arn,
    codeDeployRole: namedResource(resources, "aws_iam_role", "-codedeploy").values.arn,
    cluster: applied.outputs.cluster_name.value,
    service: applied.outputs.service_name.value,
    listeners: { production, test: pair.test_traffic_route[0].listener_arns[0] },
    targetGroups: {
      blue: namedResource(resources, "aws_lb_target_group", "-blue").values.arn,
      green: namedResource(resources, "aws_lb_target_group", "-green").values.arn,
    },
    // As planned: moto reads a deployment group's alarms back empty (emulator-gaps.ts).
    alarms: plannedGroup?.alarm_configuration[0].alarms,
    containerName: serviceLoadBalancer.container_name,
    containerPort: serviceLoadBalancer.container_port,
    application: group.app_name,
    deploymentGroup: group.deployment_group_name,
    deploymentConfig: group.deployment_config_name,
    repository: namedResource(resources, "aws_ecr_repository").values.name,
    ...pipelineFiles(project, applied),
    anyFunction: "any-function-of-the-account",
    otherListener: production.replace(/[^/]+$/, "0123456789abcdef"),
    topic: namedResource(resources, "aws_sns_topic").values.arn,
  };
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(venvBin("python", venv), [SCRIPT], (error, out, stderr) =>
      error ? reject(new Error(`deployment-calls.py failed:\n${stderr}`)) : resolve(out),
    );
    child.stdin?.end(JSON.stringify(input));
  });
  return JSON.parse(stdout) as DeploymentCallOutcomes;
}
