"""
AWS behaviour restored: a domain identity with Easy DKIM answers GetEmailIdentity with the
DkimAttributes AWS documents: three Tokens, the names of the CNAME records to publish (SES
developer guide, "Easy DKIM"), and LastKeyGenerationTimestamp as a timestamp (epoch seconds in
the REST-JSON protocol).
Upstream gap (moto 5.2.5): no Tokens (the DNS records built from them are empty), and the
timestamp is an ISO string, which no SDK can decode (GetEmailIdentity fails).
"""
import random
import string
import time

from moto.ses.models import EmailIdentity

_probe = EmailIdentity("probe.example", None, {"NextSigningKeyLength": "RSA_2048_BIT"}, None).dkim_attributes
if "Tokens" in _probe and not isinstance(_probe.get("LastKeyGenerationTimestamp"), str):
    raise SystemExit(f"{__file__}: moto now answers Easy DKIM attributes as AWS does; delete this patch")

_original_init = EmailIdentity.__init__


def _init(self, email_identity, tags, dkim_signing_attributes, configuration_set_name):
    _original_init(self, email_identity, tags, dkim_signing_attributes, configuration_set_name)
    if "LastKeyGenerationTimestamp" in self.dkim_attributes:
        self.dkim_attributes["LastKeyGenerationTimestamp"] = time.time()
    if self.identity_type == "DOMAIN" and self.dkim_attributes.get("SigningAttributesOrigin") == "AWS_SES":
        alphabet = string.ascii_lowercase + string.digits
        self.dkim_attributes["Tokens"] = ["".join(random.choices(alphabet, k=32)) for _ in range(3)]


EmailIdentity.__init__ = _init
