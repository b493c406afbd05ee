/**
 * Ghost's mail: the container settings of each mail mode (Ghost's `mail` and `bulkEmail` config,
 * as `__`-nested variables and task secrets), and Amazon SES for the "ses" mode.
 */
import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Sesv2ConfigurationSet } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { Sesv2EmailIdentity } from "@cdktf/provider-aws/lib/sesv2-email-identity";
import { Sesv2EmailIdentityMailFromAttributes } from "@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes";
import { DmarcPolicy, MAILGUN_BASE_URLS, MailConfig } from "../config";
import { policyDocument } from "../shared/iam";
import type { ContainerSecret, EnvironmentVariable, GhostEnvironment } from "./service";

/** The IAM resource of a secret reference: ECS's `:json-key:stage:version` suffix removed. */
export function secretResourceArn(valueFrom: string): string {
  return valueFrom.split(":").slice(0, 7).join(":");
}

/**
 * Ghost's mail settings as container variables and secrets:
 * - ses: Ghost's SES transport (SES v2 API) in the stack's region, with no keys: the AWS SDK's
 *   default credential chain, which on Fargate is the task role;
 * - smtp: the server, its port and TLS (STARTTLS required, never plain), the password a secret;
 * - none: nothing (Ghost then tries direct delivery, which fails on AWS);
 * - Mailgun, when given, for newsletters (Ghost's `bulkEmail.mailgun`), its API key a secret.
 */
export function ghostMailEnvironment(mail: MailConfig, region: string): GhostEnvironment {
  const environment: EnvironmentVariable[] = [];
  const secrets: ContainerSecret[] = [];
  if (mail.mode !== "none" && mail.from) environment.push({ name: "mail__from", value: mail.from });
  if (mail.mode === "ses") {
    environment.push({ name: "mail__transport", value: "SES" }, { name: "mail__options__region", value: region });
  }
  const smtp = mail.mode === "smtp" ? mail.smtp : undefined;
  if (smtp) {
    environment.push(
      { name: "mail__transport", value: "SMTP" },
      { name: "mail__options__host", value: smtp.host },
      { name: "mail__options__port", value: String(smtp.port) },
      { name: "mail__options__secure", value: String(smtp.security === "tls") },
      { name: "mail__options__auth__user", value: smtp.user },
    );
    // Nodemailer upgrades with STARTTLS when offered; requireTLS refuses to send if it is not.
    if (smtp.security === "starttls") environment.push({ name: "mail__options__requireTLS", value: "true" });
    secrets.push({ name: "mail__options__auth__pass", valueFrom: smtp.passwordSecretArn });
  }
  if (mail.mailgun) {
    environment.push(
      { name: "bulkEmail__mailgun__domain", value: mail.mailgun.domain },
      { name: "bulkEmail__mailgun__baseUrl", value: MAILGUN_BASE_URLS[mail.mailgun.region] },
    );
    secrets.push({ name: "bulkEmail__mailgun__apiKey", valueFrom: mail.mailgun.apiKeySecretArn });
  }
  return { environment, secrets, secretArns: secrets.map((secret) => secretResourceArn(secret.valueFrom)) };
}

/** One DNS record the mail domain needs. */
export interface MailDnsRecord {
  readonly name: string;
  readonly type: "CNAME" | "MX" | "TXT";
  readonly value: string;
}

/** Easy DKIM always publishes three tokens, one CNAME each. */
export const DKIM_TOKEN_COUNT = 3;

/** The records besides DKIM's: MAIL FROM's MX and SPF, and DMARC. */
export function mailDnsRecords(
  domain: string,
  mailFromDomain: string,
  region: string,
  dmarc: DmarcPolicy,
): MailDnsRecord[] {
  return [
    { name: mailFromDomain, type: "MX", value: `10 feedback-smtp.${region}.amazonses.com` },
    { name: mailFromDomain, type: "TXT", value: "v=spf1 include:amazonses.com ~all" },
    { name: `_dmarc.${domain}`, type: "TXT", value: `v=DMARC1; p=${dmarc};` },
  ];
}

/** The output listing the records to create when there is no hosted zone. */
export const MAIL_DNS_RECORDS_OUTPUT = "mail_dns_records";

