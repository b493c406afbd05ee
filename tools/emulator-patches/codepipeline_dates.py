"""
AWS behaviour restored: CodePipeline answers its timestamps (a pipeline's created and updated,
an execution's startTime and lastUpdateTime) as timestamps: epoch seconds in the JSON protocol,
as its API reference types them.
Upstream gap (moto 5.2.5): they are ISO 8601 strings, which the AWS SDK cannot decode, so the
provider's read of every pipeline failed ("expected Timestamp to be a JSON Number").
"""
from moto.codepipeline import models
from moto.core.utils import unix_time

if not hasattr(models, "iso_8601_datetime_with_milliseconds"):
    raise SystemExit(f"{__file__}: moto now answers CodePipeline dates as timestamps; delete this patch")


def epoch_seconds(when=None):
    return unix_time(when)


# Every timestamp the module answers goes through this one name.
models.iso_8601_datetime_with_milliseconds = epoch_seconds
