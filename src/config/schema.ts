/**
 * The one home of every setting: its type, its rule, its default and its description, declared
 * once with zod. The TypeScript types (types.ts), the run-time check of whatever environments.ts
 * holds (synth only transpiles, so nothing else checks it) and the README's configuration
 * reference are all derived from here. Rules that join several settings live in validate.ts,
 * one validator per section; defaults that derive from other settings (names, zones, subnets) in
 * defaults.ts.
 */
import { z } from "zod";
import {
  anyCidrsOverlap,
  anyCidrContains,
  CLOUDFRONT_RANGES,
  networkOfHostCidr,
  NON_ROUTABLE_RANGES,
  parseAnyCidr,
  parseCidr,
} from "./cidr";
import {
  CAPACITY_PROVIDERS,
  CLOUDFRONT_PRICE_CLASSES,
  CODEBUILD_COMPUTE_TYPES,
  CPU_ARCHITECTURES,
  DATABASE_ENGINES,
  RDS_CA_CERTIFICATES,
  DMARC_POLICIES,
  ECS_DEPLOYMENT_CONFIGS,
  EFS_PERFORMANCE_MODES,
  EFS_THROUGHPUT_MODES,
  EFS_TRANSITIONS_TO_IA,
  IMAGE_TAG_MUTABILITIES,
  MAIL_MODES,
  MAILGUN_REGIONS,
  NAT_GATEWAY_MODES,
  SMTP_PORTS,
  SMTP_SECURITIES,
} from "./vocabulary";

/** What the reference says of a setting besides its description. */
export interface SettingMeta {
  readonly description: string;
  /** A remark after the default, e.g. "true in prod". */
  readonly note?: string;
  /** The default when it derives from other settings, in words. */
  readonly derived?: string;
  /** The stateful resource a change of the setting replaces (the plan check refuses it; README: Recovery). */
  readonly replaces?: string;
}

/** The registry the reference generator reads. */
export const settings = z.registry<SettingMeta>();

/** A setting with a literal default. */
function withDefault<T extends z.ZodType>(schema: T, value: z.output<T>, description: string, note?: string) {
  const field = schema.default(value as never);
  settings.add(field, { description, note });
  return field;
}

/** Marks a setting whose change replaces a stateful resource, for the reference. */
function replacing<T extends z.ZodType>(field: T, what: string): T {
  settings.add(field, { ...settings.get(field)!, replaces: what });
  return field;
}

/** A setting that is unset unless given (`derived` says what stands in for it). */
function optional<T extends z.ZodType>(schema: T, description: string, extra: Omit<SettingMeta, "description"> = {}) {
  const field = schema.optional();
  settings.add(field, { description, ...extra });
  return field;
}

/** A setting a section must have (an environment's name; each field of a pair). */
function required<T extends z.ZodType>(schema: T, description: string) {
  settings.add(schema, { description });
  return schema;
}

/** A section of settings whose fields all have defaults. */
function section<T extends z.ZodRawShape>(shape: T) {
  // Every field has a default, so an empty section is complete (prefault: the defaults inside apply).
  return z.strictObject(shape).prefault({} as never);
}

// ---- Value types, each with the rule and the message AWS or Ghost would give ----

