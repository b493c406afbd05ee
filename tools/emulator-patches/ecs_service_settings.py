"""
AWS behaviour restored: an ECS service keeps what CreateService was given, and DescribeServices
answers it: its capacityProviderStrategy (a service created with one has no launchType),
healthCheckGracePeriodSeconds, enableECSManagedTags and availabilityZoneRebalancing.
Upstream gap (moto 5.2.5): CreateService ignores the four and gives the service launchType EC2, so
the AWS provider reads every such service back as a launch-type service without a strategy, and
plans to replace it (a capacity provider strategy in place of a launch type forces a new service).
"""
import inspect

from moto.ecs.responses import EC2ContainerServiceResponse

_original = EC2ContainerServiceResponse.create_service
if "capacityProviderStrategy" in inspect.getsource(_original):
    raise SystemExit(f"{__file__}: moto now keeps a service's capacity provider strategy; delete this patch")

# Request parameter -> attribute moto's serializer reads for the Service shape's member.
SETTINGS = {
    "capacityProviderStrategy": "capacity_provider_strategy",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
}


def _create_service(self):
    result = _original(self)
    service = self.ecs_backend.services[f"{self.ecs_backend._get_cluster(self._get_param('cluster', 'default')).name}:{self._get_param('serviceName')}"]
    for parameter, attribute in SETTINGS.items():
        value = self._get_param(parameter)
        if value is not None:
            setattr(service, attribute, value)
    if self._get_param("capacityProviderStrategy") and not self._get_param("launchType"):
        service.launch_type = None
        for deployment in service.deployments:
            deployment.pop("launchType", None)
            deployment["capacityProviderStrategy"] = service.capacity_provider_strategy
    return result


EC2ContainerServiceResponse.create_service = _create_service
