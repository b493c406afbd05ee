import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalMode, providerEndpoints } from "../local/mode";

export interface GhostAwsProviderProps {
  readonly region: string;
  /** Tags on every resource (provider default_tags). */
  readonly tags: Record<string, string>;
  /** Local endpoints and dummy credentials. @default undefined (real AWS) */
  readonly local?: LocalMode;
}

/** The AWS provider as every stack here configures it: region, default tags, optional local mode. */
export function ghostAwsProvider(scope: Construct, props: GhostAwsProviderProps): AwsProvider {
  const local = props.local;
  return new AwsProvider(scope, "aws", {
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
