import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformOutput, TerraformStack, Token } from "cdktf";
import { AlertTopic, DeliveryNotifications, ServiceAlarms } from "../operate/alerts";
import { taskDefinitionTemplateOutput } from "../build/app-repo";
import { BuildPipeline } from "../build/build-pipeline";
import { GhostConfig, namePrefix, StateConfig } from "../config";
import { DeliveryMetrics, ServiceDashboard } from "../operate/dashboards";
import { Database } from "../run/database";
import { DeployPipeline } from "../build/deploy-pipeline";
import { ContentDelivery, DnsValidatedCertificate, SiteAlias, WebFirewall } from "../edge";
import { accountIdOf } from "../shared/kms";
import { LoadBalancer } from "../run/load-balancer";
import { LocalMode } from "./local-mode";
import { LogsKey } from "../shared/logs-key";
import { Network } from "../run/network";
import { Registry } from "../build/registry";
import { SecurityGroups } from "../run/security-groups";
import { ghostEnvironment, GhostService } from "../run/service";
import { PipelineSource } from "../build/source";
import { Storage } from "../run/storage";
import { TaskRoles } from "../run/task-roles";
import { ghostAwsProvider } from "./aws-provider";
import { ghostS3Backend } from "./backend";

export interface GhostStackProps {
  /** One environment, validated. */
  readonly config: GhostConfig;
  /** Where state lives (the bootstrap stack's bucket and table). */
  readonly state: StateConfig;
  /** @default undefined (real AWS) */
  readonly local?: LocalMode;
}

export const MULTIPLE_INSTANCES_WARNING =
  "Ghost supports one instance per site (Ghost FAQ: clustering, sharding, HA and other multi-server setups); " +
  "more than one task can give 405 errors and stale content. See the README, 'One Ghost per site'.";

/** Seconds Ghost lets a CDN cache its pages when CloudFront is on (Ghost's own default is 0). */
const CDN_PAGE_MAX_AGE_SECONDS = 300;

