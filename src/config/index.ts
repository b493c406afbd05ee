/** Configuration: types, defaults, the declared environments and their validation. */
import { resolveProject } from "./defaults";
import { PROJECT } from "./environments";
import { ProjectConfig, ProjectInput } from "./types";
import { validateProject } from "./validate";

export * from "./types";
export * from "./vocabulary";
export { ConfigError } from "./validate";

/** Resolves defaults and validates; throws ConfigError listing every problem. */
export function loadProject(input: ProjectInput = PROJECT): ProjectConfig {
  return validateProject(resolveProject(input));
}
