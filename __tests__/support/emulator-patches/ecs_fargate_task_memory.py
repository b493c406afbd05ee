"""
AWS behaviour restored: the containers of a Fargate task definition need no memory of their own,
the task-level memory sizes the task (RegisterTaskDefinition: container memory is optional when the
task sets it), so a task set or task of such a definition starts (CreateTaskSet with a scale, RunTask).
Upstream gap (moto 5.2.5): placing the task adds up each container's memory and fails on the first
container without one (TypeError, HTTP 500).
"""
import inspect
from types import SimpleNamespace

from moto.ecs.models import EC2ContainerServiceBackend

_original = EC2ContainerServiceBackend._calculate_task_resource_requirements
if 'container_definition.get(\n                    "memory", container_definition.get("memoryReservation")\n                )' not in inspect.getsource(_original):
    raise SystemExit(f"{__file__}: moto now sizes tasks whose containers set no memory; delete this patch")

_MEMORY_KEYS = ("memory", "memoryReservation", "Memory", "MemoryReservation")


def _requirements(task_definition):
    containers = task_definition.container_definitions
    if all(any(container.get(key) is not None for key in _MEMORY_KEYS) for container in containers):
        return _original(task_definition)
    sized = [
        {**container, "memory": 0} if all(container.get(key) is None for key in _MEMORY_KEYS) else container
        for container in containers
    ]
    requirements = _original(SimpleNamespace(container_definitions=sized))
    requirements["MEMORY"] = max(requirements["MEMORY"], int(task_definition.memory or 0))
    return requirements


EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(_requirements)
