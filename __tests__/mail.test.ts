// Types of the cdktf jest matchers (setup.js installs them at runtime).
import "cdktf/lib/testing/adapters/jest";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Sesv2ConfigurationSet } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { Sesv2EmailIdentity } from "@cdktf/provider-aws/lib/sesv2-email-identity";
import { Sesv2EmailIdentityMailFromAttributes } from "@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes";
import { GhostEnvironmentInput, MailConfig } from "../src/config";
import { ghostMailEnvironment, MAIL_DNS_RECORDS_OUTPUT, secretResourceArn, SesMail } from "../src/run/mail";
import { ghostEnvironment } from "../src/run/service";
import { onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { testConfig } from "./support/config";

const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-smtp-AbCdEf";
const MAILGUN_SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-mailgun-AbCdEf";

const mailOf = (mail: GhostEnvironmentInput["mail"]): MailConfig => testConfig({ mail }).mail;
const variables = (mail: MailConfig) =>
  Object.fromEntries(ghostMailEnvironment(mail, "eu-west-2").environment.map((v) => [v.name, v.value]));

describe("ghostMailEnvironment", () => {
  it("configures Ghost's SES transport in the stack's region with no keys (the task role's credentials)", () => {
    const mail = mailOf({ from: "noreply@mysite.org" });
    expect(variables(mail)).toEqual({
      mail__from: "noreply@mysite.org",
      mail__transport: "SES",
      mail__options__region: "eu-west-2",
    });
    expect(ghostMailEnvironment(mail, "eu-west-2").secrets).toEqual([]);
  });

  it("configures SMTP with STARTTLS required, the password a secret the execution role reads", () => {
    const mail = mailOf({
      mode: "smtp",
      from: "noreply@mysite.org",
      smtp: { host: "smtp.mysite.org", user: "ghost", passwordSecretArn: `${SECRET}:password::` },
    });
    const settings = ghostMailEnvironment(mail, "eu-west-2");
    expect(variables(mail)).toEqual({
      mail__from: "noreply@mysite.org",
      mail__transport: "SMTP",
      mail__options__host: "smtp.mysite.org",
      mail__options__port: "587",
      mail__options__secure: "false",
      mail__options__requireTLS: "true",
      mail__options__auth__user: "ghost",
    });
    expect(settings.secrets).toEqual([{ name: "mail__options__auth__pass", valueFrom: `${SECRET}:password::` }]);
    expect(settings.secretArns).toEqual([SECRET]);
  });

  it("speaks TLS from the first byte on port 465", () => {
    const mail = mailOf({
      mode: "smtp",
      from: "noreply@mysite.org",
      smtp: { host: "smtp.mysite.org", port: 465, user: "ghost", passwordSecretArn: SECRET },
    });
    expect(variables(mail)).toMatchObject({ mail__options__port: "465", mail__options__secure: "true" });
    expect(variables(mail)).not.toHaveProperty("mail__options__requireTLS");
  });

  it("gives Ghost Mailgun for newsletters as its bulkEmail config, the API key a secret", () => {
    const mail = mailOf({
      from: "noreply@mysite.org",
      mailgun: { domain: "mg.mysite.org", region: "eu", apiKeySecretArn: MAILGUN_SECRET },
    });
    expect(variables(mail)).toMatchObject({
      bulkEmail__mailgun__domain: "mg.mysite.org",
      bulkEmail__mailgun__baseUrl: "https://api.eu.mailgun.net/v3",
    });
    expect(ghostMailEnvironment(mail, "eu-west-2").secrets).toEqual([
      { name: "bulkEmail__mailgun__apiKey", valueFrom: MAILGUN_SECRET },
    ]);
  });

  it("sets nothing without mail", () => {
    expect(ghostMailEnvironment(mailOf(undefined), "eu-west-2")).toEqual({
      environment: [],
      secrets: [],
      secretArns: [],
    });
  });

  it("joins the container's variables and secrets sorted by name, as ECS returns them", () => {
    const mail = mailOf({
      mode: "smtp",
      from: "noreply@mysite.org",
      smtp: { host: "smtp.mysite.org", user: "ghost", passwordSecretArn: SECRET },
    });
    const task = ghostEnvironment({
      siteUrl: "https://blog.mysite.org",
      database: { client: "sqlite3" },
      mail: ghostMailEnvironment(mail, "eu-west-2"),
    });
    const names = task.environment.map((variable) => variable.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["mail__transport", "url", "database__client"]));
    expect(task.secretArns).toEqual([SECRET]);
  });

  it("names the secret itself, not its JSON key, as the IAM resource", () => {
    expect(secretResourceArn(`${SECRET}:password:AWSCURRENT:`)).toBe(SECRET);
    expect(secretResourceArn(SECRET)).toBe(SECRET);
  });
});

