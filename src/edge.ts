import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import {
  CloudfrontDistribution,
  CloudfrontDistributionOrderedCacheBehavior,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";

// ---------------------------------------------------------------------------------------------
// ACM certificate validated through Route 53
// ---------------------------------------------------------------------------------------------

export interface DnsValidatedCertificateProps {
  /** The site's domain name, e.g. "blog.example.com". */
  readonly domainName: string;
  /** Further names on the certificate. @default [] */
  readonly subjectAlternativeNames?: string[];
  /** Public hosted zone that holds the names (the validation records go there). */
  readonly hostedZoneId: string;
  /**
   * Provider of the certificate's region: the us-east-1 alias for CloudFront, none for the ALB.
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An ACM certificate validated by DNS records in Route 53. `certificateArn` comes from the
 * validation resource, so whatever uses it (a listener, a distribution) waits for the issue.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** ARN of the issued certificate. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.subjectAlternativeNames ?? [])];
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames,
      validationMethod: "DNS",
      // A replacement must be issued before the old one is released by its listener/distribution.
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per name. The options are a set (order unknown at synth), so each record takes
    // one element; overwrite, because ACM asks for the same record for a name in every region
    // (the ALB's and CloudFront's certificates) and for a name and its wildcard.
    const records = names.map((_, index) => {
      const option = this.certificate.domainValidationOptions.get(index);
      return new Route53Record(this, `validation-${index}`, {
        zoneId: props.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 60,
        allowOverwrite: true,
      });
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: records.map((record) => record.fqdn),
    });
    this.certificateArn = validation.certificateArn;
  }
}

// ---------------------------------------------------------------------------------------------
// Route 53 alias for the site
// ---------------------------------------------------------------------------------------------

export interface SiteAliasProps {
  readonly hostedZoneId: string;
  /** The site's domain name, e.g. "blog.example.com". */
  readonly domainName: string;
  /** What the name points at: the ALB's or the distribution's DNS name and hosted zone. */
  readonly target: { readonly dnsName: string; readonly zoneId: string };
  /** Also an AAAA record (CloudFront with IPv6; not the IPv4-only ALB). @default false */
  readonly ipv6?: boolean;
  /** Let Route 53 check the target's health (ALB yes; CloudFront does not support it). @default false */
  readonly evaluateTargetHealth?: boolean;
}

/** A/AAAA alias records from the site's name to the ALB or the CloudFront distribution. */
export class SiteAlias extends Construct {
  readonly records: Route53Record[];
  readonly fqdn: string;

  constructor(scope: Construct, id: string, props: SiteAliasProps) {
    super(scope, id);
    const types = props.ipv6 ? ["A", "AAAA"] : ["A"];
    this.records = types.map(
      (type) =>
        new Route53Record(this, type.toLowerCase(), {
          zoneId: props.hostedZoneId,
          name: props.domainName,
          type,
          alias: {
            name: props.target.dnsName,
            zoneId: props.target.zoneId,
            evaluateTargetHealth: props.evaluateTargetHealth ?? false,
          },
        }),
    );
    this.fqdn = this.records[0].fqdn;
  }
}

// ---------------------------------------------------------------------------------------------
// WAFv2 web ACL
// ---------------------------------------------------------------------------------------------

/** AWS managed rule groups (vendor "AWS"), evaluated after the rate limit, in this order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
];

/**
 * Rules of the common rule set only counted, not blocked: Ghost's admin editor saves posts (HTML
 * and all) and uploads images in request bodies larger than 8 KB, which these two would block.
 */
export const COUNTED_COMMON_RULES = ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"];

export interface WebFirewallProps {
  /** Prefix of every name: the web ACL is `<namePrefix>-web-acl`. */
  readonly namePrefix: string;
  /** REGIONAL for the ALB; CLOUDFRONT for a distribution (created in us-east-1). */
  readonly scope: "REGIONAL" | "CLOUDFRONT";
  /** The us-east-1 provider alias; required for CLOUDFRONT. @default undefined */
  readonly usEast1Provider?: TerraformProvider;
  /** Requests one IP may send in 5 minutes before it is blocked. @default 2000 */
  readonly rateLimit?: number;
  /** ALB to associate (REGIONAL only; a distribution names its ACL itself). @default undefined */
  readonly loadBalancerArn?: string;
}

/**
 * A WAFv2 web ACL: a per-IP rate limit, then the AWS managed rule groups for IP reputation,
 * common attacks, known bad inputs and SQL injection; everything else is allowed.
 */
export class WebFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    if (props.scope === "CLOUDFRONT" && !props.usEast1Provider) {
      throw new Error("WebFirewall: a CLOUDFRONT web ACL must be created in us-east-1 (usEast1Provider)");
    }
    if (props.scope === "CLOUDFRONT" && props.loadBalancerArn) {
      throw new Error("WebFirewall: a CLOUDFRONT web ACL cannot be associated with a load balancer");
    }
    const name = `${props.namePrefix}-web-acl`;
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });

    const rateRule: Wafv2WebAclRule = {
      name: "rate-limit-per-ip",
      priority: 0,
      action: { block: {} },
      // `statement` is untyped in the provider bindings (recursive schema): Terraform's own names.
      statement: {
        rate_based_statement: { limit: props.rateLimit ?? 2000, aggregate_key_type: "IP", evaluation_window_sec: 300 },
      },
      visibilityConfig: visibility(`${props.namePrefix}-rate-limit`),
    };
    const managedRules = MANAGED_RULE_GROUPS.map((group, index): Wafv2WebAclRule => ({
      name: group,
      priority: index + 1,
      overrideAction: { none: {} }, // the group's own actions apply
      statement: {
        managed_rule_group_statement: {
          vendor_name: "AWS",
          name: group,
          ...(group === "AWSManagedRulesCommonRuleSet" && {
            rule_action_override: COUNTED_COMMON_RULES.map((rule) => ({ name: rule, action_to_use: { count: {} } })),
          }),
        },
      },
      visibilityConfig: visibility(`${props.namePrefix}-${group}`),
    }));

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider: props.scope === "CLOUDFRONT" ? props.usEast1Provider : undefined,
      name,
      description: `Ghost ${props.namePrefix}: rate limit and AWS managed rules`,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: [rateRule, ...managedRules],
      visibilityConfig: visibility(name),
    });
    this.webAclArn = this.webAcl.arn;

    if (props.loadBalancerArn) {
      new Wafv2WebAclAssociation(this, "alb-association", {
        resourceArn: props.loadBalancerArn,
        webAclArn: this.webAcl.arn,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CloudFront in front of the ALB
// ---------------------------------------------------------------------------------------------

/**
 * AWS managed CloudFront policies, by id (CloudFront developer guide, "Use managed cache
 * policies" and "Use managed origin request policies").
 */
export const CLOUDFRONT_MANAGED_POLICIES = {
  /** Cache policy Managed-CachingDisabled: TTL 0, nothing in the cache key. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Origin request policy Managed-AllViewer: every header (Host too), cookie and query string. */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/**
 * Paths never cached and passed through whole (cookies, all methods): Ghost admin and its API,
 * members (sign-in, portal, API), post previews (/p/<uuid>/) and Ghost's /.ghost/ endpoints.
 */
export const UNCACHED_PATHS = ["/ghost/*", "/members/*", "/p/*", "/.ghost/*"];

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

export interface ContentDeliveryProps {
  /** Prefix of every name. */
  readonly namePrefix: string;
  /** The ALB's DNS name (the origin). */
  readonly originDomainName: string;
  /**
   * Protocol to the ALB: "https" when it has a certificate for the site's name (CloudFront checks
   * it against the Host header, which is forwarded). With "http", Ghost sees X-Forwarded-Proto
   * http from the ALB, so its `url` must be http too or it redirects forever.
   */
  readonly originProtocol: "http" | "https";
  /** The ALB's security group: it gets the rule that lets CloudFront in. */
  readonly albSecurityGroupId: string;
  /**
   * Id of the AWS managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in this
   * region (it differs per region; no look-up at synth). Find it with:
   * `aws ec2 describe-managed-prefix-lists --region <region> --filters
   * Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing
   * --query 'PrefixLists[0].PrefixListId' --output text`. It counts as 55 rules of the group.
   */
  readonly originFacingPrefixListId: string;
  /** Site names served (each must be on the certificate). @default [] (the *.cloudfront.net name only) */
  readonly aliases?: string[];
  /** ACM certificate in us-east-1 covering `aliases`. @default undefined (CloudFront's default certificate) */
  readonly certificateArn?: string;
  /** WAFv2 web ACL (scope CLOUDFRONT) ARN. @default undefined */
  readonly webAclArn?: string;
  /** Edge locations used. @default "PriceClass_100" */
  readonly priceClass?: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** Cache TTLs of Ghost pages; Ghost's Cache-Control wins between min and max. @default { min: 0, default: 300, max: 86400 } */
  readonly pageTtlSeconds?: { readonly min: number; readonly default: number; readonly max: number };
}

/**
 * A CloudFront distribution in front of the ALB: Ghost pages and assets cached (keyed on Host and
 * query string, no cookies, so a member's session never leaks into the cache), admin, members and
 * previews passed through uncached. The ALB's security group admits CloudFront's origin-facing
 * prefix list on the origin port: the public rules for that port must go (see the report).
 */
export class ContentDelivery extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly distributionArn: string;
  /** The distribution's name, e.g. d111111abcdef8.cloudfront.net. */
  readonly domainName: string;
  /** Route 53 zone of CloudFront aliases. */
  readonly hostedZoneId: string;
  readonly originPort: number;

  constructor(scope: Construct, id: string, props: ContentDeliveryProps) {
    super(scope, id);
    const aliases = props.aliases ?? [];
    if (aliases.length > 0 && !props.certificateArn) {
      throw new Error("ContentDelivery: aliases need a us-east-1 certificateArn that covers them");
    }
    const https = props.originProtocol === "https";
    this.originPort = https ? 443 : 80;
    const originId = "ghost-alb";
    const ttl = props.pageTtlSeconds ?? { min: 0, default: 300, max: 86400 };

    // Host in the key (and so forwarded): Ghost answers for its configured name, and an HTTPS
    // origin is checked against it. No cookies: pages are the same for every visitor.
    const pages = new CloudfrontCachePolicy(this, "pages-cache-policy", {
      name: `${props.namePrefix}-ghost-pages`,
      comment: "Ghost pages and assets: Host and query string in the key, no cookies",
      minTtl: ttl.min,
      defaultTtl: ttl.default,
      maxTtl: ttl.max,
      parametersInCacheKeyAndForwardedToOrigin: {
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        headersConfig: { headerBehavior: "whitelist", headers: { items: ["Host"] } },
        cookiesConfig: { cookieBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "all" },
      },
    });

    const uncached: CloudfrontDistributionOrderedCacheBehavior[] = UNCACHED_PATHS.map((pathPattern) => ({
      pathPattern,
      targetOriginId: originId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ALL_METHODS,
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
      originRequestPolicyId: CLOUDFRONT_MANAGED_POLICIES.allViewer,
    }));

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `Ghost ${props.namePrefix}`,
      aliases: aliases.length > 0 ? aliases : undefined,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass ?? "PriceClass_100",
      webAclId: props.webAclArn,
      origin: [
        {
          originId,
          domainName: props.originDomainName,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: https ? "https-only" : "http-only",
            originSslProtocols: ["TLSv1.2"],
            originReadTimeout: 60, // Ghost's admin API can be slow on large imports
            originKeepaliveTimeout: 5,
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: pages.id,
      },
      orderedCacheBehavior: uncached,
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: props.certificateArn
        ? {
            acmCertificateArn: props.certificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
          }
        : { cloudfrontDefaultCertificate: true },
    });
    this.distributionArn = this.distribution.arn;
    this.domainName = this.distribution.domainName;
    this.hostedZoneId = this.distribution.hostedZoneId;

    new VpcSecurityGroupIngressRule(this, "alb-in-cloudfront", {
      securityGroupId: props.albSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: this.originPort,
      toPort: this.originPort,
      prefixListId: props.originFacingPrefixListId,
      description: `${https ? "HTTPS" : "HTTP"} from CloudFront origin-facing servers`,
    });
  }
}
