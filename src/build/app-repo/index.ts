/**
 * The deployable files of the Ghost repository (the one the pipelines build from), rendered
 * from the infrastructure's own configuration and Terraform outputs.
 */
import { TaskDefinitionSpec } from "../../run/service";
import { appSpecToYaml, ghostAppSpec, GhostAppSpecProps } from "./appspec";
import { buildSpecToYaml, ghostBuildSpec } from "./buildspec";
import { renderDockerfile } from "./dockerfile";
import { renderAppReadme } from "./readme";
import { taskDefinitionToJson } from "./taskdef";

/** File names in the repository; the pipelines read them by these names. */
export const APP_REPO_FILES = {
  dockerfile: "Dockerfile",
  buildspec: "buildspec.yml",
  appspec: "appspec.yaml",
  taskDefinition: "taskdef.json",
  readme: "README.md",
} as const;

export interface AppRepositoryProps {
  readonly environment: string;
  readonly branch: string;
  /** The pinned Ghost image of the environment's config. */
  readonly ghostImage: string;
  /** Container name, port and capacity provider of the service. */
  readonly appSpec: GhostAppSpecProps;
  /** The task definition template (from the Terraform output, see `taskDefinitionFromOutputs`). */
  readonly taskDefinition: TaskDefinitionSpec;
}

/** Every file, by name, with its content. */
export function renderAppRepository(props: AppRepositoryProps): Record<string, string> {
  return {
    [APP_REPO_FILES.dockerfile]: renderDockerfile({ ghostImage: props.ghostImage }),
    [APP_REPO_FILES.buildspec]: buildSpecToYaml(ghostBuildSpec()),
    [APP_REPO_FILES.appspec]: appSpecToYaml(ghostAppSpec(props.appSpec)),
    [APP_REPO_FILES.taskDefinition]: taskDefinitionToJson(props.taskDefinition),
    [APP_REPO_FILES.readme]: renderAppReadme({ environment: props.environment, branch: props.branch }),
  };
}

export * from "./appspec";
export * from "./buildspec";
export * from "./dockerfile";
export * from "./taskdef";
export * from "./yaml";
