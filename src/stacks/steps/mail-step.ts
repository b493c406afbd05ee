import { Annotations, TerraformStack, Token } from "cdktf";
import { domainOf, GhostConfig, isPlaceholderDomain, isWithinDomain } from "../../config";
import { SesMail } from "../../run/mail";
import { BuildLens } from "./build-step";
import { Foundation } from "./foundation";
import { RunLens } from "./run-step";

export const NO_MAIL_WARNING =
  'mail.mode is "none": Ghost cannot send staff invites, password resets or member sign-in links. ' +
  'Set mail.from (Amazon SES) or mail.smtp; see the README, "Mail".';

/** What synth warns about an environment's mail: each a setting that works but will not deliver. */
export function mailWarnings(config: GhostConfig, siteUrl: string): string[] {
  const mail = config.mail;
  if (mail.mode === "none") return [NO_MAIL_WARNING];
  const warnings: string[] = [];
  if (mail.from && isPlaceholderDomain(domainOf(mail.from))) {
    warnings.push(
      `mail.from "${mail.from}" is at a reserved example domain: no mail goes out until it is an address at your own domain.`,
    );
  }
  // The ALB's name is known only after apply: then the host is unknown at synth.
  const siteHost = Token.isUnresolved(siteUrl) ? undefined : new URL(siteUrl).hostname.replace(/^www\./, "");
  const domain = mail.ses.domain;
  if (mail.mode === "ses" && domain && !(siteHost && isWithinDomain(siteHost, domain))) {
    warnings.push(
      `Ghost sends member sign-in links from its support address, noreply@${siteHost ?? "<the site's host>"} until you change it, ` +
        `which is outside the SES identity ${domain}: SES refuses them. In Ghost Admin set Settings > Membership > Portal > ` +
        `support address to an address at ${domain}, or use a domain that holds the site's.`,
    );
  }
  return warnings;
}

/** Mail: Amazon SES (identity, DKIM, MAIL FROM, configuration set, records) for mode "ses"; warnings for the rest. */
export function mailStep(stack: TerraformStack, base: Foundation, run: RunLens, build: BuildLens): SesMail | undefined {
  const { config, prefix, roles } = base;
  for (const warning of mailWarnings(config, run.siteUrl)) Annotations.of(stack).addWarning(warning);
  if (config.mail.mode !== "ses") return undefined;
  return new SesMail(stack, "mail", {
    namePrefix: prefix,
    config: config.mail,
    region: config.region,
    hostedZoneId: config.edge.dns?.hostedZoneId,
    topicArn: build.alerts.topicArn,
    taskRole: roles.taskRole,
  });
}
