/** CloudFront in front of the ALB. */
import { Construct } from "constructs";
import { CloudFrontPriceClass } from "../config";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import {
  CloudfrontDistribution,
  CloudfrontDistributionOrderedCacheBehavior,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/**
 * AWS managed CloudFront policies, by id (CloudFront developer guide, "Use managed cache
 * policies" and "Use managed origin request policies").
 */
export const CLOUDFRONT_MANAGED_POLICIES = {
  /** Cache policy Managed-CachingDisabled: TTL 0, nothing in the cache key. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Origin request policy Managed-AllViewer: every header (Host too), cookie and query string. */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
  /**
   * Response headers policy Managed-SecurityHeadersPolicy: HSTS (one year), X-Content-Type-Options,
   * X-Frame-Options SAMEORIGIN (Ghost's admin and portal frame only their own origin), Referrer-Policy.
   */
  securityHeaders: "67f7725c-6f97-4210-82d7-5512b31e9d03",
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
  /** Edge locations used (the config's `edge.cloudFront.priceClass`). */
  readonly priceClass: CloudFrontPriceClass;
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
      responseHeadersPolicyId: CLOUDFRONT_MANAGED_POLICIES.securityHeaders,
    }));

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `Ghost ${props.namePrefix}`,
      aliases: aliases.length > 0 ? aliases : undefined,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass,
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
        responseHeadersPolicyId: CLOUDFRONT_MANAGED_POLICIES.securityHeaders,
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
