"""
AWS behaviour restored: EFS DeleteFileSystemPolicy (API reference): the file system's default
policy applies again.
Upstream gap (moto 5.2.5): not implemented, so the file-system policy could not be destroyed on
its own: a teardown had to take it out of the state first.
"""
from moto.efs.exceptions import FileSystemNotFound
from moto.efs.responses import EFSResponse

if hasattr(EFSResponse, "delete_file_system_policy"):
    raise SystemExit(f"{__file__}: moto now implements DeleteFileSystemPolicy; delete this patch")


def delete_file_system_policy(self):
    file_system_id = self._get_param("FileSystemId") or self.path.rstrip("/").split("/")[-2]
    file_system = self.efs_backend.file_systems_by_id.get(file_system_id)
    if file_system is None:
        raise FileSystemNotFound(file_system_id)
    file_system.file_system_policy = None
    return 200, {"Content-Type": "application/json"}, ""


EFSResponse.delete_file_system_policy = delete_file_system_policy