export interface SesMailProps {
  /** Prefix of every name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** The environment's resolved `mail` section (mode "ses": `ses.domain` is set). */
  readonly config: MailConfig;
  readonly region: string;
  /** The hosted zone of the mail domain (edge.dns): the records go there; without it they are an output. */
  readonly hostedZoneId?: string;
  /** Topic that receives bounce and complaint events. */
  readonly topicArn: string;
  /** Ghost's task role: allowed to send from this identity only. */
  readonly taskRole: IamRole;
}

/**
 * Amazon SES for Ghost: a domain identity with Easy DKIM (2048-bit) and a custom MAIL FROM
 * domain, its DNS records (in Route 53, or an output to create by hand), a configuration set
 * that requires TLS, publishes reputation metrics and sends bounces and complaints to the alerts
 * topic, and the task role's right to send from this identity.
 */
export class SesMail extends Construct {
  readonly identity: Sesv2EmailIdentity;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly domain: string;
  readonly mailFromDomain: string;

  constructor(scope: Construct, id: string, props: SesMailProps) {
    super(scope, id);
    const { config } = props;
    const domain = config.ses.domain;
    if (!domain) throw new Error("SesMail needs mail.ses.domain (derived from mail.from)");
    this.domain = domain;
    this.mailFromDomain = `${config.ses.mailFromSubdomain}.${domain}`;

    this.configurationSet = new Sesv2ConfigurationSet(this, "configuration-set", {
      configurationSetName: `${props.namePrefix}-mail`,
      deliveryOptions: { tlsPolicy: "REQUIRE" },
      reputationOptions: { reputationMetricsEnabled: true },
      sendingOptions: { sendingEnabled: true },
      suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
    });
    new Sesv2ConfigurationSetEventDestination(this, "feedback-to-alerts", {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: "bounces-and-complaints",
      eventDestination: {
        enabled: true,
        matchingEventTypes: ["BOUNCE", "COMPLAINT"],
        snsDestination: { topicArn: props.topicArn },
      },
    });
    this.identity = new Sesv2EmailIdentity(this, "identity", {
      emailIdentity: domain,
      // Every message from the identity goes through the set: Ghost names no configuration set.
      configurationSetName: this.configurationSet.configurationSetName,
      dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
    });
    new Sesv2EmailIdentityMailFromAttributes(this, "mail-from", {
      emailIdentity: this.identity.emailIdentity,
      mailFromDomain: this.mailFromDomain,
      behaviorOnMxFailure: "USE_DEFAULT_VALUE",
    });

    const tokens = this.identity.dkimSigningAttributes.tokens;
    const records = mailDnsRecords(domain, this.mailFromDomain, props.region, config.ses.dmarcPolicy);
    const zoneId = props.hostedZoneId;
    if (zoneId) {
      for (let index = 0; index < DKIM_TOKEN_COUNT; index++) {
        const token = Fn.element(tokens, index);
        new Route53Record(this, `dkim-${index}`, {
          zoneId,
          name: `${token}._domainkey.${domain}`,
          type: "CNAME",
          ttl: 1800,
          records: [`${token}.dkim.amazonses.com`],
        });
      }
      const names = ["mail-from-mx", "mail-from-spf", "dmarc"];
      records.forEach(
        (record, index) =>
          new Route53Record(this, names[index], {
            zoneId,
            name: record.name,
            type: record.type,
            ttl: 1800,
            records: [record.value],
          }),
      );
    } else {
      new TerraformOutput(this, "dns-records", {
        staticId: true,
        // "name TYPE value" lines to create at the domain's DNS host (TXT values unquoted).
        value: Fn.concat([
          Fn.formatlist(`%s._domainkey.${domain} CNAME %s.dkim.amazonses.com`, [tokens, tokens]),
          records.map((record) => `${record.name} ${record.type} ${record.value}`),
        ]),
        description: `DNS records to create for ${domain} (no edge.dns hosted zone): SES verifies the domain once the DKIM CNAMEs resolve`,
      }).overrideLogicalId(MAIL_DNS_RECORDS_OUTPUT);
    }

    new IamRolePolicy(this, "task-send-policy", {
      name: `${props.namePrefix}-ghost-mail`,
      role: props.taskRole.name,
      policy: policyDocument([
        {
          // SES authorizes a send on the identity and on the configuration set it goes through.
          Action: ["ses:SendEmail", "ses:SendRawEmail"],
          Resource: [this.identity.arn, this.configurationSet.arn],
        },
      ]),
    });
  }
}
