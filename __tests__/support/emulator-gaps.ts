/**
 * THE one list of what moto (the version pinned in test-requirements.txt) cannot do for these
 * stacks. The end-to-end tier applies every planned resource except the types below and whatever
 * depends on them, prints the coverage, and reports these reasons; nothing is dropped from the
 * stacks or faked. Found by applying every stack to moto and reading its errors (moto's request
 * log in .test-work/ names each "action has not been implemented"). Remove an entry when moto
 * implements the API: the coverage line then grows.
 */

export interface UnsupportedResource {
  /** Terraform resource type. */
  readonly type: string;
  /** The missing or broken moto API, in one line. */
  readonly reason: string;
  /** Only in the bootstrap stack. @default false (every stack) */
  readonly bootstrapOnly?: boolean;
}

/** Resource types moto cannot apply: left out of the apply, with everything that depends on them. */
export const UNSUPPORTED_RESOURCES: readonly UnsupportedResource[] = [
  {
    type: "aws_codebuild_project",
    reason:
      "CodeBuild CreateProject demands a location for CODEPIPELINE source/artifacts (InvalidInputException); AWS does not",
  },
  {
    type: "aws_codecommit_repository",
    reason:
      "CodeCommit CreateRepository answers creationDate/lastModifiedDate as ISO strings, not epoch numbers: the SDK cannot decode it",
  },
  {
    type: "aws_codestarnotifications_notification_rule",
    reason: "CodeStar Notifications is not implemented at all (no backend in moto)",
  },
  {
    type: "aws_s3_bucket_policy",
    bootstrapOnly: true,
    reason:
      "S3 object requests are 403 under any Deny with a Condition, matched or not (aws:SecureTransport): the TLS-only policy would lock Terraform out of its state",
  },
];

export interface UndeletableResource {
  /** Terraform resource type. */
  readonly type: string;
  /** The missing moto API, in one line. */
  readonly reason: string;
}

/**
 * Resource types moto creates but cannot delete. Before `terraform destroy` they are removed from
 * the state (and printed): they stay in the emulator, which is thrown away at the end of the tier.
 * An EFS file-system policy also goes with its file system, in AWS as in moto.
 */
export const UNDELETABLE_RESOURCES: readonly UndeletableResource[] = [
  { type: "aws_codedeploy_app", reason: "CodeDeploy DeleteApplication is not implemented" },
  { type: "aws_codedeploy_deployment_group", reason: "CodeDeploy DeleteDeploymentGroup is not implemented" },
  { type: "aws_efs_file_system_policy", reason: "EFS DeleteFileSystemPolicy is not implemented" },
];

export interface UnroundtrippedAttributes {
  /** Terraform resource type. */
  readonly type: string;
  /** Top-level attributes moto accepts but does not read back as written. */
  readonly attributes: readonly string[];
  /** The moto API that loses them, in one line. */
  readonly reason: string;
}

/**
 * Attributes moto stores or returns differently from AWS, so the re-plan after an apply shows them
 * changed although the configuration is stable. The idempotence check tolerates exactly these
 * (and prints each); any other change in a re-plan fails the tier.
 */
export const UNROUNDTRIPPED_ATTRIBUTES: readonly UnroundtrippedAttributes[] = [
  {
    type: "aws_codedeploy_deployment_group",
    attributes: ["alarm_configuration"],
    reason:
      "CodeDeploy GetDeploymentGroup returns an empty alarmConfiguration (a TODO in moto); UpdateDeploymentGroup is not implemented",
  },
  {
    type: "aws_sns_topic",
    attributes: ["signature_version"],
    reason: "SNS GetTopicAttributes does not return the SignatureVersion set at CreateTopic",
  },
  {
    type: "aws_vpc_security_group_ingress_rule",
    attributes: ["description"],
    reason: "EC2 DescribeSecurityGroupRules drops the description of a rule that references a security group",
  },
  {
    type: "aws_vpc_security_group_egress_rule",
    attributes: ["description"],
    reason: "EC2 DescribeSecurityGroupRules drops the description of a rule that references a security group",
  },
  {
    type: "aws_db_parameter_group",
    attributes: ["parameter"],
    reason: "RDS DescribeDBParameters returns parameters without Source, so none reads back as user-set",
  },
];

export interface EmulatorPatch {
  /** File in __tests__/support/emulator-patches/. */
  readonly file: string;
  /** The documented AWS behaviour it restores, in one line. */
  readonly restores: string;
  /** What moto (the pinned version) does instead. */
  readonly upstreamGap: string;
}

/**
 * The patches carried for moto, applied each time the emulator starts (before its server loads).
 * Each restores one documented AWS behaviour our stacks need, so the resources that need it are
 * applied rather than left out; each checks at start that moto still lacks the behaviour and
 * stops the emulator, asking to be deleted, once upstream has it.
 */
