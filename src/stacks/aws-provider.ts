import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccountConfig } from "../config";
import { LocalMode, providerEndpoints } from "./local-mode";

export interface GhostAwsProviderProps {
  /** Construct id. @default "aws" */
  readonly id?: string;
  /** Provider alias, for a second region (e.g. us-east-1 for CloudFront). @default undefined (the default provider) */
  readonly alias?: string;
  readonly region: string;
  /** Tags on every resource (provider default_tags). */
  readonly tags: Record<string, string>;
  /** Local endpoints and dummy credentials. @default undefined (real AWS) */
  readonly local?: LocalMode;
  /**
   * The environment's `account` section: the only account Terraform may act in, and the role it
   * assumes there (`sessionName` names its sessions in CloudTrail). @default undefined (no check, own credentials)
   */
  readonly account?: AccountConfig & { readonly sessionName: string };
}

/**
 * The AWS provider as every stack here configures it: region, default tags, the account check and
 * deploy role, optional local mode. In local mode the emulator is one account reached with dummy
 * credentials: the account is still checked (so the provider asks the emulator for it), no role is assumed.
 */
export function ghostAwsProvider(scope: Construct, props: GhostAwsProviderProps): AwsProvider {
  const { local, account } = props;
  const accountId = account?.id;
  const roleArn = local ? undefined : account?.deployRoleArn;
  return new AwsProvider(scope, props.id ?? "aws", {
    alias: props.alias,
    region: props.region,
    defaultTags: [{ tags: props.tags }],
    allowedAccountIds: accountId ? [accountId] : undefined,
    assumeRole: roleArn ? [{ roleArn, sessionName: account!.sessionName }] : undefined,
    ...(local && {
      accessKey: local.accessKey,
      secretKey: local.secretKey,
      skipCredentialsValidation: true,
      skipRequestingAccountId: !accountId && !local.answersSts,
      skipMetadataApiCheck: "true",
      skipRegionValidation: true,
      s3UsePathStyle: true,
      endpoints: [providerEndpoints(local)],
    }),
  });
}
