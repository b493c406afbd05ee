// Types of the cdktf jest matchers (setup.js installs them at runtime).
import "cdktf/lib/testing/adapters/jest";
import {
  redeployDefinition,
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

/** Evaluates a States.Format call of the definition the way Step Functions does: unescape, then fill `{}`. */
function statesFormat(call: string, argument: string): string {
  const match = /^States\.Format\('((?:[^'\\]|\\.)*)', \$\.taskDefinition\[0\]\)$/.exec(call);
  if (!match) throw new Error(`not a States.Format call of $.taskDefinition[0]: ${call}`);
  const parts = match[1].split("{}");
  expect(parts).toHaveLength(2);
  const unescape = (text: string) => text.replace(/\\(.)/g, "$1");
  return unescape(parts[0]) + argument + unescape(parts[1]);
}

describe("RedeployOnSecretRotation", () => {
  it("starts when Secrets Manager reports a successful rotation of the database secret, and no other", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern)).toEqual(rotationSucceededPattern(PROPS.secretArn));
    expect(rotationSucceededPattern(PROPS.secretArn)).toMatchObject({
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: { eventName: ["RotationSucceeded"], additionalEventData: { SecretId: [PROPS.secretArn] } },
    });
  });

  it("runs the state machine through a role that may start exactly it", () => {
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.arn).toMatch(/^\$\{aws_sfn_state_machine\..+\.arn\}$/);
    expect(policyOf("ghost-test-start-rotation-redeploy")).toEqual([
      { Effect: "Allow", Action: ["states:StartExecution"], Resource: target.arn },
    ]);
  });

  it("reads the revision the service's primary task set runs", () => {
    const read = (redeployDefinition(PROPS).States as any).ReadRunningRevision;
    expect(read).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:ecs:describeServices",
      Parameters: { Cluster: "ghost-test", Services: ["ghost-blog"] },
      ResultSelector: { "taskDefinition.$": "$.Services[0].TaskSets[?(@.Status == 'PRIMARY')].TaskDefinition" },
    });
  });

  it("deploys that same revision through CodeDeploy, with the AppSpec the pipeline uses", () => {
    const deploy = (redeployDefinition(PROPS).States as any).RedeployRevision;
    expect(deploy.Resource).toBe("arn:aws:states:::aws-sdk:codedeploy:createDeployment");
    expect(deploy.Parameters).toMatchObject({
      ApplicationName: "ghost-test-ghost",
      DeploymentGroupName: "ghost-test-ghost",
    });
    const revision = "arn:aws:ecs:eu-west-2:123456789012:task-definition/ghost-test-ghost:7";
    const appSpec = JSON.parse(statesFormat(deploy.Parameters.Revision.AppSpecContent["Content.$"], revision));
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

  it("is trusted by Step Functions, its starter by EventBridge", () => {
    const trust = (Object.values(resourcesOfType(json, "aws_iam_role")) as any[]).map((role) => [
      role.name,
      parsePolicy(role.assume_role_policy).Statement[0].Principal.Service,
    ]);
    expect(trust.sort()).toEqual([
      ["ghost-test-rotation-events", "events.amazonaws.com"],
      ["ghost-test-rotation-redeploy", "states.amazonaws.com"],
    ]);
  });
});
