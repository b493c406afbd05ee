/**
 * THE one list of what moto (the version pinned in test-requirements.txt) cannot do for these
 * stacks. The end-to-end tier applies every planned resource except the types below and whatever
 * depends on them, prints the coverage, and reports these reasons; nothing is dropped from the
 * stacks or faked. Found by applying every stack to moto and reading its errors (moto's request
 * log in .test-work/ names each "action has not been implemented"). Remove an entry when moto
 * implements the API: the coverage line then grows.
 *
 * Today the three lists are empty: with the patches in tools/emulator-patches (EMULATOR_PATCHES,
 * below), every resource of every stack applies, reads back as written and is destroyed. The
 * tier asserts that coverage (N/N); an entry added here must come with a reason the patches
 * cannot answer.
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
export const UNSUPPORTED_RESOURCES: readonly UnsupportedResource[] = [];

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
export const UNDELETABLE_RESOURCES: readonly UndeletableResource[] = [];

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
export const UNROUNDTRIPPED_ATTRIBUTES: readonly UnroundtrippedAttributes[] = [];

export interface EmulatorPatch {
  /** File in tools/emulator-patches/. */
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
    file: "rds_default_ca.py",
    restores: "a DB instance created without a CA gets the default CA for new instances, rds-ca-rsa2048-g1",
    upstreamGap:
      'the default is "rds-ca-default", which no Region has: the provider modified every new database to its pinned CA and waited for it again (80 s)',
  },
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
  {
    file: "codecommit_dates.py",
    restores: "CodeCommit answers a repository's creationDate and lastModifiedDate as timestamps",
    upstreamGap: "ISO 8601 strings, which the SDK cannot decode: CreateRepository failed in the provider",
  },
  {
    file: "codecommit_tags.py",
    restores: "CodeCommit tags a repository (CreateRepository, TagResource, UntagResource, ListTagsForResource)",
    upstreamGap: "the tagging calls are not implemented and CreateRepository drops its tags",
  },
  {
    file: "codepipeline_dates.py",
    restores: "CodePipeline answers a pipeline's created and updated (and an execution's times) as timestamps",
    upstreamGap: "ISO 8601 strings, which the SDK cannot decode: the provider's read of every pipeline failed",
  },
  {
    file: "codecommit_branches.py",
    restores: "CodeCommit ListBranches answers a new repository's branches (none)",
    upstreamGap:
      "not implemented: the provider's create of a repository with a default branch waited until the apply timed out",
  },
  {
    file: "cloudfront_cache_policies.py",
    restores: "CloudFront Create/Get/Update/Delete/ListCachePolicies and GetCachePolicyConfig, with ETags",
    upstreamGap:
      "cache policies are not implemented: the edge's cache policy (and its distribution) could not be applied",
  },
  {
    file: "cloudfront_distribution_config.py",
    restores:
      "a CloudFront distribution answers its configuration as given: no ForwardedValues beside a cache policy, an ACM viewer certificate not the default one",
    upstreamGap:
      "default ForwardedValues and CloudFrontDefaultCertificate true everywhere: a perpetual diff on the distribution",
  },
  {
    file: "codebuild_pipeline_projects.py",
    restores:
      "CodeBuild CreateProject takes CODEPIPELINE source and artifacts without a location, and keeps the project's encryptionKey",
    upstreamGap: "demands a location (InvalidInputException) and answers the S3 AWS-managed key whatever was given",
  },
  {
    file: "codestar_notifications.py",
    restores:
      "CodeStar Notifications rules: Create/Describe/Update/Delete/ListNotificationRules, DeleteTarget and tags (no notification is sent)",
    upstreamGap: "no CodeStar Notifications backend at all: the pipelines' notification rules could not be applied",
  },
  {
    file: "codedeploy_deployment_groups.py",
    restores: "CodeDeploy GetDeploymentGroup answers the alarmConfiguration as created; UpdateDeploymentGroup",
    upstreamGap: "alarmConfiguration answered empty (a TODO), UpdateDeploymentGroup not implemented: a perpetual diff",
  },
  {
    file: "codedeploy_deletes.py",
    restores: "CodeDeploy DeleteApplication (with its deployment groups) and DeleteDeploymentGroup",
    upstreamGap: "not implemented: the teardown left the application and its group behind",
  },
  {
    file: "efs_delete_file_system_policy.py",
    restores: "EFS DeleteFileSystemPolicy",
    upstreamGap: "not implemented: the teardown could not destroy the file-system policy",
  },
  {
    file: "sns_signature_version.py",
    restores: "SNS GetTopicAttributes answers the topic's SignatureVersion",
    upstreamGap: "stored but never answered: a perpetual diff on the alerts topic",
  },
  {
    file: "ec2_referenced_rule_descriptions.py",
    restores: "EC2 DescribeSecurityGroupRules answers the description of rules whose peer is a group or a prefix list",
    upstreamGap: "only CIDR rules' descriptions are answered: a perpetual diff on every group-to-group rule",
  },
  {
    file: "rds_parameter_source.py",
    restores:
      'RDS DescribeDBParameters answers a parameter-group parameter with Source "user" and honours the Source filter',
    upstreamGap: "no Source, and the filter is ignored: a perpetual diff on the DB parameter group",
  },
  {
    file: "s3_secure_transport.py",
    restores:
      "a bucket policy's Bool condition on aws:SecureTransport matches HTTPS requests (true) and plain HTTP (false); S3 is served over HTTPS",
    upstreamGap:
      "the Bool operator counts as matched, so a TLS-only bucket refused every object request: the state bucket's policy locked Terraform out",
  },
];
