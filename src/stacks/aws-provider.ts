import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
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
}

/** The AWS provider as every stack here configures it: region, default tags, optional local mode. */
export function ghostAwsProvider(scope: Construct, props: GhostAwsProviderProps): AwsProvider {
  const local = props.local;
  return new AwsProvider(scope, props.id ?? "aws", {
    alias: props.alias,
    region: props.region,
    defaultTags: [{ tags: props.tags }],
    ...(local && {
      accessKey: local.accessKey,
      secretKey: local.secretKey,
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: "true",
      skipRegionValidation: true,
      s3UsePathStyle: true,
      endpoints: [providerEndpoints(local)],
    }),
  });
}
