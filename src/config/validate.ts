/**
 * Every rule a configuration must satisfy before any construct is built. All problems are
 * collected, then reported at once: each names the environment, the field, the bad value and
 * what is allowed.
 */
import { cidrContains, cidrsOverlap, parseCidr } from "./cidr";
import { GhostConfig, ProjectConfig } from "./types";
import { ECS_DEPLOYMENT_CONFIGS } from "./vocabulary";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The longest suffix any construct appends to `<project>-<environment>` in an ALB or target group name. */
export const LONGEST_LB_NAME_SUFFIX = "-green";
/** The longest suffix any construct appends to `<project>-<environment>` in an IAM role name. */
export const LONGEST_ROLE_NAME_SUFFIX = "-codepipeline-deploy";

/** Fargate task sizes: CPU units → allowed memory (MiB). */
export const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, index) => from + index * step);
}

const NAME_PART = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const DYNAMODB_TABLE = /^[a-zA-Z0-9_.-]{3,255}$/;
const CODECOMMIT_REPOSITORY = /^[\w.-]{1,100}$/;
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CONNECTION_ARN =
  /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const CODEBUILD_COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
] as const;

/** Collects problems for one environment; `field` is the config path, e.g. "network.vpcCidr". */
class Problems {
  readonly list: string[] = [];
  constructor(private readonly where: string) {}

  add(field: string, value: unknown, allowed: string): void {
    this.list.push(`${this.where}: ${field} = ${JSON.stringify(value)}: ${allowed}`);
  }

