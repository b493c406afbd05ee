"""
AWS behaviour restored: CodeDeploy DeleteApplication (with the application's deployment groups)
and DeleteDeploymentGroup (API reference).
Upstream gap (moto 5.2.5): neither is implemented, so a teardown could not delete the
application or its deployment group: they had to be taken out of the state and left behind.
"""
from moto.codedeploy import responses
from moto.codedeploy.responses import CodeDeployResponse

if hasattr(CodeDeployResponse, "delete_application") or hasattr(CodeDeployResponse, "delete_deployment_group"):
    raise SystemExit(f"{__file__}: moto now implements CodeDeploy's deletes; delete this patch")


def delete_application(self):
    backend = self.codedeploy_backend
    name = self._get_param("applicationName")
    # Deleting an application that does not exist succeeds, as in AWS.
    if backend.applications.pop(name, None) is not None:
        backend.tagger.delete_all_tags_for_resource(backend._application_arn(name))
        for group in backend.deployment_groups.pop(name, {}):
            backend.tagger.delete_all_tags_for_resource(backend._deployment_group_arn(name, group))
    return responses.EmptyResult()


def delete_deployment_group(self):
    backend = self.codedeploy_backend
    application = self._get_param("applicationName")
    name = self._get_param("deploymentGroupName")
    backend.get_deployment_group(application, name)  # refuses an unknown group, as AWS does
    del backend.deployment_groups[application][name]
    backend.tagger.delete_all_tags_for_resource(backend._deployment_group_arn(application, name))
    return responses.ActionResult({"hooksNotCleanedUp": []})


CodeDeployResponse.delete_application = delete_application
CodeDeployResponse.delete_deployment_group = delete_deployment_group
