// Types of the cdktf jest matchers (setup.js installs them at runtime).
import "cdktf/lib/testing/adapters/jest";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroups, SecurityGroupsProps } from "../src/run/security-groups";
import { LoadBalancerConfig } from "../src/config";
import { resourcesOfType, synthScope, SynthJson } from "./helpers";
import { testConfig } from "./support/config";

const BASE: SecurityGroupsProps = {
  namePrefix: "ghost-test",
  vpcId: "vpc-0123456789abcdef0",
  httpsEnabled: true,
  loadBalancer: testConfig({ loadBalancer: { testListenerCidrs: ["203.0.113.0/24", "198.51.100.0/24"] } }).loadBalancer,
  databaseEnabled: true,
  publicIngress: true,
};

function build(overrides: Partial<SecurityGroupsProps> = {}, loadBalancer: Partial<LoadBalancerConfig> = {}) {
  let groups!: SecurityGroups;
  const { json, synth } = synthScope((scope) => {
    groups = new SecurityGroups(scope, "sgs", {
      ...BASE,
      ...overrides,
      loadBalancer: { ...BASE.loadBalancer, ...loadBalancer },
    });
  });
  return { json, synth, groups };
}

/** Terraform reference to the group whose name ends with `suffix` ("alb", "service", "efs", "db"). */
function groupRef(json: SynthJson, suffix: string): string {
  const entry = Object.entries(resourcesOfType(json, "aws_security_group")).find(
    ([, g]) => g.name === `ghost-test-${suffix}`,
  );
  if (!entry) throw new Error(`no group ghost-test-${suffix}`);
  return `\${aws_security_group.${entry[0]}.id}`;
}

type Direction = "ingress" | "egress";
const rules = (json: SynthJson, direction: Direction) =>
  Object.values(resourcesOfType(json, `aws_vpc_security_group_${direction}_rule`));
const allRules = (json: SynthJson) => [...rules(json, "ingress"), ...rules(json, "egress")];

/** A rule in short form: port and peer (group suffix or CIDR). */
function summary(json: SynthJson, direction: Direction, suffix: string): string[] {
  const names: Record<string, string> = {};
  for (const s of ["alb", "service", "efs", "db"]) {
    try {
      names[groupRef(json, s)] = `sg:${s}`;
    } catch {
      /* group not created */
    }
  }
  return rules(json, direction)
    .filter((r) => r.security_group_id === groupRef(json, suffix))
    .map((r) => {
      expect(r.ip_protocol).toBe("tcp");
      expect(r.to_port).toBe(r.from_port);
      const peer = r.referenced_security_group_id
        ? names[r.referenced_security_group_id]
        : (r.cidr_ipv4 ?? r.cidr_ipv6);
      return `${r.from_port} ${peer}`;
    })
    .sort();
}

