/**
 * A blue/green deployment acted out as pipeline 2 and CodeDeploy run it (rehearsed_deployment.py),
 * with the files the pipeline would use: taskdef.json and appspec.yaml from `npm run app-repo` and
 * an imageDetail.json as the ECR source action writes it. Afterwards Terraform must plan nothing:
 * what CodeDeploy and autoscaling own is in `ignore_changes`, and a copy of the stack without those
 * entries must plan to undo exactly what the deployment did (so none of them is dead weight).
 */
import { GhostConfig, ProjectConfig } from "../../src/config";
import { IMAGE1_PLACEHOLDER } from "../../src/build/app-repo";
import { Emulator } from "../../tools/emulator";
import { AppliedEnvironment, deploymentTargets, pipelineFiles, runDeploymentScript } from "./deployment-calls";

/** What AWS describes once the deployment is done. */
export interface RehearsedDeployment {
  readonly imageDetail: { ImageURI: string; ImageDigest: string; ImageTags: string[]; RepositoryName: string };
  readonly registeredTaskDefinition: string;
  readonly taskDefinitionImage: string;
  /** Target group ARNs each listener forwards to. */
  readonly listeners: { production: string[]; test: string[] };
  readonly service: {
    taskDefinition: string;
    targetGroups: string[];
    desiredCount: number;
    taskSets: { status: string; taskDefinition: string }[];
  };
}

/**
 * The desired count Application Auto Scaling would set: out to the maximum, or in to the minimum
 * when the service already runs at the maximum (the same count when both are the same).
 */
export function scaledDesiredCount(service: GhostConfig["service"], current: number): number {
  return current < service.maxCount ? service.maxCount : service.minCount;
}

/** One deployment, named by `round` (its image is its own), against an applied environment. */
export async function rehearseDeployment(
  emulator: Emulator,
  venv: string,
  project: ProjectConfig,
  config: GhostConfig,
  applied: AppliedEnvironment,
  round: string,
  currentDesiredCount: number,
): Promise<RehearsedDeployment> {
  return runDeploymentScript<RehearsedDeployment>(venv, "rehearsed_deployment.py", {
    ...deploymentTargets(emulator, applied).input,
    round,
    imageTag: config.pipelines.imageTag,
    imagePlaceholder: IMAGE1_PLACEHOLDER,
    desiredCount: scaledDesiredCount(config.service, currentDesiredCount),
    ...pipelineFiles(project, applied),
  });
}

/** Every resource of a synthesized stack with `lifecycle.ignore_changes`: address → the ignored attributes. */
export function ignoredChanges(stack: { resource: Record<string, Record<string, any>> }): Map<string, string[]> {
  const ignored = new Map<string, string[]>();
  for (const [type, resources] of Object.entries(stack.resource)) {
    for (const [name, resource] of Object.entries(resources)) {
      const attributes: string[] | undefined = resource.lifecycle?.ignore_changes;
      if (attributes?.length) ignored.set(`${type}.${name}`, attributes);
    }
  }
  return ignored;
}

/** A copy of a synthesized stack with every `ignore_changes` removed. */
export function withoutIgnoredChanges<T extends { resource: Record<string, Record<string, any>> }>(stack: T): T {
  const copy = JSON.parse(JSON.stringify(stack)) as T;
  for (const address of ignoredChanges(copy).keys()) {
    const [type, name] = address.split(".");
    delete copy.resource[type][name].lifecycle.ignore_changes;
  }
  return copy;
}
