/**
 * Ghost keeps working when RDS rotates its master password. ECS resolves a task's secrets only
 * when the task starts, so after a rotation every new connection of the running Ghost would fail.
 * When Secrets Manager reports the rotation of the database secret, an SSM Automation runbook
 * redeploys exactly the task definition revision that is running, through CodeDeploy: the new
 * tasks start with the new password. Same image, same revision: no approval is bypassed.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { Fn, TerraformLocal } from "cdktf";
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

/**
 * An SSM Automation runbook: read the revision the service runs, then deploy that same revision.
 * (Automation rather than Step Functions: the AWS provider validates a state machine against the
 * Step Functions API at plan time, and our plans need no AWS API at all.)
 */
export function redeployRunbook(props: RedeployOnSecretRotationProps): Record<string, unknown> {
  return {
    schemaVersion: "0.3",
    description: `Redeploy ${props.serviceName} after its database secret rotated: new tasks read the new password`,
    assumeRole: "{{ AutomationAssumeRole }}",
    parameters: {
      AutomationAssumeRole: { type: "String", description: "The role the runbook acts as" },
    },
    mainSteps: [
      {
        name: "ReadRunningRevision",
        action: "aws:executeAwsApi",
        inputs: { Service: "ecs", Api: "DescribeServices", cluster: props.clusterName, services: [props.serviceName] },
        // Under CODE_DEPLOY the service's task definition is its primary task set's.
        outputs: [{ Name: "TaskDefinition", Selector: "$.services[0].taskDefinition", Type: "String" }],
      },
      {
        name: "RedeployRevision",
        action: "aws:executeAwsApi",
        inputs: {
          Service: "codedeploy",
          Api: "CreateDeployment",
          applicationName: props.applicationName,
          deploymentGroupName: props.deploymentGroupName,
          description: "Database secret rotated: the same revision on new tasks, which read the new password",
          revision: {
            revisionType: "AppSpecContent",
            appSpecContent: { content: APPSPEC_TEMPLATE.replace("{}", "{{ ReadRunningRevision.TaskDefinition }}") },
          },
        },
        isEnd: true,
      },
    ],
  };
}

export class RedeployOnSecretRotation extends Construct {
  readonly runbook: SsmDocument;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RedeployOnSecretRotationProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const role = new IamRole(this, "role", {
      name: `${prefix}-rotation-redeploy`,
      assumeRolePolicy: assumeRolePolicy("ssm.amazonaws.com"),
    });
    new IamRolePolicy(this, "policy", {
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
    this.runbook = new SsmDocument(this, "runbook", {
      name: `${prefix}-rotation-redeploy`,
      documentType: "Automation",
      documentFormat: "JSON",
      content: JSON.stringify(redeployRunbook(props)),
    });
    // The runbook's own ARN is .../document/<name>; EventBridge starts it as an automation definition.
    // A local keeps the expression out of the policy JSON.
    const automation = new TerraformLocal(
      this,
      "automation-definition",
      `${Fn.replace(this.runbook.arn, ":document/", ":automation-definition/")}:$DEFAULT`,
    ).asString;

    const eventsRole = new IamRole(this, "events-role", {
      name: `${prefix}-rotation-events`,
      assumeRolePolicy: assumeRolePolicy("events.amazonaws.com"),
    });
    const startPolicy = new IamRolePolicy(this, "events-policy", {
      name: `${prefix}-start-rotation-redeploy`,
      role: eventsRole.name,
      policy: policyDocument([
        { Sid: "StartRunbook", Action: ["ssm:StartAutomationExecution"], Resource: automation },
        {
          Sid: "PassRunbookRole",
          Action: ["iam:PassRole"],
          Resource: role.arn,
          Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        },
      ]),
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: `${prefix}-database-secret-rotated`,
      description: "The database secret rotated: redeploy Ghost so its tasks read the new password",
      eventPattern: JSON.stringify(rotationSucceededPattern(props.secretArn)),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "rotation-redeploy",
      arn: automation,
      roleArn: eventsRole.arn,
      input: JSON.stringify({ AutomationAssumeRole: [role.arn] }),
      dependsOn: [startPolicy],
    });
  }
}
