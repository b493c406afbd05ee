import { Annotations, TerraformStack, Token } from "cdktf";
import { domainOf, isPlaceholderDomain } from "../../config";
import { Registry } from "../../build/registry";
import { DnsValidatedCertificate } from "../../edge";
import { Database } from "../../run/database";
import { LoadBalancer } from "../../run/load-balancer";
import { Network } from "../../run/network";
import { SecurityGroups } from "../../run/security-groups";
import { ghostMailEnvironment } from "../../run/mail";
import { OwnerBootstrap } from "../../run/owner-bootstrap";
import { ghostEnvironment, GhostService } from "../../run/service";
import { Storage } from "../../run/storage";
import { Foundation } from "./foundation";
import { versionWarnings } from "./version-warnings";

export const MULTIPLE_INSTANCES_WARNING =
  "Ghost supports one instance per site (Ghost FAQ: clustering, sharding, HA and other multi-server setups); " +
  "more than one task can give 405 errors and stale content. See the README, 'One Ghost per site'.";

export const PLAIN_HTTP_ADMIN_WARNING =
  "Ghost admin is served over plain HTTP to everyone: staff passwords, sign-in codes and session cookies cross the " +
  "internet in clear. Give the site a certificate (loadBalancer.certificateArn or edge.dns), or at least keep admin " +
  "to your own addresses (admin.allowedCidrs). README: The first minute.";

/** Synth's warning for an owner address at a reserved domain. */
export function placeholderOwnerWarning(address: string): string {
  return (
    `admin.ownerEmail "${address}" is at a reserved example domain: the deploy creates Ghost's owner with it, and ` +
    "Ghost sends the owner's sign-in codes and password resets there. Set admin.ownerEmail (README: The first minute)."
  );
}

/** Seconds Ghost lets a CDN cache its pages when CloudFront is on (Ghost's own default is 0). */
const CDN_PAGE_MAX_AGE_SECONDS = 300;

export interface RunLens {
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly loadBalancer: LoadBalancer;
  readonly storage: Storage;
  readonly database?: Database;
  readonly registry: Registry;
  readonly service: GhostService;
  /** The secrets the owner bootstrap fills. */
  readonly owner: OwnerBootstrap;
  /** Ghost's public URL. */
  readonly siteUrl: string;
}

/** Run: network, security groups, load balancer (with the edge's certificate), storage, database, registry, service. */
export function runLens(stack: TerraformStack, base: Foundation): RunLens {
  const { config, prefix, logs, roles } = base;
  const zone = config.edge.dns;
  const network = new Network(stack, "network", {
    namePrefix: prefix,
    config: config.network,
    availabilityZones: config.availabilityZones,
    logs,
  });
  const albCertificate = zone ? new DnsValidatedCertificate(stack, "alb-certificate", zone) : undefined;
  const certificateArn = config.loadBalancer.certificateArn ?? albCertificate?.certificateArn;
  const useMysql = config.database.engine === "mysql";
  const securityGroups = new SecurityGroups(stack, "security-groups", {
    namePrefix: prefix,
    vpcId: network.vpcId,
    httpsEnabled: certificateArn !== undefined,
    loadBalancer: config.loadBalancer,
    databaseEnabled: useMysql,
    publicIngress: !config.edge.cloudFront.enabled,
    smtpPort: config.mail.mode === "smtp" ? config.mail.smtp?.port : undefined,
  });
  const loadBalancer = new LoadBalancer(stack, "load-balancer", {
    namePrefix: prefix,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    securityGroupId: securityGroups.albSecurityGroupId,
    config: config.loadBalancer,
    region: config.region,
    certificateArn,
  });
  const storage = new Storage(stack, "storage", {
    namePrefix: prefix,
    subnetIds: network.privateSubnetIds,
    securityGroupId: securityGroups.efsSecurityGroupId,
    taskRoleArn: roles.taskRoleArn,
    config: config.storage,
    preventDestroy: config.preventDestroy,
  });
  const database = useMysql
    ? new Database(stack, "database", {
        namePrefix: prefix,
        subnetIds: network.privateSubnetIds,
        securityGroupId: securityGroups.databaseSecurityGroupId!,
        config: config.database,
        preventDestroy: config.preventDestroy,
        logs,
      })
    : undefined;
  const registry = new Registry(stack, "registry", { config: config.registry, preventDestroy: config.preventDestroy });

  const { service, owner, siteUrl } = ghostService(stack, base, {
    network,
    securityGroups,
    loadBalancer,
    storage,
    database,
  });
  return { network, securityGroups, loadBalancer, storage, database, registry, service, owner, siteUrl };
}

/** Ghost itself: its URL, its environment (the database it reaches) and the ECS service that runs it. */
function ghostService(
  stack: TerraformStack,
  base: Foundation,
  run: Pick<RunLens, "network" | "securityGroups" | "loadBalancer" | "storage" | "database">,
): { service: GhostService; owner: OwnerBootstrap; siteUrl: string } {
  const { config, prefix, logs, roles } = base;
  const { network, securityGroups, loadBalancer, storage, database } = run;
  const zone = config.edge.dns;
  const siteUrl =
    config.service.siteUrl ??
    (zone ? `https://${zone.domainName}` : `${loadBalancer.scheme}://${loadBalancer.dnsName}`);
  const owner = new OwnerBootstrap(stack, "owner-bootstrap", {
    namePrefix: prefix,
    taskRole: roles.taskRole,
    preventDestroy: config.preventDestroy,
  });
  const service = new GhostService(stack, "service", {
    namePrefix: prefix,
    config: config.service,
    region: config.region,
    subnetIds: network.serviceSubnetIds,
    securityGroupId: securityGroups.serviceSecurityGroupId,
    assignPublicIp: network.tasksNeedPublicIp,
    targetGroupArn: loadBalancer.blueTargetGroup.arn,
    ...ghostEnvironment({
      siteUrl,
      frontendMaxAgeSeconds: config.edge.cloudFront.enabled ? CDN_PAGE_MAX_AGE_SECONDS : undefined,
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
      mail: ghostMailEnvironment(config.mail, config.region),
      staffDeviceVerification: config.mail.mode !== "none",
    }),
    bootstrap: {
      siteUrl,
      ownerEmail: config.admin.ownerEmail,
      ownerName: config.admin.ownerName,
      ownerSecretArn: owner.ownerSecretArn,
      integrationSecretArn: owner.integrationSecretArn,
      region: config.region,
      // A first boot migrates an empty database: give it the grace period, and never less than ten minutes.
      waitSeconds: Math.max(600, config.service.healthCheckGracePeriodSeconds),
    },
    efs: storage,
    taskRole: roles.taskRole,
    executionRole: roles.executionRole,
    logs,
    dependsOn: [loadBalancer.productionListener, ...loadBalancer.setupRefusals, owner.policy, ...storage.mountTargets],
  });
  if (config.service.maxCount > 1 || config.service.desiredCount > 1) {
    Annotations.of(stack).addWarning(MULTIPLE_INSTANCES_WARNING);
  }
  for (const warning of versionWarnings(config)) Annotations.of(stack).addWarning(warning);
  if (siteUrl.startsWith("http://") && config.admin.allowedCidrs.length === 0) {
    Annotations.of(stack).addWarning(PLAIN_HTTP_ADMIN_WARNING);
  }
  if (isPlaceholderDomain(domainOf(config.admin.ownerEmail))) {
    Annotations.of(stack).addWarning(placeholderOwnerWarning(config.admin.ownerEmail));
  }
  return { service, owner, siteUrl };
}
