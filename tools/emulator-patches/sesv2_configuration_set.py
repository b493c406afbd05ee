"""
AWS behaviour restored: SES v2 GetConfigurationSet answers the option groups that were set, and
SendingOptions.SendingEnabled as a boolean (API reference, GetConfigurationSet and SendingOptions).
Upstream gap (moto 5.2.5): ConfigurationSet keeps the whole SendingOptions object where v1 keeps
a flag, so to_dict_v2 nests it ({"SendingEnabled": {"SendingEnabled": true}}), which no SDK can
decode; and it answers every unset option group as an empty object (TrackingOptions: {}), which
reads back as a configured block that was never written.
"""
from moto.ses.models import ConfigurationSet

_original = ConfigurationSet.to_dict_v2
_probe = _original(ConfigurationSet("probe", sending_options={"SendingEnabled": True}))
if not isinstance(_probe["SendingOptions"]["SendingEnabled"], dict) and "TrackingOptions" not in _probe:
    raise SystemExit(f"{__file__}: moto now answers configuration sets as AWS does; delete this patch")


def _to_dict_v2(self):
    answer = {key: value for key, value in _original(self).items() if value != {}}
    options = self.enabled if isinstance(self.enabled, dict) else {"SendingEnabled": self.enabled}
    answer["SendingOptions"] = {"SendingEnabled": bool(options.get("SendingEnabled", True))}
    return answer


ConfigurationSet.to_dict_v2 = _to_dict_v2
