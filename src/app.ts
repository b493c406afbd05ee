import { App } from "cdktf";
import { ConfigError, loadProject, ProjectInput } from "./config";
import { PROJECT } from "./config/environments";
import { LocalMode, localModeFromEnv } from "./stacks/local-mode";
import { GhostStack } from "./stacks/ghost-stack";
import { StateStack, stateStackName } from "./stacks/state-stack";

export interface BuildAppOptions {
  /** @default the environments declared in src/config/environments.ts */
  readonly project?: ProjectInput;
  /** @default read from GHOST_LOCAL_* environment variables */
  readonly local?: LocalMode;
  /** The bootstrap stack's local state file. @default "terraform.<project>-state.tfstate" in the working directory */
  readonly stateStackStatePath?: string;
}

/** Environment stack name: `<project>-<environment>`. */
export function environmentStackName(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** Adds the bootstrap stack and one stack per environment to `app`; throws ConfigError on bad config. */
export function buildApp(
  app: App,
  options: BuildAppOptions = {},
): { stateStack: StateStack; environmentStacks: GhostStack[] } {
  const project = loadProject(options.project ?? PROJECT);
  const local = options.local ?? localModeFromEnv();
  const stateStack = new StateStack(app, stateStackName(project.project), {
    project: project.project,
    state: project.state,
    local,
    localStatePath: options.stateStackStatePath,
  });
  const environmentStacks = project.environments.map(
    (config) =>
      new GhostStack(app, environmentStackName(project.project, config.environment), {
        config,
        state: project.state,
        local,
      }),
  );
  return { stateStack, environmentStacks };
}

/** Synthesizes every stack; a configuration error ends the process with its message, no stack trace. */
export function synthesizeOrExit(app: App = new App()): void {
  try {
    buildApp(app);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}
