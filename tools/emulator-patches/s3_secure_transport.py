"""
AWS behaviour restored: a bucket policy's condition on aws:SecureTransport (the Bool operator)
is evaluated against the request, true over HTTPS and false over plain HTTP, so a statement
denying insecure transport denies plain-HTTP requests only (IAM condition operators, "Bool").
Upstream gap (moto 5.2.5): the Bool operator is not implemented and an unknown operator counts as
matched, so every object request to a TLS-only bucket was refused (403), over HTTPS too: the
state bucket's policy would have locked Terraform out of its own state.
"""
import json

from flask import has_request_context, request
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.iam.policy_conditions import CONDITION_OPERATIONS
from moto.s3.models import FakeBucket

if "Bool" in CONDITION_OPERATIONS:
    raise SystemExit(f"{__file__}: moto now evaluates the Bool condition operator; delete this patch")

KEY = "aws:SecureTransport"
_original_get_permission = FakeBucket.get_permission


def _secure_transport():
    # Without a request (moto's in-process mock) there is no transport: the SDKs' default is HTTPS.
    return request.scheme == "https" if has_request_context() else True


def _applies(statement, secure):
    """Whether the statement's aws:SecureTransport condition, if any, matches this request."""
    expected = statement.get("Condition", {}).get("Bool", {}).get(KEY)
    if expected is None:
        return True
    values = expected if isinstance(expected, list) else [expected]
    return str(secure).lower() in [str(value).lower() for value in values]


def _without_key(statement):
    condition = {operator: dict(keys) for operator, keys in statement.get("Condition", {}).items()}
    condition.get("Bool", {}).pop(KEY, None)
    condition = {operator: keys for operator, keys in condition.items() if keys}
    rest = {key: value for key, value in statement.items() if key != "Condition"}
    return {**rest, "Condition": condition} if condition else rest


def get_permission(self, action, resource):
    if self.policy is None:
        return _original_get_permission(self, action, resource)
    policy = json.loads(self.policy)
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    secure = _secure_transport()
    evaluated = [_without_key(s) for s in statements if _applies(s, secure)]
    if not evaluated:
        return PermissionResult.NEUTRAL
    # As the original evaluates the whole policy, on the statements that apply to this request.
    return IAMPolicy(json.dumps({**policy, "Statement": evaluated})).is_action_permitted(action, resource)


FakeBucket.get_permission = get_permission
