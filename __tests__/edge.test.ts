import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import {
  ADMIN_API_PATH,
  BODY_INSPECTING_GROUPS,
  CLOUDFRONT_MANAGED_POLICIES,
  ContentDelivery,
  ContentDeliveryProps,
  DnsValidatedCertificate,
  SiteAlias,
  pathStartsWith,
  UNCACHED_PATHS,
  WebFirewall,
  WebFirewallProps,
} from "../src/edge";
import { testConfig } from "./support/config";
import { onlyResource, resourcesOfType, synthScope } from "./helpers";

const ZONE = "Z0123456789ABCDEFGHIJ";
const DOMAIN = "blog.example.com";
const LOGS = { retentionDays: 30 };
const ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/ghost-test/0123456789abcdef";

/** The us-east-1 provider alias, as the stack creates it. */
function usEast1(scope: Construct): AwsProvider {
  return new AwsProvider(scope, "aws-us-east-1", { alias: "us-east-1", region: "us-east-1" });
}

// ---------------------------------------------------------------------------------------------

describe("DnsValidatedCertificate", () => {
  function synthCertificate(subjectAlternativeNames?: string[], withProvider = false) {
    let cert!: DnsValidatedCertificate;
    const result = synthScope((scope) => {
      cert = new DnsValidatedCertificate(scope, "cert", {
        domainName: DOMAIN,
        subjectAlternativeNames,
        hostedZoneId: ZONE,
        provider: withProvider ? usEast1(scope) : undefined,
      });
    });
    return { ...result, cert };
  }

  it("requests a DNS-validated certificate for the domain, replaced before it is destroyed", () => {
    const { synth, json } = synthCertificate();
    expect(synth).toHaveResourceWithProperties(AcmCertificate, { domain_name: DOMAIN, validation_method: "DNS" });
    expect(onlyResource(json, "aws_acm_certificate").lifecycle).toEqual({ create_before_destroy: true });
  });

  it("writes one validation record per name into the zone, from the certificate's options", () => {
    const { json } = synthCertificate(["www.blog.example.com"]);
    const certAddress = Object.keys(resourcesOfType(json, "aws_acm_certificate"))[0];
    const records = Object.values(resourcesOfType(json, "aws_route53_record"));
    expect(records).toHaveLength(2);
    records.forEach((record, index) => {
      const option = `tolist(aws_acm_certificate.${certAddress}.domain_validation_options).${index}`;
      expect(record).toMatchObject({
        zone_id: ZONE,
        name: `\${${option}.resource_record_name}`,
        type: `\${${option}.resource_record_type}`,
        records: [`\${${option}.resource_record_value}`],
        allow_overwrite: true,
      });
    });
  });

  it("validates with the records' names and exposes the validation's ARN, so users wait for the issue", () => {
    const { json } = synthScope((scope) => {
      const cert = new DnsValidatedCertificate(scope, "cert", { domainName: DOMAIN, hostedZoneId: ZONE });
      new TerraformOutput(scope, "arn", { value: cert.certificateArn });
    });
    const validation = resourcesOfType(json, "aws_acm_certificate_validation");
    const recordIds = Object.keys(resourcesOfType(json, "aws_route53_record"));
    expect(Object.values(validation)[0].validation_record_fqdns).toEqual(
      recordIds.map((id) => `\${aws_route53_record.${id}.fqdn}`),
    );
    expect(json.output!.arn.value).toBe(
      `\${aws_acm_certificate_validation.${Object.keys(validation)[0]}.certificate_arn}`,
    );
  });

  it("creates the certificate and its validation with the given provider (us-east-1 for CloudFront)", () => {
    const { json } = synthCertificate(undefined, true);
    expect(onlyResource(json, "aws_acm_certificate").provider).toBe("aws.us-east-1");
    expect(onlyResource(json, "aws_acm_certificate_validation").provider).toBe("aws.us-east-1");
    for (const record of Object.values(resourcesOfType(json, "aws_route53_record")))
      expect(record.provider).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe("SiteAlias", () => {
  const target = { dnsName: "d111111abcdef8.cloudfront.net", zoneId: "Z2FDTNDATAQYW2" };

  it("points an A alias at the target, without health evaluation by default", () => {
    const { json } = synthScope(
      (scope) => new SiteAlias(scope, "alias", { hostedZoneId: ZONE, domainName: DOMAIN, target }),
    );
    expect(onlyResource(json, "aws_route53_record")).toMatchObject({
      zone_id: ZONE,
      name: DOMAIN,
      type: "A",
      alias: { name: target.dnsName, zone_id: target.zoneId, evaluate_target_health: false },
    });
  });

  it("adds an AAAA alias for IPv6 targets and evaluates health when asked", () => {
    const { json } = synthScope(
      (scope) =>
        new SiteAlias(scope, "alias", {
          hostedZoneId: ZONE,
          domainName: DOMAIN,
          target,
          ipv6: true,
          evaluateTargetHealth: true,
        }),
    );
    const records = Object.values(resourcesOfType(json, "aws_route53_record"));
    expect(records.map((record) => record.type)).toEqual(["A", "AAAA"]);
    for (const record of records) expect(record.alias.evaluate_target_health).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe("WebFirewall", () => {
  function synthFirewall(props: Partial<WebFirewallProps> & { withProvider?: boolean } = {}) {
    const { withProvider, ...rest } = props;
    return synthScope((scope) => {
      const provider = withProvider ? usEast1(scope) : undefined;
      new WebFirewall(scope, "waf", {
        namePrefix: "ghost-test",
        scope: "REGIONAL",
        usEast1Provider: provider,
        rateLimit: testConfig().edge.waf.rateLimit,
        logs: LOGS,
        ...rest,
      });
    });
  }

  function rulesByName(json: ReturnType<typeof synthFirewall>["json"]): Record<string, any> {
    return Object.fromEntries(onlyResource(json, "aws_wafv2_web_acl").rule.map((rule: any) => [rule.name, rule]));
  }

  it("allows by default and reports metrics and samples", () => {
    const acl = onlyResource(synthFirewall().json, "aws_wafv2_web_acl");
    expect(acl).toMatchObject({
      name: "ghost-test-web-acl",
      scope: "REGIONAL",
      default_action: { allow: {} },
      visibility_config: {
        cloudwatch_metrics_enabled: true,
        metric_name: "ghost-test-web-acl",
        sampled_requests_enabled: true,
      },
    });
  });

  it("blocks an IP over the rate limit first", () => {
    const rate = rulesByName(synthFirewall({ rateLimit: 500 }).json)["rate-limit-per-ip"];
    expect(rate).toMatchObject({
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit: 500, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
    });
    expect(rulesByName(synthFirewall().json)["rate-limit-per-ip"].statement.rate_based_statement.limit).toBe(2000);
  });

  it("applies the four AWS managed rule groups with their own actions", () => {
    const rules = rulesByName(synthFirewall().json);
    const groups = [
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
    ];
    expect(Object.keys(rules)).toEqual(["rate-limit-per-ip", ...groups]);
    groups.forEach((group, index) => {
      expect(rules[group]).toMatchObject({
        priority: index + 1,
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: "AWS", name: group } },
        visibility_config: {
          cloudwatch_metrics_enabled: true,
          metric_name: `ghost-test-${group}`,
          sampled_requests_enabled: true,
        },
      });
    });
  });

  it("only counts the common rules that Ghost's admin editor trips (large and HTML bodies)", () => {
    const rules = rulesByName(synthFirewall().json);
    expect(rules.AWSManagedRulesCommonRuleSet.statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
      { name: "CrossSiteScripting_BODY", action_to_use: { count: {} } },
    ]);
    expect(
      rules.AWSManagedRulesSQLiRuleSet.statement.managed_rule_group_statement.rule_action_override,
    ).toBeUndefined();
  });

  it("associates a regional web ACL with the load balancer", () => {
    const { synth, json } = synthFirewall({ loadBalancerArn: ALB_ARN });
    const aclAddress = Object.keys(resourcesOfType(json, "aws_wafv2_web_acl"))[0];
    expect(synth).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
      resource_arn: ALB_ARN,
      web_acl_arn: `\${aws_wafv2_web_acl.${aclAddress}.arn}`,
    });
    expect(resourcesOfType(synthFirewall().json, "aws_wafv2_web_acl_association")).toEqual({});
  });

  it("creates a CloudFront web ACL in us-east-1, without association", () => {
    const { json } = synthFirewall({ scope: "CLOUDFRONT", withProvider: true });
    expect(onlyResource(json, "aws_wafv2_web_acl")).toMatchObject({ scope: "CLOUDFRONT", provider: "aws.us-east-1" });
    expect(resourcesOfType(json, "aws_wafv2_web_acl_association")).toEqual({});
  });

  it("keeps the IP reputation list on every request, Admin API included", () => {
    const reputation = rulesByName(synthFirewall().json).AWSManagedRulesAmazonIpReputationList;
    expect(reputation.statement.managed_rule_group_statement.scope_down_statement).toBeUndefined();
  });

  it("lets the body-inspecting groups skip Ghost's Admin API, so a post with SQL or ../ in a code block saves", () => {
    const rules = rulesByName(synthFirewall().json);
    expect(BODY_INSPECTING_GROUPS).toEqual([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
    ]);
    for (const group of BODY_INSPECTING_GROUPS) {
      expect(rules[group].statement.managed_rule_group_statement.scope_down_statement).toEqual({
        not_statement: { statement: [pathStartsWith("/ghost/api/admin/")] },
      });
    }
    expect(ADMIN_API_PATH).toBe("/ghost/api/admin/");
  });

  it("reads the path decoded, normalized and lowercased before matching a prefix", () => {
    expect(pathStartsWith("/ghost/api/admin/")).toEqual({
      byte_match_statement: {
        search_string: "/ghost/api/admin/",
        positional_constraint: "STARTS_WITH",
        field_to_match: { uri_path: {} },
        text_transformation: [
          { priority: 0, type: "URL_DECODE" },
          { priority: 1, type: "NORMALIZE_PATH_WIN" },
          { priority: 2, type: "LOWERCASE" },
        ],
      },
    });
  });

  it("logs to aws-waf-logs-<prefix> with the environment's retention and key", () => {
    const { json } = synthFirewall({
      logs: { retentionDays: 90, kmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/k" },
    });
    const group = onlyResource(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({
      name: "aws-waf-logs-ghost-test",
      retention_in_days: 90,
      kms_key_id: "arn:aws:kms:eu-west-2:123456789012:key/k",
    });
    const groupAddress = Object.keys(resourcesOfType(json, "aws_cloudwatch_log_group"))[0];
    const aclAddress = Object.keys(resourcesOfType(json, "aws_wafv2_web_acl"))[0];
    expect(onlyResource(json, "aws_wafv2_web_acl_logging_configuration")).toMatchObject({
      resource_arn: `\${aws_wafv2_web_acl.${aclAddress}.arn}`,
      log_destination_configs: [`\${aws_cloudwatch_log_group.${groupAddress}.arn}`],
    });
  });

  it("never logs the authorization and cookie headers, nor the query string (magic-link tokens)", () => {
    const logging = onlyResource(synthFirewall().json, "aws_wafv2_web_acl_logging_configuration");
    expect(logging.redacted_fields).toEqual([
      { single_header: { name: "authorization" } },
      { single_header: { name: "cookie" } },
      { query_string: {} },
    ]);
  });

  it("keeps a CloudFront web ACL's log group and logging in us-east-1, beside the ACL", () => {
    const { json } = synthFirewall({ scope: "CLOUDFRONT", withProvider: true });
    expect(onlyResource(json, "aws_cloudwatch_log_group").provider).toBe("aws.us-east-1");
    expect(onlyResource(json, "aws_wafv2_web_acl_logging_configuration").provider).toBe("aws.us-east-1");
    expect(onlyResource(synthFirewall().json, "aws_cloudwatch_log_group").provider).toBeUndefined();
  });

  it("makes one IP set per address family of the admin allowlist, IPv6 written as WAF returns it", () => {
    const { json } = synthFirewall({ adminAllowedCidrs: ["203.0.113.0/24", "2001:DB8:0::/32", "198.51.100.0/24"] });
    const sets = Object.values(resourcesOfType(json, "aws_wafv2_ip_set"));
    expect(sets.map((set) => [set.name, set.ip_address_version, set.addresses, set.scope])).toEqual([
      ["ghost-test-admin-ipv4", "IPV4", ["203.0.113.0/24", "198.51.100.0/24"], "REGIONAL"],
      ["ghost-test-admin-ipv6", "IPV6", ["2001:db8::/32"], "REGIONAL"],
    ]);
    const ipv4Only = synthFirewall({ adminAllowedCidrs: ["203.0.113.0/24"] }).json;
    expect(onlyResource(ipv4Only, "aws_wafv2_ip_set").ip_address_version).toBe("IPV4");
  });

  it("blocks Ghost admin, except the Content API and .well-known, from sources in no set, after the rate limit and before the managed groups", () => {
    const { json } = synthFirewall({ adminAllowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] });
    const sets = Object.keys(resourcesOfType(json, "aws_wafv2_ip_set"));
    const rule = rulesByName(json)["admin-allowlist"];
    expect(rule).toMatchObject({ priority: 1, action: { block: {} } });
    expect(rule.statement).toEqual({
      and_statement: {
        statement: [
          pathStartsWith("/ghost/"),
          { not_statement: { statement: [pathStartsWith("/ghost/api/content/")] } },
          { not_statement: { statement: [pathStartsWith("/ghost/.well-known/")] } },
          ...sets.map((set) => ({
            not_statement: { statement: [{ ip_set_reference_statement: { arn: `\${aws_wafv2_ip_set.${set}.arn}` } }] },
          })),
        ],
      },
    });
    expect(rulesByName(json).AWSManagedRulesAmazonIpReputationList.priority).toBe(2);
  });

  it("keeps a CloudFront web ACL's IP sets in us-east-1, with the ACL's scope", () => {
    const { json } = synthFirewall({ scope: "CLOUDFRONT", withProvider: true, adminAllowedCidrs: ["203.0.113.0/24"] });
    expect(onlyResource(json, "aws_wafv2_ip_set")).toMatchObject({ scope: "CLOUDFRONT", provider: "aws.us-east-1" });
  });

  it("with an allowlist alone, has neither the rate limit nor the managed groups", () => {
    const { json } = synthFirewall({ rateLimit: undefined, adminAllowedCidrs: ["203.0.113.0/24"] });
    expect(Object.keys(rulesByName(json))).toEqual(["admin-allowlist"]);
    expect(rulesByName(json)["admin-allowlist"].priority).toBe(0);
    expect(resourcesOfType(synthFirewall().json, "aws_wafv2_ip_set")).toEqual({});
  });

  it("refuses a web ACL with no rule, and an allowlist entry that is no CIDR", () => {
    expect(() => synthFirewall({ rateLimit: undefined })).toThrow(/nothing to do/);
    expect(() => synthFirewall({ adminAllowedCidrs: ["203.0.113.0"] })).toThrow(/not an IPv4 or IPv6 CIDR/);
  });

  it("refuses a CloudFront web ACL without the us-east-1 provider, or with a load balancer", () => {
    expect(() => synthFirewall({ scope: "CLOUDFRONT" })).toThrow(/us-east-1/);
    expect(() => synthFirewall({ scope: "CLOUDFRONT", withProvider: true, loadBalancerArn: ALB_ARN })).toThrow(
      /load balancer/,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("ContentDelivery", () => {
  const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
  const baseProps: ContentDeliveryProps = {
    namePrefix: "ghost-test",
    originDomainName: "ghost-test-123.eu-west-2.elb.amazonaws.com",
    originProtocol: "https",
    albSecurityGroupId: "sg-alb",
    originFacingPrefixListId: "pl-93a247fa",
    priceClass: testConfig().edge.cloudFront.priceClass,
  };

  function synthCdn(props: Partial<ContentDeliveryProps> = {}) {
    const result = synthScope((scope) => new ContentDelivery(scope, "cdn", { ...baseProps, ...props }));
    return { ...result, distribution: onlyResource(result.json, "aws_cloudfront_distribution") };
  }

  it("fetches from the ALB over HTTPS when it has a certificate, HTTP otherwise", () => {
    expect(synthCdn().distribution.origin[0]).toMatchObject({
      domain_name: baseProps.originDomainName,
      custom_origin_config: {
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: ["TLSv1.2"],
        http_port: 80,
        https_port: 443,
      },
    });
    expect(
      synthCdn({ originProtocol: "http" }).distribution.origin[0].custom_origin_config.origin_protocol_policy,
    ).toBe("http-only");
  });

  it("caches Ghost pages keyed on Host and query string, never on cookies", () => {
    const { synth, json, distribution } = synthCdn();
    expect(synth).toHaveResourceWithProperties(CloudfrontCachePolicy, {
      name: "ghost-test-ghost-pages",
      parameters_in_cache_key_and_forwarded_to_origin: {
        headers_config: { header_behavior: "whitelist", headers: { items: ["Host"] } },
        cookies_config: { cookie_behavior: "none" },
        query_strings_config: { query_string_behavior: "all" },
        enable_accept_encoding_gzip: true,
        enable_accept_encoding_brotli: true,
      },
    });
    const policyAddress = Object.keys(resourcesOfType(json, "aws_cloudfront_cache_policy"))[0];
    expect(distribution.default_cache_behavior).toMatchObject({
      cache_policy_id: `\${aws_cloudfront_cache_policy.${policyAddress}.id}`,
      viewer_protocol_policy: "redirect-to-https",
      allowed_methods: ["GET", "HEAD", "OPTIONS"],
      cached_methods: ["GET", "HEAD"],
      compress: true,
    });
    expect(distribution.default_cache_behavior.origin_request_policy_id).toBeUndefined();
  });

  it("passes admin, members, previews and /.ghost/ through uncached, with every header, cookie and method", () => {
    const behaviors = synthCdn().distribution.ordered_cache_behavior;
    expect(behaviors.map((b: any) => b.path_pattern)).toEqual(["/ghost/*", "/members/*", "/p/*", "/.ghost/*"]);
    expect(UNCACHED_PATHS).toEqual(behaviors.map((b: any) => b.path_pattern));
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        origin_request_policy_id: "216adef6-5c7f-47e4-b989-5492eafa07d3",
        viewer_protocol_policy: "redirect-to-https",
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      });
    }
    expect(CLOUDFRONT_MANAGED_POLICIES).toEqual({
      cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
      securityHeaders: "67f7725c-6f97-4210-82d7-5512b31e9d03",
    });
  });

  it("adds the managed security headers (HSTS, nosniff, SAMEORIGIN frames) to every response", () => {
    const { default_cache_behavior: pages, ordered_cache_behavior: uncached } = synthCdn().distribution;
    for (const behavior of [pages, ...uncached]) {
      expect(behavior.response_headers_policy_id).toBe("67f7725c-6f97-4210-82d7-5512b31e9d03");
    }
  });

  it("serves the site's name with the us-east-1 certificate over SNI and TLS 1.2+", () => {
    const { distribution } = synthCdn({ aliases: [DOMAIN], certificateArn: CERT });
    expect(distribution.aliases).toEqual([DOMAIN]);
    expect(distribution.viewer_certificate).toEqual({
      acm_certificate_arn: CERT,
      ssl_support_method: "sni-only",
      minimum_protocol_version: "TLSv1.2_2021",
    });
  });

  it("uses CloudFront's own name and certificate without aliases", () => {
    const { distribution } = synthCdn();
    expect(distribution.aliases).toBeUndefined();
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
  });

  it("refuses aliases without a certificate", () => {
    expect(() => synthCdn({ aliases: [DOMAIN] })).toThrow(/certificateArn/);
  });

  it("attaches the web ACL, IPv6 and the price class", () => {
    const webAcl = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/ghost-test-web-acl/abc";
    expect(synthCdn({ webAclArn: webAcl }).distribution).toMatchObject({
      web_acl_id: webAcl,
      is_ipv6_enabled: true,
      price_class: "PriceClass_100",
      enabled: true,
    });
    expect(synthCdn().distribution.web_acl_id).toBeUndefined();
  });

  it("lets CloudFront's origin-facing servers into the ALB on the origin port", () => {
    expect(synthCdn().synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      security_group_id: "sg-alb",
      prefix_list_id: "pl-93a247fa",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
    });
    const rule = onlyResource(synthCdn({ originProtocol: "http" }).json, "aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({ from_port: 80, to_port: 80 });
    expect(rule.description).toMatch(/CloudFront/);
    expect(rule.cidr_ipv4).toBeUndefined();
  });
});
