import { Construct } from "constructs";
import { CodecommitRepository } from "@cdktf/provider-aws/lib/codecommit-repository";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { PipelineSource, PipelineTrigger } from "../src/build/source";
import { PipelinesConfig } from "../src/config";
import { allowedActions, onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { sourceConfig } from "./support/config";

const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-2:123456789012:connection/abcd-1234";

function buildSource(
  scope: Construct,
  overrides: Partial<PipelinesConfig> = {},
  preventDestroy = false,
): PipelineSource {
  return new PipelineSource(scope, "source", {
    namePrefix: "ghost-test",
    config: sourceConfig(overrides),
    preventDestroy,
  });
}

/** The role whose name is `name`, and the policies attached to it (by Terraform reference). */
function role(json: any, name: string): { trust: any; policies: any[] } {
  const [id, resource] = Object.entries(resourcesOfType(json, "aws_iam_role")).find(([, r]) => r.name === name)!;
  const policies = Object.values(resourcesOfType(json, "aws_iam_role_policy"))
    .filter((p: any) => p.role === `\${aws_iam_role.${id}.name}`)
    .map((p: any) => parsePolicy(p.policy));
  return { trust: parsePolicy(resource.assume_role_policy), policies };
}

describe("PipelineSource", () => {
  let source!: PipelineSource;
  const { synth, json } = synthScope((scope) => {
    source = buildSource(scope);
  });

  it("creates the CodeCommit repository with the branch as default branch", () => {
    expect(synth).toHaveResourceWithProperties(CodecommitRepository, {
      repository_name: "ghost-test-blog",
      default_branch: "main",
    });
    expect(source.cloneUrlHttp).toBeDefined();
    expect(source.cloneUrlSsh).toBeDefined();
  });

  it.each([true, false])(
    "sets the CodeCommit repository's prevent_destroy to preventDestroy (%s)",
    (preventDestroy) => {
      const { json } = synthScope((scope) => buildSource(scope, {}, preventDestroy));
      expect(onlyResource(json, "aws_codecommit_repository").lifecycle).toEqual({ prevent_destroy: preventDestroy });
    },
  );

  it("encrypts artifacts with a customer-managed key that rotates", () => {
    expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: "alias/ghost-test-pipeline-artifacts" });
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it("gives the key to the account root only (IAM decides), with no wildcard action", () => {
    const policy = parsePolicy(onlyResource(json, "aws_kms_key_policy").policy);
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Principal).toEqual({ AWS: expect.stringMatching(/^arn:aws:iam::\$\{local\..+\}:root$/) });
    expect(statement.Action).toEqual(expect.arrayContaining(["kms:PutKeyPolicy", "kms:Decrypt"]));
    expect(statement.Action.some((action: string) => action.includes("*"))).toBe(false);
  });

  it("reads the account id from the key's ARN, not from a data source", () => {
    expect(json.data).toBeUndefined();
    expect(Object.values((json as any).locals)).toEqual([
      expect.stringMatching(/^\$\{element\(split\(":", aws_kms_key\..+\.arn\), 4\)\}$/),
    ]);
  });

  it("keeps the artifact bucket versioned, private and TLS-only", () => {
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: "Enabled" },
    });
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("expires artifacts after 30 days by default", () => {
    const [rule] = onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rule.expiration).toEqual([{ days: 30 }]);
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it("expires artifacts after the configured days", () => {
    const { json: custom } = synthScope((scope) => buildSource(scope, { artifactExpirationDays: 7 }));
    expect(onlyResource(custom, "aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 7 }]);
  });

  it("creates the CodePipeline role trusted by codepipeline.amazonaws.com (spelled right)", () => {
    const { trust } = role(json, "ghost-test-codepipeline");
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "codepipeline.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
  });

  it("lets the pipeline role read and write artifacts and read this repository only", () => {
    const [policy] = role(json, "ghost-test-codepipeline").policies;
    const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    expect(bySid.PipelineArtifacts.Resource).toMatch(/^\$\{aws_s3_bucket\..+\.arn\}\/\*$/);
    expect(bySid.PipelineArtifactBucket.Resource).toMatch(/^\$\{aws_s3_bucket\..+\.arn\}$/);
    expect(bySid.PipelineArtifactKey.Resource).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(bySid.ReadCodeCommit).toMatchObject({
      Action: expect.arrayContaining(["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:UploadArchive"]),
      Resource: expect.stringMatching(/^\$\{aws_codecommit_repository\..+\.arn\}$/),
    });
  });

  it("grants no wildcard action", () => {
    expect(allowedActions(json).filter((action) => action.includes("*"))).toEqual([]);
  });

  it("creates the EventBridge role trusted by events.amazonaws.com, with no permission of its own", () => {
    const events = role(json, "ghost-test-pipeline-events");
    expect(events.trust.Statement[0].Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(events.policies).toEqual([]);
  });

  it("gives a CodeCommit source action that never polls", () => {
    expect(source.sourceAction({ name: "Source", outputArtifact: "source", detectChanges: true })).toMatchObject({
      category: "Source",
      owner: "AWS",
      provider: "CodeCommit",
      outputArtifacts: ["source"],
      configuration: { RepositoryName: expect.any(String), BranchName: "main", PollForSourceChanges: "false" },
    });
  });

  it("describes a push to the branch (created or updated) of this repository as the start event", () => {
    const { json: withTrigger } = synthScope((scope) => {
      const pushed = buildSource(scope);
      new PipelineTrigger(scope, "trigger", {
        ruleName: "r",
        description: "d",
        eventPattern: pushed.pushEventPattern!,
        pipelineName: "p",
        pipelineArn: "arn:aws:codepipeline:eu-west-2:123456789012:p",
        eventsRole: pushed.eventsRole,
      });
    });
    expect(JSON.parse(onlyResource(withTrigger, "aws_cloudwatch_event_rule").event_pattern)).toEqual({
      source: ["aws.codecommit"],
      "detail-type": ["CodeCommit Repository State Change"],
      resources: [expect.stringMatching(/^\$\{aws_codecommit_repository\..+\.arn\}$/)],
      detail: { event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"], referenceName: ["main"] },
    });
  });
});

describe("PipelineSource with a connection", () => {
  let source!: PipelineSource;
  const { json } = synthScope((scope) => {
    source = buildSource(scope, { github: { connectionArn: CONNECTION_ARN, repository: "example/ghost-blog" } });
  });

  it("creates no CodeCommit repository", () => {
    expect(resourcesOfType(json, "aws_codecommit_repository")).toEqual({});
    expect(source.cloneUrlHttp).toBeUndefined();
  });

  it("gives a CodeStarSourceConnection action that follows DetectChanges", () => {
    const action = source.sourceAction({ name: "Templates", outputArtifact: "templates", detectChanges: false });
    expect(action).toMatchObject({
      provider: "CodeStarSourceConnection",
      configuration: {
        ConnectionArn: CONNECTION_ARN,
        FullRepositoryId: "example/ghost-blog",
        BranchName: "main",
        DetectChanges: "false",
      },
    });
  });

  it("lets the pipeline role use exactly this connection, with the ARN's service prefix", () => {
    const policy = Object.values(resourcesOfType(json, "aws_iam_role_policy")).map((p: any) =>
      parsePolicy(p.policy),
    )[0];
    expect(policy.Statement.find((s: any) => s.Sid === "UseConnection")).toEqual({
      Effect: "Allow",
      Sid: "UseConnection",
      Action: ["codeconnections:UseConnection"],
      Resource: CONNECTION_ARN,
    });
  });

  it("has no push event: the connection starts its pipeline itself", () => {
    expect(source.pushEventPattern).toBeUndefined();
  });
});

describe("PipelineTrigger", () => {
  const PIPELINE_ARN = "arn:aws:codepipeline:eu-west-2:123456789012:ghost-test-build";
  const pattern = { source: ["aws.ecr"], detail: { "image-tag": ["latest"] } };
  const { synth, json } = synthScope((scope) => {
    const source = buildSource(scope);
    new PipelineTrigger(scope, "trigger", {
      ruleName: "ghost-test-build-on-push",
      description: "test",
      eventPattern: pattern,
      pipelineName: "ghost-test-build",
      pipelineArn: PIPELINE_ARN,
      eventsRole: source.eventsRole,
    });
  });

  it("creates a rule with the event pattern", () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "ghost-test-build-on-push",
      event_pattern: JSON.stringify(pattern),
    });
  });

  it("targets the pipeline through the events role", () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: PIPELINE_ARN,
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.source_events-role.+\.arn\}$/),
    });
  });

  it("lets the events role start this pipeline and nothing else", () => {
    expect(role(json, "ghost-test-pipeline-events").policies).toEqual([
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: PIPELINE_ARN }],
      },
    ]);
  });
});
