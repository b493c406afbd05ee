"""
AWS behaviour restored: EC2 DescribeSecurityGroupRules answers the description of every rule,
including one whose peer is a security group or a prefix list (its UserIdGroupPairs or
PrefixListIds entry carries the description), as the API reference says.
Upstream gap (moto 5.2.5): only a CIDR rule's description is answered; for the rules that
reference a group (ours: ALB to Ghost, Ghost to EFS and MySQL) it is empty, a perpetual diff.
"""
from moto.ec2.models.security_groups import SecurityGroupRule

probe = SecurityGroupRule.__new__(SecurityGroupRule)
probe.ip_range, probe.source_group = {}, {"GroupId": "sg-1", "Description": "probe"}
if SecurityGroupRule.description.fget(probe) == "probe":
    raise SystemExit(f"{__file__}: moto now answers referenced rules' descriptions; delete this patch")

_original_init = SecurityGroupRule.__init__


def __init__(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    prefix_list = kwargs.get("prefix_list_id") if "prefix_list_id" in kwargs else (args[7] if len(args) > 7 else None)
    self.prefix_list_description = (prefix_list or {}).get("Description")


def description(self):
    return (
        self.ip_range.get("Description")
        or self.source_group.get("Description")
        or getattr(self, "prefix_list_description", None)
    )


SecurityGroupRule.__init__ = __init__
SecurityGroupRule.description = property(description)
