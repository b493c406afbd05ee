"""
AWS behaviour restored: CodeBuild CreateProject takes a project whose source and artifacts are
CODEPIPELINE (or NO_SOURCE / NO_ARTIFACTS) without a location, as the API reference says ("if
type is CODEPIPELINE, do not specify this property"), and keeps the encryptionKey it was given.
Upstream gap (moto 5.2.5): it demands a location for every source and artifact type but
NO_ARTIFACTS (InvalidInputException), and always answers the S3 AWS-managed key as the
project's encryptionKey.
"""
from moto.codebuild import responses
from moto.codebuild.exceptions import InvalidInputException

try:
    responses._validate_required_params_artifacts({"type": "CODEPIPELINE"})
    raise SystemExit(f"{__file__}: moto now takes CODEPIPELINE projects without a location; delete this patch")
except InvalidInputException:
    pass

WITHOUT_LOCATION = {"CODEPIPELINE", "NO_SOURCE", "NO_ARTIFACTS"}
_original_source = responses._validate_required_params_source
_original_artifacts = responses._validate_required_params_artifacts


def _validate_required_params_source(source):
    if source.get("type") in WITHOUT_LOCATION and "location" not in source:
        return _original_source({**source, "location": "(none)"})
    return _original_source(source)


def _validate_required_params_artifacts(artifacts):
    if artifacts.get("type") == "CODEPIPELINE" and "location" not in artifacts:
        return _original_artifacts({**artifacts, "location": "(none)"})
    return _original_artifacts(artifacts)


_original_create = responses.CodeBuildResponse.create_project


def create_project(self):
    answer = _original_create(self)
    key = self._get_param("encryptionKey")
    if key:
        project = self.codebuild_backend.codebuild_projects[self._get_param("name")]
        project.project_metadata["encryptionKey"] = key
    return answer


responses._validate_required_params_source = _validate_required_params_source
responses._validate_required_params_artifacts = _validate_required_params_artifacts
responses.CodeBuildResponse.create_project = create_project
