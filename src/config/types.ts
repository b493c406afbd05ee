/**
 * The typed configuration of ghost-ecs-cdktf: one `GhostConfig` per environment, plus the
 * project-wide `StateConfig` that the bootstrap stack and every environment stack share.
 *
 * `environments.ts` declares the environments as `GhostEnvironmentInput`s (every section
 * optional); `defaults.ts` fills in the documented defaults; `validate.ts` checks the result
 * before any construct is built.
 */
import type {
  AlarmThresholds,
  CapacityProvider,
  CloudFrontPriceClass,
  CodeBuildComputeType,
  CpuArchitecture,
  DatabaseEngine,
  EcsDeploymentConfig,
  EfsPerformanceMode,
  EfsThroughputMode,
  EfsTransitionToIa,
  ImageTagMutability,
  NatGatewayMode,
} from "./vocabulary";

export type {
  AlarmThresholds,
  CapacityProvider,
  CloudFrontPriceClass,
  CodeBuildComputeType,
  CpuArchitecture,
  DatabaseEngine,
  EcsDeploymentConfig,
  EfsPerformanceMode,
  EfsThroughputMode,
  EfsTransitionToIa,
  ImageTagMutability,
  NatGatewayMode,
};

export interface NetworkConfig {
  /** VPC CIDR block (IPv4, /16 to /24). @default "10.0.0.0/16" */
  readonly vpcCidr: string;
  /**
   * Public subnet CIDRs, one per AZ, in AZ order: inside the VPC, no overlaps, /28 or larger.
   * @default derived: the VPC CIDR cut into 2 x AZ-count equal blocks, the first half public
   */
  readonly publicSubnetCidrs: string[];
  /** Private subnet CIDRs, one per AZ, in AZ order (same rules). @default derived: the second half */
  readonly privateSubnetCidrs: string[];
  /** NAT gateways for the private subnets; with "none" tasks run in the public subnets with public IPs. @default "single" */
  readonly natGateways: NatGatewayMode;
  /** VPC flow logs to CloudWatch Logs. @default true */
  readonly flowLogs: boolean;
}

export interface LoadBalancerConfig {
  /** ACM certificate ARN; when set, HTTPS on 443 (TLS 1.3 policy) and HTTP 80 redirects to it. @default undefined (HTTP only) */
  readonly certificateArn?: string;
  /** ALB deletion protection. @default false (true in prod) */
  readonly deletionProtection: boolean;
  /** ALB access logs to the SSE-S3 encrypted bucket `<project>-<environment>-alb-logs-<region>`. @default false */
  readonly accessLogs: boolean;
  /** Port of the CodeDeploy test listener (green target group); not 80 or 443. @default 8080 */
  readonly testListenerPort: number;
  /** CIDRs allowed to reach the test listener. @default [] (nobody from outside) */
  readonly testListenerCidrs: string[];
  /** Health-check path: Ghost must answer it 200 to plain HTTP without X-Forwarded-Proto, even with an https `url` (it redirects most paths then; see Troubleshooting). @default "/ghost/.well-known/jwks.json" */
  readonly healthCheckPath: string;
  /** Seconds a deregistering target keeps draining, 0 to 3600 (AWS default is 300). @default 30 */
  readonly deregistrationDelaySeconds: number;
}

export interface StorageConfig {
  /** EFS performance mode. @default "generalPurpose" */
  readonly performanceMode: EfsPerformanceMode;
  /** EFS throughput mode; "elastic" needs performanceMode "generalPurpose". @default "bursting" */
  readonly throughputMode: EfsThroughputMode;
  /** Move files not read for this long to Infrequent Access. @default "AFTER_30_DAYS" */
  readonly transitionToIa?: EfsTransitionToIa;
}

