import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import { GhostConfig, namePrefix, StateConfig } from "../../config";
import { TaskRoles } from "../../run/task-roles";
import { accountIdOf } from "../../shared/kms";
import { LogSettings } from "../../shared/log-group";
import { LogsKey } from "../../shared/logs-key";
import { ghostAwsProvider } from "../aws-provider";
import { ghostS3Backend, stateKey } from "../backend";
import { LocalMode } from "../local-mode";

/** What every step of an environment stack builds on. */
export interface Foundation {
  readonly config: GhostConfig;
  /** `<project>-<environment>`, the first part of every name. */
  readonly prefix: string;
  /** The account, derived from a role ARN (no AWS look-up). */
  readonly accountId: string;
  /** The task role and the task-execution role. */
  readonly roles: TaskRoles;
  /** How every log group is kept (with the log key, when it is on). */
  readonly logs: LogSettings;
  /** The us-east-1 provider (CloudFront's certificate and web ACL live there), when CloudFront is on. */
  readonly usEast1?: AwsProvider;
}

/** State backend, providers, the task roles, the account id and the optional log key. */
export function foundation(
  stack: TerraformStack,
  props: { config: GhostConfig; state: StateConfig; local?: LocalMode },
): Foundation {
  const { config, local } = props;
  const prefix = namePrefix(config);
  const tags = { Project: config.project, Environment: config.environment, ManagedBy: "cdktf", ...config.tags };
  ghostS3Backend(stack, { key: stateKey(config.project, config.environment), state: props.state, local });
  const account = { ...config.account, sessionName: `${prefix}-terraform` };
  ghostAwsProvider(stack, { region: config.region, tags, local, account });
  const usEast1 = config.edge.cloudFront.enabled
    ? ghostAwsProvider(stack, { id: "aws-us-east-1", alias: "us-east-1", region: "us-east-1", tags, local, account })
    : undefined;

  const roles = new TaskRoles(stack, "task-roles", { namePrefix: prefix });
  const accountId = accountIdOf(stack, "account-id", roles.taskRoleArn);
  const logsKey = config.logs.kmsEncryption
    ? new LogsKey(stack, "logs-key", { namePrefix: prefix, region: config.region, accountId })
    : undefined;
  const logs = { retentionDays: config.logs.retentionDays, kmsKeyArn: logsKey?.keyArn };
  return { config, prefix, accountId, roles, logs, usEast1 };
}
