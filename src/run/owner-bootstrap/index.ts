/**
 * Ghost's owner, created by the product and never by a stranger (README, "The first minute").
 *
 * Ghost's setup endpoint makes whoever calls it first the site's owner. So the ALB refuses that
 * call from everyone (LoadBalancer's setup rules), and the `ghost-bootstrap` container, beside
 * Ghost in every task, makes it on loopback: the owner from the config with a generated password,
 * then a custom integration for deployments. Both secrets are created empty here and written only
 * by the bootstrap, so neither value is ever in Terraform's state, plan or logs.
 */
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { policyDocument } from "../../shared/iam";

/** Name of the bootstrap's container in the task definition. */
export const BOOTSTRAP_CONTAINER = "ghost-bootstrap";
/** Name of the custom integration whose Admin API key deployments use. */
export const DEPLOY_INTEGRATION_NAME = "Deployments";

/** The bootstrap's program, run with `node -e` in Ghost's image (read once, at synth). */
export const BOOTSTRAP_SCRIPT = fs.readFileSync(path.join(__dirname, "bootstrap.js"), "utf8");

/** What the bootstrap container needs besides Ghost's image and the task's log settings. */
export interface BootstrapSettings {
  readonly siteUrl: string;
  readonly ownerEmail: string;
  readonly ownerName: string;
  readonly ownerSecretArn: string;
  readonly integrationSecretArn: string;
  readonly region: string;
  /** Seconds it waits for Ghost to answer (a first boot migrates the database). */
  readonly waitSeconds: number;
}

/** The bootstrap container's environment, sorted by name as ECS returns it. */
export function bootstrapEnvironment(settings: BootstrapSettings): { name: string; value: string }[] {
  return [
    { name: "AWS_REGION", value: settings.region },
    { name: "BOOTSTRAP_INTEGRATION_NAME", value: DEPLOY_INTEGRATION_NAME },
    { name: "BOOTSTRAP_INTEGRATION_SECRET_ARN", value: settings.integrationSecretArn },
    { name: "BOOTSTRAP_OWNER_EMAIL", value: settings.ownerEmail },
    { name: "BOOTSTRAP_OWNER_NAME", value: settings.ownerName },
    { name: "BOOTSTRAP_OWNER_SECRET_ARN", value: settings.ownerSecretArn },
    { name: "BOOTSTRAP_SITE_URL", value: settings.siteUrl },
    { name: "BOOTSTRAP_WAIT_SECONDS", value: String(settings.waitSeconds) },
  ];
}

export interface OwnerBootstrapProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** The task role: the bootstrap runs under it and writes the two secrets. */
  readonly taskRole: IamRole;
  /**
   * Terraform refuses to destroy the owner's secret (`prevent_destroy`): the password's only copy.
   * The integration's is not guarded: the bootstrap stores the key again whenever it is empty.
   */
  readonly preventDestroy: boolean;
}

/** The two secrets the bootstrap fills, and the task role's right to fill them. */
export class OwnerBootstrap extends Construct {
  /** `{"username": <owner e-mail>, "password": ...}`, written once by the bootstrap. */
  readonly ownerSecretArn: string;
  /** `<id>:<secret>`, the Admin API key of the "Deployments" integration. */
  readonly integrationSecretArn: string;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: OwnerBootstrapProps) {
    super(scope, id);
    // Encrypted with Secrets Manager's key for the account; the operator reads them with
    // `aws secretsmanager get-secret-value` (README, "The first minute"). No recovery window: what
    // keeps the password is prevent_destroy and the teardown keeping them (KEPT_ON_TEARDOWN); a
    // window would only block, for 30 days, every re-creation under the same name (a first deploy
    // cut short and re-run, a teardown and a redeploy), which AWS refuses while one is scheduled.
    const owner = new SecretsmanagerSecret(this, "owner-secret", {
      name: `${props.namePrefix}/ghost-owner`,
      description: `Ghost ${props.namePrefix}: the owner's e-mail and first password (written by the ghost-bootstrap container)`,
      recoveryWindowInDays: 0,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    const integration = new SecretsmanagerSecret(this, "integration-secret", {
      name: `${props.namePrefix}/ghost-deploy-integration`,
      description: `Ghost ${props.namePrefix}: Admin API key of the "${DEPLOY_INTEGRATION_NAME}" integration (written by the ghost-bootstrap container)`,
      recoveryWindowInDays: 0,
    });
    this.ownerSecretArn = owner.arn;
    this.integrationSecretArn = integration.arn;
    this.policy = new IamRolePolicy(this, "task-bootstrap-policy", {
      name: `${props.namePrefix}-ghost-bootstrap`,
      role: props.taskRole.name,
      policy: policyDocument([
        {
          Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
          Resource: [this.ownerSecretArn, this.integrationSecretArn],
        },
      ]),
    });
  }
}
