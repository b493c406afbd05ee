"""
AWS behaviour restored: SES v2 GetConfigurationSet answers SendingOptions.SendingEnabled as a
boolean (API reference, SendingOptions: "SendingEnabled: Boolean").
Upstream gap (moto 5.2.5): ConfigurationSet keeps the whole SendingOptions object where v1 keeps
a flag, so to_dict_v2 nests it ({"SendingEnabled": {"SendingEnabled": true}}, or {} when unset)
and every SDK fails to decode the answer.
"""
from moto.ses.models import ConfigurationSet

_original = ConfigurationSet.to_dict_v2
if not isinstance(
    _original(ConfigurationSet("probe", sending_options={"SendingEnabled": True}))["SendingOptions"]["SendingEnabled"],
    dict,
):
    raise SystemExit(f"{__file__}: moto now answers SendingEnabled as a boolean; delete this patch")


def _to_dict_v2(self):
    answer = _original(self)
    options = self.enabled if isinstance(self.enabled, dict) else {"SendingEnabled": self.enabled}
    answer["SendingOptions"] = {"SendingEnabled": bool(options.get("SendingEnabled", True))}
    return answer


ConfigurationSet.to_dict_v2 = _to_dict_v2
