"""
AWS behaviour restored: AWS CodeStar Notifications notification rules (API reference:
Create/Describe/Update/DeleteNotificationRule, ListNotificationRules, DeleteTarget and the
tagging calls), each rule with its event types, resource, SNS targets (status ACTIVE), detail
type, status, tags and creation times. No notification is sent.
Upstream gap (moto 5.2.5): there is no CodeStar Notifications backend at all, so the
pipelines' notification rules (and the alerts that hang on them) could not be applied.
"""
import importlib.util
import json
import re
import sys
import time
import types
from urllib.parse import unquote

from moto import backend_index
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.moto_api._internal import mock_random

if importlib.util.find_spec("moto.codestarnotifications") is not None:
    raise SystemExit(f"{__file__}: moto now implements CodeStar Notifications; delete this patch")

SERVICE = "codestar-notifications"


class ResourceNotFoundException(JsonRESTError):
    def __init__(self, arn):
        super().__init__("ResourceNotFoundException", f"Notification rule {arn} does not exist.")


class ResourceAlreadyExistsException(JsonRESTError):
    def __init__(self, name):
        super().__init__("ResourceAlreadyExistsException", f"A notification rule named {name} already exists.")


class CodeStarNotificationsBackend(BaseBackend):
    def __init__(self, region_name, account_id):
        super().__init__(region_name, account_id)
        self.rules = {}
        self.tags = {}

    @property
    def _url_module(self):
        return types.SimpleNamespace(
            url_bases=[rf"https?://{SERVICE}\.(.+)\.amazonaws\.com"],
            url_paths={
                "{0}/untagResource/(?P<arn>.+)$": CodeStarNotificationsResponse.dispatch,
                "{0}/(?P<action>[A-Za-z]+)$": CodeStarNotificationsResponse.dispatch,
            },
        )

    def rule(self, arn):
        if arn not in self.rules:
            raise ResourceNotFoundException(arn)
        return self.rules[arn]

    def create(self, params):
        if any(rule["Name"] == params["Name"] for rule in self.rules.values()):
            raise ResourceAlreadyExistsException(params["Name"])
        arn = f"arn:aws:{SERVICE}:{self.region_name}:{self.account_id}:notificationrule/{mock_random.get_random_hex(40)}"
        now = time.time()
        self.rules[arn] = {"Arn": arn, "CreatedBy": f"arn:aws:iam::{self.account_id}:root", "CreatedTimestamp": now}
        self.update(arn, {**params, "Status": params.get("Status") or "ENABLED"})
        self.tags[arn] = dict(params.get("Tags") or {})
        return arn

    def update(self, arn, params):
        rule = self.rule(arn)
        for key in ("Name", "Resource", "DetailType", "Status"):
            if params.get(key) is not None:
                rule[key] = params[key]
        if params.get("EventTypeIds") is not None:
            rule["EventTypes"] = [event_type(id) for id in params["EventTypeIds"]]
        if params.get("Targets") is not None:
            rule["Targets"] = [
                {"TargetAddress": t["TargetAddress"], "TargetType": t.get("TargetType", "SNS"), "TargetStatus": "ACTIVE"}
                for t in params["Targets"]
            ]
        rule["LastModifiedTimestamp"] = time.time()


def event_type(event_type_id):
    """codepipeline-pipeline-pipeline-execution-failed: service, resource type and event name."""
    service, resource, *name = event_type_id.split("-")
    return {
        "EventTypeId": event_type_id,
        "ServiceName": {"codepipeline": "CodePipeline", "codebuild": "CodeBuild", "codecommit": "CodeCommit"}.get(
            service, service
        ),
        "ResourceType": resource.capitalize(),
        "EventTypeName": " ".join(name).capitalize(),
    }


class CodeStarNotificationsResponse(BaseResponse):
    def __init__(self):
        super().__init__(service_name=SERVICE)

    @property
    def backend(self):
        return codestarnotifications_backends[self.current_account][self.region]

    def create_notification_rule(self):
        return json.dumps({"Arn": self.backend.create(json.loads(self.body or "{}"))})

    def describe_notification_rule(self):
        rule = self.backend.rule(self._get_param("Arn"))
        return json.dumps({**rule, "Tags": self.backend.tags.get(rule["Arn"], {})})

    def update_notification_rule(self):
        self.backend.update(self._get_param("Arn"), json.loads(self.body or "{}"))
        return "{}"

    def delete_notification_rule(self):
        arn = self._get_param("Arn")
        self.backend.rules.pop(arn, None)
        self.backend.tags.pop(arn, None)
        return json.dumps({"Arn": arn})

    def list_notification_rules(self):
        return json.dumps({"NotificationRules": [{"Id": arn.split("/")[-1], "Arn": arn} for arn in self.backend.rules]})

    def delete_target(self):
        # Targets live only inside their rules here: nothing else holds one to forget.
        return "{}"

    def list_tags_for_resource(self):
        return json.dumps({"Tags": self.backend.tags.get(self.backend.rule(self._get_param("Arn"))["Arn"], {})})

    def tag_resource(self):
        arn = self.backend.rule(self._get_param("Arn"))["Arn"]
        self.backend.tags[arn].update(self._get_param("Tags") or {})
        return json.dumps({"Tags": self.backend.tags[arn]})

    def untag_resource(self):
        arn = self.backend.rule(unquote(self.path.split("/untagResource/", 1)[1].split("?")[0]))["Arn"]
        for key in self.querystring.get("tagKeys", []):
            self.backend.tags[arn].pop(key, None)
        return "{}"


codestarnotifications_backends = BackendDict(CodeStarNotificationsBackend, SERVICE)
module = types.ModuleType("moto.codestarnotifications")
module.codestarnotifications_backends = codestarnotifications_backends
sys.modules[module.__name__] = module
backend_index.backend_url_patterns.append((SERVICE, re.compile(rf"https?://{SERVICE}\.(.+)\.amazonaws\.com")))
