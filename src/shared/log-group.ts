import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";

/** How every log group of an environment is kept: the `logs` section resolved (with the key, when on). */
export interface LogSettings {
  /** Days to keep the events. */
  readonly retentionDays: number;
  /** Customer-managed KMS key (its policy must allow CloudWatch Logs). Undefined: CloudWatch-managed encryption. */
  readonly kmsKeyArn?: string;
}

/** A log group kept as the environment's log settings say. */
export function logGroup(scope: Construct, id: string, name: string, logs: LogSettings): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name, retentionInDays: logs.retentionDays, kmsKeyId: logs.kmsKeyArn });
}
