"""
The API calls of one blue/green deployment, made under the roles that make them in AWS: first the
deploy pipeline's (its ECR source and CodeDeployToECS action), then CodeDeploy's (task sets,
listeners, alarms), each as a session of its role (sts:AssumeRole). Beside them, calls the roles
must not be able to make. Prints {role: {call: outcome}}, the outcome "ok" or the error code.

Input (JSON on stdin): endpoint, region, accessKey, secretKey, and the deployment's names and
ARNs (see main()).
"""
import json
import re
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def own_client(given, service):
    """A client of the emulator under the tier's own keys."""
    return boto3.client(
        service,
        endpoint_url=given["endpoint"],
        region_name=given["region"],
        aws_access_key_id=given["accessKey"],
        aws_secret_access_key=given["secretKey"],
    )


def session(given, role_arn):
    credentials = own_client(given, "sts").assume_role(RoleArn=role_arn, RoleSessionName="deployment-calls")["Credentials"]
    role = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=given["region"],
    )
    return lambda service: role.client(service, endpoint_url=given["endpoint"], config=NO_RETRIES)


def error_code(error):
    """The error's code, and for a refusal the action refused ("AccessDenied iam:PassRole"). moto
    answers a refused JSON-protocol request with an XML body, which botocore cannot parse (it
    reports the HTTP status): the code is then read from that body."""
    found = error.response["Error"]
    message = found.get("Message", "")
    quoted = re.search(r"<Code>([^<]+)</Code>", message)
    code = quoted.group(1) if found.get("Code", "").isdigit() and quoted else found.get("Code")
    refused = re.search(r"not authorized to perform: ([\w:-]+)", message)
    return f"{code} {refused.group(1)}" if code == "AccessDenied" and refused else code


class Calls:
    """Runs calls in order, keeping each one's outcome; a call's result feeds the later ones."""

    def __init__(self):
        self.outcomes = {}

    def __call__(self, name, call):
        try:
            result = call()
            self.outcomes[name] = "ok"
            return result
        except ClientError as error:
            self.outcomes[name] = error_code(error)
            return None


