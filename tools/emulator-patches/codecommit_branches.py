"""
AWS behaviour restored: CodeCommit ListBranches answers a repository's branches: none for a new,
empty repository (API reference), and a repository that does not exist is refused.
Upstream gap (moto 5.2.5): not implemented; the provider lists the branches of every repository
it creates with a default branch (to set it once one exists), and waited on the failing call
until the apply timed out.
"""
import json

from moto.codecommit.responses import CodeCommitResponse

if hasattr(CodeCommitResponse, "list_branches"):
    raise SystemExit(f"{__file__}: moto now implements CodeCommit ListBranches; delete this patch")


def list_branches(self):
    # moto keeps no commits, so a repository has no branch; get_repository refuses an unknown one.
    self.codecommit_backend.get_repository(self._get_param("repositoryName"))
    return json.dumps({"branches": []})


CodeCommitResponse.list_branches = list_branches
