"""
AWS behaviour restored: IAM authorizes a request against the resources it acts on (the Resource
element of a policy statement, matched to the ARNs the request names), so a statement scoped to one
service, listener, alarm, task family, deployment group or repository allows the calls on those and
no others. Covered: the calls of an ECS blue/green deployment and of the pipeline that starts it.
Upstream gap (moto 5.2.5): every request of these services is authorized against "*" (only SQS, IAM,
STS and S3 name their resources), so a statement with an ARN never matches and a scoped policy
refuses everything.
"""
from moto.cloudwatch.responses import CloudWatchResponse
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.authorization import ActionAuthenticatorMixin
from moto.ecr.responses import ECRResponse
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.elbv2.responses import ELBV2Response

_RESPONSES = [EC2ContainerServiceResponse, ELBV2Response, CloudWatchResponse, CodeDeployResponse, ECRResponse]
if any(hasattr(response, "_determine_resource") for response in _RESPONSES):
    raise SystemExit(f"{__file__}: moto now names the resources of these requests; delete this patch")


def _arn(response, service, resource):
    return f"arn:aws:{service}:{response.region}:{response.current_account}:{resource}"


def _name(value):
    """A short name, or the last part of an ARN."""
    return value.split("/")[-1]


def _ecs_resources(self):
    action = self._get_action()
    cluster = _name(self._get_param("cluster") or "default")
    service = _name(self._get_param("service") or "")
    if action == "DescribeServices":
        return [_arn(self, "ecs", f"service/{cluster}/{_name(name)}") for name in self._get_param("services", [])]
    if action in ("CreateTaskSet", "UpdateServicePrimaryTaskSet"):
        return [_arn(self, "ecs", f"service/{cluster}/{service}")]
    if action in ("DeleteTaskSet", "UpdateTaskSet"):
        task_set = self._get_param("taskSet")
        return [task_set if task_set.startswith("arn:") else _arn(self, "ecs", f"task-set/{cluster}/{service}/{task_set}")]
    if action == "RegisterTaskDefinition":
        family = self._get_param("family")
        revisions = self.ecs_backend.task_definitions.get(family, {})
        return [_arn(self, "ecs", f"task-definition/{family}:{max(revisions, default=0) + 1}")]
    return ["*"]


def _elbv2_resources(self):
    named = {"ModifyListener": "ListenerArn", "ModifyRule": "RuleArn"}.get(self._get_action())
    return [self._get_param(named)] if named else ["*"]


def _cloudwatch_resources(self):
    names = self._get_param("AlarmNames", []) if self._get_action() == "DescribeAlarms" else []
    return [_arn(self, "cloudwatch", f"alarm:{name}") for name in names] or ["*"]


def _codedeploy_resources(self):
    action = self._get_action()
    application = self._get_param("applicationName")
    if action in ("CreateDeployment", "GetDeploymentGroup"):
        return [_arn(self, "codedeploy", f"deploymentgroup:{application}/{self._get_param('deploymentGroupName')}")]
    if action == "GetDeployment":
        deployment = self.codedeploy_backend.deployments.get(self._get_param("deploymentId"))
        if deployment:
            return [_arn(self, "codedeploy", f"deploymentgroup:{deployment.application_name}/{deployment.deployment_group_name}")]
    if action in ("GetApplication", "GetApplicationRevision", "RegisterApplicationRevision"):
        return [_arn(self, "codedeploy", f"application:{application}")]
    if action == "GetDeploymentConfig":
        return [_arn(self, "codedeploy", f"deploymentconfig:{self._get_param('deploymentConfigName')}")]
    return ["*"]


def _ecr_resources(self):
    if self._get_action() != "DescribeImages":
        return ["*"]
    account = self._get_param("registryId") or self.current_account
    return [f"arn:aws:ecr:{self.region}:{account}:repository/{self._get_param('repositoryName')}"]


def _safely(resources):
    # Asked on every request, enforced or not: a request this cannot read is authorized against "*".
    def determine(self):
        try:
            return resources(self) or ["*"]
        except Exception:  # noqa: BLE001
            return ["*"]

    return determine


for _response, _resources in zip(
    _RESPONSES, [_ecs_resources, _elbv2_resources, _cloudwatch_resources, _codedeploy_resources, _ecr_resources]
):
    _response._determine_resource = _safely(_resources)

_original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action


def _authorize_each(self, resource="*"):
    # A request that names several resources (DescribeServices, DescribeAlarms) needs each allowed.
    for each in resource if isinstance(resource, list) else [resource]:
        _original(self, each)


ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = _authorize_each