def pipeline_calls(given, client):
    calls = Calls()
    ecr, codedeploy, ecs = client("ecr"), client("codedeploy"), client("ecs")
    application, group = given["application"], given["deploymentGroup"]
    calls("ecr:DescribeImages", lambda: ecr.describe_images(repositoryName=given["repository"]))
    calls("codedeploy:GetApplication", lambda: codedeploy.get_application(applicationName=application))
    calls(
        "codedeploy:GetDeploymentConfig",
        lambda: codedeploy.get_deployment_config(deploymentConfigName=given["deploymentConfig"]),
    )
    registered = calls("ecs:RegisterTaskDefinition", lambda: ecs.register_task_definition(**given["taskDefinition"]))
    task_definition_arn = registered["taskDefinition"]["taskDefinitionArn"] if registered else None
    given["registeredTaskDefinition"] = task_definition_arn
    appspec = given["appSpec"].replace("<TASK_DEFINITION>", task_definition_arn or "")
    revision = {"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec}}
    calls(
        "codedeploy:RegisterApplicationRevision",
        lambda: codedeploy.register_application_revision(applicationName=application, revision=revision),
    )
    deployment = calls(
        "codedeploy:CreateDeployment",
        lambda: codedeploy.create_deployment(applicationName=application, deploymentGroupName=group, revision=revision),
    )
    if deployment:
        calls("codedeploy:GetDeployment", lambda: codedeploy.get_deployment(deploymentId=deployment["deploymentId"]))

    other_family = {**given["taskDefinition"], "family": f"{given['taskDefinition']['family']}-other"}
    calls("ecs:RegisterTaskDefinition of another family", lambda: ecs.register_task_definition(**other_family))
    other_role = {**given["taskDefinition"], "taskRoleArn": given["codeDeployRole"]}
    calls("ecs:RegisterTaskDefinition passing another role", lambda: ecs.register_task_definition(**other_role))
    calls(
        "codedeploy:CreateDeployment to another group",
        lambda: codedeploy.create_deployment(
            applicationName=application, deploymentGroupName=f"{group}-other", revision=revision
        ),
    )
    return calls.outcomes


def codedeploy_calls(given, client):
    calls = Calls()
    ecs, elb, cloudwatch = client("ecs"), client("elbv2"), client("cloudwatch")
    cluster, service = given["cluster"], given["service"]
    listeners = given["listeners"]
    groups = given["targetGroups"]

    def forward(listener, group):
        return lambda: elb.modify_listener(
            ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}]
        )

    described = calls("ecs:DescribeServices", lambda: ecs.describe_services(cluster=cluster, services=[service]))
    network = described["services"][0].get("networkConfiguration") if described else None
    calls("elasticloadbalancing:DescribeTargetGroups", lambda: elb.describe_target_groups(TargetGroupArns=list(groups.values())))
    calls("elasticloadbalancing:DescribeListeners", lambda: elb.describe_listeners(ListenerArns=list(listeners.values())))
    calls("elasticloadbalancing:DescribeRules", lambda: elb.describe_rules(ListenerArn=listeners["production"]))
    calls("cloudwatch:DescribeAlarms", lambda: cloudwatch.describe_alarms(AlarmNames=given["alarms"]))
    # No scale: CodeDeploy scales the set to 100 %, but moto cannot place its Fargate tasks (it sums
    # container memory, ignores the capacity provider, lacks the ENI's DNS name); authorizing the
    # call is what is proven here.
    task_set = calls(
        "ecs:CreateTaskSet",
        lambda: ecs.create_task_set(
            cluster=cluster,
            service=service,
            taskDefinition=given["registeredTaskDefinition"],
            capacityProviderStrategy=given["capacityProviderStrategy"],
            **({"networkConfiguration": network} if network else {}),
            loadBalancers=[
                {
                    "targetGroupArn": groups["green"],
                    "containerName": given["containerName"],
                    "containerPort": given["containerPort"],
                }
            ],
        ),
    )
    task_set_arn = task_set["taskSet"]["taskSetArn"] if task_set else "none"
    # Test traffic to the replacement, then production (the cutover), then back (a rollback).
    calls("elasticloadbalancing:ModifyListener (test)", forward(listeners["test"], groups["green"]))
    calls("elasticloadbalancing:ModifyListener (production)", forward(listeners["production"], groups["green"]))
    calls(
        "ecs:UpdateServicePrimaryTaskSet",
        lambda: ecs.update_service_primary_task_set(cluster=cluster, service=service, primaryTaskSet=task_set_arn),
    )
    calls("elasticloadbalancing:ModifyListener (rollback)", forward(listeners["production"], groups["blue"]))
    calls("ecs:DeleteTaskSet", lambda: ecs.delete_task_set(cluster=cluster, service=service, taskSet=task_set_arn))

    calls(
        "lambda:InvokeFunction (an AppSpec hook)",
        lambda: client("lambda").invoke(FunctionName=given["anyFunction"], Payload=b"{}"),
    )
    calls(
        "ecs:CreateTaskSet on another service",
        lambda: ecs.create_task_set(
            cluster=cluster, service=f"{service}-other", taskDefinition=given["registeredTaskDefinition"]
        ),
    )
    calls(
        "elasticloadbalancing:ModifyListener on another listener",
        forward(given["otherListener"], groups["green"]),
    )
    calls("sns:Publish", lambda: client("sns").publish(TopicArn=given["topic"], Message="from CodeDeploy's role"))
    return calls.outcomes


def main():
    given = json.load(sys.stdin)
    outcomes = {"pipeline": pipeline_calls(given, session(given, given["pipelineRole"]))}
    outcomes["codeDeploy"] = codedeploy_calls(given, session(given, given["codeDeployRole"]))
    json.dump(outcomes, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
