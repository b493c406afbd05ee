/** WAFv2 web ACL: the admin allowlist, the rate limit and the AWS managed rules, with its logs. */
import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { formatAnyCidr, parseAnyCidr } from "../config/cidr";
import { logGroup, LogSettings } from "../shared/log-group";

/** AWS managed rule groups (vendor "AWS"), evaluated after the rate limit, in this order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
];

/**
 * The groups with body rules (LFI, RFI, SSRF, SQLi, Log4j, ...) that block a post whose code block
 * shows SQL, `../` or 169.254.169.254: they skip Ghost's Admin API (ADMIN_API_PATH), which Ghost
 * refuses without a staff session or an integration token. IP reputation still sees everything.
 */
export const BODY_INSPECTING_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
];

/**
 * Rules of the common rule set only counted, not blocked: Ghost's admin editor saves posts (HTML
 * and all) and uploads images in request bodies larger than 8 KB, which these two would block.
 */
export const COUNTED_COMMON_RULES = ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"];

/** Ghost's Admin API. */
export const ADMIN_API_PATH = "/ghost/api/admin/";
/** Ghost admin: the admin app and the Admin API, except PUBLIC_GHOST_PATHS. */
export const ADMIN_PATH = "/ghost/";
/** Under ADMIN_PATH but public: the Content API (themes, search) and the health check and members' JWKS. */
export const PUBLIC_GHOST_PATHS = ["/ghost/api/content/", "/ghost/.well-known/"];

/**
 * How WAF reads the path before a prefix check, in this order: percent-decoded once, repeated
 * slashes, `.` and `..` segments (and backslashes) resolved, lowercased. So `/GHOST/api/%61dmin/`
 * and `/ghost/api/content/../admin/` both read as admin, however a client spells them.
 */
export const PATH_TRANSFORMATIONS = ["URL_DECODE", "NORMALIZE_PATH_WIN", "LOWERCASE"];

/** A statement true when the transformed URI path starts with `prefix` (lowercase). */
export function pathStartsWith(prefix: string): Record<string, unknown> {
  return {
    byte_match_statement: {
      search_string: prefix,
      positional_constraint: "STARTS_WITH",
      field_to_match: { uri_path: {} },
      text_transformation: PATH_TRANSFORMATIONS.map((type, priority) => ({ priority, type })),
    },
  };
}

/** Headers WAF logs never show: staff sessions and integration tokens, member cookies. */
export const REDACTED_HEADERS = ["authorization", "cookie"];

export interface WebFirewallProps {
  /** Prefix of every name: the web ACL is `<namePrefix>-web-acl`. */
  readonly namePrefix: string;
  /** REGIONAL for the ALB; CLOUDFRONT for a distribution (created in us-east-1). */
  readonly scope: "REGIONAL" | "CLOUDFRONT";
  /** The us-east-1 provider alias; required for CLOUDFRONT. @default undefined */
  readonly usEast1Provider?: TerraformProvider;
  /**
   * The rate limit and the AWS managed groups (`edge.waf.enabled`): requests one IP may send in
   * 5 minutes before it is blocked (`edge.waf.rateLimit`). @default undefined (neither)
   */
  readonly rateLimit?: number;
  /**
   * Sources (IPv4 and IPv6 CIDRs) that alone may reach Ghost admin (`admin.allowedCidrs`).
   * @default [] (everyone)
   */
  readonly adminAllowedCidrs?: string[];
  /**
   * Retention and key of the WAF log group, `aws-waf-logs-<namePrefix>` (WAF requires the prefix).
   * It lives with the ACL: for CLOUDFRONT in us-east-1, so the key must be a us-east-1 key.
   */
  readonly logs: LogSettings;
  /** ALB to associate (REGIONAL only; a distribution names its ACL itself). @default undefined */
  readonly loadBalancerArn?: string;
}

/**
 * A WAFv2 web ACL, rules in this order: a per-IP rate limit; the admin allowlist (Ghost admin
 * from elsewhere is blocked); the AWS managed rule groups for IP reputation, common attacks,
 * known bad inputs and SQL injection (the body-inspecting ones skip the Admin API); everything
 * else is allowed. Each part is optional; the ACL needs one. Rules belong to the ACL, attached to
 * the ALB or the distribution, so CodeDeploy's listener swaps never touch them.
 */
