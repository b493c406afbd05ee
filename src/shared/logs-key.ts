import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { policyDocument } from "./iam";
import { keyAdminStatement } from "./kms";

export { KEY_ADMIN_ACTIONS, keyAdminStatement } from "./kms";
export type { KeyPolicyAccount } from "./kms";

/**
 * The actions AWS documents for CloudWatch Logs ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
 * "kms:GenerateDataKey*", "kms:Describe*"), spelled out: the same key-level actions, no wildcard.
 */
export const LOGS_KEY_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
];

export interface LogsKeyProps {
  /** Prefix of every name, e.g. "ghost-prod"; the alias is `alias/<namePrefix>-logs`. */
  readonly namePrefix: string;
  /** Region of the log groups (CloudWatch Logs' principal is regional). */
  readonly region: string;
  /** Provider of that region, when it is not the stack's (e.g. us-east-1 for CloudFront's WAF logs). @default the stack's */
  readonly provider?: TerraformProvider;
  /** Account of the log groups and of the key's administrators. */
  readonly accountId: string;
  /** ARN partition. @default "aws" */
  readonly partition?: string;
  /** Waiting period before a deleted key is gone, days (7 to 30). @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key for CloudWatch Logs: log groups of this account and region (and only
 * log groups: the encryption-context condition) may use it; the account root administers it.
 */
export class LogsKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: `${props.namePrefix}: CloudWatch Logs encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policyDocument([
        keyAdminStatement(props),
        {
          Sid: "AllowCloudWatchLogsForThisAccountsLogGroups",
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: LOGS_KEY_ACTIONS,
          Resource: "*",
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:*`,
            },
          },
        },
      ]),
    });
    this.keyArn = this.key.arn;
    this.aliasName = `alias/${props.namePrefix}-logs`;
    new KmsAlias(this, "alias", { provider: props.provider, name: this.aliasName, targetKeyId: this.key.keyId });
  }
}