const text = () => z.string();
const flag = () => z.boolean();
const whole = (min: number, max: number) =>
  z
    .number()
    .refine(
      (value) => Number.isInteger(value) && value >= min && value <= max,
      `must be a whole number from ${min} to ${max}`,
    );
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.map((value) => JSON.stringify(value)).join(", ")}` });
const matching = (pattern: RegExp, allowed: string) => text().regex(pattern, allowed);
const ipv4Cidr = (allowed: string) => text().refine((value) => parseCidr(value) !== undefined, allowed);

/** What is wrong with one entry of the admin allowlist, if anything. */
function adminCidrProblem(value: string): string | undefined {
  const network = networkOfHostCidr(value);
  if (network) return `has host bits set: write the network, ${network}`;
  const cidr = parseAnyCidr(value);
  if (!cidr) return "must be an IPv4 or IPv6 CIDR with host bits zero, such as 203.0.113.0/24 or 2001:db8::/32";
  if (cidr.cidr.prefix === 0) return "allows everyone: leave admin.allowedCidrs empty for that";
  const cloudFront = CLOUDFRONT_RANGES.find((range) => anyCidrsOverlap(parseAnyCidr(range)!, cidr));
  if (cloudFront) {
    return `overlaps CloudFront's ${cloudFront}: anyone's own distribution reaches the site from there, so it would let everyone in`;
  }
  return undefined;
}

/** The entry lies in a range nobody on the internet is seen from. */
function isNonRoutable(value: string): boolean {
  const cidr = parseAnyCidr(value);
  return cidr !== undefined && NON_ROUTABLE_RANGES.some((range) => anyCidrContains(parseAnyCidr(range)!, cidr));
}

/** A lowercase DNS name such as blog.example.com. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A Secrets Manager secret ARN, optionally with ECS's `:json-key:version-stage:version-id` suffix. */
export const SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:\s]*:[^:\s]*:[^:\s]*)?$/;
const EMAIL_ADDRESS = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;

export const NAME_PART = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const DYNAMODB_TABLE = /^[a-zA-Z0-9_.-]{3,255}$/;

const projectName = matching(
  NAME_PART,
  "must be lowercase letters, digits and single hyphens, starting with a letter (it is part of S3, ECR and IAM names)",
);
const secretArn = () =>
  matching(
    SECRET_ARN,
    "must be a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>, optionally followed by :<json-key>::",
  );
const dnsName = () => matching(DNS_NAME, "must be a lowercase DNS name such as example.com");

const region = matching(REGION, "must be an AWS region code such as eu-west-2 or us-east-1");

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

// ---- Sections ----

const network = section({
  vpcCidr: replacing(
    withDefault(
      ipv4Cidr("must be an IPv4 CIDR a.b.c.d/n with host bits zero, e.g. 10.0.0.0/16").refine((value) => {
        const prefix = parseCidr(value)?.prefix;
        return prefix === undefined || (prefix >= 16 && prefix <= 24);
      }, "its prefix length must be from /16 to /24"),
      "10.0.0.0/16",
      "VPC CIDR block (IPv4, /16 to /24).",
    ),
    "the VPC, every subnet and security group (RDS cannot follow into a new VPC)",
  ),
  publicSubnetCidrs: optional(
    z.array(
      ipv4Cidr("must be an IPv4 CIDR a.b.c.d/n with host bits zero").refine(
        (value) => (parseCidr(value)?.prefix ?? 0) <= 28,
        "must be /28 or larger (the smallest subnet AWS allows)",
      ),
    ),
    "Public subnet CIDRs, one per AZ, in AZ order: inside the VPC, no overlaps, /28 or larger.",
    {
      derived:
        "derived: the VPC CIDR cut into 8 equal blocks; zones 1-4 get blocks 0, 1, 2, 6 (up to 4 zones; adding one moves none)",
    },
  ),
  privateSubnetCidrs: optional(
    z.array(
      ipv4Cidr("must be an IPv4 CIDR a.b.c.d/n with host bits zero").refine(
        (value) => (parseCidr(value)?.prefix ?? 0) <= 28,
        "must be /28 or larger (the smallest subnet AWS allows)",
      ),
    ),
    "Private subnet CIDRs, one per AZ, in AZ order (same rules).",
    { derived: "derived: blocks 3, 4, 5, 7 of the same 8" },
  ),
  natGateways: withDefault(
    oneOf(NAT_GATEWAY_MODES),
    "single",
    'NAT gateways for the private subnets; with "none" tasks run in the public subnets with public IPs.',
  ),
  flowLogs: withDefault(flag(), true, "VPC flow logs to CloudWatch Logs."),
});

const loadBalancer = section({
  certificateArn: optional(
    matching(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
      "must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>",
    ),
    "ACM certificate ARN; when set, HTTPS on 443 (TLS 1.3 policy) and HTTP 80 redirects to it.",
    { note: "HTTP only" },
  ),
  deletionProtection: withDefault(flag(), false, "ALB deletion protection.", "true in prod"),
  accessLogs: withDefault(
    flag(),
    false,
    "ALB access logs to the SSE-S3 encrypted bucket `<project>-<environment>-alb-logs-<region>`.",
  ),
  testListenerPort: withDefault(
    whole(1, 65535).refine(
      (port) => port !== 80 && port !== 443,
      "must not be 80 or 443 (the production listener's ports)",
    ),
    8080,
    "Port of the CodeDeploy test listener (green target group); not 80 or 443. HTTPS with the certificate.",
  ),
  testListenerCidrs: withDefault(
    z.array(ipv4Cidr("must be an IPv4 CIDR such as 203.0.113.0/24")),
    [],
    "CIDRs allowed to reach the test listener.",
    "nobody from outside",
  ),
  healthCheckPath: withDefault(
    text().refine((path) => path.startsWith("/"), "must start with '/'"),
    "/ghost/.well-known/jwks.json",
    "Health-check path: Ghost must answer it 200 to plain HTTP without X-Forwarded-Proto, even with an https `url` (it redirects most paths then; see Troubleshooting).",
  ),
  deregistrationDelaySeconds: withDefault(
    whole(0, 3600),
    30,
    "Seconds a deregistering target keeps draining, 0 to 3600 (AWS default is 300).",
  ),
});

const storage = section({
  performanceMode: replacing(
    withDefault(oneOf(EFS_PERFORMANCE_MODES), "generalPurpose", "EFS performance mode."),
    "the EFS file system (Ghost's content)",
  ),
  throughputMode: withDefault(
    oneOf(EFS_THROUGHPUT_MODES),
    "bursting",
    'EFS throughput mode; "elastic" needs performanceMode "generalPurpose".',
  ),
  transitionToIa: withDefault(
    oneOf(EFS_TRANSITIONS_TO_IA),
    "AFTER_30_DAYS",
    "Move files not read for this long to Infrequent Access.",
  ),
  backupRetentionDays: withDefault(
    whole(1, 36500),
    35,
    "Days each daily backup of the file system is kept (1 to 36500), in the environment's own AWS Backup vault, which outlives the file system.",
  ),
});

const service = section({
  serviceName: withDefault(
    matching(/^[a-zA-Z0-9_-]{1,255}$/, "must be 1-255 letters (a-z, A-Z), digits, '-' or '_' (an ECS service name)"),
    "ghost-blog",
    "ECS service name.",
    "the tutorial's",
  ),
  cpu: withDefault(
    z
      .number()
      .refine((cpu) => cpu in FARGATE_SIZES, `must be a Fargate CPU size: ${Object.keys(FARGATE_SIZES).join(", ")}`),
    256,
    "Task CPU units; must be a Fargate CPU size.",
  ),
  memory: withDefault(z.number(), 512, "Task memory (MiB); must suit the CPU size on Fargate."),
  cpuArchitecture: withDefault(
    oneOf(CPU_ARCHITECTURES),
    "X86_64",
    "CPU architecture of the task; FARGATE_SPOT runs only X86_64.",
  ),
  ghostImage: withDefault(
    matching(
      /^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$/,
      "must name a container image, e.g. ghost:6.65.0-alpine",
    ),
    "ghost:6.65.0-alpine",
    "First image, before any pipeline ran (the pipelines own it afterwards): pin an exact Ghost release; an official `ghost:` tag is pulled from its ECR Public mirror.",
  ),
  siteUrl: optional(
    matching(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, "must be an http(s) URL such as https://blog.example.com"),
    "Public site URL, Ghost's `url`.",
    { note: "https://<edge.dns.domainName> with edge DNS, else http(s)://<ALB DNS name>" },
  ),
  desiredCount: withDefault(z.number(), 1, "Tasks wanted at creation; autoscaling owns it afterwards."),
  minCount: withDefault(whole(0, 1000), 1, "Autoscaling minimum."),
  maxCount: withDefault(
    whole(1, 1000),
    1,
    'Autoscaling maximum. Ghost supports one instance per site: above 1 synth warns (see README "One Ghost per site").',
  ),
  cpuTargetPercent: withDefault(whole(1, 100), 75, "Target-tracking target for average CPU, percent (1 to 100)."),
  scaleInCooldownSeconds: withDefault(whole(0, 3600), 60, "Scale-in cooldown, seconds (0 to 3600)."),
  scaleOutCooldownSeconds: withDefault(whole(0, 3600), 60, "Scale-out cooldown, seconds (0 to 3600)."),
  healthCheckGracePeriodSeconds: withDefault(
    whole(0, 2147483647),
    120,
    "Seconds ECS ignores failing health checks after a task starts (Ghost migrates on boot).",
  ),
  capacityProvider: withDefault(oneOf(CAPACITY_PROVIDERS), "FARGATE", "Default capacity provider."),
});

const database = section({
  engine: withDefault(
    oneOf(DATABASE_ENGINES),
    "mysql",
    'Ghost\'s database: RDS MySQL 8. "sqlite" is refused: every blue/green deployment runs two Ghost processes for minutes, and they must never share one SQLite file.',
  ),
  instanceClass: withDefault(
    matching(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.micro"),
    "db.t4g.micro",
    "RDS instance class (mysql only).",
  ),
  engineVersion: withDefault(
    matching(
      /^8\.[04](\.\d+)?$/,
      "must be a MySQL version RDS offers and Ghost supports: 8.4 or 8.0, optionally with a minor such as 8.4.7",
    ),
    "8.4",
    'MySQL engine version, 8.4 or 8.0 (Ghost supports only MySQL 8 in production); synth warns past RDS standard support. A major change is a one-way upgrade: see README, "Upgrading MySQL".',
  ),
  allocatedStorageGb: withDefault(whole(20, 65536), 20, "Allocated storage, GiB (20 to 65536)."),
  maxAllocatedStorageGb: withDefault(
    whole(20, 65536),
    100,
    "Storage autoscaling ceiling, GiB (>= allocated, at most 65536).",
  ),
  multiAz: withDefault(flag(), false, "Multi-AZ standby.", "true in prod"),
  deletionProtection: withDefault(
    flag(),
    false,
    "RDS deletion protection (a final snapshot `<project>-<environment>-final` is taken whenever the instance is deleted, and its automated backups are kept).",
    "true in prod",
  ),
  backupRetentionDays: withDefault(whole(1, 35), 7, "Automated backup retention, days (1 to 35)."),
  caCertificate: withDefault(
    oneOf(RDS_CA_CERTIFICATES),
    "rds-ca-rsa2048-g1",
    "The certificate authority of the database's TLS certificate (Ghost verifies it with its Amazon RDS bundle). Pinned, so the instance never starts on an expiring default.",
  ),
  databaseName: replacing(
    withDefault(
      matching(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, "must be 1-64 letters, digits or '_', starting with a letter"),
      "ghost",
      "Database (schema) name.",
    ),
    "the RDS instance (Ghost's database)",
  ),
  username: replacing(
    withDefault(
      matching(
        /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/,
        "must be 1-32 letters, digits or '_', starting with a letter, and not a reserved name (admin, root, rdsadmin)",
      ).refine(
        (name) => !["admin", "root", "rdsadmin"].includes(name.toLowerCase()),
        "must be 1-32 letters, digits or '_', starting with a letter, and not a reserved name (admin, root, rdsadmin)",
      ),
      "ghost",
      "Master user name; its password is generated and kept by RDS in Secrets Manager.",
    ),
    "the RDS instance (Ghost's database)",
  ),
});

const registry = section({
  repositoryName: replacing(
    optional(
      matching(
        /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        "must be 2-256 characters of lowercase letters and digits, separated by '.', '_', '-' or '/'",
      ),
      "ECR repository name.",
      { derived: '"<project>-<environment>" (the tutorial\'s is "ghost"; one per environment avoids clashes)' },
    ),
    "the ECR repository (the built images)",
  ),
  imageTagMutability: withDefault(
    oneOf(IMAGE_TAG_MUTABILITIES),
    "MUTABLE",
    "Tag mutability; the deploy pipeline follows the moving `latest` tag, so MUTABLE.",
  ),
  keepImages: withDefault(
    whole(1, 1000),
    10,
    "Tagged images kept by the lifecycle policy; untagged ones expire after a day.",
  ),
});

const pipelines = section({
  repositoryName: replacing(
    optional(
      matching(/^[\w.-]{1,100}$/, "must be 1-100 characters of letters, digits, '.', '_' and '-'"),
      "CodeCommit repository holding the Ghost app (Dockerfile, buildspec, appspec, taskdef).",
      { derived: '"<project>-<environment>-blog" (the tutorial\'s is "ghost-blog")' },
    ),
    "the CodeCommit repository (the Ghost repository and its history)",
  ),
  branch: withDefault(
    matching(/^[^\s~^:?*[\\]+$/, "must be a valid git branch name"),
    "main",
    "Branch whose pushes build and deploy.",
  ),
  github: optional(
    z.strictObject({
      connectionArn: required(
        matching(
          /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
          "must be a connection ARN: arn:aws:codestar-connections:<region>:<account>:connection/<id> (or codeconnections)",
        ),
        "The CodeStar/CodeConnections connection authorised for the repository.",
      ),
      repository: required(
        matching(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"'),
        '"owner/name" of the GitHub repository.',
      ),
    }),
    "GitHub through a connection instead of CodeCommit (both fields together).",
    { note: "CodeCommit" },
  ),
  artifactBucketName: replacing(
    optional(text(), "Pipeline artifact bucket (KMS-encrypted; globally unique).", {
      derived: '"<project>-<environment>-pipeline-artifacts-<region>"',
    }),
    "the artifact bucket (its artifacts)",
  ),
  artifactExpirationDays: withDefault(whole(1, 3650), 30, "Days before pipeline artifacts expire."),
  computeType: withDefault(oneOf(CODEBUILD_COMPUTE_TYPES), "BUILD_GENERAL1_SMALL", "CodeBuild compute type."),
  buildTimeoutMinutes: withDefault(whole(5, 2160), 60, "CodeBuild build timeout, minutes (5-2160).", "the tutorial's"),
  queuedTimeoutMinutes: withDefault(whole(5, 480), 480, "CodeBuild queue timeout, minutes (5-480).", "the tutorial's"),
  deploymentConfig: withDefault(
    oneOf(ECS_DEPLOYMENT_CONFIGS),
    "CodeDeployDefault.ECSAllAtOnce",
    "How CodeDeploy shifts traffic (all at once, canary or linear presets).",
    "the tutorial's",
  ),
  terminateBlueAfterMinutes: withDefault(
    whole(0, 2880),
    5,
    "Minutes the blue tasks keep running after the cutover (0-2880).",
    "the tutorial's",
  ),
  readyWaitMinutes: withDefault(
    whole(0, 2880),
    0,
    "Minutes to wait, after green is ready, for someone to continue (0 = at once, the tutorial's; 0-2880).",
  ),
  manualApproval: withDefault(
    flag(),
    false,
    "A manual approval stage before deploying, notifying the alerts topic.",
    "true in prod",
  ),
  imageTag: withDefault(
    matching(/^[\w][\w.-]{0,127}$/, "must be a Docker tag: letters, digits, '_', '.', '-', at most 128"),
    "latest",
    "The image tag the build pushes and the deploy pipeline follows.",
  ),
});

const positive = () => z.number().refine((value) => value > 0, "must be a positive number");
const percent = () => positive().refine((value) => value <= 100, "is a percentage: at most 100");
/** Thresholds and evaluation of the service alarms. */
const thresholds = section({
  periodSeconds: withDefault(
    positive().refine((value) => Number.isInteger(value) && value % 60 === 0, "must be a multiple of 60 seconds"),
    60,
    "Seconds per datapoint (a multiple of 60).",
  ),
  evaluationPeriods: withDefault(whole(1, 100), 5, "Periods looked at."),
  datapointsToAlarm: withDefault(positive(), 3, "Breaching periods among them that fire the alarm."),
  loadBalancer5xxPercent: withDefault(percent(), 5, "5xx answered by the load balancer itself, % of requests."),
  target5xxPercent: withDefault(percent(), 5, "5xx answered by Ghost, % of requests."),
  targetResponseTimeP95Seconds: withDefault(positive(), 2, "p95 of the target response time, seconds."),
  serviceCpuPercent: withDefault(percent(), 85, "Average CPU of the service, %."),
  serviceMemoryPercent: withDefault(percent(), 85, "Average memory of the service, %."),
  efsBurstCreditBalanceMinGiB: withDefault(
    positive(),
    100,
    "Lowest EFS burst-credit balance (bursting throughput only), GiB.",
  ),
  efsPercentIoLimit: withDefault(percent(), 90, "Highest EFS PercentIOLimit (General Purpose mode only), %."),
  databaseCpuPercent: withDefault(percent(), 80, "Average CPU of the database, %."),
  databaseFreeStorageMinGiB: withDefault(positive(), 2, "Lowest free storage of the database, GiB."),
  databaseConnectionsMax: withDefault(positive(), 50, "Most database connections (db.t4g.micro allows about 60-85)."),
  rollbackTarget5xxCount: withDefault(
    positive(),
    5,
    "5xx answers from Ghost through one target group in one minute that stop a deployment and roll it back.",
  ),
  rollbackUnhealthyMinutes: withDefault(
    whole(1, 100),
    3,
    "Consecutive minutes with an unhealthy target that stop a deployment and roll it back.",
  ),
  mailBounceRatePercent: withDefault(
    percent(),
    5,
    "SES bounce rate of the account, %: SES reviews an account at 5% and may pause its sending at 10% (mail.mode ses).",
  ),
  mailComplaintRatePercent: withDefault(
    percent(),
    0.1,
    "SES complaint rate of the account, %: SES reviews an account at 0.1% and may pause its sending at 0.5% (mail.mode ses).",
  ),
});

export type AlarmThresholds = z.output<typeof thresholds>;
/** Every threshold at its default. */
export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = thresholds.parse(undefined);

const alerts = section({
  emails: withDefault(
    z.array(matching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address")),
    [],
    "E-mail addresses subscribed to the alerts topic (each must confirm).",
  ),
  thresholds,
});

const logs = section({
  retentionDays: withDefault(
    z
      .number()
      .refine(
        (days) => LOG_RETENTION_DAYS.includes(days),
        `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`,
      ),
    30,
    "Retention of every log group we create, days (a CloudWatch Logs value).",
  ),
  kmsEncryption: withDefault(flag(), false, "Encrypt every log group with a customer-managed KMS key (rotated)."),
});

const mail = section({
  mode: optional(
    oneOf(MAIL_MODES),
    'How Ghost sends staff invites, password resets and member sign-in links: "ses" (Amazon SES through the task role), "smtp" (your server) or "none" (they do not work; synth warns).',
    { derived: '"ses" when `from` is set, else "none"' },
  ),
  from: optional(
    matching(EMAIL_ADDRESS, "must be an e-mail address such as noreply@example.com"),
    "Sender of Ghost's mail (Ghost's `mail.from`); with ses it must be in `ses.domain`. Ghost adds the site title as the name.",
  ),
  ses: section({
    domain: optional(
      dnsName(),
      "Domain of the SES identity (Easy DKIM); the sender and Ghost's member sender must be in it.",
      {
        derived: "the domain of `from`",
      },
    ),
    mailFromSubdomain: withDefault(
      matching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be one DNS label such as mail"),
      "mail",
      "Custom MAIL FROM subdomain of `ses.domain` (bounces go there; SPF aligns with it).",
    ),
    dmarcPolicy: withDefault(
      oneOf(DMARC_POLICIES),
      "none",
      "Policy of the DMARC record `_dmarc.<ses.domain>` created with edge.dns (none only reports).",
    ),
  }),
  smtp: optional(
    z.strictObject({
      host: required(dnsName(), "SMTP server, e.g. email-smtp.eu-west-2.amazonaws.com."),
      port: withDefault(
        z
          .number()
          .refine(
            (port) => port in SMTP_PORTS,
            `must be an SMTP submission port: ${Object.keys(SMTP_PORTS).join(", ")} (AWS blocks outbound 25 by default)`,
          ),
        587,
        `SMTP port: ${Object.keys(SMTP_PORTS).join(", ")}; the task's security group opens only this one.`,
      ),
      security: optional(oneOf(SMTP_SECURITIES), '"tls" (465, 2465) or "starttls", required (587, 2587, 2525).', {
        derived: "the port's: tls on 465 and 2465, starttls on the others",
      }),
      user: required(text().min(1, "must not be empty"), "SMTP user name."),
      passwordSecretArn: required(
        secretArn(),
        "Secrets Manager secret holding the SMTP password (plain text, or a JSON key with `:<key>::`); injected at task start, readable by the execution role only.",
      ),
    }),
    'Your SMTP server (mail.mode "smtp").',
    { note: "no SMTP" },
  ),
  mailgun: optional(
    z.strictObject({
      domain: required(dnsName(), "Mailgun sending domain, e.g. mg.example.com."),
      region: withDefault(oneOf(MAILGUN_REGIONS), "us", 'Mailgun region: "us" or "eu".'),
      apiKeySecretArn: required(
        secretArn(),
        "Secrets Manager secret holding the Mailgun API key; injected at task start, readable by the execution role only.",
      ),
    }),
    "Mailgun for newsletters (Ghost sends bulk mail only through Mailgun).",
    { note: "no newsletters" },
  ),
});

