"""
One blue/green deployment acted out against the emulator, as AWS runs it, each step under the
identity that takes it in AWS:
  1. the build pushes a new image under the configured tag (the tier's own user);
  2. pipeline 2's ECR source action describes the tagged image and writes imageDetail.json;
  3. its CodeDeployToECS action (the pipeline's role) puts the image URI in place of <IMAGE1_NAME>
     in taskdef.json, registers that revision, and starts a deployment with appspec.yaml;
  4. CodeDeploy (its role) starts the replacement task set behind the target group the test
     listener serves, moves production traffic to it and test traffic to the original, makes it
     the primary task set and deletes the original's;
  5. Application Auto Scaling sets the desired count (ecs:UpdateService, as its service role does).
Prints what AWS would then describe: imageDetail.json, the listeners' target groups, the service.

Input (JSON on stdin): endpoint, region, accessKey, secretKey, the roles, names and files (main()).
"""
import hashlib
import json
import sys

from deployment_calls import own_client, session


def push_image(given):
    """An image of its own per deployment (its one layer named by the round), so each has its own digest."""
    layer = hashlib.sha256(given["round"].encode()).hexdigest()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": f"sha256:{layer}"},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": f"sha256:{layer}"}],
    }
    own_client(given, "ecr").put_image(
        repositoryName=given["repository"], imageManifest=json.dumps(manifest), imageTag=given["imageTag"]
    )


def image_detail(given, ecr):
    """imageDetail.json as the ECR source action writes it: the tagged image, by digest."""
    [image] = ecr.describe_images(repositoryName=given["repository"], imageIds=[{"imageTag": given["imageTag"]}])[
        "imageDetails"
    ]
    registry = f"{image['registryId']}.dkr.ecr.{given['region']}.amazonaws.com"
    return {
        "ImageSizeInBytes": str(image.get("imageSizeInBytes", 0)),
        "ImageDigest": image["imageDigest"],
        "Version": "1.0",
        "ImagePushedAt": str(image["imagePushedAt"]),
        "RegistryId": image["registryId"],
        "RepositoryName": image["repositoryName"],
        "ImageURI": f"{registry}/{image['repositoryName']}@{image['imageDigest']}",
        "ImageTags": image.get("imageTags", []),
    }


def forwards_to(elb, listener):
    [found] = elb.describe_listeners(ListenerArns=[listener])["Listeners"]
    return [action["TargetGroupArn"] for action in found["DefaultActions"] if action["Type"] == "forward"]


def deploy(given):
    pipeline, codedeploy_role = session(given, given["pipelineRole"]), session(given, given["codeDeployRole"])
    push_image(given)
    detail = image_detail(given, pipeline("ecr"))

    task_definition = json.loads(given["taskDefinition"].replace(given["imagePlaceholder"], detail["ImageURI"]))
    registered = pipeline("ecs").register_task_definition(**task_definition)["taskDefinition"]["taskDefinitionArn"]
    appspec = given["appSpec"].replace("<TASK_DEFINITION>", registered)
    revision = {"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec}}
    pipeline("codedeploy").create_deployment(
        applicationName=given["application"], deploymentGroupName=given["deploymentGroup"], revision=revision
    )

    ecs, elb = codedeploy_role("ecs"), codedeploy_role("elbv2")
    cluster, service, listeners = given["cluster"], given["service"], given["listeners"]
    [described] = ecs.describe_services(cluster=cluster, services=[service])["services"]
    original = [task_set["taskSetArn"] for task_set in described.get("taskSets", []) if task_set["status"] == "PRIMARY"]
    [replacement_group] = forwards_to(elb, listeners["test"])
    [original_group] = forwards_to(elb, listeners["production"])
    task_set = ecs.create_task_set(
        cluster=cluster,
        service=service,
        taskDefinition=registered,
        capacityProviderStrategy=given["capacityProviderStrategy"],
        networkConfiguration=described["networkConfiguration"],
        loadBalancers=[
            {"targetGroupArn": replacement_group, "containerName": given["containerName"], "containerPort": given["containerPort"]}
        ],
    )["taskSet"]["taskSetArn"]
    for listener, group in ((listeners["production"], replacement_group), (listeners["test"], original_group)):
        elb.modify_listener(ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    ecs.update_service_primary_task_set(cluster=cluster, service=service, primaryTaskSet=task_set)
    for arn in original:
        ecs.delete_task_set(cluster=cluster, service=service, taskSet=arn)

    own_client(given, "ecs").update_service(cluster=cluster, service=service, desiredCount=given["desiredCount"])

    [after] = own_client(given, "ecs").describe_services(cluster=cluster, services=[service])["services"]
    return {
        "imageDetail": detail,
        "registeredTaskDefinition": registered,
        "taskDefinitionImage": task_definition["containerDefinitions"][0]["image"],
        "listeners": {name: forwards_to(elb, arn) for name, arn in listeners.items()},
        "service": {
            "taskDefinition": after["taskDefinition"],
            "targetGroups": [lb["targetGroupArn"] for lb in after.get("loadBalancers", [])],
            "desiredCount": after["desiredCount"],
            "taskSets": [{"status": t["status"], "taskDefinition": t["taskDefinition"]} for t in after.get("taskSets", [])],
        },
    }


def main():
    json.dump(deploy(json.load(sys.stdin)), sys.stdout, indent=2, default=str)


if __name__ == "__main__":
    main()
