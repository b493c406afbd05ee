// Types of the cdktf jest matchers (setup.js installs them at runtime).
import "cdktf/lib/testing/adapters/jest";
import {
  redeployRunbook,
  RedeployOnSecretRotation,
  RedeployOnSecretRotationProps,
  rotationSucceededPattern,
} from "../src/operate/secret-rotation";
import { onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";

const PROPS: RedeployOnSecretRotationProps = {
  namePrefix: "ghost-test",
  secretArn: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-0123-AbCdEf",
  clusterName: "ghost-test",
  serviceName: "ghost-blog",
  serviceArn: "arn:aws:ecs:eu-west-2:123456789012:service/ghost-test/ghost-blog",
  applicationName: "ghost-test-ghost",
  applicationArn: "arn:aws:codedeploy:eu-west-2:123456789012:application:ghost-test-ghost",
  deploymentGroupName: "ghost-test-ghost",
  deploymentGroupArn: "arn:aws:codedeploy:eu-west-2:123456789012:deploymentgroup:ghost-test-ghost/ghost-test-ghost",
  deploymentConfigArn: "arn:aws:codedeploy:eu-west-2:123456789012:deploymentconfig:CodeDeployDefault.ECSAllAtOnce",
};

const { json } = synthScope((scope) => new RedeployOnSecretRotation(scope, "rotation", PROPS));
const policyOf = (name: string) =>
  parsePolicy(
    (Object.values(resourcesOfType(json, "aws_iam_role_policy")) as any[]).find((policy) => policy.name === name)
      .policy,
  ).Statement;

describe("RedeployOnSecretRotation", () => {
  it("starts when Secrets Manager reports a successful rotation of the database secret, and no other", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern)).toEqual(rotationSucceededPattern(PROPS.secretArn));
    expect(rotationSucceededPattern(PROPS.secretArn)).toMatchObject({
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: { eventName: ["RotationSucceeded"], additionalEventData: { SecretId: [PROPS.secretArn] } },
    });
  });

  it("starts the runbook as an automation, through a role that may start exactly it and pass its role to SSM", () => {
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.arn).toMatch(/^\$\{local\.[^}]+\}$/);
    expect(Object.values((json as any).locals)).toContainEqual(
      expect.stringMatching(
        /^\$\{replace\(aws_ssm_document\..+\.arn, ":document\/", ":automation-definition\/"\)\}:\$DEFAULT$/,
      ),
    );
    const runbookRole = `\${${Object.keys(resourcesOfType(json, "aws_iam_role"))
      .map((id) => `aws_iam_role.${id}`)
      .find((ref) => ref.includes("rotation_role"))}.arn}`;
    expect(JSON.parse(target.input)).toEqual({ AutomationAssumeRole: [runbookRole] });
    expect(policyOf("ghost-test-start-rotation-redeploy")).toEqual([
      { Sid: "StartRunbook", Effect: "Allow", Action: ["ssm:StartAutomationExecution"], Resource: target.arn },
      {
        Sid: "PassRunbookRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: runbookRole,
        Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
      },
    ]);
  });

  it("is an Automation runbook acting as its own role", () => {
    const document = onlyResource(json, "aws_ssm_document");
    expect(document).toMatchObject({
      name: "ghost-test-rotation-redeploy",
      document_type: "Automation",
      document_format: "JSON",
    });
    expect(JSON.parse(document.content)).toEqual(redeployRunbook(PROPS));
    expect(redeployRunbook(PROPS)).toMatchObject({ schemaVersion: "0.3", assumeRole: "{{ AutomationAssumeRole }}" });
  });

  it("reads the revision the service runs (its primary task set's, under CODE_DEPLOY)", () => {
    const [read] = redeployRunbook(PROPS).mainSteps as any[];
    expect(read).toMatchObject({
      action: "aws:executeAwsApi",
      inputs: { Service: "ecs", Api: "DescribeServices", cluster: "ghost-test", services: ["ghost-blog"] },
      outputs: [{ Name: "TaskDefinition", Selector: "$.services[0].taskDefinition", Type: "String" }],
    });
  });

  it("deploys that same revision through CodeDeploy, with the AppSpec the pipeline uses", () => {
    const deploy = (redeployRunbook(PROPS).mainSteps as any[])[1];
    expect(deploy.inputs).toMatchObject({
      Service: "codedeploy",
      Api: "CreateDeployment",
      applicationName: "ghost-test-ghost",
      deploymentGroupName: "ghost-test-ghost",
    });
    const revision = "arn:aws:ecs:eu-west-2:123456789012:task-definition/ghost-test-ghost:7";
    // Automation replaces {{ step.output }} in strings.
    const content: string = deploy.inputs.revision.appSpecContent.content;
    const appSpec = JSON.parse(content.replace("{{ ReadRunningRevision.TaskDefinition }}", revision));
    expect(appSpec).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: "AWS::ECS::Service",
            Properties: { TaskDefinition: revision, LoadBalancerInfo: { ContainerName: "ghost", ContainerPort: 2368 } },
          },
        },
      ],
    });
  });

  it("may read this service and deploy to this group only, with no wildcard", () => {
    const statements = policyOf("ghost-test-rotation-redeploy");
    expect(statements.map((statement: any) => [statement.Action, statement.Resource])).toEqual([
      [["ecs:DescribeServices"], PROPS.serviceArn],
      [["codedeploy:CreateDeployment"], PROPS.deploymentGroupArn],
      [["codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"], PROPS.applicationArn],
      [["codedeploy:GetDeploymentConfig"], PROPS.deploymentConfigArn],
    ]);
  });

  it("is trusted by SSM, its starter by EventBridge", () => {
    const trust = (Object.values(resourcesOfType(json, "aws_iam_role")) as any[]).map((role) => [
      role.name,
      parsePolicy(role.assume_role_policy).Statement[0].Principal.Service,
    ]);
    expect(trust.sort()).toEqual([
      ["ghost-test-rotation-events", "events.amazonaws.com"],
      ["ghost-test-rotation-redeploy", "ssm.amazonaws.com"],
    ]);
  });
});
