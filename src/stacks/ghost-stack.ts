import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BuildPipeline } from "../build/build-pipeline";
import { DeployPipeline } from "../build/deploy-pipeline";
import { Registry } from "../build/registry";
import { GhostConfig, StateConfig } from "../config";
import { AlertTopic } from "../operate/alerts";
import { LoadBalancer } from "../run/load-balancer";
import { Network } from "../run/network";
import { GhostService } from "../run/service";
import { LocalMode } from "./local-mode";
import { BuildLens, buildLens } from "./steps/build-step";
import { edgeLens } from "./steps/edge-step";
import { foundation } from "./steps/foundation";
import { mailStep } from "./steps/mail-step";
import { operateLens } from "./steps/operate-step";
import { RunLens, runLens } from "./steps/run-step";

export { MULTIPLE_INSTANCES_WARNING } from "./steps/run-step";
export { NO_MAIL_WARNING } from "./steps/mail-step";

export interface GhostStackProps {
  /** One environment, validated. */
  readonly config: GhostConfig;
  /** Where state lives (the bootstrap stack's bucket and table). */
  readonly state: StateConfig;
  /** @default undefined (real AWS) */
  readonly local?: LocalMode;
}

/**
 * One environment of Ghost, in the tutorial's three lenses, each a named step in steps/: run
 * (network, load balancer, storage, database, registry, service), build (source, build and deploy
 * pipelines), mail (Amazon SES when it sends) and operate (alerts, dashboards, delivery metrics),
 * plus the optional edge (DNS, certificate, CloudFront, WAF). The order of the steps is the order of the resources in the plan.
 */
export class GhostStack extends TerraformStack {
  readonly network: Network;
  readonly loadBalancer: LoadBalancer;
  readonly service: GhostService;
  readonly registry: Registry;
  readonly buildPipeline: BuildPipeline;
  readonly deployPipeline: DeployPipeline;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, id: string, props: GhostStackProps) {
    super(scope, id);
    const base = foundation(this, props);
    const run = runLens(this, base);
    const build = buildLens(this, base, run);
    mailStep(this, base, run, build);
    operateLens(this, base, run, build);
    edgeLens(this, base, run);
    stackOutputs(this, run, build);

    this.network = run.network;
    this.loadBalancer = run.loadBalancer;
    this.service = run.service;
    this.registry = run.registry;
    this.buildPipeline = build.buildPipeline;
    this.deployPipeline = build.deployPipeline;
    this.alerts = build.alerts;
  }
}

/** The outputs a user reads after a deploy (and `npm run app-repo` reads). */
function stackOutputs(stack: TerraformStack, run: RunLens, build: BuildLens): void {
  const { loadBalancer, registry, service, storage, owner, siteUrl } = run;
  const { source: pipelineSource, buildPipeline, deployPipeline, alerts } = build;
  const outputs: Record<string, [string | undefined, string]> = {
    alb_dns_name: [loadBalancer.dnsName, "DNS name of the load balancer"],
    site_url: [siteUrl, "Ghost's public URL"],
    ecr_repository_url: [registry.repositoryUrl, "ECR repository the build pipeline pushes to"],
    cluster_name: [service.clusterName, "ECS cluster"],
    service_name: [service.serviceName, "ECS service (deployment controller CODE_DEPLOY)"],
    efs_file_system_id: [storage.fileSystemId, "EFS file system holding /var/lib/ghost/content"],
    efs_access_point_id: [storage.accessPointId, "EFS access point (uid/gid 1000, /ghost-data)"],
    log_group_name: [service.logGroupName, "CloudWatch log group of the Ghost container"],
    codecommit_clone_url_http: [
      pipelineSource.cloneUrlHttp,
      "CodeCommit clone URL (HTTPS) of the Ghost app repository",
    ],
    codecommit_clone_url_ssh: [pipelineSource.cloneUrlSsh, "CodeCommit clone URL (SSH) of the Ghost app repository"],
    build_pipeline_name: [buildPipeline.pipelineName, "Pipeline 1: commit -> image in ECR"],
    deploy_pipeline_name: [deployPipeline.pipelineName, "Pipeline 2: image -> blue/green deployment"],
    codedeploy_application: [deployPipeline.applicationName, "CodeDeploy application"],
    codedeploy_deployment_group: [deployPipeline.deploymentGroupName, "CodeDeploy deployment group"],
    pipeline_artifact_bucket: [pipelineSource.artifactBucketName, "Pipeline artifacts (KMS-encrypted)"],
    alerts_topic_arn: [alerts.topicArn, "SNS topic of alarms and pipeline notifications"],
    owner_secret_arn: [
      owner.ownerSecretArn,
      "Ghost's owner: e-mail and first password (aws secretsmanager get-secret-value --secret-id <arn>)",
    ],
    deploy_integration_secret_arn: [owner.integrationSecretArn, "Admin API key of the Deployments integration"],
  };
  for (const [name, [value, description]] of Object.entries(outputs)) {
    if (value !== undefined) new TerraformOutput(stack, name, { value, description });
  }
}