export const EMULATOR_PATCHES: readonly EmulatorPatch[] = [
  {
    file: "rds_dbi_resource_id.py",
    restores: "every RDS DB instance has its own DbiResourceId (two environments, two databases)",
    upstreamGap: "one hard-coded DbiResourceId for every instance: the provider's lookup by it finds two and fails",
  },
  {
    file: "sesv2_easy_dkim.py",
    restores:
      "GetEmailIdentity answers an Easy DKIM domain's three DKIM tokens and a numeric LastKeyGenerationTimestamp",
    upstreamGap: "no Tokens; the timestamp is an ISO string, which the SDK cannot decode",
  },
  {
    file: "sesv2_event_destinations.py",
    restores: "SES v2 Create/Get/Update/DeleteConfigurationSetEventDestination(s)",
    upstreamGap: "not implemented in the v2 API (v1 only); the patch stores and answers them, and sends no events",
  },
  {
    file: "sesv2_mail_from.py",
    restores: "SES v2 PutEmailIdentityMailFromAttributes, and MailFromAttributes in GetEmailIdentity",
    upstreamGap: "not implemented",
  },
  {
    file: "route53_zone_ids.py",
    restores: 'Route 53 hosted zone IDs begin with "Z"',
    upstreamGap: "22 random letters and digits, which edge.dns.hostedZoneId's rule refuses",
  },
  {
    file: "ses_subdomain_senders.py",
    restores:
      "a verified domain identity lets SES send from its subdomains too (noreply@blog.example.com under example.com)",
    upstreamGap: "only an exact address or domain identity is accepted",
  },
  {
    file: "sesv2_configuration_set.py",
    restores: "GetConfigurationSet answers only the option groups set, and SendingOptions.SendingEnabled as a boolean",
    upstreamGap:
      "nests the whole SendingOptions object in SendingEnabled (the SDK cannot decode it) and answers unset groups as empty objects",
  },
  {
    file: "iam_role_sessions_authorized.py",
    restores: "a request signed by a role session (sts:AssumeRole) is allowed only by that role's policies",
    upstreamGap:
      "one server-wide switch: off, everything passes; on, the tier's own keys (no IAM user) are refused too",
  },
  {
    file: "iam_resource_level_permissions.py",
    restores:
      "IAM matches a statement's Resource to the ARNs a request acts on (ECS services, task sets and families, listeners and rules, alarms, CodeDeploy groups, applications and configs, ECR repositories)",
    upstreamGap: 'these requests are authorized against "*", so every statement scoped to an ARN refuses them',
  },
  {
    file: "iam_action_names.py",
    restores: "requests are authorized under their IAM action names (cloudwatch:DescribeAlarms, lambda:InvokeFunction)",
    upstreamGap: "the signing and API names instead (monitoring:DescribeAlarms, lambda:Invoke), which no policy names",
  },
  {
    file: "ecs_pass_role.py",
    restores:
      "RegisterTaskDefinition and CreateTaskSet need iam:PassRole, for ecs-tasks.amazonaws.com, on the task's roles",
    upstreamGap: "ECS never checks iam:PassRole",
  },
  {
    file: "ecs_service_settings.py",
    restores:
      "DescribeServices answers the service's capacityProviderStrategy (and no launchType), healthCheckGracePeriodSeconds, enableECSManagedTags and availabilityZoneRebalancing as created",
    upstreamGap:
      "CreateService ignores them and sets launchType EC2, so every re-plan wanted to replace the ECS service (strategy in place of a launch type)",
  },
  {
    file: "sesv2_identity_tags.py",
    restores: "an email identity's tags are those of its ARN arn:aws:ses:<region>:<account>:identity/<name>",
    upstreamGap:
      "files them under .../email-identity/<name>, so ListTagsForResource on the identity's ARN answers none",
  },
  {
    file: "backup_selections.py",
    restores:
      "AWS Backup Create/Get/List/DeleteBackupSelection, and a plan with selections cannot be deleted (the EFS backups' plan)",
    upstreamGap: "backup selections are not implemented (plans and vaults are)",
  },
  {
    file: "backup_list_tags.py",
    restores: "AWS Backup ListTags answers a vault's or plan's tags, with or without the path's trailing slash",
    upstreamGap:
      "reads the ARN as the second-to-last path segment: the provider's request (no trailing slash) gets no tags, a perpetual diff",
  },
  {
    file: "applicationautoscaling_tags.py",
    restores: "Application Auto Scaling tags scalable targets and answers them in ListTagsForResource",
    upstreamGap:
      "ListTagsForResource/TagResource/UntagResource not implemented (HTTP 500): the ECS service's scaling target could not be applied",
  },
];
