import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { APP_REPO_FILES, BUILD_VARIABLES } from "./app-repo";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { CpuArchitecture } from "../run/service";
import { PipelineSource, PipelineTrigger, SOURCE_VARIABLES_NAMESPACE } from "./source";

/** Current Amazon Linux CodeBuild images (Docker included), by task architecture. */
export const BUILD_IMAGES: Record<CpuArchitecture, { readonly type: string; readonly image: string }> = {
  X86_64: { type: "LINUX_CONTAINER", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0" },
  ARM64: { type: "ARM_CONTAINER", image: "aws/codebuild/amazonlinux-aarch64-standard:3.0" },
};

export interface BuildPipelineProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** Repository, artifact bucket, pipeline and events roles. */
  readonly source: PipelineSource;
  /** ECR repository URI the image is pushed to. */
  readonly repositoryUrl: string;
  /** ECR repository ARN (push permissions are scoped to it). */
  readonly repositoryArn: string;
  /** Region of the repository. */
  readonly region: string;
  /** The moving tag pushed with every build; the deploy pipeline follows it. @default "latest" */
  readonly imageTag?: string;
  /** Architecture of the image, the task's: the build runs on the same. @default "X86_64" */
  readonly cpuArchitecture?: CpuArchitecture;
  /** CodeBuild compute type. @default "BUILD_GENERAL1_SMALL" */
  readonly computeType?: string;
  /** Minutes a build may run. @default 60 */
  readonly buildTimeoutMinutes?: number;
  /** Minutes a build may wait in the queue. @default 480 */
  readonly queuedTimeoutMinutes?: number;
  /** Days to keep build logs. @default 30 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group(s) (its policy must allow CloudWatch Logs). @default undefined (CloudWatch-managed encryption) */
  readonly logsKmsKeyArn?: string;
}

/**
 * Pipeline 1, commit to image: a CodeBuild project that builds the repository's Dockerfile and
 * pushes the image to ECR, the pipeline Source -> Build, and the EventBridge rule that starts it
 * on a push to the branch (CodeCommit; a connection source starts it itself).
 */
export class BuildPipeline extends Construct {
  readonly project: CodebuildProject;
  readonly projectName: string;
  readonly projectArn: string;
  readonly role: IamRole;
  readonly logGroupName: string;
  readonly pipeline: Codepipeline;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  /** The rule that starts the pipeline; undefined with a connection source. */
  readonly trigger?: PipelineTrigger;

  constructor(scope: Construct, id: string, props: BuildPipelineProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const source = props.source;
    const name = `${prefix}-ghost-build`;
    const pipelineName = `${prefix}-build`;

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/codebuild/${name}`,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.logsKmsKeyArn,
    });

    this.role = new IamRole(this, "role", {
      name: `${prefix}-codebuild`,
      assumeRolePolicy: assumeRolePolicy("codebuild.amazonaws.com"),
    });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: `${prefix}-codebuild`,
      role: this.role.name,
      policy: policyDocument([
        {
          Sid: "BuildLogs",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [logGroup.arn, `${logGroup.arn}:*`],
        },
        ...source.artifactStatements(),
        {
          Sid: "PushGhostImage",
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
          ],
          Resource: props.repositoryArn,
        },
        // GetAuthorizationToken is account-wide (a registry login): IAM accepts only "*" for it.
        { Sid: "EcrLogin", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      ]),
    });

    const environment = BUILD_IMAGES[props.cpuArchitecture ?? "X86_64"];
    this.project = new CodebuildProject(this, "project", {
      name,
      description: `Builds the Ghost image of ${prefix} and pushes it to ECR`,
      serviceRole: this.role.arn,
      buildTimeout: props.buildTimeoutMinutes ?? 60,
      queuedTimeout: props.queuedTimeoutMinutes ?? 480,
      encryptionKey: source.artifactKeyArn,
      source: { type: "CODEPIPELINE", buildspec: APP_REPO_FILES.buildspec },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: environment.type,
        image: environment.image,
        computeType: props.computeType ?? "BUILD_GENERAL1_SMALL",
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: true, // runs the Docker daemon that builds the image
        environmentVariable: [
          { name: BUILD_VARIABLES.repositoryUri, value: props.repositoryUrl, type: "PLAINTEXT" },
          { name: BUILD_VARIABLES.region, value: props.region, type: "PLAINTEXT" },
          { name: BUILD_VARIABLES.imageTag, value: props.imageTag ?? "latest", type: "PLAINTEXT" },
        ],
      },
      // Layers of the Ghost base image are reused between builds on the same host.
      cache: { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name },
        s3Logs: { status: "DISABLED" },
      },
      dependsOn: [rolePolicy],
    });
    this.projectName = this.project.name;
    this.projectArn = this.project.arn;
    this.logGroupName = logGroup.name;

    const pipelinePolicy = new IamRolePolicy(this, "pipeline-policy", {
      name: `${prefix}-pipeline-build`,
      role: source.pipelineRole.name,
      policy: policyDocument([
        { Sid: "RunBuild", Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], Resource: this.project.arn },
      ]),
    });

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: pipelineName,
      pipelineType: "V2",
      roleArn: source.pipelineRole.arn,
      artifactStore: [
        {
          type: "S3",
          location: source.artifactBucketName,
          encryptionKey: { type: "KMS", id: source.artifactKeyArn },
        },
      ],
      stage: [
        {
          name: "Source",
          action: [
            source.sourceAction({
              name: "Source",
              outputArtifact: "source",
              detectChanges: true,
              variablesNamespace: SOURCE_VARIABLES_NAMESPACE,
            }),
          ],
        },
        {
          name: "Build",
          action: [
            {
              name: "BuildImage",
              category: "Build",
              owner: "AWS",
              provider: "CodeBuild",
              version: "1",
              inputArtifacts: ["source"],
              outputArtifacts: ["image_detail"],
              configuration: {
                ProjectName: this.project.name,
                EnvironmentVariables: JSON.stringify([
                  {
                    name: BUILD_VARIABLES.commitId,
                    value: `#{${SOURCE_VARIABLES_NAMESPACE}.CommitId}`,
                    type: "PLAINTEXT",
                  },
                ]),
              },
            },
          ],
        },
      ],
      dependsOn: [source.pipelineSourcePolicy, pipelinePolicy],
    });
    this.pipelineName = this.pipeline.name;
    this.pipelineArn = this.pipeline.arn;

    const pushEvent = source.pushEventPattern;
    if (pushEvent) {
      this.trigger = new PipelineTrigger(this, "trigger", {
        ruleName: `${prefix}-build-on-push`,
        description: `Starts ${pipelineName} on a push to ${source.branch}`,
        eventPattern: pushEvent,
        pipelineName,
        pipelineArn: this.pipeline.arn,
        eventsRole: source.eventsRole,
      });
    }
  }
}
