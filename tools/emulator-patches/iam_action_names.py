"""
AWS behaviour restored: a request is authorized under the IAM action the Service Authorization
Reference names for its API: cloudwatch:DescribeAlarms (CloudWatch signs as "monitoring"),
lambda:InvokeFunction (the API is Invoke).
Upstream gap (moto 5.2.5): the action is the signing name and the API name, monitoring:DescribeAlarms
or lambda:Invoke, which no policy names: a role allowed cloudwatch:DescribeAlarms is refused, one
allowed lambda:InvokeFunction is refused too.
"""
from moto.iam.access_control import IAMRequestBase

# Signing name -> IAM service prefix, and API -> IAM action, where they differ (services our roles call).
PREFIXES = {"monitoring": "cloudwatch"}
ACTIONS = {"lambda:Invoke": "lambda:InvokeFunction"}

_original_init = IAMRequestBase.__init__
if "monitoring" in open(_original_init.__code__.co_filename).read():
    raise SystemExit(f"{__file__}: moto now names actions as IAM does; delete this patch")


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    service, _, api = self._action.partition(":")
    action = f"{PREFIXES.get(service, service)}:{api}"
    self._action = ACTIONS.get(action, action)


IAMRequestBase.__init__ = _init
