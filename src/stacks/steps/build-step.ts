import { TerraformStack } from "cdktf";
import { taskDefinitionTemplateOutput } from "../../build/app-repo";
import { BuildPipeline } from "../../build/build-pipeline";
import { DeployPipeline } from "../../build/deploy-pipeline";
import { PipelineSource } from "../../build/source";
import { AlertTopic } from "../../operate/alerts";
import { Foundation } from "./foundation";
import { RunLens } from "./run-step";

export interface BuildLens {
  readonly source: PipelineSource;
  readonly buildPipeline: BuildPipeline;
  readonly deployPipeline: DeployPipeline;
  /** The alerts topic: created here because the deploy pipeline's approval notifies it. */
  readonly alerts: AlertTopic;
}

/** Build: the pipelines' source, pipeline 1 (commit -> image), the alerts topic, pipeline 2 (image -> deployment). */
export function buildLens(stack: TerraformStack, base: Foundation, run: RunLens): BuildLens {
  const { config, prefix, logs, roles } = base;
  const p = config.pipelines;
  const { registry, loadBalancer, service } = run;
  const source = new PipelineSource(stack, "pipeline-source", {
    namePrefix: prefix,
    config: p,
    preventDestroy: config.preventDestroy,
  });
  const buildPipeline = new BuildPipeline(stack, "build-pipeline", {
    namePrefix: prefix,
    source,
    repositoryUrl: registry.repositoryUrl,
    repositoryArn: registry.repositoryArn,
    region: config.region,
    config: p,
    cpuArchitecture: config.service.cpuArchitecture,
    logs,
  });
  // The pipeline role publishes the manual-approval notification to the alerts topic.
  const alerts = new AlertTopic(stack, "alerts", {
    namePrefix: prefix,
    region: config.region,
    accountId: base.accountId,
    emails: config.alerts.emails,
    publisherRoleArns: [source.pipelineRole.arn],
    // SES publishes the bounce and complaint events of the mail configuration set.
    extraPublisherServices: config.mail.mode === "ses" ? ["ses.amazonaws.com"] : [],
  });
  const deployPipeline = new DeployPipeline(stack, "deploy-pipeline", {
    namePrefix: prefix,
    source,
    clusterName: service.clusterName,
    serviceName: service.serviceName,
    serviceArn: service.serviceArn,
    taskDefinitionFamily: service.taskDefinitionProps.family,
    productionListenerArn: loadBalancer.productionListener.arn,
    testListenerArn: loadBalancer.testListener.arn,
    blueTargetGroup: loadBalancer.blueTargetGroup,
    greenTargetGroup: loadBalancer.greenTargetGroup,
    loadBalancerArnSuffix: loadBalancer.arnSuffix,
    repositoryName: registry.repositoryName,
    repositoryArn: registry.repositoryArn,
    taskRoleArn: roles.taskRoleArn,
    executionRoleArn: roles.executionRoleArn,
    config: p,
    thresholds: config.alerts.thresholds,
    approvalTopicArn: alerts.topicArn,
  });
  taskDefinitionTemplateOutput(stack, service.taskDefinitionProps);
  return { source, buildPipeline, deployPipeline, alerts };
}
