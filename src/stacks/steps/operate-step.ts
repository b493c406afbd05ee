import { TerraformStack } from "cdktf";
import { DeliveryNotifications, ServiceAlarms } from "../../operate/alerts";
import { DeliveryMetrics, ServiceDashboard } from "../../operate/dashboards";
import { RedeployOnSecretRotation } from "../../operate/secret-rotation";
import { BuildLens } from "./build-step";
import { Foundation } from "./foundation";
import { RunLens } from "./run-step";

/** Operate: the service alarms, the delivery notifications, the service dashboard, the delivery metrics. */
export function operateLens(stack: TerraformStack, base: Foundation, run: RunLens, build: BuildLens): void {
  const { config, prefix, logs } = base;
  const { loadBalancer, service, storage, database } = run;
  const { alerts, buildPipeline, deployPipeline } = build;
  const targetGroups = [
    { name: "blue", arnSuffix: loadBalancer.blueTargetGroup.arnSuffix },
    { name: "green", arnSuffix: loadBalancer.greenTargetGroup.arnSuffix },
  ];
  const serviceIds = { clusterName: service.clusterName, serviceName: service.serviceName };
  const databaseIds = database && { instanceIdentifier: database.instanceIdentifier };
  const codeDeploy = {
    applicationName: deployPipeline.applicationName,
    deploymentGroupName: deployPipeline.deploymentGroupName,
  };
  const alarms = new ServiceAlarms(stack, "alarms", {
    namePrefix: prefix,
    topicArn: alerts.topicArn,
    loadBalancer: { arnSuffix: loadBalancer.arnSuffix, targetGroups },
    service: { ...serviceIds, minRunningTasks: config.service.minCount },
    fileSystem: {
      fileSystemId: storage.fileSystemId,
      throughputMode: config.storage.throughputMode,
      performanceMode: config.storage.performanceMode,
    },
    database: databaseIds,
    sesReputation: config.mail.mode === "ses",
    thresholds: config.alerts.thresholds,
  });
  new DeliveryNotifications(stack, "delivery-notifications", {
    namePrefix: prefix,
    topicArn: alerts.topicArn,
    topicPolicy: alerts.topicPolicy,
    pipelineArns: { build: buildPipeline.pipelineArn, deploy: deployPipeline.pipelineArn },
    codeDeploy,
  });
  new ServiceDashboard(stack, "service-dashboard", {
    namePrefix: prefix,
    region: config.region,
    loadBalancer: { arnSuffix: loadBalancer.arnSuffix, targetGroups },
    service: serviceIds,
    fileSystem: { fileSystemId: storage.fileSystemId },
    database: databaseIds,
    alarmArns: alarms.alarmArns,
  });
  if (database) {
    new RedeployOnSecretRotation(stack, "rotation-redeploy", {
      namePrefix: prefix,
      secretArn: database.masterUserSecretArn,
      clusterName: service.clusterName,
      serviceName: service.serviceName,
      serviceArn: service.serviceArn,
      applicationName: deployPipeline.applicationName,
      applicationArn: deployPipeline.application.arn,
      deploymentGroupName: deployPipeline.deploymentGroupName,
      deploymentGroupArn: deployPipeline.deploymentGroup.arn,
      deploymentConfigArn: deployPipeline.deploymentConfigArn,
    });
  }
  new DeliveryMetrics(stack, "delivery-metrics", {
    namePrefix: prefix,
    region: config.region,
    pipelineNames: [buildPipeline.pipelineName, deployPipeline.pipelineName],
    codeDeploy,
    logs,
  });
}
