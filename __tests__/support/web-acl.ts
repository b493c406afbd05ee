/**
 * A small evaluator of a synthesized `aws_wafv2_web_acl`: which rule ends a request, and how, in
 * WAF's priority order. It knows the statements the stacks synthesize (byte match on the path,
 * method, a header or the query string with text transformations; IP set references; not, and,
 * or) and throws on anything else, so a new kind of statement cannot pass unjudged.
 *
 * Rate-based statements and managed rule groups never match here: one ordinary request never
 * exceeds a rate, and AWS's managed rules are opaque (their effect is measured against the real
 * WAF, not here). What this judges is our own rules: the admin allowlist above all.
 */
import * as fs from "fs";
import * as path from "path";
import { formatAnyCidr, parseAnyCidr, anyCidrContains } from "../../src/config/cidr";
import { SynthJson } from "../helpers";

/** A request as it reaches WAF. */
export interface WafRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/ghost/api/admin/posts/?limit=5` (a `#fragment` is dropped, as browsers do). */
  readonly path: string;
  /** Header names in any case. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** The client's address as WAF sees it: the viewer's with CloudFront, the client's at the ALB. */
  readonly sourceIp: string;
}

export interface WafVerdict {
  readonly action: "ALLOW" | "BLOCK";
  /** The rule that ended the evaluation; undefined when the default action applied. */
  readonly rule?: string;
}

/** The IP sets a web ACL refers to, by the reference the ACL holds (`${aws_wafv2_ip_set.<id>.arn}`). */
export type IpSets = Readonly<Record<string, { readonly version: "IPV4" | "IPV6"; readonly addresses: string[] }>>;

/** A synthesized web ACL (Terraform's JSON, snake_case) and its IP sets. */
export interface SynthesizedWebAcl {
  readonly acl: any;
  readonly ipSets: IpSets;
}

/** The only web ACL of a synthesized stack's JSON, with its IP sets. */
export function webAclOf(json: SynthJson): SynthesizedWebAcl {
  const acls = Object.values(json.resource?.aws_wafv2_web_acl ?? {});
  if (acls.length !== 1) throw new Error(`expected one aws_wafv2_web_acl, found ${acls.length}`);
  const ipSets = Object.fromEntries(
    Object.entries(json.resource?.aws_wafv2_ip_set ?? {}).map(([id, set]) => [
      `\${aws_wafv2_ip_set.${id}.arn}`,
      { version: set.ip_address_version, addresses: set.addresses },
    ]),
  );
  return { acl: acls[0], ipSets };
}

