/** Configuration: the schema (types, defaults, rules), the declared environments and their validation. */
import { deriveEnvironment, deriveProject } from "./defaults";
import { PROJECT } from "./environments";
import { environmentSchema, projectSchema } from "./schema";
import { GhostConfig, ProjectConfig, ProjectInput } from "./types";
import { ConfigError, environmentProblems, projectProblems, shapeProblems } from "./validate";

export * from "./types";
export * from "./vocabulary";
export { ConfigError, isWithinDomain } from "./validate";
export { DEFAULT_ALARM_THRESHOLDS } from "./schema";

/**
 * Checks the input's shape and every setting (the schema), applies the defaults, then checks the
 * rules that join settings; throws one ConfigError listing every problem. The input is checked
 * at run time: synth only transpiles environments.ts, so its types were never checked.
 */
export function loadProject(input: ProjectInput = PROJECT): ProjectConfig {
  const parsed = projectSchema.safeParse(input);
  if (!parsed.success) {
    const problems = shapeProblems(projectSchema, input, parsed.error.issues);
    throw new ConfigError([...problems, ...wellFormedEnvironmentProblems(input)]);
  }
  const project = deriveProject(parsed.data);
  const problems = projectProblems(project);
  if (problems.length > 0) throw new ConfigError(problems);
  return project;
}

/** The declared environment named `name`; throws naming the declared ones when there is none. */
export function environmentNamed(project: ProjectConfig, name: string): GhostConfig {
  const found = project.environments.find((environment) => environment.environment === name);
  if (found) return found;
  const known = project.environments.map((environment) => environment.environment).join(", ");
  throw new Error(`no environment "${name}" (known: ${known})`);
}

/**
 * With shape problems elsewhere, the rules that join settings still run for each environment
 * whose own settings are well-formed: every problem is reported in one go.
 */
function wellFormedEnvironmentProblems(input: unknown): string[] {
  const { project, environments } = (input ?? {}) as { project?: unknown; environments?: unknown };
  const projectName = projectSchema.shape.project.safeParse(project);
  if (!projectName.success || !Array.isArray(environments)) return [];
  return environments.flatMap((environment) => {
    const parsed = environmentSchema.safeParse(environment);
    return parsed.success ? environmentProblems(deriveEnvironment(parsed.data, projectName.data)) : [];
  });
}
