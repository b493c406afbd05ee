import { Construct } from "constructs";
import { GHOST, LoadBalancerConfig } from "../config";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";

export interface SecurityGroupsProps {
  /** Prefix of every resource name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** VPC the groups belong to. */
  readonly vpcId: string;
  /** Open 443 on the ALB (HTTPS listener). */
  readonly httpsEnabled: boolean;
  /** The environment's `loadBalancer` section: the test listener's port and the CIDRs allowed to it (empty = nobody). */
  readonly loadBalancer: Pick<LoadBalancerConfig, "testListenerPort" | "testListenerCidrs">;
  /** Create the database group (RDS MySQL). */
  readonly databaseEnabled: boolean;
  /**
   * Open the ALB's 80/443 to the internet. Off when CloudFront fronts the site: the edge
   * construct then admits CloudFront's origin-facing prefix list instead.
   */
  readonly publicIngress: boolean;
  /** The SMTP port the tasks send mail to (mail.mode "smtp"). @default undefined (none) */
  readonly smtpPort?: number;
}

const NFS_PORT = 2049;
const MYSQL_PORT = 3306;
const HTTPS_PORT = 443;
const HTTP_PORT = 80;

/** Where a rule's traffic comes from or goes to: another group, or a CIDR. */
type Peer = { group: SecurityGroup } | { cidr: string };

/**
 * The security groups of the ALB, the Ghost tasks, EFS and the database. Every rule is its own
 * resource; groups reference each other, and only the ALB's listeners and the tasks' HTTPS
 * (and SMTP) egress use CIDRs. Groups carry no inline rules, so Terraform removes AWS's default
 * allow-all egress rule when it creates them.
 */
export class SecurityGroups extends Construct {
  readonly albSecurityGroupId: string;
  readonly serviceSecurityGroupId: string;
  readonly efsSecurityGroupId: string;
  readonly databaseSecurityGroupId?: string;

  private readonly props: SecurityGroupsProps;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    this.props = props;
    const containerPort = GHOST.port;
    const { testListenerPort, testListenerCidrs } = props.loadBalancer;

    const alb = this.group("alb", "Ghost load balancer: public HTTP(S) and the CodeDeploy test listener");
    const service = this.group("service", "Ghost ECS tasks: traffic from the load balancer only");
    const efs = this.group("efs", "Ghost content on EFS: NFS from the Ghost tasks only");
    const database = props.databaseEnabled
      ? this.group("db", "Ghost MySQL database: connections from the Ghost tasks only")
      : undefined;

    // ALB: the public listeners, the test listener for the listed CIDRs, and the tasks behind it.
    const publicPorts = !props.publicIngress ? [] : props.httpsEnabled ? [HTTP_PORT, HTTPS_PORT] : [HTTP_PORT];
    for (const port of publicPorts) {
      for (const cidr of ["0.0.0.0/0", "::/0"]) {
        this.ingress(
          `alb-in-${port}-${cidr.includes(":") ? "ipv6" : "ipv4"}`,
          alb,
          port,
          { cidr },
          `${port === HTTPS_PORT ? "HTTPS" : "HTTP"} from the internet`,
        );
      }
    }
    testListenerCidrs.forEach((cidr, i) =>
      this.ingress(`alb-in-test-${i}`, alb, testListenerPort, { cidr }, `CodeDeploy test listener from ${cidr}`),
    );
    this.egress("alb-out-service", alb, containerPort, { group: service }, "To the Ghost tasks");

    // Ghost tasks.
    this.ingress("service-in-alb", service, containerPort, { group: alb }, "Ghost from the load balancer");
    this.egress("service-out-efs", service, NFS_PORT, { group: efs }, "NFS to the EFS mount targets");
    if (database) {
      this.egress("service-out-db", service, MYSQL_PORT, { group: database }, "MySQL to the database");
    }
    this.egress(
      "service-out-https",
      service,
      HTTPS_PORT,
      { cidr: "0.0.0.0/0" },
      "HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs, SES) and Mailgun",
    );
    if (props.smtpPort !== undefined) {
      this.egress("service-out-smtp", service, props.smtpPort, { cidr: "0.0.0.0/0" }, "SMTP to the mail server");
    }

    // EFS and the database only answer; they start no connections, so they have no egress rules.
    this.ingress("efs-in-service", efs, NFS_PORT, { group: service }, "NFS from the Ghost tasks");
    if (database) {
      this.ingress("db-in-service", database, MYSQL_PORT, { group: service }, "MySQL from the Ghost tasks");
    }

    this.albSecurityGroupId = alb.id;
    this.serviceSecurityGroupId = service.id;
    this.efsSecurityGroupId = efs.id;
    this.databaseSecurityGroupId = database?.id;
  }

  private group(suffix: string, description: string): SecurityGroup {
    const name = `${this.props.namePrefix}-${suffix}`;
    return new SecurityGroup(this, `${suffix}-sg`, {
      name,
      description,
      vpcId: this.props.vpcId,
      tags: { Name: name },
    });
  }

  /** The rule fields shared by ingress and egress: one TCP port, one peer. */
  private static ruleConfig(group: SecurityGroup, port: number, peer: Peer, description: string) {
    return {
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
      ...("group" in peer
        ? { referencedSecurityGroupId: peer.group.id }
        : peer.cidr.includes(":")
          ? { cidrIpv6: peer.cidr }
          : { cidrIpv4: peer.cidr }),
    };
  }

  private ingress(id: string, group: SecurityGroup, port: number, peer: Peer, description: string) {
    new VpcSecurityGroupIngressRule(this, id, SecurityGroups.ruleConfig(group, port, peer, description));
  }

  private egress(id: string, group: SecurityGroup, port: number, peer: Peer, description: string) {
    new VpcSecurityGroupEgressRule(this, id, SecurityGroups.ruleConfig(group, port, peer, description));
  }
}
