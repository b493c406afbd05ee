import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Route } from "@cdktf/provider-aws/lib/route";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import type { NetworkConfig } from "../config";
import { logGroup, LogSettings } from "../shared/log-group";
import { assumeRolePolicy, policyDocument } from "../shared/iam";

export interface NetworkProps {
  /** Prefix of every resource name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** The environment's `network` section: VPC CIDR, subnet CIDRs (one per AZ), NAT mode, flow logs. */
  readonly config: NetworkConfig;
  /** Availability zones to spread the subnets over, in the order of the subnet CIDRs. */
  readonly availabilityZones: string[];
  /** Retention and key of the flow-log group. */
  readonly logs: LogSettings;
}

/**
 * The VPC: public and private subnets in every AZ, an internet gateway, NAT gateways as asked,
 * a default security group stripped of all rules, and flow logs to CloudWatch Logs.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** Route tables of the private subnets (one, or one per AZ), e.g. for gateway VPC endpoints. */
  readonly privateRouteTableIds: string[];
  readonly natGatewayCount: number;
  /** True only without NAT: tasks must then run in public subnets with a public IP to pull images. */
  readonly tasksNeedPublicIp: boolean;
  /** Subnets the ECS service runs in: the private ones, or the public ones without NAT. */
  readonly serviceSubnetIds: string[];
  /** Name of the flow-log group, when flow logs are on. */
  readonly flowLogGroupName?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azs = props.availabilityZones;
    const { config } = props;
    const name = (suffix: string) => ({ Name: `${props.namePrefix}-${suffix}` });

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: config.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true, // EFS mount targets and interface endpoints are reached by DNS name
      tags: name("vpc"),
    });
    this.vpcId = vpc.id;
    this.vpcCidr = config.vpcCidr;

    // Nothing may use the default group by accident: no ingress or egress rules at all.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: vpc.id, tags: name("default-deny-all") });

    // No subnet hands out public IPs: in "none" mode ECS assigns them to the tasks itself.
    const subnets = (tier: "public" | "private", cidrs: string[]) =>
      azs.map(
        (az, i) =>
          new Subnet(this, `${tier}-subnet-${i}`, {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZone: az,
            mapPublicIpOnLaunch: false,
            tags: name(`${tier}-${az}`),
          }),
      );
    const publicSubnets = subnets("public", config.publicSubnetCidrs);
    const privateSubnets = subnets("private", config.privateSubnetCidrs);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: name("igw") });

    /** A route table with an optional default route, associated to the given subnets. */
    const routeTable = (
      tableId: string,
      suffix: string,
      associated: Subnet[],
      defaultRoute?: { gatewayId: string } | { natGatewayId: string },
    ) => {
      const table = new RouteTable(this, tableId, { vpcId: vpc.id, tags: name(suffix) });
      if (defaultRoute) {
        new Route(this, `${tableId}-default`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          ...defaultRoute,
        });
      }
      associated.forEach(
        (subnet, i) =>
          new RouteTableAssociation(this, `${tableId}-assoc-${i}`, { routeTableId: table.id, subnetId: subnet.id }),
      );
      return table;
    };

    routeTable("public-rt", "public", publicSubnets, { gatewayId: igw.id });

    /** An EIP and a NAT gateway in the public subnet of AZ `i`. */
    const natGateway = (i: number) => {
      const az = azs[i];
      // Both need the IGW attached first (AWS documents this ordering).
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: name(`nat-${az}`), dependsOn: [igw] });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: name(`nat-${az}`),
        dependsOn: [igw],
      });
    };

    let privateTables: RouteTable[];
    switch (config.natGateways) {
      case "none":
        // Local routes only: nothing in the private subnets reaches the internet.
        privateTables = [routeTable("private-rt", "private", privateSubnets)];
        this.natGatewayCount = 0;
        break;
      case "single": {
        const nat = natGateway(0);
        privateTables = [routeTable("private-rt", "private", privateSubnets, { natGatewayId: nat.id })];
        this.natGatewayCount = 1;
        break;
      }
      case "per-az":
        // Each AZ leaves through its own NAT gateway, so losing one AZ does not cut the others off.
        privateTables = privateSubnets.map((subnet, i) =>
          routeTable(`private-rt-${i}`, `private-${azs[i]}`, [subnet], { natGatewayId: natGateway(i).id }),
        );
        this.natGatewayCount = azs.length;
        break;
    }
    this.privateRouteTableIds = privateTables.map((t) => t.id);

    this.tasksNeedPublicIp = config.natGateways === "none";
    this.serviceSubnetIds = this.tasksNeedPublicIp ? this.publicSubnetIds : this.privateSubnetIds;

    if (config.flowLogs) {
      this.flowLogGroupName = this.flowLogs(vpc, props);
    }
  }

  /** Flow logs of all VPC traffic to an encrypted, expiring log group; returns the group's name. */
  private flowLogs(vpc: Vpc, props: NetworkProps): string {
    const flowLogGroup = logGroup(this, "flow-log-group", `/${props.namePrefix}/vpc-flow-logs`, props.logs);
    const role = new IamRole(this, "flow-log-role", {
      name: `${props.namePrefix}-vpc-flow-logs`,
      assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com"),
    });
    // The group already exists (Terraform creates it), so the service needs no logs:CreateLogGroup.
    new IamRolePolicy(this, "flow-log-policy", {
      name: "write-flow-logs",
      role: role.id,
      policy: policyDocument([
        {
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [flowLogGroup.arn, `${flowLogGroup.arn}:*`],
        },
      ]),
    });
    new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: role.arn,
    });
    return flowLogGroup.name;
  }
}
