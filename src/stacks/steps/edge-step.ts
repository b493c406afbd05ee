import { Annotations, TerraformStack } from "cdktf";
import { isPlaceholderDomain } from "../../config";
import { ContentDelivery, DnsValidatedCertificate, SiteAlias, WebFirewall } from "../../edge";
import { LogSettings } from "../../shared/log-group";
import { LogsKey } from "../../shared/logs-key";
import { Foundation } from "./foundation";
import { RunLens } from "./run-step";

/** Edge, each part off unless configured: the web firewall, CloudFront with its certificate, the site's alias. */
export function edgeLens(stack: TerraformStack, base: Foundation, run: RunLens): void {
  const { config, prefix, usEast1 } = base;
  const { dns: zone, cloudFront, waf } = config.edge;
  const { loadBalancer, securityGroups } = run;
  if (zone && isPlaceholderDomain(zone.domainName)) {
    Annotations.of(stack).addWarning(
      `edge.dns.domainName "${zone.domainName}" is at a reserved example domain: set edge.dns to your hosted zone and domain before deploying (its certificate can never be validated).`,
    );
  }
  const { allowedCidrs } = config.admin;
  const firewall =
    waf.enabled || allowedCidrs.length > 0
      ? new WebFirewall(stack, "waf", {
          namePrefix: prefix,
          scope: cloudFront.enabled ? "CLOUDFRONT" : "REGIONAL",
          usEast1Provider: usEast1,
          rateLimit: waf.enabled ? waf.rateLimit : undefined,
          adminAllowedCidrs: allowedCidrs,
          logs: cloudFront.enabled ? usEast1LogSettings(stack, base) : base.logs,
          loadBalancerArn: cloudFront.enabled ? undefined : loadBalancer.arn,
        })
      : undefined;
  let aliasTarget = { dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId };
  if (cloudFront.enabled && zone) {
    const cdnCertificate = new DnsValidatedCertificate(stack, "cloudfront-certificate", { ...zone, provider: usEast1 });
    const cdn = new ContentDelivery(stack, "cdn", {
      namePrefix: prefix,
      originDomainName: loadBalancer.dnsName,
      originProtocol: loadBalancer.scheme,
      albSecurityGroupId: securityGroups.albSecurityGroupId,
      originFacingPrefixListId: cloudFront.originFacingPrefixListId!,
      aliases: [zone.domainName],
      certificateArn: cdnCertificate.certificateArn,
      webAclArn: firewall?.webAclArn,
      priceClass: cloudFront.priceClass,
    });
    aliasTarget = { dnsName: cdn.domainName, zoneId: cdn.hostedZoneId };
  }
  if (zone) {
    new SiteAlias(stack, "site-alias", {
      ...zone,
      target: aliasTarget,
      ipv6: cloudFront.enabled,
      evaluateTargetHealth: !cloudFront.enabled,
    });
  }
}

/**
 * Log settings for log groups in us-east-1 (a CloudFront web ACL logs there): KMS keys are
 * regional, so with log encryption on, outside us-east-1, a second logs key is made there.
 */
function usEast1LogSettings(stack: TerraformStack, base: Foundation): LogSettings {
  const { config, prefix, accountId, usEast1 } = base;
  if (!config.logs.kmsEncryption || config.region === "us-east-1") return base.logs;
  const key = new LogsKey(stack, "logs-key-us-east-1", {
    namePrefix: prefix,
    region: "us-east-1",
    accountId,
    provider: usEast1,
  });
  return { ...base.logs, kmsKeyArn: key.keyArn };
}
