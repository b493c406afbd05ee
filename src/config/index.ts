/** Configuration: types, defaults, the declared environments and their validation. */
import { resolveProject } from "./defaults";
import { PROJECT } from "./environments";
import { ProjectConfig, ProjectInput } from "./types";
import { validateProject } from "./validate";

export * from "./types";
export { ConfigError } from "./validate";

/** Resolves defaults and validates; throws ConfigError listing every problem. */
export function loadProject(input: ProjectInput = PROJECT): ProjectConfig {
  return validateProject(resolveProject(input));
}

/** `<project>-<environment>`: the first part of every resource name in one environment. */
export function namePrefix(config: { project: string; environment: string }): string {
  return `${config.project}-${config.environment}`;
}
