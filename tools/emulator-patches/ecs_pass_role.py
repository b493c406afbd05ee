"""
AWS behaviour restored: an ECS request that hands IAM roles to tasks needs iam:PassRole on each of
them, for the service ecs-tasks.amazonaws.com (condition key iam:PassedToService): RegisterTaskDefinition
for the task and execution roles it names, CreateTaskSet for those of its task definition.
Upstream gap (moto 5.2.5): ECS never checks iam:PassRole, so a role may register or run tasks with
any role of the account.
"""
from moto.core.authorization import ActionAuthenticatorMixin
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam.access_control import IAMPolicy, IAMRequest, PermissionResult

if "_authenticate_and_authorize_normal_action" in EC2ContainerServiceResponse.__dict__:
    raise SystemExit(f"{__file__}: moto now authorizes more than the ECS action itself; delete this patch")

PASSED_TO = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}


class _PassRoleRequest(IAMRequest):
    """The request's caller and signature, asking for iam:PassRole on one role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._action = "iam:PassRole"

    def check_action_permitted(self, resource):
        # moto's evaluation (an explicit deny wins, one allow is needed), with the condition key.
        results = [
            IAMPolicy(policy).is_action_permitted(self._action, resource, None, PASSED_TO)
            for policy in self._access_key.collect_policies()
        ]
        if PermissionResult.DENIED in results or PermissionResult.PERMITTED not in results:
            self._raise_access_denied()


def _passed_roles(self):
    action = self._get_action()
    if action == "RegisterTaskDefinition":
        roles = [self._get_param("taskRoleArn"), self._get_param("executionRoleArn")]
    elif action == "CreateTaskSet":
        try:
            definition = self.ecs_backend.describe_task_definition(self._get_param("taskDefinition"))
        except Exception:  # noqa: BLE001 (moto answers the missing definition itself)
            return []
        roles = [getattr(definition, "task_role_arn", None), getattr(definition, "execution_role_arn", None)]
    else:
        return []
    return [role for role in roles if role]


def _authorize(self, resource="*"):
    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, resource)
    for role in _passed_roles(self):
        self._authenticate_and_authorize_action(_PassRoleRequest, role)


EC2ContainerServiceResponse._authenticate_and_authorize_normal_action = _authorize
