import { Construct } from "constructs";
import { DIMENSIONS, NAMESPACES } from "../operate/metrics";
import { Fn, TerraformLocal } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CodedeployApp } from "@cdktf/provider-aws/lib/codedeploy-app";
import { CodedeployDeploymentGroup } from "@cdktf/provider-aws/lib/codedeploy-deployment-group";
import { Codepipeline, CodepipelineStage } from "@cdktf/provider-aws/lib/codepipeline";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { APP_REPO_FILES, IMAGE1_PLACEHOLDER_NAME } from "./app-repo";
import { AlarmThresholds, PipelinesConfig } from "../config";
import { AlarmSpec, metricAlarm } from "../operate/alerts";
import { assumeRolePolicy, policyDocument, PolicyStatement } from "../shared/iam";
import { PipelineSource, PipelineTrigger } from "./source";

export interface DeployPipelineProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** Repository (deployment templates), artifact bucket, pipeline and events roles. */
  readonly source: PipelineSource;
  /** ECS cluster and service (deployment controller CODE_DEPLOY), and the service's ARN. */
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  /** Family of Ghost's task definition: the only one the pipeline may register revisions of. */
  readonly taskDefinitionFamily: string;
  /** The listener that serves production traffic. */
  readonly productionListenerArn: string;
  /** The listener that reaches the replacement tasks before the cutover. */
  readonly testListenerArn: string;
  /** The target group the service starts with. */
  readonly blueTargetGroup: LbTargetGroup;
  /** The other one: the first deployment's replacement tasks. */
  readonly greenTargetGroup: LbTargetGroup;
  /** ARN suffix of the load balancer (alarm dimension). */
  readonly loadBalancerArnSuffix: string;
  /** ECR repository the build pushes to. */
  readonly repositoryName: string;
  readonly repositoryArn: string;
  /** Task and execution roles of the task definition: the only roles the pipeline may pass. */
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  /**
   * The environment's `pipelines` section: the image tag that starts a deployment, how traffic
   * moves (deployment configuration), the ready wait, the blue tasks' termination wait, approval.
   */
  readonly config: PipelinesConfig;
  /** SNS topic told about pending approvals. @default undefined (no notification) */
  readonly approvalTopicArn?: string;
  /** The config's `alerts.thresholds`: its rollback thresholds decide when a deployment is stopped and rolled back. */
  readonly thresholds: Pick<AlarmThresholds, "rollbackTarget5xxCount" | "rollbackUnhealthyMinutes">;
}

/**
 * Pipeline 2, image to blue/green deployment: the CodeDeploy application and deployment group
 * (with alarm-driven rollback), the pipeline ECR image + deployment templates -> optional approval
 * -> CodeDeployToECS, and the EventBridge rule that starts it when the build pushes the tag.
 */
export class DeployPipeline extends Construct {
  readonly application: CodedeployApp;
  readonly applicationName: string;
  readonly deploymentGroup: CodedeployDeploymentGroup;
  readonly deploymentGroupName: string;
  readonly codeDeployRole: IamRole;
  /** ARN of the deployment configuration the group uses (built from the application's). */
  readonly deploymentConfigArn: string;
  /** Alarms that stop and roll back a deployment. */
  readonly alarms: CloudwatchMetricAlarm[];
  readonly pipeline: Codepipeline;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly trigger: PipelineTrigger;

