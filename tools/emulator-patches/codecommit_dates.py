"""
AWS behaviour restored: CodeCommit answers a repository's creationDate and lastModifiedDate as
timestamps (epoch seconds in the JSON protocol), as its API reference types them.
Upstream gap (moto 5.2.5): they are ISO 8601 strings, which the AWS SDK cannot decode, so every
CreateRepository failed in the provider and the Ghost repository (with both pipelines behind it)
could not be applied.
"""
import time

from moto.codecommit.models import CodeCommit

if isinstance(CodeCommit("123456789012", "us-east-1", "", "probe").repository_metadata["creationDate"], (int, float)):
    raise SystemExit(f"{__file__}: moto now answers CodeCommit dates as timestamps; delete this patch")

_original_init = CodeCommit.__init__


def __init__(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    now = time.time()
    self.repository_metadata["creationDate"] = now
    self.repository_metadata["lastModifiedDate"] = now


CodeCommit.__init__ = __init__
