"""
AWS behaviour restored: CodeCommit tags a repository (the tags of CreateRepository, TagResource,
UntagResource) and answers them in ListTagsForResource, by the repository's ARN.
Upstream gap (moto 5.2.5): the tagging calls are not implemented and CreateRepository drops its
tags, so the provider's read of the Ghost repository failed.
"""
import json

from moto.codecommit.responses import CodeCommitResponse

if hasattr(CodeCommitResponse, "list_tags_for_resource"):
    raise SystemExit(f"{__file__}: moto now implements CodeCommit tags; delete this patch")


def _tags(backend):
    if not hasattr(backend, "tags_by_arn"):
        backend.tags_by_arn = {}
    return backend.tags_by_arn


_original_create = CodeCommitResponse.create_repository
_original_delete = CodeCommitResponse.delete_repository


def create_repository(self):
    answer = _original_create(self)
    arn = json.loads(answer)["repositoryMetadata"]["Arn"]
    _tags(self.codecommit_backend)[arn] = dict(self._get_param("tags") or {})
    return answer


def delete_repository(self):
    name = self._get_param("repositoryName")
    repository = self.codecommit_backend.repositories.get(name)
    if repository:
        _tags(self.codecommit_backend).pop(repository.repository_metadata["Arn"], None)
    return _original_delete(self)


def list_tags_for_resource(self):
    return json.dumps({"tags": _tags(self.codecommit_backend).get(self._get_param("resourceArn"), {})})


def tag_resource(self):
    _tags(self.codecommit_backend).setdefault(self._get_param("resourceArn"), {}).update(self._get_param("tags") or {})
    return "{}"


def untag_resource(self):
    tags = _tags(self.codecommit_backend).get(self._get_param("resourceArn"), {})
    for key in self._get_param("tagKeys") or []:
        tags.pop(key, None)
    return "{}"


CodeCommitResponse.create_repository = create_repository
CodeCommitResponse.delete_repository = delete_repository
CodeCommitResponse.list_tags_for_resource = list_tags_for_resource
CodeCommitResponse.tag_resource = tag_resource
CodeCommitResponse.untag_resource = untag_resource
