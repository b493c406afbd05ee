"""
AWS behaviour restored: a DB instance created without a certificate authority gets the default CA
for new DB instances, rds-ca-rsa2048-g1 in most Regions (RDS User Guide, "Using SSL/TLS to encrypt
a connection to a DB instance": Certificate authorities; DescribeCertificates marks it Default).
Upstream gap (moto 5.2.5): new instances get "rds-ca-default", which no Region has. The AWS provider
sends the configured ca_cert_identifier only in a ModifyDBInstance after the create, when the
created instance's CA differs, and then waits for the instance again (at least 80 s): every
database created here paid that wait, where AWS, on its default CA, needs no modify.
"""
import inspect

from moto.rds import models
from moto.rds.models import DBInstance

AWS_DEFAULT_CA = "rds-ca-rsa2048-g1"

# The source, not the signature: another patch may have wrapped DBInstance.__init__ already.
if 'ca_certificate_identifier: str = "rds-ca-default"' not in inspect.getsource(models):
    raise SystemExit(f"{__file__}: moto now gives new DB instances another default CA; delete this patch")

_original_init = DBInstance.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    if self.ca_certificate_identifier == "rds-ca-default":
        self.ca_certificate_identifier = AWS_DEFAULT_CA


DBInstance.__init__ = _init