  check(ok: boolean, field: string, value: unknown, allowed: string): void {
    if (!ok) this.add(field, value, allowed);
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[]): void {
    this.check(
      allowed.includes(value),
      field,
      value,
      `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
    );
  }

  between(field: string, value: number, min: number, max: number): void {
    this.check(
      Number.isInteger(value) && value >= min && value <= max,
      field,
      value,
      `must be a whole number from ${min} to ${max}`,
    );
  }
}

export function s3BucketNameProblem(name: string): string | undefined {
  if (!S3_BUCKET.test(name))
    return "must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not be formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3)$/.test(name)) {
    return "must not use a prefix or suffix AWS reserves (xn--, sthree-, -s3alias, --ol-s3, ...)";
  }
  return undefined;
}

function validateNames(config: GhostConfig, problems: Problems): void {
  problems.check(
    NAME_PART.test(config.project),
    "project",
    config.project,
    "must be lowercase letters, digits and single hyphens, starting with a letter (it is part of S3, ECR and IAM names)",
  );
  problems.check(
    NAME_PART.test(config.environment),
    "environment",
    config.environment,
    "must be lowercase letters, digits and single hyphens, starting with a letter",
  );
  const prefix = `${config.project}-${config.environment}`;
  problems.check(
    (prefix + LONGEST_LB_NAME_SUFFIX).length <= 32,
    "project + environment",
    prefix,
    `"${prefix}${LONGEST_LB_NAME_SUFFIX}" is too long: load balancer and target group names allow 32 characters, so project and environment together may have at most ${32 - LONGEST_LB_NAME_SUFFIX.length - 1} characters`,
  );
  problems.check(
    (prefix + LONGEST_ROLE_NAME_SUFFIX).length <= 64,
    "project + environment",
    prefix,
    `"${prefix}${LONGEST_ROLE_NAME_SUFFIX}" is too long: IAM role names allow 64 characters`,
  );
  problems.check(
    ECR_REPOSITORY.test(config.registry.repositoryName) &&
      config.registry.repositoryName.length >= 2 &&
      config.registry.repositoryName.length <= 256,
    "registry.repositoryName",
    config.registry.repositoryName,
    "must be 2-256 characters of lowercase letters and digits, separated by '.', '_', '-' or '/'",
  );
  problems.check(
    CODECOMMIT_REPOSITORY.test(config.pipelines.repositoryName),
    "pipelines.repositoryName",
    config.pipelines.repositoryName,
    "must be 1-100 characters of letters, digits, '.', '_' and '-'",
  );
  problems.check(
    /^[^\s~^:?*[\\]+$/.test(config.pipelines.branch),
    "pipelines.branch",
    config.pipelines.branch,
    "must be a valid git branch name",
  );
  const artifactBucketProblem = s3BucketNameProblem(config.pipelines.artifactBucketName);
  if (artifactBucketProblem)
    problems.add("pipelines.artifactBucketName", config.pipelines.artifactBucketName, artifactBucketProblem);
}

function validatePipelines(config: GhostConfig, problems: Problems): void {
  const p = config.pipelines;
  problems.check(
    (p.connectionArn === undefined) === (p.githubRepository === undefined),
    "pipelines.connectionArn",
    p.connectionArn ?? null,
    "set connectionArn and githubRepository together (GitHub through a connection), or neither (CodeCommit)",
  );
  if (p.connectionArn !== undefined) {
    problems.check(
      CONNECTION_ARN.test(p.connectionArn),
      "pipelines.connectionArn",
      p.connectionArn,
      "must be a connection ARN: arn:aws:codestar-connections:<region>:<account>:connection/<id> (or codeconnections)",
    );
  }
  if (p.githubRepository !== undefined) {
    problems.check(
      /^[\w.-]+\/[\w.-]+$/.test(p.githubRepository),
      "pipelines.githubRepository",
      p.githubRepository,
      'must be "owner/name"',
    );
  }
  problems.between("pipelines.artifactExpirationDays", p.artifactExpirationDays, 1, 3650);
  problems.oneOf("pipelines.computeType", p.computeType, CODEBUILD_COMPUTE_TYPES);
  problems.between("pipelines.buildTimeoutMinutes", p.buildTimeoutMinutes, 5, 2160);
  problems.between("pipelines.queuedTimeoutMinutes", p.queuedTimeoutMinutes, 5, 480);
  problems.oneOf("pipelines.deploymentConfig", p.deploymentConfig, ECS_DEPLOYMENT_CONFIGS);
  problems.between("pipelines.terminateBlueAfterMinutes", p.terminateBlueAfterMinutes, 0, 2880);
  problems.between("pipelines.readyWaitMinutes", p.readyWaitMinutes, 0, 2880);
  problems.check(
    /^[\w][\w.-]{0,127}$/.test(p.imageTag),
    "pipelines.imageTag",
    p.imageTag,
    "must be a Docker tag: letters, digits, '_', '.', '-', at most 128",
  );
}

function validatePlacement(config: GhostConfig, problems: Problems): void {
  const regionOk = REGION.test(config.region);
  problems.check(regionOk, "region", config.region, "must be an AWS region code such as eu-west-2 or us-east-1");
  const zones = config.availabilityZones;
  problems.check(
    zones.length >= 2,
    "availabilityZones",
    zones,
    `has ${zones.length} zone(s); at least 2 are required (an ALB and a Multi-AZ service need two)`,
  );
  for (const [index, zone] of zones.entries()) {
    if (regionOk) {
      problems.check(
        new RegExp(`^${config.region}[a-z]$`).test(zone),
        `availabilityZones[${index}]`,
        zone,
        `must be a zone of region ${config.region}, e.g. ${config.region}a`,
      );
    }
  }
  problems.check(new Set(zones).size === zones.length, "availabilityZones", zones, "must not repeat a zone");
}

function validateNetwork(config: GhostConfig, problems: Problems): void {
  const { network, availabilityZones } = config;
  const vpc = parseCidr(network.vpcCidr);
  problems.check(
    vpc !== undefined,
    "network.vpcCidr",
    network.vpcCidr,
    "must be an IPv4 CIDR a.b.c.d/n with host bits zero, e.g. 10.0.0.0/16",
  );
  if (vpc) problems.between("network.vpcCidr prefix length", vpc.prefix, 16, 24);
  problems.oneOf("network.natGateways", network.natGateways, ["none", "single", "per-az"] as const);

  const subnets: { field: string; text: string; cidr: ReturnType<typeof parseCidr> }[] = [];
  for (const kind of ["publicSubnetCidrs", "privateSubnetCidrs"] as const) {
    const list = network[kind];
    problems.check(
      list.length === availabilityZones.length,
      `network.${kind}`,
      list,
      `must list one CIDR per availability zone (${availabilityZones.length})`,
    );
    list.forEach((text, index) => {
      const field = `network.${kind}[${index}]`;
      const cidr = parseCidr(text);
      problems.check(cidr !== undefined, field, text, "must be an IPv4 CIDR a.b.c.d/n with host bits zero");
      if (cidr && vpc)
        problems.check(cidrContains(vpc, cidr), field, text, `must lie inside the VPC CIDR ${network.vpcCidr}`);
      if (cidr)
        problems.check(cidr.prefix <= 28, field, text, "must be /28 or larger (the smallest subnet AWS allows)");
      subnets.push({ field, text, cidr });
    });
  }
  subnets.forEach((a, i) =>
    subnets.slice(i + 1).forEach((b) => {
      if (a.cidr && b.cidr && cidrsOverlap(a.cidr, b.cidr)) {
        problems.add(b.field, b.text, `overlaps ${a.field} (${a.text}); subnets must not overlap`);
      }
    }),
  );
}

function validateLoadBalancer(config: GhostConfig, problems: Problems): void {
  const lb = config.loadBalancer;
  if (lb.certificateArn !== undefined) {
    problems.check(
      ACM_CERTIFICATE_ARN.test(lb.certificateArn),
      "loadBalancer.certificateArn",
      lb.certificateArn,
      "must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>",
    );
  }
  problems.between("loadBalancer.testListenerPort", lb.testListenerPort, 1, 65535);
  problems.check(
    ![80, 443].includes(lb.testListenerPort),
    "loadBalancer.testListenerPort",
    lb.testListenerPort,
    "must not be 80 or 443 (the production listener's ports)",
  );
  lb.testListenerCidrs.forEach((cidr, index) =>
    problems.check(
      parseCidr(cidr) !== undefined,
      `loadBalancer.testListenerCidrs[${index}]`,
      cidr,
      "must be an IPv4 CIDR such as 203.0.113.0/24",
    ),
  );
  problems.check(
    lb.healthCheckPath.startsWith("/"),
    "loadBalancer.healthCheckPath",
    lb.healthCheckPath,
    "must start with '/'",
  );
  problems.between("loadBalancer.deregistrationDelaySeconds", lb.deregistrationDelaySeconds, 0, 3600);
}

function validateService(config: GhostConfig, problems: Problems): void {
  const { service, database } = config;
  const memories = FARGATE_SIZES[service.cpu];
  if (!memories) {
    problems.add("service.cpu", service.cpu, `must be a Fargate CPU size: ${Object.keys(FARGATE_SIZES).join(", ")}`);
  } else {
    // 256 CPU allows 512, 1024, 2048: no single step, so list them.
    const step = memories[1] - memories[0];
    const evenSteps = memories.every((memory, index) => index === 0 || memory - memories[index - 1] === step);
    problems.check(
      memories.includes(service.memory),
      "service.memory",
      service.memory,
      `with service.cpu ${service.cpu}, Fargate allows ` +
        (evenSteps
          ? `${memories[0]} to ${memories[memories.length - 1]} MiB in steps of ${step}`
          : `${memories.join(", ")} MiB`),
    );
  }
  problems.oneOf("service.cpuArchitecture", service.cpuArchitecture, ["X86_64", "ARM64"] as const);
  problems.oneOf("service.capacityProvider", service.capacityProvider, ["FARGATE", "FARGATE_SPOT"] as const);
  problems.check(
    !(service.capacityProvider === "FARGATE_SPOT" && service.cpuArchitecture === "ARM64"),
    "service.capacityProvider",
    service.capacityProvider,
    "FARGATE_SPOT does not run ARM64 tasks; use FARGATE or X86_64",
  );
  problems.check(
    service.ghostImage.trim().length > 0,
    "service.ghostImage",
    service.ghostImage,
    "must name a container image, e.g. ghost:6.65.0-alpine",
  );
  if (service.siteUrl !== undefined) {
    problems.check(
      /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(service.siteUrl),
      "service.siteUrl",
      service.siteUrl,
      "must be an http(s) URL such as https://blog.example.com",
    );
  }
  problems.between("service.minCount", service.minCount, 0, 1000);
  problems.between("service.maxCount", service.maxCount, 1, 1000);
  problems.check(
    service.minCount <= service.maxCount,
    "service.minCount",
    service.minCount,
    `must not exceed service.maxCount (${service.maxCount})`,
  );
  problems.check(
    Number.isInteger(service.desiredCount) &&
      service.desiredCount >= service.minCount &&
      service.desiredCount <= service.maxCount,
    "service.desiredCount",
    service.desiredCount,
    `must be a whole number from service.minCount (${service.minCount}) to service.maxCount (${service.maxCount})`,
  );
  problems.between("service.cpuTargetPercent", service.cpuTargetPercent, 1, 100);
  problems.between("service.scaleInCooldownSeconds", service.scaleInCooldownSeconds, 0, 3600);
  problems.between("service.scaleOutCooldownSeconds", service.scaleOutCooldownSeconds, 0, 3600);
  problems.between("service.healthCheckGracePeriodSeconds", service.healthCheckGracePeriodSeconds, 0, 2147483647);
  if (database.engine === "sqlite") {
    // Two Ghost processes writing one SQLite file over NFS corrupt it.
    problems.check(
      service.desiredCount === 1 && service.maxCount === 1,
      "database.engine",
      database.engine,
      `SQLite on EFS allows exactly one Ghost task, but service.desiredCount is ${service.desiredCount} and service.maxCount is ${service.maxCount}; set both to 1 or use "mysql"`,
    );
  }
}

function validateDatabase(config: GhostConfig, problems: Problems): void {
  const db = config.database;
  problems.oneOf("database.engine", db.engine, ["mysql", "sqlite"] as const);
  if (db.engine !== "mysql") return;
  problems.check(
    /^8(\.\d+){0,2}$/.test(db.engineVersion),
    "database.engineVersion",
    db.engineVersion,
    "must be a MySQL 8 version such as 8.0 or 8.4: Ghost supports only MySQL 8 in production",
  );
  problems.check(
    /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(db.instanceClass),
    "database.instanceClass",
    db.instanceClass,
    "must be an RDS instance class such as db.t4g.micro",
  );
  problems.between("database.allocatedStorageGb", db.allocatedStorageGb, 20, 65536);
  problems.check(
    db.maxAllocatedStorageGb >= db.allocatedStorageGb,
    "database.maxAllocatedStorageGb",
    db.maxAllocatedStorageGb,
    `must be at least database.allocatedStorageGb (${db.allocatedStorageGb})`,
  );
  problems.between("database.backupRetentionDays", db.backupRetentionDays, 1, 35);
  problems.check(
    /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/.test(db.databaseName),
    "database.databaseName",
    db.databaseName,
    "must be 1-64 letters, digits or '_', starting with a letter",
  );
  problems.check(
    /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/.test(db.username) &&
      !["admin", "root", "rdsadmin"].includes(db.username.toLowerCase()),
    "database.username",
    db.username,
    "must be 1-32 letters, digits or '_', starting with a letter, and not a reserved name (admin, root, rdsadmin)",
  );
}

function validateStorage(config: GhostConfig, problems: Problems): void {
  const { storage } = config;
  problems.oneOf("storage.performanceMode", storage.performanceMode, ["generalPurpose", "maxIO"] as const);
  problems.oneOf("storage.throughputMode", storage.throughputMode, ["bursting", "elastic"] as const);
  problems.check(
    !(storage.performanceMode === "maxIO" && storage.throughputMode === "elastic"),
    "storage.throughputMode",
    storage.throughputMode,
    "elastic throughput requires performanceMode generalPurpose",
  );
}

function validateOperations(config: GhostConfig, problems: Problems): void {
  problems.check(
    LOG_RETENTION_DAYS.includes(config.logs.retentionDays),
    "logs.retentionDays",
    config.logs.retentionDays,
    `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`,
  );
  config.alerts.emails.forEach((email, index) =>
    problems.check(EMAIL.test(email), `alerts.emails[${index}]`, email, "must be an e-mail address"),
  );
  const thresholds = config.alerts.thresholds;
  problems.check(
    Number.isInteger(thresholds.periodSeconds) && thresholds.periodSeconds >= 60 && thresholds.periodSeconds % 60 === 0,
    "alerts.thresholds.periodSeconds",
    thresholds.periodSeconds,
    "must be a multiple of 60 seconds",
  );
  problems.between("alerts.thresholds.evaluationPeriods", thresholds.evaluationPeriods, 1, 100);
  problems.check(
    Number.isInteger(thresholds.datapointsToAlarm) &&
      thresholds.datapointsToAlarm >= 1 &&
      thresholds.datapointsToAlarm <= thresholds.evaluationPeriods,
    "alerts.thresholds.datapointsToAlarm",
    thresholds.datapointsToAlarm,
    `must be a whole number from 1 to alerts.thresholds.evaluationPeriods (${thresholds.evaluationPeriods})`,
  );
  for (const [name, value] of Object.entries(thresholds)) {
    problems.check(
      typeof value === "number" && Number.isFinite(value) && value > 0,
      `alerts.thresholds.${name}`,
      value,
      "must be a positive number",
    );
  }
  for (const name of [
    "loadBalancer5xxPercent",
    "target5xxPercent",
    "serviceCpuPercent",
    "serviceMemoryPercent",
    "efsPercentIoLimit",
    "databaseCpuPercent",
  ] as const) {
    problems.check(
      thresholds[name] <= 100,
      `alerts.thresholds.${name}`,
      thresholds[name],
      "is a percentage: at most 100",
    );
  }
  problems.between("registry.keepImages", config.registry.keepImages, 1, 1000);
  problems.oneOf("registry.imageTagMutability", config.registry.imageTagMutability, ["MUTABLE", "IMMUTABLE"] as const);
  for (const [key, value] of Object.entries(config.tags)) {
    problems.check(
      key.length >= 1 && key.length <= 128 && !key.toLowerCase().startsWith("aws:"),
      `tags.${key}`,
      key,
      "tag keys must be 1-128 characters and must not start with aws:",
    );
    problems.check(value.length <= 256, `tags.${key}`, value, "tag values must be at most 256 characters");
  }
}

function validateEdge(config: GhostConfig, problems: Problems): void {
  const { dns, cloudFront, waf } = config.edge;
  problems.check(
    (dns.hostedZoneId === undefined) === (dns.domainName === undefined),
    "edge.dns",
    dns,
    "set both hostedZoneId and domainName, or neither",
  );
  if (dns.hostedZoneId !== undefined) {
    problems.check(
      /^Z[A-Z0-9]{1,31}$/.test(dns.hostedZoneId),
      "edge.dns.hostedZoneId",
      dns.hostedZoneId,
      "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
    );
  }
  if (dns.domainName !== undefined) {
    problems.check(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(dns.domainName),
      "edge.dns.domainName",
      dns.domainName,
      "must be a lowercase DNS name such as blog.example.com",
    );
  }
  problems.oneOf("edge.cloudFront.priceClass", cloudFront.priceClass, [
    "PriceClass_100",
    "PriceClass_200",
    "PriceClass_All",
  ] as const);
  if (cloudFront.enabled) {
    // Behind CloudFront, Ghost's https url needs an https origin: the ALB certificate comes from dns.
    problems.check(
      dns.domainName !== undefined,
      "edge.cloudFront.enabled",
      true,
      "CloudFront needs edge.dns (hostedZoneId and domainName) for its certificate and the ALB's",
    );
    problems.check(
      /^pl-[0-9a-f]{8,17}$/.test(cloudFront.originFacingPrefixListId ?? ""),
      "edge.cloudFront.originFacingPrefixListId",
      cloudFront.originFacingPrefixListId ?? null,
      "must be the region's com.amazonaws.global.cloudfront.origin-facing prefix list id (pl-...)",
    );
    // The prefix list counts as 55 rules of the ALB security group's 60.
    problems.check(
      config.loadBalancer.testListenerCidrs.length <= 5,
      "loadBalancer.testListenerCidrs",
      config.loadBalancer.testListenerCidrs,
      "with CloudFront, at most 5 CIDRs fit in the ALB security group beside the CloudFront prefix list",
    );
  }
  problems.between("edge.waf.rateLimit", waf.rateLimit, 10, 2000000000);
}

/** Problems of one environment. */
export function environmentProblems(config: GhostConfig): string[] {
  const problems = new Problems(config.environment || "(unnamed environment)");
  validateNames(config, problems);
  validatePlacement(config, problems);
  validateNetwork(config, problems);
  validateLoadBalancer(config, problems);
  validateService(config, problems);
  validateDatabase(config, problems);
  validateStorage(config, problems);
  validateOperations(config, problems);
  validateEdge(config, problems);
  validatePipelines(config, problems);
  return problems.list;
}

/** Validates the whole project; throws one ConfigError listing every problem. */
export function validateProject(project: ProjectConfig): ProjectConfig {
  const problems: string[] = [];
  const state = new Problems("state");
  const bucketProblem = s3BucketNameProblem(project.state.bucket);
  if (bucketProblem) state.add("bucket", project.state.bucket, bucketProblem);
  state.check(
    DYNAMODB_TABLE.test(project.state.lockTable),
    "lockTable",
    project.state.lockTable,
    "must be 3-255 characters of letters, digits, '_', '-' and '.'",
  );
  state.check(
    REGION.test(project.state.region),
    "region",
    project.state.region,
    "must be an AWS region code such as eu-west-2",
  );
  problems.push(...state.list);

  if (project.environments.length === 0) problems.push("project: environments = []: declare at least one environment");
  const seen = new Set<string>();
  for (const environment of project.environments) {
    if (seen.has(environment.environment)) {
      problems.push(
        `${environment.environment}: environment = ${JSON.stringify(environment.environment)}: is declared twice; environment names must be unique`,
      );
    }
    seen.add(environment.environment);
    problems.push(...environmentProblems(environment));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return project;
}
