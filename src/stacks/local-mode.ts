/**
 * Local mode: point the AWS provider and the S3 backend at local endpoints (moto, s3rver,
 * dynalite) with dummy credentials, so synth → init → plan (and, with moto, apply) need no
 * AWS account and no network.
 *
 * Turned on by any of these environment variables:
 * - GHOST_LOCAL_ENDPOINT            one endpoint for every AWS service (e.g. moto's server)
 * - GHOST_LOCAL_S3_ENDPOINT         the state bucket's S3 endpoint (e.g. s3rver); overrides the above for S3
 * - GHOST_LOCAL_DYNAMODB_ENDPOINT   the lock table's DynamoDB endpoint (e.g. dynalite)
 * - GHOST_LOCAL_ACCESS_KEY / GHOST_LOCAL_SECRET_KEY   dummy credentials (@default "S3RVER", the key s3rver accepts)
 */

/** Service keys of the provider's `endpoints` block that our stacks use. */
export const LOCAL_SERVICES = [
  "acm",
  "applicationautoscaling",
  "backup",
  "cloudfront",
  "cloudwatch",
  "cloudwatchlogs",
  "codebuild",
  "codecommit",
  "codedeploy",
  "codepipeline",
  "codestarconnections",
  "codestarnotifications",
  "dynamodb",
  "ec2",
  "ecr",
  "ecs",
  "efs",
  "elbv2",
  "events",
  "iam",
  "kms",
  "rds",
  "route53",
  "s3",
  "secretsmanager",
  "sesv2",
  "sns",
  "ssm",
  "sts",
  "wafv2",
] as const;

export interface LocalMode {
  /** Endpoint for every service, when one server emulates them all. */
  readonly endpoint?: string;
  readonly s3Endpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /**
   * The endpoint answers STS (moto does, s3rver does not): the provider asks it for the account id.
   * Without it, the provider reads every security-group rule that references a group back as
   * "<account>/<sg-id>", a perpetual diff. @default false
   */
  readonly answersSts?: boolean;
}

export function localModeFromEnv(env: NodeJS.ProcessEnv = process.env): LocalMode | undefined {
  const endpoint = env.GHOST_LOCAL_ENDPOINT || undefined;
  const s3Endpoint = env.GHOST_LOCAL_S3_ENDPOINT || endpoint;
  const dynamodbEndpoint = env.GHOST_LOCAL_DYNAMODB_ENDPOINT || endpoint;
  if (!endpoint && !s3Endpoint && !dynamodbEndpoint) return undefined;
  return {
    endpoint,
    s3Endpoint,
    dynamodbEndpoint,
    accessKey: env.GHOST_LOCAL_ACCESS_KEY || "S3RVER",
    secretKey: env.GHOST_LOCAL_SECRET_KEY || "S3RVER",
  };
}

/** The provider's `endpoints` block: every service at the one endpoint, S3/DynamoDB at theirs. */
export function providerEndpoints(local: LocalMode): Record<string, string> {
  const endpoints: Record<string, string> = {};
  if (local.endpoint) for (const service of LOCAL_SERVICES) endpoints[service] = local.endpoint;
  if (local.s3Endpoint) endpoints.s3 = local.s3Endpoint;
  if (local.dynamodbEndpoint) endpoints.dynamodb = local.dynamodbEndpoint;
  return endpoints;
}