  constructor(scope: Construct, id: string, props: DeployPipelineProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const source = props.source;
    const { imageTag, deploymentConfig } = props.config;
    const readyWait = props.config.readyWaitMinutes;
    const terminateAfter = props.config.terminateBlueAfterMinutes;
    const pipelineName = `${prefix}-deploy`;

    this.codeDeployRole = new IamRole(this, "codedeploy-role", {
      name: `${prefix}-codedeploy`,
      assumeRolePolicy: assumeRolePolicy("codedeploy.amazonaws.com"),
    });
    // CodeDeploy swaps the listeners between the two groups, so either may hold the
    // replacement tasks of the next deployment: both are watched.
    const groups = { blue: props.blueTargetGroup, green: props.greenTargetGroup };
    this.alarms = Object.entries(groups).flatMap(([color, group]) => this.targetGroupAlarms(color, group, props));

    const codeDeployPolicy = new IamRolePolicy(this, "codedeploy-role-policy", {
      name: `${prefix}-codedeploy`,
      role: this.codeDeployRole.name,
      policy: policyDocument(this.codeDeployStatements(props)),
    });

    this.application = new CodedeployApp(this, "application", {
      name: `${prefix}-ghost`,
      computePlatform: "ECS",
    });
    this.deploymentGroup = new CodedeployDeploymentGroup(this, "deployment-group", {
      appName: this.application.name,
      deploymentGroupName: `${prefix}-ghost`,
      serviceRoleArn: this.codeDeployRole.arn,
      deploymentConfigName: deploymentConfig,
      deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
      blueGreenDeploymentConfig: {
        deploymentReadyOption:
          readyWait === 0
            ? { actionOnTimeout: "CONTINUE_DEPLOYMENT" }
            : { actionOnTimeout: "STOP_DEPLOYMENT", waitTimeInMinutes: readyWait },
        terminateBlueInstancesOnDeploymentSuccess: {
          action: "TERMINATE",
          terminationWaitTimeInMinutes: terminateAfter,
        },
      },
      ecsService: { clusterName: props.clusterName, serviceName: props.serviceName },
      loadBalancerInfo: {
        targetGroupPairInfo: {
          prodTrafficRoute: { listenerArns: [props.productionListenerArn] },
          testTrafficRoute: { listenerArns: [props.testListenerArn] },
          targetGroup: [{ name: props.blueTargetGroup.name }, { name: props.greenTargetGroup.name }],
        },
      },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      alarmConfiguration: { enabled: true, alarms: this.alarms.map((alarm) => alarm.alarmName) },
      dependsOn: [codeDeployPolicy],
    });
    this.applicationName = this.application.name;
    this.deploymentGroupName = this.deploymentGroup.deploymentGroupName;
    this.deploymentConfigArn = this.derivedArn(
      "deployment-config-arn",
      this.application.arn,
      "/:application:.*$/",
      `:deploymentconfig:${deploymentConfig}`,
    );

    const pipelinePolicy = new IamRolePolicy(this, "pipeline-policy", {
      name: `${prefix}-pipeline-deploy`,
      role: source.pipelineRole.name,
      policy: policyDocument(this.pipelineStatements(props)),
    });

    const approval = props.config.manualApproval;
    const stages: CodepipelineStage[] = [
      {
        name: "Source",
        action: [
          {
            name: "Image",
            category: "Source",
            owner: "AWS",
            provider: "ECR",
            version: "1",
            outputArtifacts: ["image"],
            configuration: { RepositoryName: props.repositoryName, ImageTag: imageTag },
          },
          // The task definition template and AppSpec live in the Ghost repository, beside the
          // Dockerfile (written by `npm run app-repo`), as in the tutorial; only the image starts this pipeline.
          source.sourceAction({ name: "Templates", outputArtifact: "templates", detectChanges: false }),
        ],
      },
      ...(approval
        ? [
            {
              name: "Approve",
              action: [
                {
                  name: "Approve",
                  category: "Approval",
                  owner: "AWS",
                  provider: "Manual",
                  version: "1",
                  configuration: {
                    CustomData: `Deploy the new Ghost image (${props.repositoryName}:${imageTag}) to ${prefix}?`,
                    ...(props.approvalTopicArn && { NotificationArn: props.approvalTopicArn }),
                  },
                },
              ],
            },
          ]
        : []),
      {
        name: "Deploy",
        action: [
          {
            name: "BlueGreen",
            category: "Deploy",
            owner: "AWS",
            provider: "CodeDeployToECS",
            version: "1",
            inputArtifacts: ["templates", "image"],
            configuration: {
              ApplicationName: this.application.name,
              DeploymentGroupName: this.deploymentGroup.deploymentGroupName,
              TaskDefinitionTemplateArtifact: "templates",
              TaskDefinitionTemplatePath: APP_REPO_FILES.taskDefinition,
              AppSpecTemplateArtifact: "templates",
              AppSpecTemplatePath: APP_REPO_FILES.appspec,
              Image1ArtifactName: "image",
              Image1ContainerName: IMAGE1_PLACEHOLDER_NAME,
            },
          },
        ],
      },
    ];

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: pipelineName,
      pipelineType: "V2",
      roleArn: source.pipelineRole.arn,
      artifactStore: [
        { type: "S3", location: source.artifactBucketName, encryptionKey: { type: "KMS", id: source.artifactKeyArn } },
      ],
      stage: stages,
      dependsOn: [source.pipelineSourcePolicy, pipelinePolicy],
    });
    this.pipelineName = this.pipeline.name;
    this.pipelineArn = this.pipeline.arn;

    this.trigger = new PipelineTrigger(this, "trigger", {
      ruleName: `${prefix}-deploy-on-image-push`,
      description: `Starts ${pipelineName} when ${props.repositoryName}:${imageTag} is pushed`,
      eventPattern: {
        source: ["aws.ecr"],
        "detail-type": ["ECR Image Action"],
        detail: {
          "action-type": ["PUSH"],
          result: ["SUCCESS"],
          "repository-name": [props.repositoryName],
          "image-tag": [imageTag],
        },
      },
      pipelineName,
      pipelineArn: this.pipeline.arn,
      eventsRole: source.eventsRole,
    });
  }

  /** Exactly what the deploy stage and the ECR source need, on this application, group and repository. */
  private pipelineStatements(props: DeployPipelineProps): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      { Sid: "ReadImage", Action: ["ecr:DescribeImages"], Resource: props.repositoryArn },
      {
        Sid: "Deploy",
        Action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
        Resource: this.deploymentGroup.arn,
      },
      {
        Sid: "RegisterRevision",
        Action: [
          "codedeploy:GetApplication",
          "codedeploy:GetApplicationRevision",
          "codedeploy:RegisterApplicationRevision",
        ],
        Resource: this.application.arn,
      },
      { Sid: "ReadDeploymentConfig", Action: ["codedeploy:GetDeploymentConfig"], Resource: this.deploymentConfigArn },
      // Revisions of Ghost's family only (RegisterTaskDefinition takes task-definition resources).
      {
        Sid: "RegisterTaskDefinition",
        Action: ["ecs:RegisterTaskDefinition"],
        // `arn:...:task-definition/<family>:*`, from the service's ARN.
        Resource: this.derivedArn(
          "task-definition-revisions",
          props.serviceArn,
          "/:service/.*$/",
          `:task-definition/${props.taskDefinitionFamily}:*`,
        ),
      },
      {
        Sid: "PassTaskRoles",
        Action: ["iam:PassRole"],
        Resource: [props.taskRoleArn, props.executionRoleArn],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ];
    if (props.config.manualApproval && props.approvalTopicArn) {
      statements.push({ Sid: "NotifyApprovers", Action: ["sns:Publish"], Resource: props.approvalTopicArn });
    }
    return statements;
  }

  /**
   * An ARN built from another of the same region and account (Terraform's replace: a string, or a
   * /regex/); a local keeps the expression out of the policy JSON.
   */
  private derivedArn(id: string, arn: string, pattern: string, replacement: string): string {
    return new TerraformLocal(this, id, Fn.replace(arn, pattern, replacement)).asString;
  }

  /**
   * What CodeDeploy does in an ECS blue/green deployment, on this service, its listeners and the
   * rollback alarms only: in place of AWSCodeDeployRoleForECS, which also grants
   * lambda:InvokeFunction, s3:GetObject* and sns:Publish on every resource, so that an AppSpec
   * pushed to the Ghost repository could invoke any function of the account through its hooks.
   * No hooks run here (no Lambda permission at all).
   */
  private codeDeployStatements(props: DeployPipelineProps): PolicyStatement[] {
    // ARNs derived from the service's and the listeners' (same cluster, same load balancer).
    const taskSets = this.derivedArn("task-sets", props.serviceArn, ":service/", ":task-set/");
    const listenerRules = [props.productionListenerArn, props.testListenerArn].map(
      (arn, index) => `${this.derivedArn(`listener-rules-${index}`, arn, ":listener/", ":listener-rule/")}/*`,
    );
    return [
      {
        Sid: "ShiftTaskSets",
        Action: ["ecs:DescribeServices", "ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet"],
        Resource: [props.serviceArn, `${taskSets}/*`],
      },
      {
        Sid: "SwapListeners",
        Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
        Resource: [props.productionListenerArn, props.testListenerArn, ...listenerRules],
      },
      {
        // Describe calls of Elastic Load Balancing take no resource-level permissions.
        Sid: "ReadLoadBalancing",
        Action: [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
        ],
        Resource: "*",
      },
      {
        Sid: "WatchRollbackAlarms",
        Action: ["cloudwatch:DescribeAlarms"],
        Resource: this.alarms.map((alarm) => alarm.arn),
      },
      {
        Sid: "PassTaskRoles",
        Action: ["iam:PassRole"],
        Resource: [props.taskRoleArn, props.executionRoleArn],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ];
  }

  /** 5xx responses and unhealthy targets of one target group: either stops and rolls back a deployment. */
  private targetGroupAlarms(color: string, group: LbTargetGroup, props: DeployPipelineProps): CloudwatchMetricAlarm[] {
    const dimensions = DIMENSIONS.targetGroup(props.loadBalancerArnSuffix, group.arnSuffix);
    const { rollbackTarget5xxCount, rollbackUnhealthyMinutes } = props.thresholds;
    const alarm = (evaluationPeriods: number, spec: Omit<AlarmSpec, "comparison" | "treatMissingData">) =>
      // No topic: CodeDeploy watches these. No requests or no targets is not a failure.
      metricAlarm(
        this,
        props.namePrefix,
        undefined,
        { periodSeconds: 60, evaluationPeriods },
        {
          ...spec,
          comparison: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
        },
      );
    return [
      alarm(1, {
        id: `${color}-5xx`,
        name: `${color}-target-5xx`,
        description: `Ghost answers 5xx through the ${color} target group: stops a deployment and rolls it back`,
        metric: {
          namespace: NAMESPACES.loadBalancer,
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions,
          stat: "Sum",
        },
        threshold: rollbackTarget5xxCount,
      }),
      alarm(rollbackUnhealthyMinutes, {
        id: `${color}-unhealthy`,
        name: `${color}-unhealthy-hosts`,
        description: `A task of the ${color} target group fails its health check: stops a deployment and rolls it back`,
        metric: { namespace: NAMESPACES.loadBalancer, metricName: "UnHealthyHostCount", dimensions, stat: "Maximum" },
        threshold: 1,
      }),
    ];
  }
}
