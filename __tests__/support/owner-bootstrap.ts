/**
 * The product's owner bootstrap, run as its task runs it: the `ghost-bootstrap` container's own
 * command (`node -e <script>`) and environment from the synthesized task definition, as the task's
 * user, on the Node.js that runs Ghost, beside the real Ghost. What differs is said: Ghost on a
 * loopback port of its own, Secrets Manager in the emulator (the two secrets created there as
 * Terraform creates them: empty), the task role's credentials from a loopback stand-in of the ECS
 * credentials endpoint.
 */
import { spawn } from "child_process";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { EMULATOR_CREDENTIALS } from "../../tools/emulator";
import { parseUser } from "./ghost-boot";
import { SynthesizedTask } from "./synthesized-task";

/** What the bootstrap reaches besides Ghost: the emulator and the stand-in credentials endpoint. */
export interface BootstrapSandbox {
  readonly secretsManagerEndpoint: string;
  readonly credentialsUrl: string;
}

export interface BootstrapRun {
  readonly code: number | null;
  readonly output: string;
}

const SECRET_ARNS = ["BOOTSTRAP_OWNER_SECRET_ARN", "BOOTSTRAP_INTEGRATION_SECRET_ARN"] as const;

export class OwnerBootstrapRunner {
  readonly differences: string[];
  private constructor(
    private readonly task: SynthesizedTask,
    private readonly node: string,
    private readonly env: Record<string, string>,
    readonly client: SecretsManagerClient,
  ) {
    this.differences = [
      `bootstrap: Ghost at ${env.BOOTSTRAP_GHOST_ORIGIN} (BOOTSTRAP_GHOST_ORIGIN), not the task's loopback 127.0.0.1:2368`,
      `bootstrap: Secrets Manager at the emulator ${env.AWS_ENDPOINT_URL_SECRETS_MANAGER}, its two secrets created there empty, as Terraform creates them`,
    ];
  }

  /** Creates the task's two secrets in the emulator (empty) and points the bootstrap at them. */
  static async prepare(
    task: SynthesizedTask,
    options: { node: string; ghostPort: number; sandbox: BootstrapSandbox },
  ): Promise<OwnerBootstrapRunner> {
    const [program] = task.bootstrap.command;
    if (program !== "node") throw new Error(`the bootstrap container runs ${program}, not node`);
    const client = new SecretsManagerClient({
      region: task.region,
      endpoint: options.sandbox.secretsManagerEndpoint,
      credentials: { accessKeyId: EMULATOR_CREDENTIALS.accessKey, secretAccessKey: EMULATOR_CREDENTIALS.secretKey },
    });
    const env: Record<string, string> = {
      ...task.bootstrap.environment,
      BOOTSTRAP_GHOST_ORIGIN: `http://127.0.0.1:${options.ghostPort}`,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: options.sandbox.secretsManagerEndpoint,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: options.sandbox.credentialsUrl,
    };
    for (const variable of SECRET_ARNS) {
      // The stand-in ARN's name, without the six characters AWS appends.
      const name = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(env[variable])?.[1];
      if (!name) throw new Error(`${variable} is not a secret ARN: ${env[variable]}`);
      const created = await client.send(new CreateSecretCommand({ Name: name }));
      env[variable] = created.ARN!;
    }
    return new OwnerBootstrapRunner(task, options.node, env, client);
  }

  get ownerSecretArn(): string {
    return this.env.BOOTSTRAP_OWNER_SECRET_ARN;
  }

  get integrationSecretArn(): string {
    return this.env.BOOTSTRAP_INTEGRATION_SECRET_ARN;
  }

  /** Runs the container's command to its end. */
  run(): Promise<BootstrapRun> {
    const user = process.getuid?.() === 0 ? parseUser(this.task.bootstrap.user) : undefined;
    const child = spawn(this.node, this.task.bootstrap.command.slice(1), {
      env: { PATH: process.env.PATH ?? "", ...this.env },
      uid: user?.uid,
      gid: user?.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
  }

  /** A secret's current value and version; undefined while it has none. */
  async secret(arn: string): Promise<{ value: string; versionId: string } | undefined> {
    const described = await this.client.send(new DescribeSecretCommand({ SecretId: arn }));
    const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) =>
      (stages as string[]).includes("AWSCURRENT"),
    );
    if (!current) return undefined;
    const read = await this.client.send(new GetSecretValueCommand({ SecretId: arn }));
    return { value: read.SecretString!, versionId: read.VersionId! };
  }
}
