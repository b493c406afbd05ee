"""
AWS behaviour restored: RDS DescribeDBParameters answers a parameter set in a DB parameter group
with Source "user", and honours the request's Source filter (API reference).
Upstream gap (moto 5.2.5): the parameters have no Source and the filter is ignored, so the
provider read none of ours back as user-set, a perpetual diff on the parameter group.
"""
import inspect

from moto.rds.models import DBParameterGroup
from moto.rds.responses import RDSResponse

if "Source" in inspect.getsource(RDSResponse.describe_db_parameters):
    raise SystemExit(f"{__file__}: moto now answers and filters a parameter's Source; delete this patch")

_original_update = DBParameterGroup.update_parameters
_original_describe = RDSResponse.describe_db_parameters


def update_parameters(self, new_parameters):
    new_parameters = list(new_parameters)
    _original_update(self, new_parameters)
    for parameter in new_parameters:
        self.parameters[parameter["ParameterName"]]["Source"] = "user"


def describe_db_parameters(self):
    result = _original_describe(self)
    source = self.params.get("Source")
    if source:
        result.result["Parameters"] = [p for p in result.result["Parameters"] if p.get("Source") == source]
    return result


DBParameterGroup.update_parameters = update_parameters
RDSResponse.describe_db_parameters = describe_db_parameters
