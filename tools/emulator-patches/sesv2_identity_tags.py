"""
AWS behaviour restored: the tags given to CreateEmailIdentity are the tags of the identity's ARN,
arn:<partition>:ses:<region>:<account>:identity/<name> (the ARN format of the SES identity
resource type), which ListTagsForResource answers.
Upstream gap (moto 5.2.5): moto files them under .../email-identity/<name>, an ARN that AWS does
not use, so ListTagsForResource on the identity's ARN answers none.
"""
import inspect

from moto.ses.utils import get_arn
from moto.sesv2.models import SESV2Backend

_original = SESV2Backend.create_email_identity
if 'f"email-identity/{email_identity}"' not in inspect.getsource(_original):
    raise SystemExit(f"{__file__}: moto now tags email identities at another ARN (identity/?); delete this patch")


def create_email_identity(self, email_identity, tags, dkim_signing_attributes, configuration_set_name):
    identity = _original(self, email_identity, tags, dkim_signing_attributes, configuration_set_name)
    if tags:
        self.core_backend.tagger.tag_resource(arn=get_arn(self, "ses", f"identity/{email_identity}"), tags=tags)
    return identity


SESV2Backend.create_email_identity = create_email_identity
