import { Construct } from "constructs";
import { CodecommitRepository } from "@cdktf/provider-aws/lib/codecommit-repository";
import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { PipelinesConfig } from "../config";
import { assumeRolePolicy, policyDocument, PolicyStatement } from "../shared/iam";
import { accountIdOf, keyAdminStatement } from "../shared/kms";
import { SecureBucket } from "../shared/secure-bucket";

/** Namespace of the source action's variables (`#{SourceVariables.CommitId}`). */
export const SOURCE_VARIABLES_NAMESPACE = "SourceVariables";

/** A GitHub (or other CodeConnections) repository instead of CodeCommit. */
export interface ConnectionSource {
  /** ARN of an AVAILABLE CodeStar/CodeConnections connection (authorised once in the console). */
  readonly connectionArn: string;
  /** "owner/name" of the repository. */
  readonly repository: string;
}

export interface PipelineSourceProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /**
   * The environment's `pipelines` section: the CodeCommit repository (or `github`, a connection's
   * repository instead), the branch, the artifact bucket and its expiry.
   */
  readonly config: PipelinesConfig;
  /** Terraform refuses to destroy or replace the CodeCommit repository (the config's `preventDestroy`). */
  readonly preventDestroy: boolean;
}

/** What a pipeline needs to start its source action. */
export interface SourceActionOptions {
  /** Action name, e.g. "Source". */
  readonly name: string;
  /** Output artifact name. */
  readonly outputArtifact: string;
  /**
   * Start the pipeline on pushes through the connection's own webhook (connections only;
   * CodeCommit pipelines are started by an EventBridge rule, never by polling).
   */
  readonly detectChanges: boolean;
  /** Namespace of the action's variables (`#{<namespace>.CommitId}`). @default undefined (none) */
  readonly variablesNamespace?: string;
}

/**
 * What every pipeline of one environment shares: the source repository (CodeCommit, or a
 * GitHub repository through a connection), the KMS-encrypted artifact bucket, the CodePipeline
 * service role (the pipelines add their own statements to it) and the EventBridge role that
 * starts the pipelines (each trigger adds its pipeline to it).
 */
export class PipelineSource extends Construct {
  readonly branch: string;
  /** The CodeCommit repository; undefined with a connection. */
  readonly repository?: CodecommitRepository;
  /** Repository name in the source action: the CodeCommit name or "owner/name". */
  readonly repositoryName: string;
  readonly cloneUrlHttp?: string;
  readonly cloneUrlSsh?: string;
  readonly connection?: ConnectionSource;
  readonly artifactKey: KmsKey;
  readonly artifactKeyArn: string;
  readonly artifactBucket: SecureBucket;
  readonly artifactBucketName: string;
  readonly artifactBucketArn: string;
  /** The CodePipeline service role of both pipelines. */
  readonly pipelineRole: IamRole;
  /** Its artifact and source statements: pipelines depend on it (the role must work at creation). */
  readonly pipelineSourcePolicy: IamRolePolicy;
  /** The role EventBridge rules use to start the pipelines. */
  readonly eventsRole: IamRole;
  /** Account id, read from the key's ARN (no AWS look-up). */
  readonly accountId: string;

