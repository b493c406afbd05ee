/** Configuration: the schema (types, defaults, rules), the declared environments and their validation. */
import { deriveProject } from "./defaults";
import { PROJECT } from "./environments";
import { projectSchema } from "./schema";
import { ProjectConfig, ProjectInput } from "./types";
import { ConfigError, projectProblems, shapeProblems } from "./validate";

export * from "./types";
export * from "./vocabulary";
export { ConfigError } from "./validate";
export { DEFAULT_ALARM_THRESHOLDS } from "./schema";

/**
 * Checks the input's shape and every setting (the schema), applies the defaults, then checks the
 * rules that join settings; throws one ConfigError listing every problem. The input is checked
 * at run time: synth only transpiles environments.ts, so its types were never checked.
 */
export function loadProject(input: ProjectInput = PROJECT): ProjectConfig {
  const parsed = projectSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(shapeProblems(projectSchema, input, parsed.error.issues));
  const project = deriveProject(parsed.data);
  const problems = projectProblems(project);
  if (problems.length > 0) throw new ConfigError(problems);
  return project;
}