/** The web ACL of a synthesized stack directory (`cdktf.out/stacks/<name>`, holding cdk.tf.json). */
export function readWebAcl(stackDir: string): SynthesizedWebAcl {
  return webAclOf(JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")));
}

/** The verdict of `acl` on `request`: the first rule by priority whose block or allow action matches. */
export function evaluateWebAcl(acl: any, ipSets: IpSets, request: WafRequest): WafVerdict {
  const rules = [...(acl.rule ?? [])].sort((a, b) => a.priority - b.priority);
  for (const rule of rules) {
    if (!matches(rule.statement, ipSets, request)) continue;
    if (rule.override_action) continue; // a rule group's own actions: see matches()
    const action = Object.keys(rule.action ?? {})[0];
    if (action === "block") return { action: "BLOCK", rule: rule.name };
    if (action === "allow") return { action: "ALLOW", rule: rule.name };
    if (action !== "count") throw new Error(`web ACL evaluator: rule ${rule.name}: action ${action} not supported`);
  }
  const fallback = Object.keys(acl.default_action ?? {})[0];
  return { action: fallback === "block" ? "BLOCK" : "ALLOW" };
}

function matches(statement: any, ipSets: IpSets, request: WafRequest): boolean {
  const [kind, body] = single(statement);
  switch (kind) {
    case "and_statement":
      return body.statement.every((inner: any) => matches(inner, ipSets, request));
    case "or_statement":
      return body.statement.some((inner: any) => matches(inner, ipSets, request));
    case "not_statement":
      return !matches(body.statement[0], ipSets, request);
    case "byte_match_statement":
      return byteMatch(body, request);
    case "ip_set_reference_statement":
      return inIpSet(body, ipSets, request.sourceIp);
    case "rate_based_statement": // one request never exceeds a rate
    case "managed_rule_group_statement": // opaque: judged against the real WAF only
      return false;
    default:
      throw new Error(`web ACL evaluator: ${kind} not supported`);
  }
}

function single(statement: any): [string, any] {
  const entries = Object.entries(statement ?? {});
  if (entries.length !== 1)
    throw new Error(`web ACL evaluator: a statement must have one kind: ${JSON.stringify(statement)}`);
  return entries[0];
}

function byteMatch(body: any, request: WafRequest): boolean {
  const transformations = [...body.text_transformation].sort((a: any, b: any) => a.priority - b.priority);
  const value = transformations.reduce(
    (text: string, { type }: any) => transform(type, text),
    field(body.field_to_match, request),
  );
  const search: string = body.search_string;
  switch (body.positional_constraint) {
    case "EXACTLY":
      return value === search;
    case "STARTS_WITH":
      return value.startsWith(search);
    case "ENDS_WITH":
      return value.endsWith(search);
    case "CONTAINS":
      return value.includes(search);
    default:
      throw new Error(`web ACL evaluator: positional constraint ${body.positional_constraint} not supported`);
  }
}

function field(fieldToMatch: any, request: WafRequest): string {
  const [kind, body] = single(fieldToMatch);
  const withoutFragment = request.path.split("#")[0];
  const queryAt = withoutFragment.indexOf("?");
  switch (kind) {
    case "uri_path":
      return queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt);
    case "query_string":
      return queryAt < 0 ? "" : withoutFragment.slice(queryAt + 1);
    case "method":
      return request.method;
    case "single_header": {
      const name = String(body.name).toLowerCase();
      const header = Object.entries(request.headers ?? {}).find(([key]) => key.toLowerCase() === name);
      return header ? header[1] : "";
    }
    default:
      throw new Error(`web ACL evaluator: field_to_match ${kind} not supported`);
  }
}

/** WAF's text transformations (WAF developer guide, "Text transformation options"), those we use. */
export function transform(type: string, text: string): string {
  switch (type) {
    case "NONE":
      return text;
    case "LOWERCASE":
      return text.toLowerCase();
    case "URL_DECODE": // once; a malformed escape stays as it is
      return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    case "NORMALIZE_PATH":
      return normalizePath(text);
    case "NORMALIZE_PATH_WIN":
      return normalizePath(text.replace(/\\/g, "/"));
    default:
      throw new Error(`web ACL evaluator: text transformation ${type} not supported`);
  }
}

/**
 * NORMALIZE_PATH: repeated slashes collapsed, `.` segments dropped, a `..` segment removed with
 * the segment before it; a `..` with nothing before it stays ("back-references that are not at
 * the beginning of the input").
 */
function normalizePath(text: string): string {
  const absolute = text.startsWith("/");
  const segments = text.split("/").filter((segment) => segment !== "");
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === ".") continue;
    if (segment === ".." && kept.length > 0 && kept[kept.length - 1] !== "..") kept.pop();
    else kept.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailing = kept.length > 0 && (text.endsWith("/") || last === "." || last === "..");
  return `${absolute ? "/" : ""}${kept.join("/")}${trailing ? "/" : ""}`;
}

function inIpSet(body: any, ipSets: IpSets, sourceIp: string): boolean {
  if (body.ip_set_forwarded_ip_config) throw new Error("web ACL evaluator: forwarded-IP sets not supported");
  const set = ipSets[body.arn];
  if (!set) throw new Error(`web ACL evaluator: no IP set ${body.arn}`);
  const source = parseAnyCidr(`${sourceIp}/${sourceIp.includes(":") ? 128 : 32}`);
  if (!source) throw new Error(`web ACL evaluator: source ${sourceIp} is not an IP address`);
  if ((source.version === 4) !== (set.version === "IPV4")) return false;
  return set.addresses.some((address) => {
    const cidr = parseAnyCidr(address);
    if (!cidr || formatAnyCidr(cidr) !== address)
      throw new Error(`web ACL evaluator: ${address} is not a canonical CIDR`);
    return anyCidrContains(cidr, source);
  });
}
