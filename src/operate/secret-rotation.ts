/**
 * Ghost keeps working when RDS rotates its master password. ECS resolves a task's secrets only
 * when the task starts, so after a rotation every new connection of the running Ghost would fail.
 * When Secrets Manager reports the rotation of the database secret, a Step Functions state machine
 * redeploys exactly the task definition revision that is running, through CodeDeploy: the new
 * tasks start with the new password. Same image, same revision: no approval is bypassed.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { GHOST } from "../config";
import { assumeRolePolicy, policyDocument } from "../shared/iam";

export interface RedeployOnSecretRotationProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** The secret whose rotation restarts Ghost (RDS's managed master-user secret). */
  readonly secretArn: string;
  /** The ECS service and cluster (deployment controller CODE_DEPLOY). */
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  /** The CodeDeploy application and deployment group that deploy the service. */
  readonly applicationName: string;
  readonly applicationArn: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupArn: string;
  /** ARN of the deployment group's deployment configuration. */
  readonly deploymentConfigArn: string;
}

/** The CloudTrail event Secrets Manager records when a rotation of `secretArn` succeeds. */
export function rotationSucceededPattern(secretArn: string): Record<string, unknown> {
  return {
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: {
      eventSource: ["secretsmanager.amazonaws.com"],
      eventName: ["RotationSucceeded"],
      additionalEventData: { SecretId: [secretArn] },
    },
  };
}

/** The AppSpec of a redeployment of one task definition revision (as `appspec.yaml` says it, in JSON). */
const APPSPEC_TEMPLATE = JSON.stringify({
  version: 0.0,
  Resources: [
    {
      TargetService: {
        Type: "AWS::ECS::Service",
        Properties: {
          TaskDefinition: "{}",
          LoadBalancerInfo: { ContainerName: GHOST.containerName, ContainerPort: GHOST.port },
        },
      },
    },
  ],
});

/** A States.Format template: its special characters escaped, `{}` left as the one placeholder. */
function intrinsicTemplate(text: string): string {
  return text.replace(/[\\'{}]/g, (character) => `\\${character}`).replace("\\{\\}", "{}");
}

/** Reads the revision the service runs (its primary task set's), then deploys that same revision. */
export function redeployDefinition(props: RedeployOnSecretRotationProps): Record<string, unknown> {
  return {
    Comment: `Redeploy ${props.serviceName} after its database secret rotated: new tasks read the new password`,
    StartAt: "ReadRunningRevision",
    States: {
      ReadRunningRevision: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:ecs:describeServices",
        Parameters: { Cluster: props.clusterName, Services: [props.serviceName] },
        ResultSelector: { "taskDefinition.$": "$.Services[0].TaskSets[?(@.Status == 'PRIMARY')].TaskDefinition" },
        Next: "RedeployRevision",
      },
      RedeployRevision: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:codedeploy:createDeployment",
        Parameters: {
          ApplicationName: props.applicationName,
          DeploymentGroupName: props.deploymentGroupName,
          Description: "Database secret rotated: the same revision on new tasks, which read the new password",
          Revision: {
            RevisionType: "AppSpecContent",
            AppSpecContent: {
              "Content.$": `States.Format('${intrinsicTemplate(APPSPEC_TEMPLATE)}', $.taskDefinition[0])`,
            },
          },
        },
        End: true,
      },
    },
  };
}

export class RedeployOnSecretRotation extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RedeployOnSecretRotationProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const role = new IamRole(this, "role", {
      name: `${prefix}-rotation-redeploy`,
      assumeRolePolicy: assumeRolePolicy("states.amazonaws.com"),
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: `${prefix}-rotation-redeploy`,
      role: role.name,
      policy: policyDocument([
        { Sid: "ReadService", Action: ["ecs:DescribeServices"], Resource: props.serviceArn },
        { Sid: "Deploy", Action: ["codedeploy:CreateDeployment"], Resource: props.deploymentGroupArn },
        {
          Sid: "RegisterRevision",
          Action: ["codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"],
          Resource: props.applicationArn,
        },
        {
          Sid: "ReadDeploymentConfig",
          Action: ["codedeploy:GetDeploymentConfig"],
          Resource: props.deploymentConfigArn,
        },
      ]),
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: `${prefix}-rotation-redeploy`,
      roleArn: role.arn,
      definition: JSON.stringify(redeployDefinition(props)),
      dependsOn: [policy],
    });

    const eventsRole = new IamRole(this, "events-role", {
      name: `${prefix}-rotation-events`,
      assumeRolePolicy: assumeRolePolicy("events.amazonaws.com"),
    });
    const startPolicy = new IamRolePolicy(this, "events-policy", {
      name: `${prefix}-start-rotation-redeploy`,
      role: eventsRole.name,
      policy: policyDocument([{ Action: ["states:StartExecution"], Resource: this.stateMachine.arn }]),
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: `${prefix}-database-secret-rotated`,
      description: "The database secret rotated: redeploy Ghost so its tasks read the new password",
      eventPattern: JSON.stringify(rotationSucceededPattern(props.secretArn)),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "rotation-redeploy",
      arn: this.stateMachine.arn,
      roleArn: eventsRole.arn,
      dependsOn: [startPolicy],
    });
  }
}
