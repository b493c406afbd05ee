"""
AWS behaviour restored: a verified domain identity lets SES send from any of its subdomains too
(SES developer guide, "Creating a domain identity": a subdomain inherits the verification of its
parent domain unless it is an identity of its own), so noreply@blog.example.com may send under
the identity example.com.
Upstream gap (moto 5.2.5): only an exact address or an exact domain identity is accepted.
"""
import inspect
from email.utils import parseaddr

from moto.ses.models import SESBackend

_original = SESBackend._is_verified_address
if "return host in self.email_identities" not in inspect.getsource(_original):
    raise SystemExit(f"{__file__}: moto now checks senders another way (subdomains?); delete this patch")


def _is_verified_address(self, source):
    if _original(self, source):
        return True
    host = parseaddr(source)[1].split("@", 1)[-1]
    parts = host.split(".")
    return any(".".join(parts[index:]) in self.email_identities for index in range(1, len(parts) - 1))


SESBackend._is_verified_address = _is_verified_address
