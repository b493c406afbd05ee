/** Test fixtures shared by several test files (no side effects: safe to import anywhere). */
import { GhostEnvironmentInput } from "../src/config";

/** Every optional feature on, so the Terraform tiers judge those code paths too. */
export const FULL_FEATURE_ENVIRONMENT: GhostEnvironmentInput = {
  environment: "full",
  // A deploy role (no account id: the local-mode tiers here have no STS to check it against).
  account: { deployRoleArn: "arn:aws:iam::123456789012:role/ghost-full-deploy" },
  network: { vpcCidr: "10.20.0.0/16", natGateways: "single" },
  loadBalancer: { accessLogs: true, testListenerCidrs: ["203.0.113.0/24"], deletionProtection: true },
  storage: { throughputMode: "elastic" },
  service: { cpu: 512, memory: 1024, cpuArchitecture: "ARM64", maxCount: 2 },
  database: { engine: "mysql", multiAz: true, deletionProtection: true },
  pipelines: {
    github: {
      connectionArn:
        "arn:aws:codestar-connections:eu-west-2:123456789012:connection/0a1b2c3d-0000-1111-2222-333344445555",
      repository: "example/ghost-blog",
    },
    deploymentConfig: "CodeDeployDefault.ECSCanary10Percent5Minutes",
    readyWaitMinutes: 10,
    manualApproval: true,
  },
  alerts: { emails: ["ops@example.com"] },
  logs: { retentionDays: 30, kmsEncryption: true },
  mail: {
    from: "noreply@blog.example.com",
    mailgun: {
      domain: "mg.example.com",
      region: "eu",
      apiKeySecretArn: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-full-mailgun-AbCdEf",
    },
  },
  // Documentation ranges (RFC 5737, RFC 3849): Ghost admin only from there.
  admin: { allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] },
  edge: {
    dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", domainName: "blog.example.com" },
    cloudFront: { enabled: true, originFacingPrefixListId: "pl-93a247fa" },
    waf: { enabled: true },
  },
};

/**
 * HTTPS with the user's own ACM certificate (no Route 53, no CloudFront) and the user's own SMTP
 * server: the Ghost tier's HTTPS site. The ARN is a placeholder; nothing outside the Ghost tier deploys this environment.
 */
export const HTTPS_CERTIFICATE_ENVIRONMENT: GhostEnvironmentInput = {
  environment: "https",
  network: { vpcCidr: "10.30.0.0/16", natGateways: "none" },
  loadBalancer: {
    certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  },
  service: { siteUrl: "https://blog.example.com" },
  mail: {
    mode: "smtp",
    from: "blog@example.com",
    smtp: {
      host: "smtp.example.com",
      user: "ghost",
      passwordSecretArn: "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-https-smtp-AbCdEf",
    },
  },
};
