import { Construct } from "constructs";
import { CodedeployApp } from "@cdktf/provider-aws/lib/codedeploy-app";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ECS_DEPLOYMENT_CONFIGS, PipelinesConfig } from "../src/config";
import { DeployPipeline, DeployPipelineProps } from "../src/build/deploy-pipeline";
import { BuildPipeline } from "../src/build/build-pipeline";
import { IMAGE1_PLACEHOLDER, IMAGE1_PLACEHOLDER_NAME } from "../src/build/app-repo";
import { LoadBalancer } from "../src/run/load-balancer";
import { PipelineSource } from "../src/build/source";
import { Registry } from "../src/build/registry";
import { allowedActions, onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { sourceConfig, testConfig } from "./support/config";

const TASK_ROLE_ARN = "arn:aws:iam::123456789012:role/ghost-test-task";
const EXECUTION_ROLE_ARN = "arn:aws:iam::123456789012:role/ghost-test-task-execution";
const TOPIC_ARN = "arn:aws:sns:eu-west-2:123456789012:ghost-test-alerts";
const SERVICE_ARN = "arn:aws:ecs:eu-west-2:123456789012:service/ghost-test/ghost-blog";

interface Fixture {
  source: PipelineSource;
  registry: Registry;
  deploy: DeployPipeline;
}

function buildDeploy(scope: Construct, overrides: Partial<DeployPipelineProps> = {}): Fixture {
  const loadBalancer = new LoadBalancer(scope, "lb", {
    namePrefix: "ghost-test",
    vpcId: "vpc-1",
    publicSubnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-alb",
    config: testConfig().loadBalancer,
    region: "eu-west-2",
  });
  const registry = new Registry(scope, "registry", { config: testConfig().registry, preventDestroy: false });
  const source = new PipelineSource(scope, "source", {
    namePrefix: "ghost-test",
    config: sourceConfig(),
    preventDestroy: false,
  });
  const deploy = new DeployPipeline(scope, "deploy", {
    namePrefix: "ghost-test",
    source,
    clusterName: "ghost-test",
    serviceName: "ghost-blog",
    serviceArn: SERVICE_ARN,
    taskDefinitionFamily: "ghost-test-ghost",
    productionListenerArn: loadBalancer.productionListener.arn,
    testListenerArn: loadBalancer.testListener.arn,
    blueTargetGroup: loadBalancer.blueTargetGroup,
    greenTargetGroup: loadBalancer.greenTargetGroup,
    loadBalancerArnSuffix: loadBalancer.arnSuffix,
    repositoryName: registry.repositoryName,
    repositoryArn: registry.repositoryArn,
    taskRoleArn: TASK_ROLE_ARN,
    executionRoleArn: EXECUTION_ROLE_ARN,
    config: testConfig().pipelines,
    thresholds: testConfig().alerts.thresholds,
    ...overrides,
  });
  return { source, registry, deploy };
}

/** The resolved pipelines section with `overrides` applied. */
function pipelines(overrides: Partial<PipelinesConfig>): PipelinesConfig {
  return { ...testConfig().pipelines, ...overrides };
}

function synthDeploy(overrides: Partial<DeployPipelineProps> = {}) {
  return synthScope((scope) => buildDeploy(scope, overrides));
}

function statementsOf(json: any, name: string): any[] {
  const policy: any = Object.values(resourcesOfType(json, "aws_iam_role_policy")).find((p: any) => p.name === name);
  return parsePolicy(policy.policy).Statement;
}

const REF = (type: string, attribute: string, id = "[^}]+") =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${id}\\.${attribute}\\}$`));

describe("DeployPipeline", () => {
  const { synth, json } = synthDeploy();
  const group = onlyResource(json, "aws_codedeploy_deployment_group");
  const pipeline = onlyResource(json, "aws_codepipeline");

  describe("deployment group", () => {
    it("belongs to an ECS CodeDeploy application", () => {
      expect(synth).toHaveResourceWithProperties(CodedeployApp, { name: "ghost-test-ghost", compute_platform: "ECS" });
      expect(group.app_name).toEqual(REF("aws_codedeploy_app", "name"));
    });

    it("deploys blue/green with traffic control", () => {
      expect(group.deployment_style).toEqual({
        deployment_type: "BLUE_GREEN",
        deployment_option: "WITH_TRAFFIC_CONTROL",
      });
    });

    it("moves all traffic at once by default", () => {
      expect(group.deployment_config_name).toBe("CodeDeployDefault.ECSAllAtOnce");
    });

    it.each(ECS_DEPLOYMENT_CONFIGS.filter((name) => name !== "CodeDeployDefault.ECSAllAtOnce"))(
      "offers the %s preset",
      (name) => {
        const custom = onlyResource(
          synthDeploy({ config: pipelines({ deploymentConfig: name }) }).json,
          "aws_codedeploy_deployment_group",
        );
        expect(custom.deployment_config_name).toBe(name);
      },
    );

    it("continues at once and terminates blue after 5 minutes by default", () => {
      expect(group.blue_green_deployment_config).toEqual({
        deployment_ready_option: { action_on_timeout: "CONTINUE_DEPLOYMENT" },
        terminate_blue_instances_on_deployment_success: { action: "TERMINATE", termination_wait_time_in_minutes: 5 },
      });
    });

    it("waits for someone to continue, and keeps blue longer, when asked", () => {
      const custom = onlyResource(
        synthDeploy({ config: pipelines({ readyWaitMinutes: 30, terminateBlueAfterMinutes: 60 }) }).json,
        "aws_codedeploy_deployment_group",
      );
      expect(custom.blue_green_deployment_config).toEqual({
        deployment_ready_option: { action_on_timeout: "STOP_DEPLOYMENT", wait_time_in_minutes: 30 },
        terminate_blue_instances_on_deployment_success: { action: "TERMINATE", termination_wait_time_in_minutes: 60 },
      });
    });

    it("swaps the blue/green target groups behind the production and test listeners", () => {
      expect(group.load_balancer_info).toEqual({
        target_group_pair_info: {
          prod_traffic_route: { listener_arns: [REF("aws_lb_listener", "arn", "lb_production_[^}]+")] },
          test_traffic_route: { listener_arns: [REF("aws_lb_listener", "arn", "lb_test_[^}]+")] },
          target_group: [
            { name: REF("aws_lb_target_group", "name", "lb_blue_[^}]+") },
            { name: REF("aws_lb_target_group", "name", "lb_green_[^}]+") },
          ],
        },
      });
    });

    it("deploys the ECS service of the cluster", () => {
      expect(group.ecs_service).toEqual({ cluster_name: "ghost-test", service_name: "ghost-blog" });
    });

    it("rolls back on failure and on alarm", () => {
      expect(group.auto_rollback_configuration).toEqual({
        enabled: true,
        events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
      });
    });

    it("stops on the target groups' 5xx and unhealthy-host alarms", () => {
      expect(group.alarm_configuration.enabled).toBe(true);
      expect(group.alarm_configuration.alarms).toHaveLength(4);
      for (const alarm of group.alarm_configuration.alarms)
        expect(alarm).toEqual(REF("aws_cloudwatch_metric_alarm", "alarm_name"));
    });
  });

  describe("alarms", () => {
    const alarms = Object.values(resourcesOfType(json, "aws_cloudwatch_metric_alarm")) as any[];
    const green = alarms.filter((alarm) => alarm.alarm_name.startsWith("ghost-test-green-"));

    it("watches the green target group's 5xx responses", () => {
      expect(green.find((alarm) => alarm.metric_name === "HTTPCode_Target_5XX_Count")).toMatchObject({
        alarm_name: "ghost-test-green-target-5xx",
        namespace: "AWS/ApplicationELB",
        statistic: "Sum",
        period: 60,
        threshold: 5,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        dimensions: {
          TargetGroup: REF("aws_lb_target_group", "arn_suffix", "lb_green_[^}]+"),
          LoadBalancer: REF("aws_lb", "arn_suffix"),
        },
      });
    });

    it("watches the green target group's unhealthy hosts for 3 minutes", () => {
      expect(green.find((alarm) => alarm.metric_name === "UnHealthyHostCount")).toMatchObject({
        alarm_name: "ghost-test-green-unhealthy-hosts",
        statistic: "Maximum",
        evaluation_periods: 3,
        threshold: 1,
        dimensions: { TargetGroup: REF("aws_lb_target_group", "arn_suffix", "lb_green_[^}]+") },
      });
    });

    it("watches the blue target group too: CodeDeploy alternates which one gets the new tasks", () => {
      const blue = alarms.filter((alarm) => alarm.dimensions.TargetGroup.includes("lb_blue_"));
      expect(blue.map((alarm) => alarm.metric_name).sort()).toEqual([
        "HTTPCode_Target_5XX_Count",
        "UnHealthyHostCount",
      ]);
    });

    it("takes the rollback thresholds from the config's alerts.thresholds", () => {
      const custom = Object.values(
        resourcesOfType(
          synthDeploy({ thresholds: { rollbackTarget5xxCount: 20, rollbackUnhealthyMinutes: 5 } }).json,
          "aws_cloudwatch_metric_alarm",
        ),
      ) as any[];
      expect(custom.find((a) => a.alarm_name === "ghost-test-green-target-5xx").threshold).toBe(20);
      expect(custom.find((a) => a.alarm_name === "ghost-test-green-unhealthy-hosts").evaluation_periods).toBe(5);
    });
  });

  describe("CodeDeploy role", () => {
    const roleStatements = statementsOf(json, "ghost-test-codedeploy");
    const roleBySid = Object.fromEntries(roleStatements.map((statement) => [statement.Sid, statement]));
    /** The value of a `${local.x}` reference. */
    const localValue = (reference: string) =>
      (json as any).locals[/^\$\{local\.([^}]+)\}/.exec(reference)![1]] as string;

    it("is trusted by CodeDeploy and is the deployment group's service role", () => {
      const role: any = Object.values(resourcesOfType(json, "aws_iam_role")).find(
        (r: any) => r.name === "ghost-test-codedeploy",
      );
      expect(parsePolicy(role.assume_role_policy).Statement[0].Principal).toEqual({
        Service: "codedeploy.amazonaws.com",
      });
      expect(group.service_role_arn).toEqual(REF("aws_iam_role", "arn", "deploy_codedeploy-role_[^}]+"));
    });

    it("has no AWS managed policy (AWSCodeDeployRoleForECS grants Lambda, S3 and SNS on every resource)", () => {
      expect(synth).not.toHaveResource(IamRolePolicyAttachment);
    });

    it("may do exactly what an ECS blue/green deployment does, and invoke no Lambda hook", () => {
      expect(roleStatements.flatMap((statement) => statement.Action).sort()).toEqual(
        [
          "cloudwatch:DescribeAlarms",
          "ecs:CreateTaskSet",
          "ecs:DeleteTaskSet",
          "ecs:DescribeServices",
          "ecs:UpdateServicePrimaryTaskSet",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:ModifyRule",
          "iam:PassRole",
        ].sort(),
      );
    });

    it("shifts task sets of this service only", () => {
      const [service, taskSets] = roleBySid.ShiftTaskSets.Resource;
      expect(service).toBe(SERVICE_ARN);
      expect(taskSets).toMatch(/^\$\{local\.[^}]+\}\/\*$/);
      expect(localValue(taskSets)).toBe(`\${replace("${SERVICE_ARN}", ":service/", ":task-set/")}`);
    });

    it("swaps these two listeners and their rules only", () => {
      const resources: string[] = roleBySid.SwapListeners.Resource;
      expect(resources.slice(0, 2)).toEqual([REF("aws_lb_listener", "arn"), REF("aws_lb_listener", "arn")]);
      expect(resources.slice(2).map((rule) => localValue(rule))).toEqual([
        expect.stringMatching(/^\$\{replace\(aws_lb_listener\..+\.arn, ":listener\/", ":listener-rule\/"\)\}$/),
        expect.stringMatching(/^\$\{replace\(aws_lb_listener\..+\.arn, ":listener\/", ":listener-rule\/"\)\}$/),
      ]);
    });

    it("reads the rollback alarms only, and uses Resource * only for Elastic Load Balancing's Describe calls", () => {
      expect(roleBySid.WatchRollbackAlarms.Resource).toHaveLength(4);
      const wildcard = roleStatements.filter((statement) => [].concat(statement.Resource).includes("*" as never));
      expect(wildcard.map((statement) => statement.Sid)).toEqual(["ReadLoadBalancing"]);
    });

    it("may pass exactly the task and execution roles, to ECS tasks only", () => {
      expect(roleBySid.PassTaskRoles).toMatchObject({
        Resource: [TASK_ROLE_ARN, EXECUTION_ROLE_ARN],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      });
    });
  });

  describe("pipeline", () => {
    it("runs Source then Deploy without approval by default", () => {
      expect(pipeline.name).toBe("ghost-test-deploy");
      expect(pipeline.stage.map((stage: any) => stage.name)).toEqual(["Source", "Deploy"]);
    });

    it("takes the image from ECR (tag latest) and the templates from the repository", () => {
      expect(pipeline.stage[0].action).toEqual([
        {
          name: "Image",
          category: "Source",
          owner: "AWS",
          provider: "ECR",
          version: "1",
          output_artifacts: ["image"],
          configuration: { RepositoryName: REF("aws_ecr_repository", "name"), ImageTag: "latest" },
        },
        {
          name: "Templates",
          category: "Source",
          owner: "AWS",
          provider: "CodeCommit",
          version: "1",
          output_artifacts: ["templates"],
          configuration: {
            RepositoryName: REF("aws_codecommit_repository", "repository_name"),
            BranchName: "main",
            PollForSourceChanges: "false",
            OutputArtifactFormat: "CODE_ZIP",
          },
        },
      ]);
    });

    it("deploys with CodeDeployToECS from taskdef.json and appspec.yaml, the image replacing <IMAGE1_NAME>", () => {
      expect(IMAGE1_PLACEHOLDER).toBe(`<${IMAGE1_PLACEHOLDER_NAME}>`);
      expect(pipeline.stage[1].action).toEqual([
        {
          name: "BlueGreen",
          category: "Deploy",
          owner: "AWS",
          provider: "CodeDeployToECS",
          version: "1",
          input_artifacts: ["templates", "image"],
          configuration: {
            ApplicationName: REF("aws_codedeploy_app", "name"),
            DeploymentGroupName: REF("aws_codedeploy_deployment_group", "deployment_group_name"),
            TaskDefinitionTemplateArtifact: "templates",
            TaskDefinitionTemplatePath: "taskdef.json",
            AppSpecTemplateArtifact: "templates",
            AppSpecTemplatePath: "appspec.yaml",
            Image1ArtifactName: "image",
            Image1ContainerName: "IMAGE1_NAME",
          },
        },
      ]);
    });

    it("stores artifacts in the KMS-encrypted bucket", () => {
      expect(pipeline.artifact_store[0].encryption_key).toEqual({ type: "KMS", id: REF("aws_kms_key", "arn") });
    });

    it("asks for approval, notifying the topic, when asked", () => {
      const approved = onlyResource(
        synthDeploy({ config: pipelines({ manualApproval: true }), approvalTopicArn: TOPIC_ARN }).json,
        "aws_codepipeline",
      );
      expect(approved.stage.map((stage: any) => stage.name)).toEqual(["Source", "Approve", "Deploy"]);
      expect(approved.stage[1].action[0]).toMatchObject({
        category: "Approval",
        provider: "Manual",
        configuration: { NotificationArn: TOPIC_ARN },
      });
    });

    it("starts when the build pushes the tag to this repository", () => {
      const rule = onlyResource(json, "aws_cloudwatch_event_rule");
      expect(rule.name).toBe("ghost-test-deploy-on-image-push");
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ["aws.ecr"],
        "detail-type": ["ECR Image Action"],
        detail: {
          "action-type": ["PUSH"],
          result: ["SUCCESS"],
          "repository-name": [REF("aws_ecr_repository", "name")],
          "image-tag": ["latest"],
        },
      });
      expect(onlyResource(json, "aws_cloudwatch_event_target").arn).toEqual(REF("aws_codepipeline", "arn"));
    });

    it("lets EventBridge start this pipeline only", () => {
      expect(statementsOf(json, "start-ghost-test-deploy")).toEqual([
        { Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: REF("aws_codepipeline", "arn") },
      ]);
    });
  });

  describe("pipeline role", () => {
    const statements = statementsOf(json, "ghost-test-pipeline-deploy");
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    it("may deploy to this application and group only", () => {
      expect(bySid.Deploy).toMatchObject({
        Action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
        Resource: REF("aws_codedeploy_deployment_group", "arn"),
      });
      expect(bySid.RegisterRevision.Resource).toEqual(REF("aws_codedeploy_app", "arn"));
    });

    it("may read this deployment config, its ARN built from the application's", () => {
      expect(bySid.ReadDeploymentConfig.Resource).toEqual(expect.stringMatching(/^\$\{local\..+\}$/));
      expect(Object.values((json as any).locals)).toContainEqual(
        expect.stringMatching(
          /^\$\{replace\(aws_codedeploy_app\..+\.arn, "\/:application:\.\*\$\/", ":deploymentconfig:CodeDeployDefault\.ECSAllAtOnce"\)\}$/,
        ),
      );
    });

    it("may pass exactly the task and execution roles, to ECS tasks only", () => {
      expect(bySid.PassTaskRoles).toEqual({
        Effect: "Allow",
        Sid: "PassTaskRoles",
        Action: ["iam:PassRole"],
        Resource: [TASK_ROLE_ARN, EXECUTION_ROLE_ARN],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      });
    });

    it("may describe images of this repository only", () => {
      expect(bySid.ReadImage).toMatchObject({
        Action: ["ecr:DescribeImages"],
        Resource: REF("aws_ecr_repository", "arn"),
      });
    });

    it("uses Resource * nowhere", () => {
      expect(statements.filter((s) => [].concat(s.Resource).includes("*" as never))).toEqual([]);
    });

    it("registers revisions of Ghost's task family only", () => {
      const reference: string = bySid.RegisterTaskDefinition.Resource;
      const local = (json as any).locals[/^\$\{local\.([^}]+)\}$/.exec(reference)![1]];
      expect(local).toBe(`\${replace("${SERVICE_ARN}", "/:service/.*$/", ":task-definition/ghost-test-ghost:*")}`);
    });

    it("may publish to the approval topic only with an approval stage", () => {
      expect(bySid.NotifyApprovers).toBeUndefined();
      const approved = statementsOf(
        synthDeploy({ config: pipelines({ manualApproval: true }), approvalTopicArn: TOPIC_ARN }).json,
        "ghost-test-pipeline-deploy",
      );
      expect(approved.find((s) => s.Sid === "NotifyApprovers")).toMatchObject({
        Action: ["sns:Publish"],
        Resource: TOPIC_ARN,
      });
    });
  });
});

describe("Pipelines IAM (source, build and deploy together)", () => {
  const { json } = synthScope((scope) => {
    const { source, registry } = buildDeploy(scope, {
      config: pipelines({ manualApproval: true }),
      approvalTopicArn: TOPIC_ARN,
    });
    new BuildPipeline(scope, "build", {
      namePrefix: "ghost-test",
      source,
      repositoryUrl: registry.repositoryUrl,
      repositoryArn: registry.repositoryArn,
      region: "eu-west-2",
      config: pipelines({ manualApproval: true }),
      cpuArchitecture: "X86_64",
      logs: { retentionDays: 30 },
    });
  });
  const roles = Object.values(resourcesOfType(json, "aws_iam_role")) as any[];

  it("has one role per principal", () => {
    const principals = roles.map((role) => parsePolicy(role.assume_role_policy).Statement[0].Principal.Service).sort();
    expect(principals).toEqual([
      "codebuild.amazonaws.com",
      "codedeploy.amazonaws.com",
      "codepipeline.amazonaws.com",
      "events.amazonaws.com",
    ]);
  });

  it("grants no wildcard action in any role policy", () => {
    const actions = allowedActions(json);
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
  });

  it("lets EventBridge start the two pipelines and nothing else", () => {
    const events = Object.values(resourcesOfType(json, "aws_iam_role_policy"))
      .filter((p: any) => p.name.startsWith("start-"))
      .flatMap((p: any) => parsePolicy(p.policy).Statement);
    expect(events).toEqual([
      {
        Effect: "Allow",
        Action: ["codepipeline:StartPipelineExecution"],
        Resource: REF("aws_codepipeline", "arn", "build_[^}]+"),
      },
      {
        Effect: "Allow",
        Action: ["codepipeline:StartPipelineExecution"],
        Resource: REF("aws_codepipeline", "arn", "deploy_[^}]+"),
      },
    ]);
  });
});
