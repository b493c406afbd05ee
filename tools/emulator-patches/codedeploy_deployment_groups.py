"""
AWS behaviour restored: CodeDeploy GetDeploymentGroup answers the group's alarmConfiguration as
created, and UpdateDeploymentGroup changes a group (API reference), so a deployment group
round-trips its alarms (the service's alarms that stop and roll back a deployment).
Upstream gap (moto 5.2.5): alarmConfiguration is answered empty (a TODO) and
UpdateDeploymentGroup is not implemented: every re-plan wanted to add the alarms back, and
could not.
"""
from moto.codedeploy import responses
from moto.codedeploy.responses import CodeDeployResponse

if hasattr(CodeDeployResponse, "update_deployment_group"):
    raise SystemExit(f"{__file__}: moto now implements UpdateDeploymentGroup; delete this patch")

_original_info = responses._deployment_group_info

# UpdateDeploymentGroup's request members and the group's attributes they set.
UPDATABLE = {
    "deploymentConfigName": "deployment_config_name",
    "ec2TagFilters": "ec2_tag_filters",
    "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
    "autoScalingGroups": "auto_scaling_groups",
    "serviceRoleArn": "service_role_arn",
    "triggerConfigurations": "trigger_configurations",
    "alarmConfiguration": "alarm_configuration",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ec2TagSet": "ec2_tag_set",
    "ecsServices": "ecs_services",
    "onPremisesTagSet": "on_premises_tag_set",
    "terminationHookEnabled": "termination_hook_enabled",
}


def _deployment_group_info(deployment_group):
    return {**_original_info(deployment_group), "alarmConfiguration": deployment_group.alarm_configuration or {}}


def update_deployment_group(self):
    application = self._get_param("applicationName")
    current = self._get_param("currentDeploymentGroupName")
    group = self.codedeploy_backend.get_deployment_group(application, current)
    for member, attribute in UPDATABLE.items():
        value = self._get_param(member)
        if value is not None:
            setattr(group, attribute, value)
    new_name = self._get_param("newDeploymentGroupName")
    if new_name and new_name != current:
        groups = self.codedeploy_backend.deployment_groups[application]
        groups[new_name] = groups.pop(current)
        group.deployment_group_name = new_name
    return responses.ActionResult({"hooksNotCleanedUp": []})


responses._deployment_group_info = _deployment_group_info
CodeDeployResponse.update_deployment_group = update_deployment_group
