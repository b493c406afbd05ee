import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";

/** How every log group of an environment is kept: the `logs` section resolved (with the key, when on). */
export interface LogSettings {
  /** Days to keep the events. */
  readonly retentionDays: number;
  /** Customer-managed KMS key (its policy must allow CloudWatch Logs). Undefined: CloudWatch-managed encryption. */
  readonly kmsKeyArn?: string;
}

/**
 * A log group kept as the environment's log settings say; `provider` places it in another region
 * (then `logs.kmsKeyArn` must be a key of that region: KMS keys are regional).
 */
export function logGroup(
  scope: Construct,
  id: string,
  name: string,
  logs: LogSettings,
  provider?: TerraformProvider,
): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, {
    provider,
    name,
    retentionInDays: logs.retentionDays,
    kmsKeyId: logs.kmsKeyArn,
  });
}