/** An IAM role ARN: arn:aws:iam::<account>:role/<path/><name>. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const account = section({
  id: optional(
    matching(/^\d{12}$/, "must be a 12-digit AWS account id"),
    "AWS account of the environment: Terraform refuses to plan or apply it with credentials of any other account (the provider's `allowed_account_ids`).",
    { derived: "any account (no check)" },
  ),
  deployRoleArn: optional(
    matching(IAM_ROLE_ARN, "must be an IAM role ARN: arn:aws:iam::<account>:role/<name>"),
    "IAM role Terraform assumes to manage the environment (the provider's `assume_role`), typically a deploy role in the environment's own account; the state stays where the caller's credentials reach it.",
    { derived: "none: the caller's own credentials" },
  ),
});

/** Who administers the site, and from where. */
const admin = section({
  ownerEmail: optional(
    matching(EMAIL_ADDRESS, "must be an e-mail address such as you@example.com"),
    'E-mail of Ghost\'s owner, whom the deploy creates (README: "The first minute"): the owner signs in with it and receives sign-in codes and password resets there. Nobody else can claim the site.',
    { derived: "the first of `alerts.emails`, else the placeholder owner@example.com (synth warns)" },
  ),
  ownerName: withDefault(
    text().refine((name) => name.trim().length >= 1 && name.length <= 191, "must be 1-191 characters"),
    "Site owner",
    "Name of Ghost's owner, as the deploy creates it (change it in Ghost afterwards).",
  ),
  allowedCidrs: withDefault(
    z
      .array(
        text().superRefine((value, context) => {
          const problem = adminCidrProblem(value);
          if (problem) context.addIssue({ code: "custom", message: problem });
        }),
      )
      .refine(
        (cidrs) => cidrs.length === 0 || !cidrs.every(isNonRoutable),
        `lists only private or non-routable ranges (${NON_ROUTABLE_RANGES.join(", ")}): nobody on the internet could reach Ghost admin; list your public addresses`,
      ),
    [],
    "IPv4 and IPv6 CIDRs that alone may reach Ghost admin (the admin app `/ghost/` and the Admin API `/ghost/api/admin/`), checked by a WAF rule on the ALB, or on CloudFront when it is on (with the viewer's address), so CodeDeploy's listener swaps never touch it; the Content API, members, `/ghost/.well-known/`, assets and pages stay public. No /0, no CloudFront ranges, not only private ones.",
    "everyone",
  ),
});

