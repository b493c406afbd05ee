"""
AWS behaviour restored: every RDS DB instance has its own DbiResourceId, "the AWS Region-unique,
immutable identifier for the DB instance" (API reference, DBInstance), so DescribeDBInstances
filtered on dbi-resource-id finds exactly that instance.
Upstream gap (moto 5.2.5): every instance gets the same hard-coded db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U,
so with two instances in one region (two environments) the filter answers both and the AWS
provider cannot find either ("couldn't find resource").
"""
import inspect
import random
import string

from moto.rds.models import DBInstance

if 'self.dbi_resource_id = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U"' not in inspect.getsource(DBInstance.__init__):
    raise SystemExit(f"{__file__}: moto now gives each DB instance its own DbiResourceId; delete this patch")

_original_init = DBInstance.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.dbi_resource_id = "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))


DBInstance.__init__ = _init