export interface ServiceConfig {
  /** ECS service name. @default "ghost-blog" (the tutorial's) */
  readonly serviceName: string;
  /** Task CPU units; must be a Fargate CPU size. @default 256 */
  readonly cpu: number;
  /** Task memory (MiB); must suit the CPU size on Fargate. @default 512 */
  readonly memory: number;
  /** CPU architecture of the task; FARGATE_SPOT runs only X86_64. @default "X86_64" */
  readonly cpuArchitecture: CpuArchitecture;
  /** First image, before any pipeline ran (the pipelines own it afterwards): pin an exact Ghost release; an official `ghost:` tag is pulled from its ECR Public mirror. @default "ghost:6.65.0-alpine" */
  readonly ghostImage: string;
  /** Public site URL, Ghost's `url`. @default undefined (https://<edge.dns.domainName> with edge DNS, else http(s)://<ALB DNS name>) */
  readonly siteUrl?: string;
  /** Tasks wanted at creation; autoscaling owns it afterwards. @default 1 */
  readonly desiredCount: number;
  /** Autoscaling minimum. @default 1 */
  readonly minCount: number;
  /** Autoscaling maximum. Ghost supports one instance per site: above 1 synth warns (see README "One Ghost per site"). @default 1 */
  readonly maxCount: number;
  /** Target-tracking target for average CPU, percent (1 to 100). @default 75 */
  readonly cpuTargetPercent: number;
  /** Scale-in cooldown, seconds (0 to 3600). @default 60 */
  readonly scaleInCooldownSeconds: number;
  /** Scale-out cooldown, seconds (0 to 3600). @default 60 */
  readonly scaleOutCooldownSeconds: number;
  /** Seconds ECS ignores failing health checks after a task starts (Ghost migrates on boot). @default 120 */
  readonly healthCheckGracePeriodSeconds: number;
  /** Default capacity provider. @default "FARGATE" */
  readonly capacityProvider: CapacityProvider;
}

export interface DatabaseConfig {
  /** Ghost's database; "sqlite" is refused unless exactly one Ghost task can run. @default "mysql" */
  readonly engine: DatabaseEngine;
  /** RDS instance class (mysql only). @default "db.t4g.micro" */
  readonly instanceClass: string;
  /** MySQL engine version (major 8: Ghost supports only MySQL 8 in production). @default "8.0" */
  readonly engineVersion: string;
  /** Allocated storage, GiB (20 to 65536). @default 20 */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling, GiB (>= allocated). @default 100 */
  readonly maxAllocatedStorageGb: number;
  /** Multi-AZ standby. @default false (true in prod) */
  readonly multiAz: boolean;
  /** RDS deletion protection; when on, a final snapshot is taken on deletion. @default false (true in prod) */
  readonly deletionProtection: boolean;
  /** Automated backup retention, days (1 to 35). @default 7 */
  readonly backupRetentionDays: number;
  /** Database (schema) name. @default "ghost" */
  readonly databaseName: string;
  /** Master user name; its password is generated and kept by RDS in Secrets Manager. @default "ghost" */
  readonly username: string;
}

export interface RegistryConfig {
  /** ECR repository name. @default "<project>-<environment>" (the tutorial's is "ghost"; one per environment avoids clashes) */
  readonly repositoryName: string;
  /** Tag mutability; the deploy pipeline follows the moving `latest` tag, so MUTABLE. @default "MUTABLE" */
  readonly imageTagMutability: ImageTagMutability;
  /** Tagged images kept by the lifecycle policy; untagged ones expire after a day. @default 10 */
  readonly keepImages: number;
}

export interface PipelinesConfig {
  /** CodeCommit repository holding the Ghost app (Dockerfile, buildspec, appspec, taskdef). @default "<project>-<environment>-blog" (the tutorial's is "ghost-blog") */
  readonly repositoryName: string;
  /** Branch whose pushes build and deploy. @default "main" */
  readonly branch: string;
  /** A CodeStar/CodeConnections connection ARN: use GitHub (githubRepository) instead of CodeCommit. @default undefined */
  readonly connectionArn?: string;
  /** "owner/name" of the GitHub repository, with connectionArn. @default undefined */
  readonly githubRepository?: string;
  /** Pipeline artifact bucket (KMS-encrypted; globally unique). @default "<project>-<environment>-pipeline-artifacts-<region>" */
  readonly artifactBucketName: string;
  /** Days before pipeline artifacts expire. @default 30 */
  readonly artifactExpirationDays: number;
  /** CodeBuild compute type. @default "BUILD_GENERAL1_SMALL" */
  readonly computeType: CodeBuildComputeType;
  /** CodeBuild build timeout, minutes (5-2160). @default 60 (the tutorial's) */
  readonly buildTimeoutMinutes: number;
  /** CodeBuild queue timeout, minutes (5-480). @default 480 (the tutorial's) */
  readonly queuedTimeoutMinutes: number;
  /** How CodeDeploy shifts traffic (all at once, canary or linear presets). @default "CodeDeployDefault.ECSAllAtOnce" (the tutorial's) */
  readonly deploymentConfig: EcsDeploymentConfig;
  /** Minutes the blue tasks keep running after the cutover (0-2880). @default 5 (the tutorial's) */
  readonly terminateBlueAfterMinutes: number;
  /** Minutes to wait, after green is ready, for someone to continue (0 = at once, the tutorial's; 0-2880). @default 0 */
  readonly readyWaitMinutes: number;
  /** A manual approval stage before deploying, notifying the alerts topic. @default false (true in prod) */
  readonly manualApproval: boolean;
  /** The image tag the build pushes and the deploy pipeline follows. @default "latest" */
  readonly imageTag: string;
}

