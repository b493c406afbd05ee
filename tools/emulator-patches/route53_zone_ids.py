"""
AWS behaviour restored: Route 53 hosted zone IDs begin with "Z" (every ID Route 53 answers, e.g.
Z1D633PJN98FT9 in its API reference), which configuration validates (edge.dns.hostedZoneId).
Upstream gap (moto 5.2.5): IDs are 22 random letters and digits, so most do not begin with "Z"
and a configuration naming one is refused before it is applied.
"""
import inspect

import moto.route53.models as route53_models

_original = route53_models.create_route53_zone_id
# (moto_id wraps the generator without __wrapped__: read the module's source.)
if "random.choice(ROUTE53_ID_CHOICE) for _ in range(0, 22)" not in inspect.getsource(route53_models):
    raise SystemExit(f"{__file__}: moto now makes hosted zone IDs another way; check they begin with Z; delete this patch")


def _zone_id_with_z(*args, **kwargs):
    return "Z" + _original(*args, **kwargs)[1:]


route53_models.create_route53_zone_id = _zone_id_with_z
