/**
 * The admin allowlist as WAF would judge it, on the synthesized full-feature stack (CloudFront,
 * WAF, admin.allowedCidrs 203.0.113.0/24 and 2001:db8::/32), through the evaluator of
 * __tests__/support/web-acl.ts; and the evaluator itself.
 */
import { PROJECT } from "../src/config/environments";
import { FULL_FEATURE_ENVIRONMENT } from "./fixtures";
import { synthesizeStacks } from "./support/stacks";
import { evaluateWebAcl, readWebAcl, SynthesizedWebAcl, transform, WafRequest } from "./support/web-acl";

const INSIDE = { ipv4: "203.0.113.10", ipv6: "2001:db8:5::10" };
const OUTSIDE = { ipv4: "198.51.100.7", ipv6: "2001:db9::7" };

/** Ghost admin, spelled as a browser, an integration or an attacker might. */
const ADMIN_PATHS = [
  "/ghost/",
  "/ghost/#/editor/post", // the fragment never leaves the browser: WAF sees /ghost/
  "/ghost/api/admin/posts/",
  "/ghost/api/admin/session/",
  "/ghost/assets/admin.js",
  "/GHOST/api/admin/posts/",
  "/ghost/API/Admin/site/",
  "/ghost/api/%61dmin/posts/",
  "/%67host/api/admin/posts/",
  "/ghost//api/admin/posts/",
  "/ghost/./api/admin/posts/",
  "/ghost/api/content/../admin/posts/",
  "/ghost/api/content/%2e%2e/admin/posts/",
  "/ghost/api/content/..%2fadmin/posts/",
  "/ghost/.well-known/../api/admin/posts/",
  "/ghost\\api\\admin\\posts\\",
];

/** What the public needs. */
const PUBLIC_PATHS = [
  "/",
  "/welcome/",
  "/tag/ghost/",
  "/ghost-stories/",
  "/rss/",
  "/assets/built/screen.css?v=1",
  "/content/images/2024/01/photo.png",
  "/ghost/api/content/posts/?key=0123456789abcdef",
  "/GHOST/API/CONTENT/settings/?key=0123456789abcdef",
  "/ghost/.well-known/jwks.json",
  "/members/api/member/",
  "/members/?token=abc&action=signin",
  "/p/4f1b2c3d-0000-1111-2222-333344445555/",
];

describe("the admin allowlist, judged on the synthesized full-feature stack", () => {
  let web: SynthesizedWebAcl;
  const judge = (request: Partial<WafRequest> & { path: string; sourceIp: string }) =>
    evaluateWebAcl(web.acl, web.ipSets, { method: "GET", ...request });

  beforeAll(() => {
    const dirs = synthesizeStacks("web-acl", { project: { ...PROJECT, environments: [FULL_FEATURE_ENVIRONMENT] } });
    web = readWebAcl(dirs["ghost-full"]);
  });

  it("reads the CloudFront web ACL and one IP set per family from the stack directory", () => {
    expect(web.acl.scope).toBe("CLOUDFRONT");
    expect(Object.values(web.ipSets)).toEqual([
      { version: "IPV4", addresses: ["203.0.113.0/24"] },
      { version: "IPV6", addresses: ["2001:db8::/32"] },
    ]);
  });

  it.each(ADMIN_PATHS)("blocks %j from outside the allowlist, IPv4 and IPv6", (path) => {
    for (const sourceIp of [OUTSIDE.ipv4, OUTSIDE.ipv6]) {
      expect(judge({ path, sourceIp })).toEqual({ action: "BLOCK", rule: "admin-allowlist" });
    }
  });

  it.each(ADMIN_PATHS)("allows %j from inside the allowlist, IPv4 and IPv6", (path) => {
    for (const sourceIp of [INSIDE.ipv4, INSIDE.ipv6]) expect(judge({ path, sourceIp })).toEqual({ action: "ALLOW" });
  });

  it.each(PUBLIC_PATHS)("allows %j from anywhere", (path) => {
    for (const sourceIp of [OUTSIDE.ipv4, OUTSIDE.ipv6, INSIDE.ipv4, INSIDE.ipv6]) {
      expect(judge({ path, sourceIp })).toEqual({ action: "ALLOW" });
    }
  });

  it("blocks an Admin API write from outside whatever its method or headers (a token does not open it)", () => {
    const request = {
      method: "POST",
      path: "/ghost/api/admin/posts/?source=html",
      headers: { Authorization: "Ghost eyJhbGciOi...", Origin: "https://blog.example.com" },
    };
    expect(judge({ ...request, sourceIp: OUTSIDE.ipv4 })).toEqual({ action: "BLOCK", rule: "admin-allowlist" });
    expect(judge({ ...request, sourceIp: INSIDE.ipv4 })).toEqual({ action: "ALLOW" });
  });

  it("never lets an IPv4 source through the IPv6 set or the reverse", () => {
    expect(judge({ path: "/ghost/", sourceIp: "32.1.13.184" })).toMatchObject({ action: "BLOCK" }); // 0x20010db8
    expect(judge({ path: "/ghost/", sourceIp: "::ffff:203.0.113.10" })).toMatchObject({ action: "BLOCK" });
  });
});

