/**
 * Writes the Ghost repository's deployable files (Dockerfile, buildspec.yml, appspec.yaml,
 * taskdef.json, README.md) for one environment, from its config and its Terraform outputs:
 *
 *   npm run app-repo -- --env prod --out ../ghost-blog --outputs outputs.json
 *   npm run app-repo -- --env prod --out ../ghost-blog --stack-dir cdktf.out/stacks/ghost-prod
 *
 * `--outputs` is a file holding `terraform output -json` of the environment stack ("-" reads
 * standard input); `--stack-dir` runs that command in an initialised stack directory.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { environmentNamed, loadProject, ProjectConfig } from "../src/config";
import { renderAppRepository, taskDefinitionFromOutputs, TerraformOutputs } from "../src/build/app-repo";

export interface AppRepoOptions {
  /** Environment name, e.g. "prod". */
  readonly env: string;
  /** Directory to write the files to (created when missing). */
  readonly out: string;
  /** `terraform output -json` saved to a file, or "-" for standard input. */
  readonly outputs?: string;
  /** An initialised stack directory to run `terraform output -json` in. */
  readonly stackDir?: string;
}

export const USAGE =
  "usage: npm run app-repo -- --env <environment> --out <dir> (--outputs <terraform-output.json|-> | --stack-dir <dir>)";

export function parseArgs(argv: string[]): AppRepoOptions {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--env", "--out", "--outputs", "--stack-dir"].includes(flag) || value === undefined) {
      throw new Error(`unexpected argument ${flag ?? ""}\n${USAGE}`);
    }
    flags[flag.slice(2)] = value;
  }
  if (!flags.env || !flags.out) throw new Error(`--env and --out are required\n${USAGE}`);
  if ((flags.outputs === undefined) === (flags["stack-dir"] === undefined)) {
    throw new Error(
      `give exactly one of --outputs and --stack-dir: the task definition comes from Terraform\n${USAGE}`,
    );
  }
  return { env: flags.env, out: flags.out, outputs: flags.outputs, stackDir: flags["stack-dir"] };
}

/** `terraform output -json` of the environment stack, from the file or the stack directory. */
export function readOutputs(options: AppRepoOptions): TerraformOutputs {
  const text = options.stackDir
    ? execFileSync("terraform", [`-chdir=${options.stackDir}`, "output", "-json"], { encoding: "utf8" })
    : fs.readFileSync(options.outputs === "-" ? 0 : options.outputs!, "utf8");
  return JSON.parse(text) as TerraformOutputs;
}

/** Renders and writes every file; returns their paths. */
export function writeAppRepository(
  options: AppRepoOptions,
  outputs: TerraformOutputs,
  project: ProjectConfig,
): string[] {
  const config = environmentNamed(project, options.env);
  const taskDefinition = taskDefinitionFromOutputs(outputs);
  // The AppSpec names the template's own container and port, so the two cannot disagree.
  const [container] = taskDefinition.containerDefinitions;
  const files = renderAppRepository({
    environment: config.environment,
    branch: config.pipelines.branch,
    ghostImage: config.service.ghostImage,
    appSpec: {
      containerName: container.name,
      containerPort: container.portMappings[0].containerPort,
      capacityProvider: config.service.capacityProvider,
    },
    taskDefinition,
  });
  fs.mkdirSync(options.out, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(options.out, name);
    fs.writeFileSync(file, content);
    return file;
  });
}

function main(): void {
  try {
    const options = parseArgs(process.argv.slice(2));
    const written = writeAppRepository(options, readOutputs(options), loadProject());
    process.stdout.write(`${written.map((file) => `wrote ${file}`).join("\n")}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
