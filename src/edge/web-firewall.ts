/** WAFv2 web ACL. */
import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";

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
  /** Requests one IP may send in 5 minutes before it is blocked (the config's `edge.waf.rateLimit`). */
  readonly rateLimit: number;
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
        rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP", evaluation_window_sec: 300 },
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
