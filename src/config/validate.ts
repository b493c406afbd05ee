/**
 * Rules that join several settings, one validator per section in the order of the types, run on
 * the resolved configuration (schema.ts checks each setting on its own first). All problems are
 * collected, then reported at once: each names the environment, the field, the bad value and what
 * is allowed.
 */
import { z } from "zod";
import { cidrContains, cidrsOverlap, MAX_DERIVED_AZS, parseCidr } from "./cidr";
import { FARGATE_SIZES, IAM_ROLE_ARN } from "./schema";
import { domainOf, isProduction, SMTP_PORTS } from "./vocabulary";
import { GhostConfig, ProjectConfig } from "./types";

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

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

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
  const artifactBucketProblem = s3BucketNameProblem(config.pipelines.artifactBucketName);
  if (artifactBucketProblem) {
    problems.add("pipelines.artifactBucketName", config.pipelines.artifactBucketName, artifactBucketProblem);
  }
}

function validatePlacement(config: GhostConfig, problems: Problems): void {
  for (const [index, zone] of config.availabilityZones.entries()) {
    problems.check(
      new RegExp(`^${config.region}[a-z]$`).test(zone),
      `availabilityZones[${index}]`,
      zone,
      `must be a zone of region ${config.region}, e.g. ${config.region}a`,
    );
  }
}

function validateNetwork(config: GhostConfig, problems: Problems): void {
  const { network, availabilityZones } = config;
  const vpc = parseCidr(network.vpcCidr)!;
  const subnets: { field: string; text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const kind of ["publicSubnetCidrs", "privateSubnetCidrs"] as const) {
    const list = network[kind];
    problems.check(
      list.length === availabilityZones.length,
      `network.${kind}`,
      list,
      `must list one CIDR per availability zone (${availabilityZones.length}); they are derived only for up to ${MAX_DERIVED_AZS} zones in a VPC of /25 or larger`,
    );
    list.forEach((text, index) => {
      const field = `network.${kind}[${index}]`;
      const cidr = parseCidr(text)!;
      problems.check(cidrContains(vpc, cidr), field, text, `must lie inside the VPC CIDR ${network.vpcCidr}`);
      subnets.push({ field, text, cidr });
    });
  }
  subnets.forEach((a, i) =>
    subnets.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.cidr, b.cidr)) {
        problems.add(b.field, b.text, `overlaps ${a.field} (${a.text}); subnets must not overlap`);
      }
    }),
  );
}

function validateService(config: GhostConfig, problems: Problems): void {
  const { service, database } = config;
  const memories = FARGATE_SIZES[service.cpu];
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
  problems.check(
    !(service.capacityProvider === "FARGATE_SPOT" && service.cpuArchitecture === "ARM64"),
    "service.capacityProvider",
    service.capacityProvider,
    "FARGATE_SPOT does not run ARM64 tasks; use FARGATE or X86_64",
  );
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
  // Every deployment is CodeDeploy blue/green: the green Ghost runs beside the blue one for minutes,
  // and two Ghost processes writing one SQLite file over NFS corrupt it.
  problems.check(
    database.engine !== "sqlite",
    "database.engine",
    database.engine,
    `every deployment is CodeDeploy blue/green, which runs the green Ghost beside the blue one until pipelines.terminateBlueAfterMinutes (${config.pipelines.terminateBlueAfterMinutes}) after the cutover: two Ghost processes on one SQLite file over NFS corrupt it. Use "mysql"`,
  );
}

function validateDatabase(config: GhostConfig, problems: Problems): void {
  const db = config.database;
  problems.check(
    db.maxAllocatedStorageGb >= db.allocatedStorageGb,
    "database.maxAllocatedStorageGb",
    db.maxAllocatedStorageGb,
    `must be at least database.allocatedStorageGb (${db.allocatedStorageGb})`,
  );
}

function validateStorage(config: GhostConfig, problems: Problems): void {
  const { storage } = config;
  problems.check(
    !(storage.performanceMode === "maxIO" && storage.throughputMode === "elastic"),
    "storage.throughputMode",
    storage.throughputMode,
    "elastic throughput requires performanceMode generalPurpose",
  );
}