/**
 * One environment of Ghost, in the tutorial's three lenses: run (network, load balancer, storage,
 * database, service, registry), build (source, build and deploy pipelines) and operate (alerts,
 * dashboards, delivery metrics), plus the optional edge (DNS, certificate, CloudFront, WAF).
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
    const { config, local } = props;
    const prefix = namePrefix(config);
    const tags = { Project: config.project, Environment: config.environment, ManagedBy: "cdktf", ...config.tags };
    const { dns, cloudFront, waf } = config.edge;
    const zone = dns;

    ghostS3Backend(this, { project: config.project, environment: config.environment, state: props.state, local });
    ghostAwsProvider(this, { region: config.region, tags, local });
    // CloudFront's certificate and web ACL live in us-east-1.
    const usEast1: AwsProvider | undefined = cloudFront.enabled
      ? ghostAwsProvider(this, { id: "aws-us-east-1", alias: "us-east-1", region: "us-east-1", tags, local })
      : undefined;

    // ---- Run ----
    const roles = new TaskRoles(this, "task-roles", { namePrefix: prefix });
    const accountId = accountIdOf(this, "account-id", roles.taskRoleArn);
    const logsKey = config.logs.kmsEncryption
      ? new LogsKey(this, "logs-key", { namePrefix: prefix, region: config.region, accountId })
      : undefined;
    const logs = { retentionDays: config.logs.retentionDays, kmsKeyArn: logsKey?.keyArn };

    const network = new Network(this, "network", {
      namePrefix: prefix,
      config: config.network,
      availabilityZones: config.availabilityZones,
      logs,
    });
    const albCertificate = zone ? new DnsValidatedCertificate(this, "alb-certificate", zone) : undefined;
    const certificateArn = config.loadBalancer.certificateArn ?? albCertificate?.certificateArn;
    const useMysql = config.database.engine === "mysql";
    const securityGroups = new SecurityGroups(this, "security-groups", {
      namePrefix: prefix,
      vpcId: network.vpcId,
      httpsEnabled: certificateArn !== undefined,
      loadBalancer: config.loadBalancer,
      databaseEnabled: useMysql,
      publicIngress: !cloudFront.enabled,
    });
    const loadBalancer = new LoadBalancer(this, "load-balancer", {
      namePrefix: prefix,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      securityGroupId: securityGroups.albSecurityGroupId,
      config: config.loadBalancer,
      region: config.region,
      certificateArn,
    });
    const storage = new Storage(this, "storage", {
      namePrefix: prefix,
      subnetIds: network.privateSubnetIds,
      securityGroupId: securityGroups.efsSecurityGroupId,
      taskRoleArn: roles.taskRoleArn,
      config: config.storage,
    });
    const database = useMysql
      ? new Database(this, "database", {
          namePrefix: prefix,
          subnetIds: network.privateSubnetIds,
          securityGroupId: securityGroups.databaseSecurityGroupId!,
          config: config.database,
          finalSnapshot: config.database.deletionProtection,
          logs,
        })
      : undefined;
    const registry = new Registry(this, "registry", { config: config.registry });

    const siteUrl =
      config.service.siteUrl ??
      (zone ? `https://${zone.domainName}` : `${loadBalancer.scheme}://${loadBalancer.dnsName}`);
    const ghost = ghostEnvironment({
      siteUrl,
      frontendMaxAgeSeconds: cloudFront.enabled ? CDN_PAGE_MAX_AGE_SECONDS : undefined,
      database: database
        ? {
            client: "mysql",
            host: database.address,
            port: Token.asString(database.port),
            name: database.databaseName,
            user: database.username,
            passwordSecretArn: database.masterUserSecretArn,
            tls: database.requiresTls,
          }
        : { client: "sqlite3" },
    });
    const service = new GhostService(this, "service", {
      namePrefix: prefix,
      config: config.service,
      region: config.region,
      subnetIds: network.serviceSubnetIds,
      securityGroupId: securityGroups.serviceSecurityGroupId,
      assignPublicIp: network.tasksNeedPublicIp,
      targetGroupArn: loadBalancer.blueTargetGroup.arn,
      ...ghost,
      efs: storage,
      taskRole: roles.taskRole,
      executionRole: roles.executionRole,
      logs,
      dependsOn: [loadBalancer.productionListener, ...storage.mountTargets],
    });
    if (config.service.maxCount > 1 || config.service.desiredCount > 1) {
      Annotations.of(this).addWarning(MULTIPLE_INSTANCES_WARNING);
    }

    // ---- Build ----
    const p = config.pipelines;
    const pipelineSource = new PipelineSource(this, "pipeline-source", {
      namePrefix: prefix,
      repositoryName: p.repositoryName,
      branch: p.branch,
      connection: p.github,
      artifactBucketName: p.artifactBucketName,
      artifactExpirationDays: p.artifactExpirationDays,
    });
    const buildPipeline = new BuildPipeline(this, "build-pipeline", {
      namePrefix: prefix,
      source: pipelineSource,
      repositoryUrl: registry.repositoryUrl,
      repositoryArn: registry.repositoryArn,
      region: config.region,
      config: p,
      cpuArchitecture: config.service.cpuArchitecture,
      logs,
    });
    // The pipeline role publishes the manual-approval notification to the alerts topic.
    const alerts = new AlertTopic(this, "alerts", {
      namePrefix: prefix,
      region: config.region,
      accountId,
      emails: config.alerts.emails,
      publisherRoleArns: [pipelineSource.pipelineRole.arn],
    });
    const deployPipeline = new DeployPipeline(this, "deploy-pipeline", {
      namePrefix: prefix,
      source: pipelineSource,
      clusterName: service.clusterName,
      serviceName: service.serviceName,
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
      approvalTopicArn: alerts.topicArn,
    });
    taskDefinitionTemplateOutput(this, service.taskDefinitionProps);

    // ---- Operate ----
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
    const alarms = new ServiceAlarms(this, "alarms", {
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
      thresholds: config.alerts.thresholds,
    });
    new DeliveryNotifications(this, "delivery-notifications", {
      namePrefix: prefix,
      topicArn: alerts.topicArn,
      topicPolicy: alerts.topicPolicy,
      pipelineArns: { build: buildPipeline.pipelineArn, deploy: deployPipeline.pipelineArn },
      codeDeploy,
    });
    new ServiceDashboard(this, "service-dashboard", {
      namePrefix: prefix,
      region: config.region,
      loadBalancer: { arnSuffix: loadBalancer.arnSuffix, targetGroups },
      service: serviceIds,
      fileSystem: { fileSystemId: storage.fileSystemId },
      database: databaseIds,
      alarmArns: alarms.alarmArns,
    });
    new DeliveryMetrics(this, "delivery-metrics", {
      namePrefix: prefix,
      region: config.region,
      pipelineNames: [buildPipeline.pipelineName, deployPipeline.pipelineName],
      codeDeploy,
      retentionDays: logs.retentionDays,
      logsKmsKeyArn: logs.kmsKeyArn,
    });

    // ---- Edge (each part off unless configured) ----
    const firewall = waf.enabled
      ? new WebFirewall(this, "waf", {
          namePrefix: prefix,
          scope: cloudFront.enabled ? "CLOUDFRONT" : "REGIONAL",
          usEast1Provider: usEast1,
          rateLimit: waf.rateLimit,
          loadBalancerArn: cloudFront.enabled ? undefined : loadBalancer.arn,
        })
      : undefined;
    let aliasTarget = { dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId };
    if (cloudFront.enabled && zone) {
      const cdnCertificate = new DnsValidatedCertificate(this, "cloudfront-certificate", {
        ...zone,
        provider: usEast1,
      });
      const cdn = new ContentDelivery(this, "cdn", {
        namePrefix: prefix,
        originDomainName: loadBalancer.dnsName,
        originProtocol: loadBalancer.scheme,
        albSecurityGroupId: securityGroups.albSecurityGroupId,
        originFacingPrefixListId: cloudFront.originFacingPrefixListId!,
        aliases: [zone.domainName],
        certificateArn: cdnCertificate.certificateArn,
        webAclArn: firewall?.webAclArn,
        priceClass: cloudFront.priceClass,
      });
      aliasTarget = { dnsName: cdn.domainName, zoneId: cdn.hostedZoneId };
    }
    if (zone) {
      new SiteAlias(this, "site-alias", {
        ...zone,
        target: aliasTarget,
        ipv6: cloudFront.enabled,
        evaluateTargetHealth: !cloudFront.enabled,
      });
    }

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
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      if (value !== undefined) new TerraformOutput(this, name, { value, description });
    }

    this.network = network;
    this.loadBalancer = loadBalancer;
    this.service = service;
    this.registry = registry;
    this.buildPipeline = buildPipeline;
    this.deployPipeline = deployPipeline;
    this.alerts = alerts;
  }
}
