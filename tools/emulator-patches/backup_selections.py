"""
AWS behaviour restored: AWS Backup CreateBackupSelection, GetBackupSelection,
ListBackupSelections and DeleteBackupSelection (API reference): a selection assigns resources
(by ARN) to a backup plan, under the IAM role AWS Backup assumes; a plan that still has
selections cannot be deleted.
Upstream gap (moto 5.2.5): backup selections are not implemented (the plan and the vault are).
"""
import json

from moto.backup.exceptions import InvalidRequestException, ResourceNotFoundException
from moto.backup.models import BackupBackend
from moto.backup.responses import BackupResponse
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random

if hasattr(BackupResponse, "create_backup_selection"):
    raise SystemExit(f"{__file__}: moto now implements backup selections; delete this patch")


def _selections(backend, plan_id):
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(msg=f"Backup plan {plan_id} not found")
    if not hasattr(backend, "selections"):
        backend.selections = {}
    return backend.selections.setdefault(plan_id, {})


def _plan_id(path):
    return path.split("/plans/")[1].split("/")[0]


def create_backup_selection(self):
    params = json.loads(self.body)
    plan_id = _plan_id(self.path)
    selection_id = str(mock_random.uuid4())
    _selections(self.backup_backend, plan_id)[selection_id] = {
        "BackupSelection": params["BackupSelection"],
        "CreationDate": unix_time(),
        "CreatorRequestId": params.get("CreatorRequestId"),
    }
    return json.dumps(
        {"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": unix_time()}
    )


def _selection(self):
    plan_id = _plan_id(self.path)
    selection_id = self.path.rstrip("/").split("/selections/")[1]
    selections = _selections(self.backup_backend, plan_id)
    if selection_id not in selections:
        raise ResourceNotFoundException(msg=f"Backup selection {selection_id} not found")
    return plan_id, selection_id, selections


def get_backup_selection(self):
    plan_id, selection_id, selections = _selection(self)
    selection = selections[selection_id]
    return json.dumps(
        {
            "BackupSelection": selection["BackupSelection"],
            "SelectionId": selection_id,
            "BackupPlanId": plan_id,
            "CreationDate": selection["CreationDate"],
            "CreatorRequestId": selection["CreatorRequestId"],
        }
    )


def delete_backup_selection(self):
    _, selection_id, selections = _selection(self)
    del selections[selection_id]
    return "{}"


def list_backup_selections(self):
    plan_id = _plan_id(self.path)
    listed = [
        {
            "SelectionId": selection_id,
            "SelectionName": selection["BackupSelection"]["SelectionName"],
            "BackupPlanId": plan_id,
            "CreationDate": selection["CreationDate"],
            "IamRoleArn": selection["BackupSelection"]["IamRoleArn"],
        }
        for selection_id, selection in _selections(self.backup_backend, plan_id).items()
    ]
    return json.dumps({"BackupSelectionsList": listed})


_original_delete_plan = BackupBackend.delete_backup_plan


def _delete_backup_plan(self, backup_plan_id):
    if getattr(self, "selections", {}).get(backup_plan_id):
        raise InvalidRequestException(msg="Related backup plan selections must be deleted prior to backup")
    return _original_delete_plan(self, backup_plan_id)


BackupResponse.create_backup_selection = create_backup_selection
BackupResponse.get_backup_selection = get_backup_selection
BackupResponse.delete_backup_selection = delete_backup_selection
BackupResponse.list_backup_selections = list_backup_selections
BackupBackend.delete_backup_plan = _delete_backup_plan
