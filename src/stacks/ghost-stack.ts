import { Construct } from "constructs";
import { Annotations, TerraformOutput, TerraformStack, Token } from "cdktf";
import { GhostConfig, namePrefix, StateConfig } from "../config";
import { Database } from "../database";
import { LoadBalancer } from "../load-balancer";
import { LocalMode } from "../local/mode";
import { Network } from "../network";
import { Registry } from "../registry";
import { SecurityGroups } from "../security-groups";
import { ghostEnvironment, GhostService } from "../service";
import { Storage } from "../storage";
import { TaskRoles } from "../task-roles";
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

/** One environment of Ghost: network, load balancer, storage, database, service, registry. */
export class GhostStack extends TerraformStack {
  readonly network: Network;
  readonly loadBalancer: LoadBalancer;
  readonly service: GhostService;
  readonly registry: Registry;

  constructor(scope: Construct, id: string, props: GhostStackProps) {
    super(scope, id);
    const { config, local } = props;
    const prefix = namePrefix(config);

    ghostS3Backend(this, { project: config.project, environment: config.environment, state: props.state, local });
    ghostAwsProvider(this, {
      region: config.region,
      tags: { Project: config.project, Environment: config.environment, ManagedBy: "cdktf", ...config.tags },
      local,
    });

    const network = new Network(this, "network", {
      namePrefix: prefix,
      vpcCidr: config.network.vpcCidr,
      availabilityZones: config.availabilityZones,
      publicSubnetCidrs: config.network.publicSubnetCidrs,
      privateSubnetCidrs: config.network.privateSubnetCidrs,
      natGateways: config.network.natGateways,
      flowLogs: config.network.flowLogs,
      flowLogRetentionDays: config.logs.retentionDays,
    });
    const useMysql = config.database.engine === "mysql";
    const securityGroups = new SecurityGroups(this, "security-groups", {
      namePrefix: prefix,
      vpcId: network.vpcId,
      httpsEnabled: config.loadBalancer.certificateArn !== undefined,
      testListenerPort: config.loadBalancer.testListenerPort,
      testListenerCidrs: config.loadBalancer.testListenerCidrs,
      databaseEnabled: useMysql,
    });
    const loadBalancer = new LoadBalancer(this, "load-balancer", {
      namePrefix: prefix,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      securityGroupId: securityGroups.albSecurityGroupId,
      certificateArn: config.loadBalancer.certificateArn,
      deletionProtection: config.loadBalancer.deletionProtection,
      accessLogs: config.loadBalancer.accessLogs ? { bucketName: `${prefix}-alb-logs-${config.region}` } : undefined,
      healthCheckPath: config.loadBalancer.healthCheckPath,
      deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
      testListenerPort: config.loadBalancer.testListenerPort,
    });
    const roles = new TaskRoles(this, "task-roles", { namePrefix: prefix });
    const storage = new Storage(this, "storage", {
      namePrefix: prefix,
      subnetIds: network.privateSubnetIds,
      securityGroupId: securityGroups.efsSecurityGroupId,
      taskRoleArn: roles.taskRoleArn,
      performanceMode: config.storage.performanceMode,
      throughputMode: config.storage.throughputMode,
      transitionToIa: config.storage.transitionToIa,
    });
    const database = useMysql
      ? new Database(this, "database", {
          namePrefix: prefix,
          subnetIds: network.privateSubnetIds,
          securityGroupId: securityGroups.databaseSecurityGroupId!,
          instanceClass: config.database.instanceClass,
          engineVersion: config.database.engineVersion,
          allocatedStorageGb: config.database.allocatedStorageGb,
          maxAllocatedStorageGb: config.database.maxAllocatedStorageGb,
          multiAz: config.database.multiAz,
          deletionProtection: config.database.deletionProtection,
          backupRetentionDays: config.database.backupRetentionDays,
          databaseName: config.database.databaseName,
          username: config.database.username,
          finalSnapshot: config.database.deletionProtection,
          logRetentionDays: config.logs.retentionDays,
        })
      : undefined;
    const registry = new Registry(this, "registry", {
      repositoryName: config.registry.repositoryName,
      imageTagMutability: config.registry.imageTagMutability,
      keepImages: config.registry.keepImages,
    });

    const siteUrl = config.service.siteUrl ?? `${loadBalancer.scheme}://${loadBalancer.dnsName}`;
    const ghost = ghostEnvironment({
      siteUrl,
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
      serviceName: config.service.serviceName,
      region: config.region,
      subnetIds: network.serviceSubnetIds,
      securityGroupId: securityGroups.serviceSecurityGroupId,
      assignPublicIp: network.tasksNeedPublicIp,
      targetGroupArn: loadBalancer.blueTargetGroup.arn,
      cpu: config.service.cpu,
      memory: config.service.memory,
      cpuArchitecture: config.service.cpuArchitecture,
      image: config.service.ghostImage,
      environment: ghost.environment,
      secrets: ghost.secrets,
      secretArns: ghost.secretArns,
      efs: storage,
      taskRole: roles.taskRole,
      executionRole: roles.executionRole,
      logRetentionDays: config.logs.retentionDays,
      desiredCount: config.service.desiredCount,
      minCount: config.service.minCount,
      maxCount: config.service.maxCount,
      cpuTargetPercent: config.service.cpuTargetPercent,
      scaleInCooldownSeconds: config.service.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: config.service.scaleOutCooldownSeconds,
      healthCheckGracePeriodSeconds: config.service.healthCheckGracePeriodSeconds,
      capacityProvider: config.service.capacityProvider,
      dependsOn: [loadBalancer.productionListener, ...storage.mountTargets],
    });

    if (config.service.maxCount > 1 || config.service.desiredCount > 1) {
      Annotations.of(this).addWarning(MULTIPLE_INSTANCES_WARNING);
    }

    const outputs: Record<string, [string, string]> = {
      alb_dns_name: [loadBalancer.dnsName, "DNS name of the load balancer"],
      site_url: [siteUrl, "Ghost's public URL"],
      ecr_repository_url: [registry.repositoryUrl, "ECR repository the build pipeline pushes to"],
      cluster_name: [service.clusterName, "ECS cluster"],
      service_name: [service.serviceName, "ECS service (deployment controller CODE_DEPLOY)"],
      efs_file_system_id: [storage.fileSystemId, "EFS file system holding /var/lib/ghost/content"],
      efs_access_point_id: [storage.accessPointId, "EFS access point (uid/gid 1000, /ghost-data)"],
      log_group_name: [service.logGroupName, "CloudWatch log group of the Ghost container"],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new TerraformOutput(this, name, { value, description });
    }

    this.network = network;
    this.loadBalancer = loadBalancer;
    this.service = service;
    this.registry = registry;
  }
}
