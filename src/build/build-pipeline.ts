import { Construct } from "constructs";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { APP_REPO_FILES, BUILD_VARIABLES } from "./app-repo";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { CpuArchitecture, PipelinesConfig } from "../config";
import { logGroup, LogSettings } from "../shared/log-group";
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
  /** The environment's `pipelines` section: the image tag, CodeBuild's compute type and timeouts. */
  readonly config: PipelinesConfig;
  /** Architecture of the image, the task's: the build runs on the same. */
  readonly cpuArchitecture: CpuArchitecture;
  /** Retention and key of the build log group. */
  readonly logs: LogSettings;
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

    const buildLogs = logGroup(this, "log-group", `/aws/codebuild/${name}`, props.logs);

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
          Resource: [buildLogs.arn, `${buildLogs.arn}:*`],
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

    const environment = BUILD_IMAGES[props.cpuArchitecture];
    this.project = new CodebuildProject(this, "project", {
      name,
      description: `Builds the Ghost image of ${prefix} and pushes it to ECR`,
      serviceRole: this.role.arn,
      buildTimeout: props.config.buildTimeoutMinutes,
      queuedTimeout: props.config.queuedTimeoutMinutes,
      encryptionKey: source.artifactKeyArn,
      source: { type: "CODEPIPELINE", buildspec: APP_REPO_FILES.buildspec },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: environment.type,
        image: environment.image,
        computeType: props.config.computeType,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: true, // runs the Docker daemon that builds the image
        environmentVariable: [
          { name: BUILD_VARIABLES.repositoryUri, value: props.repositoryUrl, type: "PLAINTEXT" },
          { name: BUILD_VARIABLES.region, value: props.region, type: "PLAINTEXT" },
          { name: BUILD_VARIABLES.imageTag, value: props.config.imageTag, type: "PLAINTEXT" },
        ],
      },
      // Layers of the Ghost base image are reused between builds on the same host.
      cache: { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: buildLogs.name },
        s3Logs: { status: "DISABLED" },
      },
      dependsOn: [rolePolicy],
    });
    this.projectName = this.project.name;
    this.projectArn = this.project.arn;
    this.logGroupName = buildLogs.name;

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