describe("SecurityGroups", () => {
  it("creates the four groups with a description and a Name tag, in the VPC", () => {
    const { synth, json } = build();
    for (const suffix of ["alb", "service", "efs", "db"]) {
      expect(synth).toHaveResourceWithProperties(SecurityGroup, {
        name: `ghost-test-${suffix}`,
        vpc_id: "vpc-0123456789abcdef0",
        tags: { Name: `ghost-test-${suffix}` },
      });
    }
    for (const group of Object.values(resourcesOfType(json, "aws_security_group"))) {
      expect(group.description).toEqual(expect.stringMatching(/\w/));
    }
  });

  it("uses no inline rules on the groups", () => {
    const { json } = build();
    for (const group of Object.values(resourcesOfType(json, "aws_security_group"))) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
  });

  it("opens the ALB's 80 and 443 to the internet (IPv4 and IPv6) and the test listener to the given CIDRs", () => {
    const { json } = build();
    expect(summary(json, "ingress", "alb")).toEqual(
      ["80 0.0.0.0/0", "80 ::/0", "443 0.0.0.0/0", "443 ::/0", "8080 203.0.113.0/24", "8080 198.51.100.0/24"].sort(),
    );
  });

  it("opens 443 on the ALB only when HTTPS is enabled", () => {
    const { json } = build({ httpsEnabled: false });
    expect(summary(json, "ingress", "alb")).not.toContainEqual(expect.stringMatching(/^443 /));
    expect(summary(json, "ingress", "alb")).toContain("80 0.0.0.0/0");
  });

  it("opens the test listener to nobody when no CIDRs are listed", () => {
    const { json } = build({}, { testListenerCidrs: [], testListenerPort: 9000 });
    expect(summary(json, "ingress", "alb").filter((r) => r.startsWith("9000 "))).toEqual([]);
  });

  it("lets the ALB reach only Ghost's port 2368 on the tasks", () => {
    const { json } = build();
    expect(summary(json, "egress", "alb")).toEqual(["2368 sg:service"]);
    expect(summary(json, "ingress", "service")).toEqual(["2368 sg:alb"]);
  });

  it("lets the tasks out to EFS, the database and HTTPS only", () => {
    const { json } = build();
    expect(summary(json, "egress", "service")).toEqual(["2049 sg:efs", "3306 sg:db", "443 0.0.0.0/0"]);
  });

  it("lets the tasks reach the SMTP server on its one port when mail goes through SMTP", () => {
    const { json } = build({ smtpPort: 465 });
    expect(summary(json, "egress", "service")).toEqual(["2049 sg:efs", "3306 sg:db", "443 0.0.0.0/0", "465 0.0.0.0/0"]);
  });

  it("opens EFS to NFS from the tasks only, with no egress", () => {
    const { json } = build();
    expect(summary(json, "ingress", "efs")).toEqual(["2049 sg:service"]);
    expect(summary(json, "egress", "efs")).toEqual([]);
  });

  it("opens the database to MySQL from the tasks only, with no egress", () => {
    const { json } = build();
    expect(summary(json, "ingress", "db")).toEqual(["3306 sg:service"]);
    expect(summary(json, "egress", "db")).toEqual([]);
  });

  it("creates no database group or rules when the database is disabled", () => {
    const { json, groups } = build({ databaseEnabled: false });
    const names = Object.values(resourcesOfType(json, "aws_security_group")).map((g) => g.name);
    expect(names.sort()).toEqual(["ghost-test-alb", "ghost-test-efs", "ghost-test-service"]);
    expect(allRules(json).filter((r) => r.from_port === 3306)).toEqual([]);
    expect(groups.databaseSecurityGroupId).toBeUndefined();
  });

  it("uses CIDRs only for the ALB's public ports, the test listener and the tasks' HTTPS egress", () => {
    const { json } = build();
    const alb = groupRef(json, "alb");
    const service = groupRef(json, "service");
    const cidrRules = (direction: Direction) =>
      rules(json, direction)
        .filter((r) => r.cidr_ipv4 || r.cidr_ipv6 || r.prefix_list_id)
        .map((r) => [r.security_group_id, r.from_port]);
    expect(cidrRules("ingress").every(([group, port]) => group === alb && [80, 443, 8080].includes(port))).toBe(true);
    expect(cidrRules("ingress")).toHaveLength(6);
    expect(cidrRules("egress")).toEqual([[service, 443]]);
    // Every other rule names exactly one peer group.
    for (const rule of allRules(json).filter((r) => !r.cidr_ipv4 && !r.cidr_ipv6)) {
      expect(rule.referenced_security_group_id).toMatch(/^\$\{aws_security_group\./);
    }
  });

  it("describes every rule", () => {
    const { json } = build();
    for (const rule of allRules(json)) expect(rule.description).toEqual(expect.stringMatching(/\w{3}/));
  });

  it("explains what the tasks' HTTPS egress is for", () => {
    const { json } = build();
    const https = rules(json, "egress").find((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(https.description).toMatch(/ECR/);
    expect(https.description).toMatch(/Secrets Manager/);
    expect(https.description).toMatch(/CloudWatch Logs/);
  });

  it("exposes the group ids", () => {
    const { json, groups } = build();
    const ids = [
      groups.albSecurityGroupId,
      groups.serviceSecurityGroupId,
      groups.efsSecurityGroupId,
      groups.databaseSecurityGroupId,
    ];
    for (const id of ids) expect(id).toMatch(/TOKEN/);
    expect(new Set(ids).size).toBe(4);
    expect(Object.keys(resourcesOfType(json, "aws_security_group"))).toHaveLength(4);
  });
});