function validateAlerts(config: GhostConfig, problems: Problems): void {
  const thresholds = config.alerts.thresholds;
  problems.check(
    Number.isInteger(thresholds.datapointsToAlarm) && thresholds.datapointsToAlarm <= thresholds.evaluationPeriods,
    "alerts.thresholds.datapointsToAlarm",
    thresholds.datapointsToAlarm,
    `must be a whole number from 1 to alerts.thresholds.evaluationPeriods (${thresholds.evaluationPeriods})`,
  );
}

function validateAccount(config: GhostConfig, problems: Problems): void {
  const { id, deployRoleArn } = config.account;
  const roleAccount = deployRoleArn && IAM_ROLE_ARN.exec(deployRoleArn)?.[1];
  problems.check(
    !id || !roleAccount || roleAccount === id,
    "account.deployRoleArn",
    deployRoleArn,
    `must be a role of the environment's account ${id} (account.id)`,
  );
}

function validateEdge(config: GhostConfig, problems: Problems): void {
  const { dns, cloudFront } = config.edge;
  // The admin password and session cookies must never cross the internet in clear.
  problems.check(
    !isProduction(config) || config.loadBalancer.certificateArn !== undefined || dns !== undefined,
    "loadBalancer.certificateArn",
    null,
    "a production environment (deletion protection on) must serve HTTPS: set loadBalancer.certificateArn (an ACM certificate of yours) or edge.dns (hostedZoneId and domainName: a DNS-validated certificate is made)",
  );
  if (cloudFront.enabled) {
    // Behind CloudFront, Ghost's https url needs an https origin: the ALB certificate comes from dns.
    problems.check(
      dns !== undefined,
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
}

/** `name` is `domain` or one of its subdomains. */
export function isWithinDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function validateMail(config: GhostConfig, problems: Problems): void {
  const { mode, from, ses, smtp } = config.mail;
  if (mode !== "none" && !from) {
    problems.add(
      "mail.from",
      from ?? null,
      `is required with mail.mode "${mode}": the sender, e.g. noreply@<your domain>`,
    );
  }
  if (mode === "ses" && from && ses.domain) {
    problems.check(
      isWithinDomain(domainOf(from), ses.domain),
      "mail.from",
      from,
      `must be an address at mail.ses.domain (${ses.domain}) or one of its subdomains: SES sends only from its verified identity`,
    );
    const zone = config.edge.dns;
    if (zone) {
      problems.check(
        isWithinDomain(zone.domainName, ses.domain) || isWithinDomain(ses.domain, zone.domainName),
        "mail.ses.domain",
        ses.domain,
        `its DKIM, MAIL FROM and DMARC records go to hosted zone ${zone.hostedZoneId} (edge.dns), which holds ${zone.domainName}: use that domain, a parent or a subdomain of it`,
      );
    }
  }
  if (mode === "smtp" && !smtp) {
    problems.add("mail.smtp", null, 'is required with mail.mode "smtp": { host, user, passwordSecretArn }');
  }
  if (smtp && mode !== "smtp") {
    problems.add(
      "mail.smtp",
      { host: smtp.host },
      `is set but mail.mode is "${mode}": set mail.mode "smtp" or remove mail.smtp`,
    );
  }
  if (smtp) {
    // The schema accepts only the ports SMTP_PORTS names.
    const spoken = SMTP_PORTS[smtp.port];
    problems.check(
      smtp.security === spoken,
      "mail.smtp.security",
      smtp.security,
      `port ${smtp.port} speaks ${spoken} (tls on ${portsSpeaking("tls")}; starttls on ${portsSpeaking("starttls")})`,
    );
  }
}

function portsSpeaking(security: string): string {
  return Object.entries(SMTP_PORTS)
    .filter(([, spoken]) => spoken === security)
    .map(([port]) => port)
    .join(", ");
}

/** Problems of one environment, in the order of the configuration's sections. */
export function environmentProblems(config: GhostConfig): string[] {
  const problems = new Problems(config.environment);
  validateNames(config, problems);
  validatePlacement(config, problems);
  validateNetwork(config, problems);
  validateService(config, problems);
  validateDatabase(config, problems);
  validateStorage(config, problems);
  validateAlerts(config, problems);
  validateMail(config, problems);
  validateEdge(config, problems);
  validateAccount(config, problems);
  return problems.list;
}

/** Problems of the resolved project: the state bucket's name and the environments' names and rules. */
export function projectProblems(project: ProjectConfig): string[] {
  const problems: string[] = [];
  const state = new Problems("state");
  const bucketProblem = s3BucketNameProblem(project.state.bucket);
  if (bucketProblem) state.add("bucket", project.state.bucket, bucketProblem);
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
  problems.push(...sharedIdentityProblems(project.environments));
  return problems;
}

/** SES identities are per account and region: two environments there cannot both create one. */
function sharedIdentityProblems(environments: GhostConfig[]): string[] {
  const owners = new Map<string, string>();
  return environments.flatMap((config) => {
    const domain = config.mail.mode === "ses" ? config.mail.ses.domain : undefined;
    if (!domain) return [];
    const key = `${config.region} ${domain}`;
    const owner = owners.get(key);
    if (!owner) {
      owners.set(key, config.environment);
      return [];
    }
    return [
      `${config.environment}: mail.ses.domain = ${JSON.stringify(domain)}: environment ${owner} already creates the SES identity ${domain} in ${config.region} (one per account and region); give this one its own domain, e.g. a subdomain for both mail.from and mail.ses.domain`,
    ];
  });
}

// ---- Problems of the input's shape, from the schema's issues ----

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a section: { ... }",
  record: "an object of names to strings",
};

/** `a.b[0].c` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length];
}

function unknownKeyMessage(key: string, known: string[]): string {
  const closest = known
    .map((name) => ({ name, distance: distance(key, name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint =
    closest && closest.distance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${closest.name}"?)` : "";
  return `is not a setting${hint}; the settings here are ${known.join(", ")}`;
}

/** Keys an object schema at `path` declares (for unknown-key messages). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = node.shape[key as string];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** The schema under defaults, optionals and pipes. */
export function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  while (
    node instanceof z.ZodDefault ||
    node instanceof z.ZodPrefault ||
    node instanceof z.ZodOptional ||
    node instanceof z.ZodPipe
  ) {
    node = node instanceof z.ZodPipe ? (node.in as z.ZodType) : (node.unwrap() as z.ZodType);
  }
  return node;
}