export interface AlertsConfig {
  /** E-mail addresses subscribed to the alerts topic (each must confirm). @default [] */
  readonly emails: string[];
  /** Alarm thresholds and evaluation; see `AlarmThresholds` in src/config/vocabulary.ts for each default. */
  readonly thresholds: AlarmThresholds;
}

export interface LogsConfig {
  /** Retention of every log group we create, days (a CloudWatch Logs value). @default 30 */
  readonly retentionDays: number;
  /** Encrypt every log group with a customer-managed KMS key (rotated). @default false */
  readonly kmsEncryption: boolean;
}

/** The edge: DNS, certificate, CDN and firewall. Each off by default. */
export interface EdgeConfig {
  readonly dns: {
    /** Route 53 hosted zone of the site's domain: with domainName, an ACM certificate (DNS-validated) and an alias record. @default undefined */
    readonly hostedZoneId?: string;
    /** The site's domain, e.g. blog.example.com (inside the hosted zone). @default undefined */
    readonly domainName?: string;
  };
  readonly cloudFront: {
    /** CloudFront in front of the ALB; the ALB then accepts only CloudFront. Needs dns. @default false */
    readonly enabled: boolean;
    /** CloudFront price class: which edge locations serve the site. @default "PriceClass_100" */
    readonly priceClass: CloudFrontPriceClass;
    /**
     * Id of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region
     * (pl-...); required with CloudFront. Look it up once: `aws ec2 describe-managed-prefix-lists
     * --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`
     * @default undefined
     */
    readonly originFacingPrefixListId?: string;
  };
  readonly waf: {
    /** WAFv2 web ACL (AWS managed rule groups + a rate limit) on the ALB, or on CloudFront when it is on. @default false */
    readonly enabled: boolean;
    /** Requests per 5 minutes per IP before the rate rule blocks. @default 2000 */
    readonly rateLimit: number;
  };
}

/** One environment, fully resolved (every default applied). */
export interface GhostConfig {
  /** Project name: first part of every resource name. @default "ghost" */
  readonly project: string;
  /**
   * Environment name (dev, prod, ...): second part of every resource name; lowercase letters, digits,
   * single hyphens, and `<project>-<environment>` at most 26 characters (ALB names allow 32).
   */
  readonly environment: string;
  /** AWS region code. @default "eu-west-2" (the tutorial's) */
  readonly region: string;
  /** Availability zones, explicit (no AWS look-up): at least 2, all in the region, no repeats. @default [`${region}a`, `${region}b`, `${region}c`] */
  readonly availabilityZones: string[];
  /** Tags on every resource (provider default_tags), besides Project, Environment and ManagedBy. @default {} */
  readonly tags: Record<string, string>;
  readonly network: NetworkConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly storage: StorageConfig;
  readonly service: ServiceConfig;
  readonly database: DatabaseConfig;
  readonly registry: RegistryConfig;
  readonly pipelines: PipelinesConfig;
  readonly alerts: AlertsConfig;
  readonly logs: LogsConfig;
  readonly edge: EdgeConfig;
}

/** Where Terraform keeps state: shared by the bootstrap stack and every environment stack. */
export interface StateConfig {
  /** S3 bucket for state; globally unique, so change it (e.g. add your account id). @default "<project>-tfstate-<region>" */
  readonly bucket: string;
  /** DynamoDB lock table. @default "<project>-tfstate-lock" */
  readonly lockTable: string;
  /** Region of the bucket and table. @default the first environment's region */
  readonly region: string;
  /** Also lock with an S3 lock file (`use_lockfile`, Terraform >= 1.10; DynamoDB locking is deprecated in its favour); both may be on during a migration. @default false */
  readonly useLockfile: boolean;
}

/** Deep-partial input: what an environment declares; the rest comes from defaults. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

export type GhostEnvironmentInput = DeepPartial<GhostConfig> & { readonly environment: string };

export interface ProjectInput {
  /** Project name: first part of every resource name (lowercase letters, digits, single hyphens). @default "ghost" */
  readonly project?: string;
  readonly state?: Partial<StateConfig>;
  readonly environments: GhostEnvironmentInput[];
}

/** The whole app, resolved: what `main.ts` wires to stacks. */
export interface ProjectConfig {
  readonly project: string;
  readonly state: StateConfig;
  readonly environments: GhostConfig[];
}