const edge = section({
  dns: optional(
    z.strictObject({
      hostedZoneId: required(
        matching(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
        "Route 53 hosted zone of the site's domain: an ACM certificate (DNS-validated) and an alias record go there.",
      ),
      domainName: required(
        matching(DNS_NAME, "must be a lowercase DNS name such as blog.example.com"),
        "The site's domain, e.g. blog.example.com (inside the hosted zone).",
      ),
    }),
    "The site's DNS in Route 53 (both fields together).",
    { note: "no DNS, no certificate from the edge" },
  ),
  cloudFront: section({
    enabled: withDefault(
      flag(),
      false,
      "CloudFront in front of the ALB; the ALB then accepts only CloudFront. Needs dns.",
    ),
    priceClass: withDefault(
      oneOf(CLOUDFRONT_PRICE_CLASSES),
      "PriceClass_100",
      "CloudFront price class: which edge locations serve the site.",
    ),
    originFacingPrefixListId: optional(
      text(),
      "Id of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region (pl-...); required with CloudFront. Look it up once: `aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`",
    ),
  }),
  waf: section({
    enabled: withDefault(
      flag(),
      false,
      "WAFv2 web ACL (AWS managed rule groups + a rate limit) on the ALB, or on CloudFront when it is on.",
    ),
    rateLimit: withDefault(whole(10, 2000000000), 2000, "Requests per 5 minutes per IP before the rate rule blocks."),
  }),
});

const tags = withDefault(
  z.record(
    text().refine(
      (key) => key.length >= 1 && key.length <= 128 && !key.toLowerCase().startsWith("aws:"),
      "tag keys must be 1-128 characters and must not start with aws:",
    ),
    text().refine((value) => value.length <= 256, "tag values must be at most 256 characters"),
  ),
  {},
  "Tags on every resource (provider default_tags), besides Project, Environment and ManagedBy.",
);

/** One environment as environments.ts declares it; `environment` is the only required field. */
export const environmentSchema = z.strictObject({
  project: optional(projectName, "Project name: first part of every resource name.", {
    derived: 'the project\'s ("ghost")',
  }),
  environment: required(
    matching(NAME_PART, "must be lowercase letters, digits and single hyphens, starting with a letter"),
    "Environment name (dev, prod, ...): second part of every resource name; lowercase letters, digits, single hyphens, and `<project>-<environment>` at most 26 characters (ALB names allow 32).",
  ),
  region: withDefault(region, "eu-west-2", "AWS region code.", "the tutorial's"),
  availabilityZones: optional(
    z
      .array(text())
      .refine((zones) => zones.length >= 2, {
        error: (issue) =>
          `has ${(issue.input as string[]).length} zone(s); at least 2 are required (an ALB and a Multi-AZ service need two)`,
      })
      .refine((zones) => new Set(zones).size === zones.length, "must not repeat a zone"),
    "Availability zones, explicit (no AWS look-up): at least 2, all in the region, no repeats.",
    { derived: "[`${region}a`, `${region}b`, `${region}c`]" },
  ),
  tags,
  account,
  preventDestroy: optional(
    flag(),
    "Terraform refuses to destroy or replace the stateful resources (EFS file system and its backup vault, RDS instance, ECR repository, CodeCommit repository): a destroy, or a change that would replace one, fails at plan time (`prevent_destroy`).",
    { derived: "true in production (deletion protection on the database or the load balancer)" },
  ),
  network,
  loadBalancer,
  storage,
  service,
  database,
  registry,
  pipelines,
  alerts,
  logs,
  mail,
  admin,
  edge,
});

export const stateSchema = section({
  bucket: optional(text(), "S3 bucket for state; globally unique, so change it (e.g. add your account id).", {
    derived: '"<project>-tfstate-<region>"',
  }),
  lockTable: optional(
    matching(DYNAMODB_TABLE, "must be 3-255 characters of letters, digits, '_', '-' and '.'"),
    "DynamoDB lock table.",
    { derived: '"<project>-tfstate-lock"' },
  ),
  region: optional(region, "Region of the bucket and table.", { derived: "the first environment's region" }),
  useLockfile: withDefault(
    flag(),
    false,
    "Also lock with an S3 lock file (`use_lockfile`, Terraform >= 1.10; DynamoDB locking is deprecated in its favour); both may be on during a migration.",
  ),
  selfHosted: withDefault(
    flag(),
    false,
    "The bootstrap stack keeps its own state in the bucket it created (key `<project>/_bootstrap/terraform.tfstate`, versioned, locked by the table) instead of the local file; set it once both exist, then `terraform init -migrate-state` (README: Recovery).",
  ),
});

/** The whole input of environments.ts. */
export const projectSchema = z.strictObject({
  project: withDefault(
    projectName,
    "ghost",
    "Project name: first part of every resource name (lowercase letters, digits, single hyphens).",
  ),
  state: stateSchema,
  environments: z.array(environmentSchema),
});
