"""
AWS behaviour restored: Application Auto Scaling tags a scalable target (the Tags of
RegisterScalableTarget, TagResource, UntagResource) and answers them in ListTagsForResource
(API reference), by the target's ARN.
Upstream gap (moto 5.2.5): ListTagsForResource, TagResource and UntagResource are not
implemented and RegisterScalableTarget drops its Tags: the provider's read of every
aws_appautoscaling_target failed (HTTP 500), so the ECS service's scaling was never applied.
"""
import json

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

if hasattr(ApplicationAutoScalingResponse, "list_tags_for_resource"):
    raise SystemExit(f"{__file__}: moto now implements Application Auto Scaling tags; delete this patch")


def _tags(backend):
    if not hasattr(backend, "tags_by_arn"):
        backend.tags_by_arn = {}
    return backend.tags_by_arn


_original_register = ApplicationAutoScalingResponse.register_scalable_target


def register_scalable_target(self):
    answer = _original_register(self)
    tags = self._get_param("Tags")
    if tags:
        arn = json.loads(answer)["ScalableTargetARN"]
        _tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(tags)
    return answer


def list_tags_for_resource(self):
    arn = self._get_param("ResourceARN")
    return json.dumps({"Tags": _tags(self.applicationautoscaling_backend).get(arn, {})})


def tag_resource(self):
    arn = self._get_param("ResourceARN")
    _tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
    return "{}"


def untag_resource(self):
    tags = _tags(self.applicationautoscaling_backend).get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return "{}"


_original_deregister = ApplicationAutoscalingBackend.deregister_scalable_target


def _deregister(self, namespace, r_id, dimension):
    target = self.targets.get(dimension, {}).get(r_id)
    _original_deregister(self, namespace, r_id, dimension)
    if target is not None:
        _tags(self).pop(target.arn, None)


ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = tag_resource
ApplicationAutoScalingResponse.untag_resource = untag_resource
ApplicationAutoscalingBackend.deregister_scalable_target = _deregister
