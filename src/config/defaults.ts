/** Fills every field an environment leaves out with its documented default (see types.ts). */
import { deriveSubnetCidrs } from "./cidr";
import { DEFAULT_ALARM_THRESHOLDS } from "./vocabulary";
import { DeepPartial, GhostConfig, GhostEnvironmentInput, ProjectConfig, ProjectInput, StateConfig } from "./types";

export const DEFAULT_PROJECT = "ghost";
export const DEFAULT_REGION = "eu-west-2";

/** Defaults of every section that does not depend on other fields. */
const SECTION_DEFAULTS: Omit<GhostConfig, "project" | "environment" | "region" | "availabilityZones" | "network"> = {
  tags: {},
  loadBalancer: {
    deletionProtection: false,
    accessLogs: false,
    testListenerPort: 8080,
    testListenerCidrs: [],
    healthCheckPath: "/ghost/.well-known/jwks.json",
    deregistrationDelaySeconds: 30,
  },
  storage: {
    performanceMode: "generalPurpose",
    throughputMode: "bursting",
    transitionToIa: "AFTER_30_DAYS",
  },
  service: {
    serviceName: "ghost-blog",
    cpu: 256,
    memory: 512,
    cpuArchitecture: "X86_64",
    ghostImage: "ghost:6.65.0-alpine",
    desiredCount: 1,
    minCount: 1,
    maxCount: 1,
    cpuTargetPercent: 75,
    scaleInCooldownSeconds: 60,
    scaleOutCooldownSeconds: 60,
    healthCheckGracePeriodSeconds: 120,
    capacityProvider: "FARGATE",
  },
  database: {
    engine: "mysql",
    instanceClass: "db.t4g.micro",
    engineVersion: "8.0",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 7,
    databaseName: "ghost",
    username: "ghost",
  },
  // Repository names default to "<project>-<environment>[-blog]" (see resolveEnvironment).
  registry: { repositoryName: "", imageTagMutability: "MUTABLE", keepImages: 10 },
  pipelines: {
    repositoryName: "",
    branch: "main",
    artifactBucketName: "",
    artifactExpirationDays: 30,
    computeType: "BUILD_GENERAL1_SMALL",
    buildTimeoutMinutes: 60,
    queuedTimeoutMinutes: 480,
    deploymentConfig: "CodeDeployDefault.ECSAllAtOnce",
    terminateBlueAfterMinutes: 5,
    readyWaitMinutes: 0,
    manualApproval: false,
    imageTag: "latest",
  },
  alerts: { emails: [], thresholds: DEFAULT_ALARM_THRESHOLDS },
  logs: { retentionDays: 30, kmsEncryption: false },
  edge: {
    dns: {},
    cloudFront: { enabled: false, priceClass: "PriceClass_100" },
    waf: { enabled: false, rateLimit: 2000 },
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge where the input wins; arrays and scalars replace, undefined keeps the default. */
export function mergeDefaults<T>(defaults: T, input: DeepPartial<T> | undefined): T {
  if (input === undefined) return defaults;
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    const base = merged[key];
    merged[key] =
      isPlainObject(base) && isPlainObject(value) && Object.keys(base).length > 0 ? mergeDefaults(base, value) : value;
  }
  return merged as T;
}

export function resolveEnvironment(input: GhostEnvironmentInput, project: string): GhostConfig {
  const region = input.region ?? DEFAULT_REGION;
  const availabilityZones = input.availabilityZones ?? ["a", "b", "c"].map((zone) => `${region}${zone}`);
  const vpcCidr = input.network?.vpcCidr ?? "10.0.0.0/16";
  const derived = deriveSubnetCidrs(vpcCidr, availabilityZones.length);
  const sections = mergeDefaults(SECTION_DEFAULTS, input);
  const prefix = `${input.project ?? project}-${input.environment}`;
  return {
    ...sections,
    // Per-environment names, so two environments can share one account.
    registry: { ...sections.registry, repositoryName: input.registry?.repositoryName ?? prefix },
    pipelines: {
      ...sections.pipelines,
      repositoryName: input.pipelines?.repositoryName ?? `${prefix}-blog`,
      artifactBucketName: input.pipelines?.artifactBucketName ?? `${prefix}-pipeline-artifacts-${region}`,
    },
    project: input.project ?? project,
    environment: input.environment,
    region,
    availabilityZones,
    network: {
      vpcCidr,
      publicSubnetCidrs: input.network?.publicSubnetCidrs ?? derived?.publicSubnetCidrs ?? [],
      privateSubnetCidrs: input.network?.privateSubnetCidrs ?? derived?.privateSubnetCidrs ?? [],
      natGateways: input.network?.natGateways ?? "single",
      flowLogs: input.network?.flowLogs ?? true,
    },
  };
}

export function resolveProject(input: ProjectInput): ProjectConfig {
  const project = input.project ?? DEFAULT_PROJECT;
  const environments = input.environments.map((environment) => resolveEnvironment(environment, project));
  const region = input.state?.region ?? environments[0]?.region ?? DEFAULT_REGION;
  const state: StateConfig = {
    bucket: input.state?.bucket ?? `${project}-tfstate-${region}`,
    lockTable: input.state?.lockTable ?? `${project}-tfstate-lock`,
    region,
    useLockfile: input.state?.useLockfile ?? false,
  };
  return { project, state, environments };
}