/** `${type.<its one resource>.attribute}`: the reference Terraform resolves. */
function reference(json: ReturnType<typeof synthScope>["json"], type: string, attribute: string): string {
  const ids = Object.keys(resourcesOfType(json, type));
  expect(ids).toHaveLength(1);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

describe("SesMail", () => {
  const ZONE = "Z0123456789ABCDEFGHIJ";
  const build = (hostedZoneId?: string, mail = mailOf({ from: "noreply@mysite.org" })) =>
    synthScope((scope) => {
      const taskRole = new IamRole(scope, "task-role", { name: "ghost-test-task", assumeRolePolicy: "{}" });
      new SesMail(scope, "mail", {
        namePrefix: "ghost-test",
        config: mail,
        region: "eu-west-2",
        hostedZoneId,
        topicArn: "arn:aws:sns:eu-west-2:123456789012:ghost-test-alerts",
        taskRole,
      });
    });

  it("creates a domain identity with Easy DKIM (2048-bit) that sends through the configuration set", () => {
    const { synth, json } = build();
    expect(synth).toHaveResourceWithProperties(Sesv2EmailIdentity, {
      email_identity: "mysite.org",
      dkim_signing_attributes: { next_signing_key_length: "RSA_2048_BIT" },
      configuration_set_name: reference(json, "aws_sesv2_configuration_set", "configuration_set_name"),
    });
  });

  it("sets the custom MAIL FROM domain, falling back to SES's when its MX is missing", () => {
    expect(build().synth).toHaveResourceWithProperties(Sesv2EmailIdentityMailFromAttributes, {
      mail_from_domain: "mail.mysite.org",
      behavior_on_mx_failure: "USE_DEFAULT_VALUE",
    });
  });

  it("requires TLS for delivery and publishes reputation metrics", () => {
    expect(build().synth).toHaveResourceWithProperties(Sesv2ConfigurationSet, {
      configuration_set_name: "ghost-test-mail",
      delivery_options: { tls_policy: "REQUIRE" },
      reputation_options: { reputation_metrics_enabled: true },
    });
  });

  it("sends bounces and complaints to the alerts topic", () => {
    expect(build().synth).toHaveResourceWithProperties(Sesv2ConfigurationSetEventDestination, {
      event_destination: {
        enabled: true,
        matching_event_types: ["BOUNCE", "COMPLAINT"],
        sns_destination: { topic_arn: "arn:aws:sns:eu-west-2:123456789012:ghost-test-alerts" },
      },
    });
  });

  it("lets the task role send from this identity and configuration set only", () => {
    const { json } = build();
    const policy = parsePolicy(onlyResource(json, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["ses:SendEmail", "ses:SendRawEmail"],
        Resource: [
          reference(json, "aws_sesv2_email_identity", "arn"),
          reference(json, "aws_sesv2_configuration_set", "arn"),
        ],
      },
    ]);
  });

  it("with a hosted zone, publishes the three DKIM CNAMEs, the MAIL FROM MX and SPF, and DMARC", () => {
    const { json } = build(ZONE);
    const records = Object.values(resourcesOfType(json, "aws_route53_record")).map(
      (record) => `${record.name} ${record.type} ${record.records.join(",")}`,
    );
    const tokens = reference(json, "aws_sesv2_email_identity", "dkim_signing_attributes[0].tokens").slice(2, -1);
    const token = (index: number) => `\${element(${tokens}, ${index})}`;
    expect(records.sort()).toEqual(
      [
        ...[0, 1, 2].map((index) => `${token(index)}._domainkey.mysite.org CNAME ${token(index)}.dkim.amazonses.com`),
        "mail.mysite.org MX 10 feedback-smtp.eu-west-2.amazonses.com",
        "mail.mysite.org TXT v=spf1 include:amazonses.com ~all",
        "_dmarc.mysite.org TXT v=DMARC1; p=none;",
      ].sort(),
    );
    expect(Object.values(resourcesOfType(json, "aws_route53_record")).every((record) => record.zone_id === ZONE)).toBe(
      true,
    );
    expect(json.output?.[MAIL_DNS_RECORDS_OUTPUT]).toBeUndefined();
  });

  it("publishes the DMARC policy configured", () => {
    const { synth } = build(ZONE, mailOf({ from: "noreply@mysite.org", ses: { dmarcPolicy: "quarantine" } }));
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      name: "_dmarc.mysite.org",
      records: ["v=DMARC1; p=quarantine;"],
    });
  });

  it("without a hosted zone, creates no record and outputs the records to create", () => {
    const { json } = build();
    expect(resourcesOfType(json, "aws_route53_record")).toEqual({});
    const value = String(json.output?.[MAIL_DNS_RECORDS_OUTPUT]?.value);
    expect(value).toContain('formatlist("%s._domainkey.mysite.org CNAME %s.dkim.amazonses.com"');
    expect(value).toContain("mail.mysite.org MX 10 feedback-smtp.eu-west-2.amazonses.com");
    expect(value).toContain("_dmarc.mysite.org TXT v=DMARC1; p=none;");
  });
});
