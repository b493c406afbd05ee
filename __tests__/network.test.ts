// Types of the cdktf jest matchers (setup.js installs them at runtime).
import "cdktf/lib/testing/adapters/jest";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { NetworkConfig } from "../src/config";
import { Network, NetworkProps } from "../src/run/network";
import { onlyResource, parsePolicy, resourcesOfType, synthScope, SynthJson } from "./helpers";
import { testConfig } from "./support/config";

const resolved = testConfig(); // three AZs in eu-west-2, 10.0.0.0/16 cut into /19s, one NAT gateway
const AZS = resolved.availabilityZones;
const BASE: NetworkProps = {
  namePrefix: "ghost-test",
  config: resolved.network,
  availabilityZones: resolved.availabilityZones,
  logs: { retentionDays: resolved.logs.retentionDays },
};

function build(network: Partial<NetworkConfig> = {}, overrides: Partial<NetworkProps> = {}) {
  let built!: Network;
  const result = synthScope((scope) => {
    built = new Network(scope, "network", { ...BASE, ...overrides, config: { ...BASE.config, ...network } });
  });
  return { ...result, network: built };
}

const values = (json: SynthJson, type: string) => Object.values(resourcesOfType(json, type));
/** Interpolation token of a resource attribute, the way Terraform JSON references it. */
const ref = (type: string, json: SynthJson, predicate: (r: any) => boolean, attr = "id") => {
  const entry = Object.entries(resourcesOfType(json, type)).find(([, r]) => predicate(r));
  if (!entry) throw new Error(`no ${type} matches`);
  return `\${${type}.${entry[0]}.${attr}}`;
};
const subnetsByTier = (json: SynthJson, tier: string) =>
  values(json, "aws_subnet").filter((s) => s.tags.Name.startsWith(`ghost-test-${tier}-`));
const privateTables = (json: SynthJson) =>
  values(json, "aws_route_table").filter((t) => t.tags.Name.startsWith("ghost-test-private"));
const routesOf = (json: SynthJson, tableRef: string) =>
  values(json, "aws_route").filter((r) => r.route_table_id === tableRef);

