/**
 * The shared vocabulary of the configuration and the constructs: every enumerated value (each an
 * `as const` list with its type derived from it), Ghost's facts and the one naming rule. It imports nothing, so everything may import it.
 */

/** How private subnets reach the internet: "none" (tasks in public subnets with public IPs, dev only), "single" NAT in the first AZ, or one "per-az" (production). */
export const NAT_GATEWAY_MODES = ["none", "single", "per-az"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/**
 * "mysql": RDS MySQL 8, the only database Ghost supports in production. "sqlite" (SQLite on EFS) is
 * named only to be refused: CodeDeploy's blue/green overlap would put two Ghosts on one file.
 */
export const DATABASE_ENGINES = ["mysql", "sqlite"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** RDS's current certificate authorities (the 2019 one expired in 2024). */
export const RDS_CA_CERTIFICATES = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] as const;

export const EFS_PERFORMANCE_MODES = ["generalPurpose", "maxIO"] as const;
export type EfsPerformanceMode = (typeof EFS_PERFORMANCE_MODES)[number];

export const EFS_THROUGHPUT_MODES = ["bursting", "elastic"] as const;
export type EfsThroughputMode = (typeof EFS_THROUGHPUT_MODES)[number];

export const EFS_TRANSITIONS_TO_IA = [
  "AFTER_1_DAY",
  "AFTER_7_DAYS",
  "AFTER_14_DAYS",
  "AFTER_30_DAYS",
  "AFTER_60_DAYS",
  "AFTER_90_DAYS",
  "AFTER_180_DAYS",
  "AFTER_270_DAYS",
  "AFTER_365_DAYS",
] as const;
export type EfsTransitionToIa = (typeof EFS_TRANSITIONS_TO_IA)[number];

export const CPU_ARCHITECTURES = ["X86_64", "ARM64"] as const;
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];

export const IMAGE_TAG_MUTABILITIES = ["MUTABLE", "IMMUTABLE"] as const;
export type ImageTagMutability = (typeof IMAGE_TAG_MUTABILITIES)[number];

export const CODEBUILD_COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
] as const;
export type CodeBuildComputeType = (typeof CODEBUILD_COMPUTE_TYPES)[number];

/** CodeDeploy's predefined ECS deployment configurations (all at once, canary, linear). */
export const ECS_DEPLOYMENT_CONFIGS = [
  "CodeDeployDefault.ECSAllAtOnce",
  "CodeDeployDefault.ECSCanary10Percent5Minutes",
  "CodeDeployDefault.ECSCanary10Percent15Minutes",
  "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
  "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
] as const;
export type EcsDeploymentConfig = (typeof ECS_DEPLOYMENT_CONFIGS)[number];

export const CLOUDFRONT_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type CloudFrontPriceClass = (typeof CLOUDFRONT_PRICE_CLASSES)[number];

/**
 * How Ghost sends its transactional mail (staff invites, password resets, member sign-in links):
 * "ses" through Amazon SES with the task role, "smtp" through a server you name, "none" not at all.
 */
export const MAIL_MODES = ["ses", "smtp", "none"] as const;
export type MailMode = (typeof MAIL_MODES)[number];

/** "tls": TLS from the first byte (ports 465, 2465); "starttls": plain, then upgraded and required (587, 2587, 2525). */
export const SMTP_SECURITIES = ["tls", "starttls"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITIES)[number];

/** SMTP submission ports SES and common servers use, with the security each speaks. Port 25 is left out: AWS blocks outbound 25 by default. */
export const SMTP_PORTS: Record<number, SmtpSecurity> = {
  465: "tls",
  2465: "tls",
  587: "starttls",
  2587: "starttls",
  2525: "starttls",
};

/** Mailgun's API endpoint per region, as Ghost's `bulkEmail.mailgun.baseUrl` takes it. */
export const MAILGUN_BASE_URLS = { us: "https://api.mailgun.net/v3", eu: "https://api.eu.mailgun.net/v3" } as const;
export const MAILGUN_REGIONS = ["us", "eu"] as const;
export type MailgunRegion = (typeof MAILGUN_REGIONS)[number];

/** DMARC policies (`p=`) of the record published for the mail domain. */
export const DMARC_POLICIES = ["none", "quarantine", "reject"] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

/**
 * The MySQL majors RDS offers, with the end of RDS standard support for each (after it RDS bills
 * Extended Support per vCPU-hour); Ghost supports 8.0 and 8.4 (its docs, "Supported databases").
 */
export const MYSQL_STANDARD_SUPPORT_ENDS: Record<string, string> = { "8.0": "2026-07-31", "8.4": "2029-07-31" };

/**
 * Ghost's current major. Ghost develops the current major, keeps the previous one as LTS (critical
 * security and stability fixes only) and calls every older one end of life: insecure (Ghost docs,
 * "Major Versions & Long Term Support").
 */
export const GHOST_CURRENT_MAJOR = 6;

/** What the official Ghost image is: its port, its user and where it keeps its content. */
export const GHOST = {
  /** Name of the container in the task definition (CodeDeploy's AppSpec and the target group refer to it). */
  containerName: "ghost",
  /** Port Ghost listens on. */
  port: 2368,
  /** The image's `node` user, owner of the content. */
  uid: 1000,
  gid: 1000,
  /** Where Ghost keeps its content (images, themes, the SQLite file); mounted from EFS. */
  contentPath: "/var/lib/ghost/content",
  /** Ghost's scratch space (uploads in flight, image processing): the one other writable path. */
  tmpPath: "/tmp",
} as const;

/**
 * Docker's official images, mirrored by AWS on ECR Public. CodeBuild pulls through shared
 * addresses that soon hit Docker Hub's anonymous pull limit; the mirror has no such limit.
 */
export const OFFICIAL_IMAGE_MIRROR = "public.ecr.aws/docker/library";

/**
 * Where the build pulls an image from: an official Docker Hub image (`ghost:6.65.0-alpine`,
 * `ghost@sha256:...`: no registry, no namespace) from its ECR Public mirror; any other reference as is.
 */
export function pullableImage(image: string): string {
  return /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/.test(image)
    ? `${OFFICIAL_IMAGE_MIRROR}/${image}`
    : image;
}

/** The domain of an e-mail address, lowercase (DNS names are case-insensitive). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** Domains reserved for examples (RFC 2606, RFC 6761): no certificate or mail provider can ever verify them. */
/** The owner's address when none is configured: at a reserved domain, so synth warns. */
export const PLACEHOLDER_OWNER_EMAIL = "owner@example.com";

export function isPlaceholderDomain(domain: string): boolean {
  return /(^|\.)(example\.(com|org|net)|example|test|invalid|localhost)$/.test(domain);
}

/** `<project>-<environment>`: the first part of every resource name in one environment. */
export function namePrefix(config: { project: string; environment: string }): string {
  return `${config.project}-${config.environment}`;
}

/** Production is the environment whose data is protected: deletion protection on the database or the ALB. */
export function isProduction(config: {
  readonly database: { readonly deletionProtection: boolean };
  readonly loadBalancer: { readonly deletionProtection: boolean };
}): boolean {
  return config.database.deletionProtection || config.loadBalancer.deletionProtection;
}
