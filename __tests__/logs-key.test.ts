import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KEY_ADMIN_ACTIONS, LOGS_KEY_ACTIONS, LogsKey, LogsKeyProps } from "../src/shared/logs-key";
import { onlyResource, parsePolicy, synthScope } from "./helpers";

const baseProps: LogsKeyProps = { namePrefix: "ghost-test", region: "eu-west-2", accountId: "123456789012" };

function synthKey(props: Partial<LogsKeyProps> = {}) {
  const result = synthScope((scope) => new LogsKey(scope, "logs-key", { ...baseProps, ...props }));
  const statements = parsePolicy(onlyResource(result.json, "aws_kms_key").policy).Statement;
  const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
  return { ...result, statements, bySid };
}

describe("LogsKey", () => {
  it("rotates the key and gives it the logs alias", () => {
    const { synth } = synthKey();
    expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: "alias/ghost-test-logs" });
  });

  it("has exactly two statements: administration and CloudWatch Logs", () => {
    expect(synthKey().statements.map((statement) => statement.Sid)).toEqual([
      "AllowAccountToAdministerTheKey",
      "AllowCloudWatchLogsForThisAccountsLogGroups",
    ]);
  });

  it("lets the account root administer the key but not use it", () => {
    const admin = synthKey().bySid.AllowAccountToAdministerTheKey;
    expect(admin).toMatchObject({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" } });
    expect(admin.Action).toEqual(KEY_ADMIN_ACTIONS);
    expect(admin.Action).toContain("kms:PutKeyPolicy"); // never locked out
    for (const use of ["kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant"]) {
      expect(admin.Action).not.toContain(use);
    }
  });

  it("lets only the regional CloudWatch Logs principal use the key, for this account's log groups", () => {
    const logs = synthKey().bySid.AllowCloudWatchLogsForThisAccountsLogGroups;
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-2.amazonaws.com" });
    expect(logs.Action).toEqual(LOGS_KEY_ACTIONS);
    expect(logs.Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-2:123456789012:log-group:*" },
    });
  });

  it("spells out every action: no wildcard anywhere in the policy", () => {
    const actions = synthKey().statements.flatMap((statement) => statement.Action);
    expect(actions.filter((action: string) => action.includes("*"))).toEqual([]);
  });

  it("uses the given partition in the root and log-group ARNs", () => {
    const { bySid } = synthKey({ partition: "aws-cn", region: "cn-north-1" });
    expect(bySid.AllowAccountToAdministerTheKey.Principal.AWS).toBe("arn:aws-cn:iam::123456789012:root");
    expect(
      bySid.AllowCloudWatchLogsForThisAccountsLogGroups.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"],
    ).toBe("arn:aws-cn:logs:cn-north-1:123456789012:log-group:*");
  });

  it("creates the key and its alias with the given provider (another region's log groups)", () => {
    const { json } = synthScope((scope) => {
      const provider = new AwsProvider(scope, "aws-us-east-1", { alias: "us-east-1", region: "us-east-1" });
      new LogsKey(scope, "logs-key", { ...baseProps, region: "us-east-1", provider });
    });
    expect(onlyResource(json, "aws_kms_key").provider).toBe("aws.us-east-1");
    expect(onlyResource(json, "aws_kms_alias").provider).toBe("aws.us-east-1");
    expect(onlyResource(synthKey().json, "aws_kms_key").provider).toBeUndefined();
  });
});