describe("Network", () => {
  it("creates a VPC with DNS support and hostnames", () => {
    const { synth } = build();
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "ghost-test-vpc" },
    });
  });

  it("creates one public and one private subnet per AZ with the given CIDRs, in order", () => {
    const { json } = build();
    const pick = (s: any) => [s.availability_zone, s.cidr_block];
    expect(subnetsByTier(json, "public").map(pick)).toEqual(AZS.map((az, i) => [az, BASE.config.publicSubnetCidrs[i]]));
    expect(subnetsByTier(json, "private").map(pick)).toEqual(
      AZS.map((az, i) => [az, BASE.config.privateSubnetCidrs[i]]),
    );
    expect(values(json, "aws_subnet")).toHaveLength(6);
  });

  it("maps no public IP on launch in any subnet", () => {
    const { json } = build({ natGateways: "none" });
    for (const subnet of values(json, "aws_subnet")) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it("routes the public subnets to the internet gateway", () => {
    const { json, synth } = build();
    expect(synth).toHaveResourceWithProperties(InternetGateway, { tags: { Name: "ghost-test-igw" } });
    const publicTable = ref("aws_route_table", json, (t) => t.tags.Name === "ghost-test-public");
    const igw = ref("aws_internet_gateway", json, () => true);
    expect(routesOf(json, publicTable)).toEqual([
      { route_table_id: publicTable, destination_cidr_block: "0.0.0.0/0", gateway_id: igw },
    ]);
    const publicSubnetRefs = Object.keys(resourcesOfType(json, "aws_subnet"))
      .filter((k) => k.includes("public"))
      .map((k) => `\${aws_subnet.${k}.id}`);
    const associated = values(json, "aws_route_table_association")
      .filter((a) => a.route_table_id === publicTable)
      .map((a) => a.subnet_id);
    expect(associated.sort()).toEqual(publicSubnetRefs.sort());
  });

  it("without NAT: no NAT gateway or EIP, one private route table with local routes only", () => {
    const { json } = build({ natGateways: "none" });
    expect(values(json, "aws_nat_gateway")).toHaveLength(0);
    expect(values(json, "aws_eip")).toHaveLength(0);
    const tables = privateTables(json);
    expect(tables).toHaveLength(1);
    const table = ref("aws_route_table", json, (t) => t.tags.Name === "ghost-test-private");
    expect(routesOf(json, table)).toHaveLength(0);
    expect(values(json, "aws_route_table_association").filter((a) => a.route_table_id === table)).toHaveLength(3);
  });

  it("single NAT: one EIP and NAT gateway in the first public subnet, shared by all private subnets", () => {
    const { json } = build({ natGateways: "single" });
    const nat = onlyResource(json, "aws_nat_gateway");
    expect(values(json, "aws_eip")).toHaveLength(1);
    const firstPublic = ref("aws_subnet", json, (s) => s.tags.Name === "ghost-test-public-eu-west-2a");
    expect(nat.subnet_id).toBe(firstPublic);
    expect(nat.allocation_id).toBe(ref("aws_eip", json, () => true, "allocation_id"));

    expect(privateTables(json)).toHaveLength(1);
    const table = ref("aws_route_table", json, (t) => t.tags.Name === "ghost-test-private");
    const natRef = ref("aws_nat_gateway", json, () => true);
    expect(routesOf(json, table)).toEqual([
      { route_table_id: table, destination_cidr_block: "0.0.0.0/0", nat_gateway_id: natRef },
    ]);
    expect(values(json, "aws_route_table_association").filter((a) => a.route_table_id === table)).toHaveLength(3);
  });

  it("per-AZ NAT: an EIP, NAT gateway and private route table per AZ, each routing to its own NAT", () => {
    const { json } = build({ natGateways: "per-az" });
    expect(values(json, "aws_nat_gateway")).toHaveLength(3);
    expect(values(json, "aws_eip")).toHaveLength(3);
    expect(privateTables(json)).toHaveLength(3);
    AZS.forEach((az) => {
      const table = ref("aws_route_table", json, (t) => t.tags.Name === `ghost-test-private-${az}`);
      const publicSubnet = ref("aws_subnet", json, (s) => s.tags.Name === `ghost-test-public-${az}`);
      const privateSubnet = ref("aws_subnet", json, (s) => s.tags.Name === `ghost-test-private-${az}`);
      const nat = ref("aws_nat_gateway", json, (n) => n.subnet_id === publicSubnet);
      expect(routesOf(json, table)).toEqual([
        { route_table_id: table, destination_cidr_block: "0.0.0.0/0", nat_gateway_id: nat },
      ]);
      const associated = values(json, "aws_route_table_association").filter((a) => a.route_table_id === table);
      expect(associated.map((a) => a.subnet_id)).toEqual([privateSubnet]);
    });
  });

  it("tags NAT gateways and EIPs with a Name", () => {
    const { json } = build({ natGateways: "per-az" });
    for (const type of ["aws_nat_gateway", "aws_eip"]) {
      expect(
        values(json, type)
          .map((r) => r.tags.Name)
          .sort(),
      ).toEqual(AZS.map((az) => `ghost-test-nat-${az}`));
    }
  });

  it("manages the default security group with no rules", () => {
    const { json } = build();
    const sg = onlyResource(json, "aws_default_security_group");
    expect(sg.vpc_id).toBe(ref("aws_vpc", json, () => true));
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("sends all VPC traffic to a retained, KMS-encrypted log group", () => {
    const { json, synth } = build(
      {},
      { logs: { retentionDays: 90, kmsKeyArn: "arn:aws:kms:eu-west-2:111122223333:key/k" } },
    );
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ghost-test/vpc-flow-logs",
      retention_in_days: 90,
      kms_key_id: "arn:aws:kms:eu-west-2:111122223333:key/k",
    });
    expect(synth).toHaveResourceWithProperties(FlowLog, {
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      vpc_id: ref("aws_vpc", json, () => true),
      log_destination: ref("aws_cloudwatch_log_group", json, () => true, "arn"),
      iam_role_arn: ref("aws_iam_role", json, () => true, "arn"),
    });
  });

  it("keeps flow logs 30 days by default", () => {
    const { json } = build();
    expect(onlyResource(json, "aws_cloudwatch_log_group").retention_in_days).toBe(30);
  });

  it("lets only the flow-logs service assume the flow-log role", () => {
    const { json } = build();
    const trust = parsePolicy(onlyResource(json, "aws_iam_role").assume_role_policy);
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
  });

  it("grants the flow-log role only the three write actions on its log group", () => {
    const { json } = build();
    const groupArn = ref("aws_cloudwatch_log_group", json, () => true, "arn");
    const policy = parsePolicy(onlyResource(json, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [groupArn, `${groupArn}:*`],
      },
    ]);
  });

  it("creates no flow-log resources when flow logs are off", () => {
    const { json, network } = build({ flowLogs: false });
    for (const type of ["aws_flow_log", "aws_cloudwatch_log_group", "aws_iam_role", "aws_iam_role_policy"]) {
      expect(values(json, type)).toHaveLength(0);
    }
    expect(network.flowLogGroupName).toBeUndefined();
  });

  it("without NAT, points the service at the public subnets with public IPs", () => {
    const { network } = build({ natGateways: "none" });
    expect(network.natGatewayCount).toBe(0);
    expect(network.tasksNeedPublicIp).toBe(true);
    expect(network.serviceSubnetIds).toEqual(network.publicSubnetIds);
    expect(network.serviceSubnetIds).not.toEqual(network.privateSubnetIds);
  });

  it("with NAT, points the service at the private subnets without public IPs", () => {
    const single = build({ natGateways: "single" }).network;
    expect(single.natGatewayCount).toBe(1);
    expect(single.tasksNeedPublicIp).toBe(false);
    expect(single.serviceSubnetIds).toEqual(single.privateSubnetIds);
    expect(build({ natGateways: "per-az" }).network.natGatewayCount).toBe(3);
  });

  it("exposes the VPC, subnets and flow-log group", () => {
    const { network } = build();
    expect(network.vpcCidr).toBe("10.0.0.0/16");
    expect(network.vpcId).toMatch(/TOKEN/);
    expect(network.publicSubnetIds).toHaveLength(3);
    expect(network.privateSubnetIds).toHaveLength(3);
    expect(network.flowLogGroupName).toMatch(/TOKEN/);
  });
});
