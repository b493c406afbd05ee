import { Construct } from "constructs";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { BUILD_IMAGES, BuildPipeline, BuildPipelineProps } from "../src/build/build-pipeline";
import { APP_REPO_FILES, BUILD_VARIABLES } from "../src/build/app-repo";
import { PipelineSource } from "../src/build/source";
import { Registry } from "../src/build/registry";
import { allowedActions, onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { PipelinesConfig } from "../src/config";
import { sourceConfig, testConfig } from "./support/config";

function buildPipeline(
  scope: Construct,
  overrides: Partial<BuildPipelineProps> = {},
  sourceOverrides: Partial<PipelinesConfig> = {},
): BuildPipeline {
  const registry = new Registry(scope, "registry", { config: testConfig().registry, preventDestroy: false });
  const source = new PipelineSource(scope, "source", {
    namePrefix: "ghost-test",
    config: sourceConfig(sourceOverrides),
    preventDestroy: false,
  });
  return new BuildPipeline(scope, "build", {
    namePrefix: "ghost-test",
    source,
    repositoryUrl: registry.repositoryUrl,
    repositoryArn: registry.repositoryArn,
    region: "eu-west-2",
    config: testConfig().pipelines,
    cpuArchitecture: "X86_64",
    logs: { retentionDays: 30 },
    ...overrides,
  });
}

function synthBuild(overrides: Partial<BuildPipelineProps> = {}, sourceOverrides: Partial<PipelinesConfig> = {}) {
  return synthScope((scope) => buildPipeline(scope, overrides, sourceOverrides));
}

/** The statements of the role policy called `name`. */
function statementsOf(json: any, name: string): any[] {
  const policy: any = Object.values(resourcesOfType(json, "aws_iam_role_policy")).find((p: any) => p.name === name);
  return parsePolicy(policy.policy).Statement;
}

const REF = (type: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.[^}]+\\.${attribute}\\}$`));

describe("BuildPipeline", () => {
  const { synth, json } = synthBuild();
  const project = onlyResource(json, "aws_codebuild_project");
  const pipeline = onlyResource(json, "aws_codepipeline");

  it("builds on the current Amazon Linux x86_64 standard image, privileged for Docker", () => {
    expect(project.environment).toMatchObject({
      type: "LINUX_CONTAINER",
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
      privileged_mode: true,
      image_pull_credentials_type: "CODEBUILD",
    });
  });

  it("builds on the ARM image when the task is ARM64", () => {
    const arm = onlyResource(synthBuild({ cpuArchitecture: "ARM64" }).json, "aws_codebuild_project");
    expect(arm.environment).toMatchObject({ type: "ARM_CONTAINER", image: BUILD_IMAGES.ARM64.image });
  });

  it("uses a small instance with the tutorial's timeouts by default", () => {
    expect(project).toMatchObject({ build_timeout: 60, queued_timeout: 480 });
    expect(project.environment.compute_type).toBe("BUILD_GENERAL1_SMALL");
  });

  it("takes compute type and timeouts from the props", () => {
    const custom = onlyResource(
      synthBuild({
        config: testConfig({
          pipelines: { computeType: "BUILD_GENERAL1_MEDIUM", buildTimeoutMinutes: 30, queuedTimeoutMinutes: 60 },
        }).pipelines,
      }).json,
      "aws_codebuild_project",
    );
    expect(custom).toMatchObject({ build_timeout: 30, queued_timeout: 60 });
    expect(custom.environment.compute_type).toBe("BUILD_GENERAL1_MEDIUM");
  });

  it("encrypts build artifacts with the pipeline's customer key", () => {
    expect(project.encryption_key).toEqual(REF("aws_kms_key", "arn"));
  });

  it("caches Docker layers", () => {
    expect(project.cache).toEqual({ type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] });
  });

  it("logs to its own log group with retention", () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/codebuild/ghost-test-ghost-build",
      retention_in_days: 30,
    });
    expect(project.logs_config).toEqual({
      cloudwatch_logs: { status: "ENABLED", group_name: REF("aws_cloudwatch_log_group", "name") },
      s3_logs: { status: "DISABLED" },
    });
  });

  it("passes the repository URI, region and image tag to the build", () => {
    expect(project.environment.environment_variable).toEqual([
      { name: BUILD_VARIABLES.repositoryUri, value: REF("aws_ecr_repository", "repository_url"), type: "PLAINTEXT" },
      { name: BUILD_VARIABLES.region, value: "eu-west-2", type: "PLAINTEXT" },
      { name: BUILD_VARIABLES.imageTag, value: "latest", type: "PLAINTEXT" },
    ]);
  });

  it("runs the generated buildspec of the repository", () => {
    expect(synth).toHaveResourceWithProperties(CodebuildProject, {
      source: { type: "CODEPIPELINE", buildspec: APP_REPO_FILES.buildspec },
      artifacts: { type: "CODEPIPELINE" },
    });
  });

  it("gives CodeBuild its own role", () => {
    const role: any = Object.values(resourcesOfType(json, "aws_iam_role")).find(
      (r: any) => r.name === "ghost-test-codebuild",
    );
    expect(parsePolicy(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "codebuild.amazonaws.com" });
    expect(project.service_role).toMatch(/^\$\{aws_iam_role\.build_role_.+\.arn\}$/);
  });

  it("lets CodeBuild write its logs, artifacts and this repository's images, nothing more", () => {
    const statements = statementsOf(json, "ghost-test-codebuild");
    expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
      [
        "BuildLogs",
        [REF("aws_cloudwatch_log_group", "arn"), expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/)],
      ],
      ["PipelineArtifacts", expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}\/\*$/)],
      ["PipelineArtifactBucket", REF("aws_s3_bucket", "arn")],
      ["PipelineArtifactKey", REF("aws_kms_key", "arn")],
      ["PushGhostImage", REF("aws_ecr_repository", "arn")],
      ["EcrLogin", "*"],
    ]);
    expect(statements.find((s) => s.Sid === "PushGhostImage").Action).toEqual(
      expect.arrayContaining([
        "ecr:PutImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
      ]),
    );
  });

  it("uses Resource * only for ecr:GetAuthorizationToken", () => {
    const wildcard = statementsOf(json, "ghost-test-codebuild").filter((s) =>
      [].concat(s.Resource).includes("*" as never),
    );
    expect(wildcard.map((s) => s.Action)).toEqual([["ecr:GetAuthorizationToken"]]);
  });

  it("grants no wildcard action", () => {
    expect(allowedActions(json).filter((action) => action.includes("*"))).toEqual([]);
  });

  it("runs Source then Build, with artifacts in the KMS-encrypted bucket", () => {
    expect(pipeline.name).toBe("ghost-test-build");
    expect(pipeline.stage.map((stage: any) => stage.name)).toEqual(["Source", "Build"]);
    expect(pipeline.artifact_store).toEqual([
      {
        type: "S3",
        location: REF("aws_s3_bucket", "bucket"),
        encryption_key: { type: "KMS", id: REF("aws_kms_key", "arn") },
      },
    ]);
  });

  it("takes the branch from CodeCommit without polling", () => {
    expect(pipeline.stage[0].action).toEqual([
      {
        name: "Source",
        category: "Source",
        owner: "AWS",
        provider: "CodeCommit",
        version: "1",
        namespace: "SourceVariables",
        output_artifacts: ["source"],
        configuration: {
          RepositoryName: REF("aws_codecommit_repository", "repository_name"),
          BranchName: "main",
          PollForSourceChanges: "false",
          OutputArtifactFormat: "CODE_ZIP",
        },
      },
    ]);
  });

  it("builds the source with the project and hands it the commit id", () => {
    const [action] = pipeline.stage[1].action;
    expect(action).toMatchObject({
      category: "Build",
      provider: "CodeBuild",
      input_artifacts: ["source"],
      output_artifacts: ["image_detail"],
      configuration: { ProjectName: REF("aws_codebuild_project", "name") },
    });
    expect(JSON.parse(action.configuration.EnvironmentVariables)).toEqual([
      { name: BUILD_VARIABLES.commitId, value: "#{SourceVariables.CommitId}", type: "PLAINTEXT" },
    ]);
  });

  it("lets the pipeline role start and watch this build project only", () => {
    expect(statementsOf(json, "ghost-test-pipeline-build")).toEqual([
      {
        Effect: "Allow",
        Sid: "RunBuild",
        Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
        Resource: REF("aws_codebuild_project", "arn"),
      },
    ]);
  });

  it("starts on a push to the branch through EventBridge", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("ghost-test-build-on-push");
    expect(JSON.parse(rule.event_pattern).detail).toEqual({
      event: ["referenceCreated", "referenceUpdated"],
      referenceType: ["branch"],
      referenceName: ["main"],
    });
    expect(onlyResource(json, "aws_cloudwatch_event_target")).toMatchObject({
      arn: REF("aws_codepipeline", "arn"),
      role_arn: REF("aws_iam_role", "arn"),
    });
  });

  it("lets EventBridge start this pipeline only", () => {
    expect(statementsOf(json, "start-ghost-test-build")).toEqual([
      { Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: REF("aws_codepipeline", "arn") },
    ]);
  });

  it("creates no rule with a connection source (its webhook starts the pipeline)", () => {
    const { json: github } = synthBuild(
      {},
      {
        github: {
          connectionArn: "arn:aws:codestar-connections:eu-west-2:123456789012:connection/x",
          repository: "a/b",
        },
      },
    );
    expect(resourcesOfType(github, "aws_cloudwatch_event_rule")).toEqual({});
    expect(onlyResource(github, "aws_codepipeline").stage[0].action[0].configuration).toMatchObject({
      ConnectionArn: "arn:aws:codestar-connections:eu-west-2:123456789012:connection/x",
      DetectChanges: "true",
    });
  });
});