/**
 * One problem line per issue of the project input: where (the environment's name, "state" or
 * "project"), the field, the value given and what is allowed.
 */
export function shapeProblems(schema: z.ZodType, input: unknown, issues: z.core.$ZodIssue[]): string[] {
  const environments = (input as { environments?: unknown } | undefined)?.environments;
  const where = (path: readonly PropertyKey[]): { where: string; path: readonly PropertyKey[] } => {
    if (path[0] === "environments" && typeof path[1] === "number") {
      const name = Array.isArray(environments)
        ? (environments[path[1]] as { environment?: unknown })?.environment
        : undefined;
      return { where: typeof name === "string" && name ? name : `environments[${path[1]}]`, path: path.slice(2) };
    }
    if (path[0] === "state") return { where: "state", path: path.slice(1) };
    return { where: "project", path };
  };
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const at = where([...issue.path, key]);
        const value = valueAt(input, [...issue.path, key]);
        return `${at.where}: ${fieldOf(at.path)} = ${JSON.stringify(value)}: ${unknownKeyMessage(key, known)}`;
      });
    }
    const at = where(issue.path);
    if (issue.code === "invalid_key") {
      // A record's key broke its rule: the key is the value in question.
      const key = issue.path[issue.path.length - 1];
      return [
        `${at.where}: ${fieldOf(at.path)} = ${JSON.stringify(key)}: ${issue.issues[0]?.message ?? issue.message}`,
      ];
    }
    const value = valueAt(input, issue.path);
    const field = fieldOf(at.path) || "(the whole input)";
    const message =
      issue.code === "invalid_type"
        ? `${value === undefined ? "is required: " : ""}must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`
        : issue.message;
    return [`${at.where}: ${field} = ${value === undefined ? "undefined" : JSON.stringify(value)}: ${message}`];
  });
}