  constructor(scope: Construct, id: string, props: PipelineSourceProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const { config } = props;
    this.branch = config.branch;
    this.connection = config.github;

    if (this.connection) {
      this.repositoryName = this.connection.repository;
    } else {
      // The provider sets the default branch once the repository has a branch (first push).
      this.repository = new CodecommitRepository(this, "repository", {
        repositoryName: config.repositoryName,
        description: `Ghost site (${prefix}): Dockerfile, buildspec, appspec and task definition template`,
        defaultBranch: config.branch,
        lifecycle: { preventDestroy: props.preventDestroy },
      });
      this.repositoryName = this.repository.repositoryName;
      this.cloneUrlHttp = this.repository.cloneUrlHttp;
      this.cloneUrlSsh = this.repository.cloneUrlSsh;
    }

    this.artifactKey = new KmsKey(this, "artifact-key", {
      description: `${prefix} pipeline artifacts`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    this.artifactKeyArn = this.artifactKey.arn;
    // A local keeps the expression (and its quotes) out of the policy JSON.
    this.accountId = accountIdOf(this, "account-id", this.artifactKey.arn);
    new KmsKeyPolicy(this, "artifact-key-policy", {
      keyId: this.artifactKey.keyId,
      // Several of our roles use this key: the root delegates its use to their IAM policies.
      policy: policyDocument([keyAdminStatement({ accountId: this.accountId }, { delegateUseToIam: true })]),
    });
    new KmsAlias(this, "artifact-key-alias", {
      name: `alias/${prefix}-pipeline-artifacts`,
      targetKeyId: this.artifactKey.keyId,
    });

    const expirationDays = config.artifactExpirationDays;
    this.artifactBucket = new SecureBucket(this, "artifacts", {
      bucketName: config.artifactBucketName,
      kmsKeyArn: this.artifactKey.arn,
      expirationDays,
      noncurrentVersionExpirationDays: expirationDays,
      forceDestroy: false, // a destroy must not empty the artifacts
    });
    this.artifactBucketName = this.artifactBucket.bucketName;
    this.artifactBucketArn = this.artifactBucket.bucketArn;

    this.pipelineRole = new IamRole(this, "pipeline-role", {
      name: `${prefix}-codepipeline`,
      assumeRolePolicy: assumeRolePolicy("codepipeline.amazonaws.com"),
    });
    this.pipelineSourcePolicy = new IamRolePolicy(this, "pipeline-source-policy", {
      name: `${prefix}-pipeline-source-artifacts`,
      role: this.pipelineRole.name,
      policy: policyDocument([...this.artifactStatements(), this.sourceReadStatement()]),
    });

    this.eventsRole = new IamRole(this, "events-role", {
      name: `${prefix}-pipeline-events`,
      assumeRolePolicy: assumeRolePolicy("events.amazonaws.com"),
    });
  }

  /** Read and write pipeline artifacts: the bucket and its key. For every role that touches artifacts. */
  artifactStatements(): PolicyStatement[] {
    return [
      {
        Sid: "PipelineArtifacts",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        Resource: `${this.artifactBucketArn}/*`,
      },
      {
        Sid: "PipelineArtifactBucket",
        Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"],
        Resource: this.artifactBucketArn,
      },
      {
        Sid: "PipelineArtifactKey",
        Action: [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ],
        Resource: this.artifactKeyArn,
      },
    ];
  }

  /** What the pipeline role needs to run the source action. */
  private sourceReadStatement(): PolicyStatement {
    if (this.connection) {
      return {
        Sid: "UseConnection",
        Action: [`${connectionService(this.connection.connectionArn)}:UseConnection`],
        Resource: this.connection.connectionArn,
      };
    }
    return {
      Sid: "ReadCodeCommit",
      Action: [
        "codecommit:CancelUploadArchive",
        "codecommit:GetBranch",
        "codecommit:GetCommit",
        "codecommit:GetRepository",
        "codecommit:GetUploadArchiveStatus",
        "codecommit:UploadArchive",
      ],
      Resource: this.repository!.arn,
    };
  }

  /** The source action of a pipeline: CodeCommit (never polls) or the connection's repository. */
  sourceAction(options: SourceActionOptions): CodepipelineStageAction {
    const common = {
      name: options.name,
      category: "Source",
      owner: "AWS",
      version: "1",
      outputArtifacts: [options.outputArtifact],
      namespace: options.variablesNamespace,
    };
    if (this.connection) {
      return {
        ...common,
        provider: "CodeStarSourceConnection",
        configuration: {
          ConnectionArn: this.connection.connectionArn,
          FullRepositoryId: this.connection.repository,
          BranchName: this.branch,
          OutputArtifactFormat: "CODE_ZIP",
          DetectChanges: String(options.detectChanges),
        },
      };
    }
    return {
      ...common,
      provider: "CodeCommit",
      configuration: {
        RepositoryName: this.repositoryName,
        BranchName: this.branch,
        PollForSourceChanges: "false",
        OutputArtifactFormat: "CODE_ZIP",
      },
    };
  }

  /**
   * EventBridge pattern of a push to the branch (CodeCommit only: a connection starts its
   * pipeline itself). `referenceCreated` too: the very first push creates the branch.
   */
  get pushEventPattern(): Record<string, unknown> | undefined {
    if (!this.repository) return undefined;
    return {
      source: ["aws.codecommit"],
      "detail-type": ["CodeCommit Repository State Change"],
      resources: [this.repository.arn],
      detail: {
        event: ["referenceCreated", "referenceUpdated"],
        referenceType: ["branch"],
        referenceName: [this.branch],
      },
    };
  }
}

/**
 * The IAM service prefix of a connection ARN (its form is validated with the config): the
 * service was renamed in 2024, both forms exist, and the policy names the ARN's own.
 */
function connectionService(arn: string): string {
  return arn.split(":")[2];
}

export interface PipelineTriggerProps {
  /** Rule name. */
  readonly ruleName: string;
  readonly description: string;
  /** The EventBridge event pattern that starts the pipeline. */
  readonly eventPattern: Record<string, unknown>;
  /** The pipeline to start. */
  readonly pipelineName: string;
  readonly pipelineArn: string;
  /** The role EventBridge assumes (`PipelineSource.eventsRole`); gets permission to start this pipeline only. */
  readonly eventsRole: IamRole;
}

/** An EventBridge rule that starts one pipeline, and the permission to do exactly that. */
export class PipelineTrigger extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: PipelineTriggerProps) {
    super(scope, id);
    const policy = new IamRolePolicy(this, "policy", {
      name: `start-${props.pipelineName}`,
      role: props.eventsRole.name,
      policy: policyDocument([{ Action: ["codepipeline:StartPipelineExecution"], Resource: props.pipelineArn }]),
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description,
      eventPattern: JSON.stringify(props.eventPattern),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "pipeline",
      arn: props.pipelineArn,
      roleArn: props.eventsRole.arn,
      dependsOn: [policy],
    });
  }
}
