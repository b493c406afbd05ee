"""
AWS behaviour restored: SES v2 PutEmailIdentityMailFromAttributes sets an identity's custom MAIL
FROM domain, and GetEmailIdentity answers it in MailFromAttributes (API reference).
Upstream gap (moto 5.2.5): PutEmailIdentityMailFromAttributes is not implemented.
"""
import json

from moto.ses.models import EmailIdentity
from moto.sesv2 import urls
from moto.sesv2.responses import SESV2Response

if hasattr(SESV2Response, "put_email_identity_mail_from_attributes"):
    raise SystemExit(f"{__file__}: moto now implements PutEmailIdentityMailFromAttributes; delete this patch")


def put_email_identity_mail_from_attributes(self):
    identity = self.sesv2_backend.get_email_identity(self._get_param("EmailIdentity"))
    domain = self._get_param("MailFromDomain")
    identity.mail_from_attributes = (
        {
            "MailFromDomain": domain,
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": self._get_param("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE",
        }
        if domain
        else None
    )
    return json.dumps({})


_original_response = EmailIdentity.get_response_object.fget


def _get_response_object(self):
    answer = _original_response(self)
    attributes = getattr(self, "mail_from_attributes", None)
    if attributes:
        answer["MailFromAttributes"] = attributes
    return answer


urls.url_paths["{0}/v2/email/identities/(?P<EmailIdentity>[^/]+)/mail-from$"] = SESV2Response.dispatch
SESV2Response.put_email_identity_mail_from_attributes = put_email_identity_mail_from_attributes
EmailIdentity.get_response_object = property(_get_response_object)