export class WebFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly webAclArn: string;
  /** One per address family present in the allowlist. */
  readonly adminIpSets: Wafv2IpSet[] = [];

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    if (props.scope === "CLOUDFRONT" && !props.usEast1Provider) {
      throw new Error("WebFirewall: a CLOUDFRONT web ACL must be created in us-east-1 (usEast1Provider)");
    }
    if (props.scope === "CLOUDFRONT" && props.loadBalancerArn) {
      throw new Error("WebFirewall: a CLOUDFRONT web ACL cannot be associated with a load balancer");
    }
    const allowed = props.adminAllowedCidrs ?? [];
    if (props.rateLimit === undefined && allowed.length === 0) {
      throw new Error("WebFirewall: nothing to do without a rateLimit (managed rules) or adminAllowedCidrs");
    }
    const provider = props.scope === "CLOUDFRONT" ? props.usEast1Provider : undefined;
    const name = `${props.namePrefix}-web-acl`;
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });

    const rules: Omit<Wafv2WebAclRule, "priority">[] = [];
    if (props.rateLimit !== undefined) {
      rules.push({
        name: "rate-limit-per-ip",
        action: { block: {} },
        // `statement` is untyped in the provider bindings (recursive schema): Terraform's own names.
        statement: {
          rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP", evaluation_window_sec: 300 },
        },
        visibilityConfig: visibility(`${props.namePrefix}-rate-limit`),
      });
    }
    if (allowed.length > 0) {
      // WAF IP sets hold one address family each; IPv6 written as WAF returns it (RFC 5952), so plans stay clean.
      const parsed = allowed.map((text) => {
        const cidr = parseAnyCidr(text);
        if (!cidr) throw new Error(`WebFirewall: adminAllowedCidrs: ${text} is not an IPv4 or IPv6 CIDR`);
        return cidr;
      });
      const families = {
        IPV4: parsed.filter((cidr) => cidr.version === 4).map(formatAnyCidr),
        IPV6: parsed.filter((cidr) => cidr.version === 6).map(formatAnyCidr),
      };
      for (const [version, addresses] of Object.entries(families)) {
        if (addresses.length === 0) continue;
        this.adminIpSets.push(
          new Wafv2IpSet(this, `admin-${version.toLowerCase()}`, {
            provider,
            name: `${props.namePrefix}-admin-${version.toLowerCase()}`,
            description: `Ghost ${props.namePrefix}: sources allowed to reach Ghost admin`,
            scope: props.scope,
            ipAddressVersion: version,
            addresses,
          }),
        );
      }
      // Admin path (and not a public one) from a source in no set: blocked. A flat AND of NOTs
      // stays within WAF's nesting limits.
      rules.push({
        name: "admin-allowlist",
        action: { block: {} },
        statement: {
          and_statement: {
            statement: [
              pathStartsWith(ADMIN_PATH),
              ...PUBLIC_GHOST_PATHS.map((path) => ({ not_statement: { statement: [pathStartsWith(path)] } })),
              ...this.adminIpSets.map((set) => ({
                not_statement: { statement: [{ ip_set_reference_statement: { arn: set.arn } }] },
              })),
            ],
          },
        },
        visibilityConfig: visibility(`${props.namePrefix}-admin-allowlist`),
      });
    }
    if (props.rateLimit !== undefined) {
      for (const group of MANAGED_RULE_GROUPS) {
        const skipsAdminApi = BODY_INSPECTING_GROUPS.includes(group);
        rules.push({
          name: group,
          overrideAction: { none: {} }, // the group's own actions apply
          statement: {
            managed_rule_group_statement: {
              vendor_name: "AWS",
              name: group,
              ...(group === "AWSManagedRulesCommonRuleSet" && {
                rule_action_override: COUNTED_COMMON_RULES.map((rule) => ({
                  name: rule,
                  action_to_use: { count: {} },
                })),
              }),
              ...(skipsAdminApi && {
                scope_down_statement: { not_statement: { statement: [pathStartsWith(ADMIN_API_PATH)] } },
              }),
            },
          },
          visibilityConfig: visibility(`${props.namePrefix}-${group}`),
        });
      }
    }

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider,
      name,
      description: `Ghost ${props.namePrefix}: ${[
        props.rateLimit !== undefined && "rate limit",
        allowed.length > 0 && "admin allowlist",
        props.rateLimit !== undefined && "AWS managed rules",
      ]
        .filter(Boolean)
        .join(", ")}`,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: rules.map((rule, priority) => ({ ...rule, priority })),
      visibilityConfig: visibility(name),
    });
    this.webAclArn = this.webAcl.arn;

    const logs = logGroup(this, "log-group", `aws-waf-logs-${props.namePrefix}`, props.logs, provider);
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [logs.arn],
      redactedFields: [
        ...REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
        { queryString: {} }, // magic sign-in links carry their token there
      ],
    });

    if (props.loadBalancerArn) {
      new Wafv2WebAclAssociation(this, "alb-association", {
        resourceArn: props.loadBalancerArn,
        webAclArn: this.webAcl.arn,
      });
    }
  }
}
