/**
 * The defaults that derive from other settings (zones from the region, subnets from the VPC,
 * names from `<project>-<environment>`); every literal default is in schema.ts.
 */
import { z } from "zod";
import { deriveSubnetCidrs } from "./cidr";
import { environmentSchema, projectSchema } from "./schema";
import { GhostConfig, GhostEnvironmentInput, MailConfig, ProjectConfig, ProjectInput } from "./types";
import { domainOf, isProduction, namePrefix, PLACEHOLDER_OWNER_EMAIL, SMTP_PORTS } from "./vocabulary";

type ParsedEnvironment = z.output<typeof environmentSchema>;
type ParsedProject = z.output<typeof projectSchema>;

/** An environment with the schema's defaults applied gets its derived ones. */
export function deriveEnvironment(parsed: ParsedEnvironment, project: string): GhostConfig {
  const config = { ...parsed, project: parsed.project ?? project };
  const availabilityZones = parsed.availabilityZones ?? ["a", "b", "c"].map((zone) => `${parsed.region}${zone}`);
  const derived = deriveSubnetCidrs(parsed.network.vpcCidr, availabilityZones.length);
  const prefix = namePrefix(config);
  return {
    ...config,
    availabilityZones,
    preventDestroy: parsed.preventDestroy ?? isProduction(parsed),
    network: {
      ...parsed.network,
      publicSubnetCidrs: parsed.network.publicSubnetCidrs ?? derived?.publicSubnetCidrs ?? [],
      privateSubnetCidrs: parsed.network.privateSubnetCidrs ?? derived?.privateSubnetCidrs ?? [],
    },
    // Per-environment names, so two environments can share one account.
    registry: { ...parsed.registry, repositoryName: parsed.registry.repositoryName ?? prefix },
    pipelines: {
      ...parsed.pipelines,
      repositoryName: parsed.pipelines.repositoryName ?? `${prefix}-blog`,
      artifactBucketName: parsed.pipelines.artifactBucketName ?? `${prefix}-pipeline-artifacts-${parsed.region}`,
    },
    mail: deriveMail(parsed.mail),
    admin: {
      ...parsed.admin,
      ownerEmail: parsed.admin.ownerEmail ?? parsed.alerts.emails[0] ?? PLACEHOLDER_OWNER_EMAIL,
    },
  };
}

/** Mail: SES once a sender is given; the SES domain is the sender's; the SMTP security is the port's. */
function deriveMail(mail: ParsedEnvironment["mail"]): MailConfig {
  const senderDomain = mail.from === undefined ? undefined : domainOf(mail.from);
  return {
    ...mail,
    mode: mail.mode ?? (mail.from ? "ses" : "none"),
    ses: { ...mail.ses, domain: mail.ses.domain ?? senderDomain },
    smtp: mail.smtp && { ...mail.smtp, security: mail.smtp.security ?? SMTP_PORTS[mail.smtp.port] },
  };
}

/** The project with the schema's defaults applied gets its derived ones. */
export function deriveProject(parsed: ParsedProject): ProjectConfig {
  const environments = parsed.environments.map((environment) => deriveEnvironment(environment, parsed.project));
  const region = parsed.state.region ?? environments[0]?.region ?? "eu-west-2";
  return {
    project: parsed.project,
    state: {
      bucket: parsed.state.bucket ?? `${parsed.project}-tfstate-${region}`,
      lockTable: parsed.state.lockTable ?? `${parsed.project}-tfstate-lock`,
      region,
      useLockfile: parsed.state.useLockfile,
      selfHosted: parsed.state.selfHosted,
    },
    environments,
  };
}

/** Every default of one environment (the input must be well-formed; loadProject checks that). */
export function resolveEnvironment(input: GhostEnvironmentInput, project: string): GhostConfig {
  return deriveEnvironment(environmentSchema.parse(input), project);
}

/** Every default of the project (the input must be well-formed; loadProject checks that). */
export function resolveProject(input: ProjectInput): ProjectConfig {
  return deriveProject(projectSchema.parse(input));
}
