"""
AWS behaviour restored: a request signed with a role session's temporary credentials (sts:AssumeRole)
is allowed only by that role's policies (IAM policy evaluation), so calls made under one of the
stack's roles (CodeDeploy's, the pipeline's) are refused when the role does not grant them.
Upstream gap (moto 5.2.5): IAM enforcement is one switch for the whole server (INITIAL_NO_AUTH_ACTION_COUNT);
with it off every request passes, and turning it on also refuses the tier's own keys, which belong
to no IAM user (Terraform applies with them, in parallel). The patch authorizes role sessions always
and leaves every other request to the switch.
"""
import inspect
from urllib.parse import urlparse

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.sts.models import sts_backends

_original = ActionAuthenticatorMixin._authenticate_and_authorize_action
_source = inspect.getsource(_original)
if "if (\n            ActionAuthenticatorMixin.request_count\n            >= settings.INITIAL_NO_AUTH_ACTION_COUNT" not in _source:
    raise SystemExit(f"{__file__}: moto now decides authorization other than by its one switch (see if role sessions are authorized); delete this patch")


def _is_role_session(response) -> bool:
    credential = response.headers.get("Authorization", "").partition("Credential=")[2].split("/")[0]
    return bool(credential) and any(
        session.access_key_id == credential
        for partitions in sts_backends.values()
        for backend in partitions.values()
        for session in backend.assumed_roles
    )


def _authorize(self, iam_request_cls, resource="*"):
    enforced = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
    if enforced or not _is_role_session(self):
        return _original(self, iam_request_cls, resource)
    # moto's own enforced path (authenticate, then evaluate the caller's policies), for this request
    # only: the switch is shared by every thread of the server.
    path = self.raw_path
    query = urlparse(self.uri).query
    iam_request = iam_request_cls(
        account_id=self.current_account,
        method=self.method,
        path=f"{path}?{query}" if query else path,
        data=self.data,
        body=self.raw_body,
        headers=self.headers,
        action=self._get_action(),
    )
    iam_request.check_signature()
    iam_request.check_action_permitted(resource)


ActionAuthenticatorMixin._authenticate_and_authorize_action = _authorize