describe("the web ACL evaluator", () => {
  const acl = (rules: any[], defaultAction: any = { allow: {} }) => ({ default_action: defaultAction, rule: rules });
  const path = (positional: string, search: string, transformations = ["NONE"]) => ({
    byte_match_statement: {
      search_string: search,
      positional_constraint: positional,
      field_to_match: { uri_path: {} },
      text_transformation: transformations.map((type, priority) => ({ priority, type })),
    },
  });
  const request: WafRequest = { method: "GET", path: "/a/b?x=1", sourceIp: "203.0.113.1" };

  it("ends at the first matching block or allow rule by priority, not by list order, counting past count rules", () => {
    const rules = [
      { name: "later", priority: 2, action: { allow: {} }, statement: path("STARTS_WITH", "/a/") },
      { name: "first", priority: 1, action: { block: {} }, statement: path("EXACTLY", "/a/b") },
      { name: "counted", priority: 0, action: { count: {} }, statement: path("CONTAINS", "b") },
    ];
    expect(evaluateWebAcl(acl(rules), {}, request)).toEqual({ action: "BLOCK", rule: "first" });
  });

  it("falls back to the default action when no rule matches", () => {
    const rules = [{ name: "x", priority: 0, action: { allow: {} }, statement: path("EXACTLY", "/a/b?x=1") }];
    expect(evaluateWebAcl(acl(rules, { block: {} }), {}, request)).toEqual({ action: "BLOCK" });
  });

  it("treats rate-based statements and managed rule groups as no match for one request", () => {
    const rules = [
      { name: "rate", priority: 0, action: { block: {} }, statement: { rate_based_statement: { limit: 10 } } },
      {
        name: "group",
        priority: 1,
        override_action: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: "AWS", name: "AWSManagedRulesSQLiRuleSet" } },
      },
    ];
    expect(evaluateWebAcl(acl(rules), {}, { ...request, path: "/?q=' OR 1=1 --" })).toEqual({ action: "ALLOW" });
  });

  it("throws on a statement it does not know, rather than judging it", () => {
    const rules = [{ name: "geo", priority: 0, action: { block: {} }, statement: { geo_match_statement: {} } }];
    expect(() => evaluateWebAcl(acl(rules), {}, request)).toThrow(/geo_match_statement not supported/);
  });

  it.each([
    ["URL_DECODE", "/ghost/api/%61dmin/%2F", "/ghost/api/admin//"],
    ["URL_DECODE", "/%zz/%41", "/%zz/A"],
    ["NORMALIZE_PATH", "/a//b/./c/../d/", "/a/b/d/"],
    ["NORMALIZE_PATH", "/a/b/..", "/a/"],
    ["NORMALIZE_PATH", "/../a/", "/../a/"],
    ["NORMALIZE_PATH_WIN", "/a\\b\\..\\c", "/a/c"],
    ["LOWERCASE", "/GHOST/Api/", "/ghost/api/"],
  ])("applies %s to %j: %j", (type, input, output) => {
    expect(transform(type, input)).toBe(output);
  });
});
