import { S3Backend, TerraformStack } from "cdktf";
import { StateConfig } from "../config";
import { LocalMode } from "./local-mode";

/** Where one environment's state lives in the shared bucket. */
export function stateKey(project: string, environment: string): string {
  return `${project}/${environment}/terraform.tfstate`;
}

/** Where the bootstrap stack's own state lives once `state.selfHosted` ("_" is in no environment name). */
export function bootstrapStateKey(project: string): string {
  return `${project}/_bootstrap/terraform.tfstate`;
}

/**
 * The S3 backend of a stack at `key` (an environment's, or the bootstrap stack's own once it is
 * self-hosted), from the same StateConfig the bootstrap stack
 * creates the bucket and table from, so the two cannot drift.
 */
export function ghostS3Backend(
  stack: TerraformStack,
  props: { key: string; state: StateConfig; local?: LocalMode },
): S3Backend {
  const { state, local } = props;
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: props.key,
    region: state.region,
    dynamodbTable: state.lockTable,
    encrypt: true,
    ...(local && {
      accessKey: local.accessKey,
      secretKey: local.secretKey,
      usePathStyle: true,
      skipCredentialsValidation: true,
      skipRegionValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: true,
      endpoints: { s3: local.s3Endpoint, dynamodb: local.dynamodbEndpoint },
    }),
  });
  // Fields cdktf 0.21's S3BackendConfig does not type.
  if (state.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
  if (local) stack.addOverride("terraform.backend.s3.skip_s3_checksum", true);
  return backend;
}
