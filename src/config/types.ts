/**
 * The typed configuration of ghost-ecs-cdktf, derived from the schema (schema.ts, where each
 * setting is described): one `GhostConfig` per environment, plus the project-wide `StateConfig`
 * that the bootstrap stack and every environment stack share.
 */
import type { z } from "zod";
import type { environmentSchema, projectSchema, stateSchema } from "./schema";

export type { AlarmThresholds } from "./schema";
export type {
  CapacityProvider,
  CloudFrontPriceClass,
  CodeBuildComputeType,
  CpuArchitecture,
  DatabaseEngine,
  EcsDeploymentConfig,
  EfsPerformanceMode,
  EfsThroughputMode,
  EfsTransitionToIa,
  DmarcPolicy,
  ImageTagMutability,
  MailgunRegion,
  MailMode,
  NatGatewayMode,
  SmtpSecurity,
} from "./vocabulary";
import type { MailMode, SmtpSecurity } from "./vocabulary";

type Parsed = z.output<typeof environmentSchema>;

/** What environments.ts declares for one environment: every field but `environment` optional. */
export type GhostEnvironmentInput = z.input<typeof environmentSchema>;

/** What environments.ts declares for the project. */
export type ProjectInput = z.input<typeof projectSchema>;

export type NetworkConfig = Parsed["network"] & {
  readonly publicSubnetCidrs: string[];
  readonly privateSubnetCidrs: string[];
};
export type LoadBalancerConfig = Parsed["loadBalancer"];
export type StorageConfig = Parsed["storage"];
export type ServiceConfig = Parsed["service"];
export type DatabaseConfig = Parsed["database"];
export type RegistryConfig = Parsed["registry"] & { readonly repositoryName: string };
export type PipelinesConfig = Parsed["pipelines"] & {
  readonly repositoryName: string;
  readonly artifactBucketName: string;
};
export type AlertsConfig = Parsed["alerts"];
export type LogsConfig = Parsed["logs"];
export type EdgeConfig = Parsed["edge"];
/** The admin section resolved: the owner's address decided. */
export type AdminConfig = Parsed["admin"] & { readonly ownerEmail: string };
export type AccountConfig = Parsed["account"];
type ParsedMail = Parsed["mail"];
export type SmtpConfig = NonNullable<ParsedMail["smtp"]> & { readonly security: SmtpSecurity };
export type MailgunConfig = NonNullable<ParsedMail["mailgun"]>;
/** The mail section resolved: the mode decided, the SES domain and the SMTP security derived. */
export type MailConfig = Omit<ParsedMail, "mode" | "ses" | "smtp"> & {
  readonly mode: MailMode;
  /** `domain` is set whenever `from` is. */
  readonly ses: ParsedMail["ses"];
  readonly smtp?: SmtpConfig;
};

/** One environment, fully resolved: every default applied, derived ones included. */
export interface GhostConfig extends Omit<
  Parsed,
  "project" | "availabilityZones" | "preventDestroy" | "network" | "registry" | "pipelines" | "mail" | "admin"
> {
  readonly project: string;
  readonly preventDestroy: boolean;
  readonly availabilityZones: string[];
  readonly network: NetworkConfig;
  readonly registry: RegistryConfig;
  readonly pipelines: PipelinesConfig;
  readonly mail: MailConfig;
  readonly admin: AdminConfig;
}

/** Where Terraform keeps state: shared by the bootstrap stack and every environment stack. */
export type StateConfig = Required<z.output<typeof stateSchema>>;

/** The whole app, resolved: what `main.ts` wires to stacks. */
export interface ProjectConfig {
  readonly project: string;
  readonly state: StateConfig;
  readonly environments: GhostConfig[];
}
