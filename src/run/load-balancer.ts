import { Construct } from "constructs";
import { GHOST, LoadBalancerConfig } from "../config";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { PolicyStatement } from "../shared/iam";
import { accountIdOf } from "../shared/kms";
import { SecureBucket } from "../shared/secure-bucket";

/**
 * The service principal that writes ALB access logs. Source: AWS, "Enable access logs for your
 * Application Load Balancer", step 2 (docs.aws.amazon.com/elasticloadbalancing/latest/application/
 * enable-access-logging.html). AWS now documents this one policy for every Region: the per-Region
 * ELB account ids needed "for Regions available before August 2022" are legacy ("still supported,
 * but we recommend that you replace it"), so no region -> account map is kept.
 */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Lets ELB log delivery write this account's access logs (and nothing else) into the bucket. */
export function elbLogDeliveryStatement(bucketArn: string, accountId: string): PolicyStatement {
  return {
    Sid: "AllowElbLogDelivery",
    Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL },
    Action: ["s3:PutObject"],
    // The docs: always put the owner's account id in the path, so only its load balancers can write.
    Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
  };
}

/**
 * Path patterns of Ghost's setup call, `POST /ghost/api/admin/authentication/setup/`, which makes
 * whoever sends it first the site's owner: the owner bootstrap sends it on the task's loopback, so
 * the ALB refuses it from everyone. ALB patterns are case-sensitive and Ghost's routing is not
 * (its uncapitalise redirect stops at `/ghost/api/admin/`; `/ghost/api/<version>/admin/` reaches
 * the same routes), so the patterns match the call's shape in any case behind any prefix: a
 * 14-character segment, then a 5-character one that starts with s. ALB allows three values per
 * condition, hence two rules.
 */
export const SETUP_CALL_PATTERNS = [
  ["*/??????????????/s????", "*/??????????????/s????/", "*/??????????????/S????"],
  ["*/??????????????/S????/"],
];
/** What a refused setup call is answered. */
export const SETUP_REFUSAL = "Ghost's owner is created by the deploy, not through this endpoint.";

export interface LoadBalancerProps {
  /** Name of the ALB; the target groups are `<namePrefix>-blue` and `<namePrefix>-green` (<= 32 chars). */
  readonly namePrefix: string;
  /** VPC of the target groups. */
  readonly vpcId: string;
  /** Public subnets the internet-facing ALB spans (one per AZ, at least two). */
  readonly publicSubnetIds: string[];
  /** Security group of the ALB. */
  readonly securityGroupId: string;
  /** The environment's `loadBalancer` section: deletion protection, access logs, health check, draining, test listener. */
  readonly config: LoadBalancerConfig;
  /** Region of the access-log bucket `<namePrefix>-alb-logs-<region>`. */
  readonly region: string;
  /**
   * The ALB's ACM certificate (the config's, or the DNS-validated one of the edge): HTTPS on 443 and
   * HTTP 80 redirects to it. Undefined: HTTP only, on 80.
   */
  readonly certificateArn?: string;
  /** TLS policy of the HTTPS listeners. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly sslPolicy?: string;
}

/**
 * The internet-facing ALB of one Ghost site, with the blue/green target groups and the two
 * listeners that CodeDeploy swaps during a deployment (production and test).
 */
export class LoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly arn: string;
  readonly arnSuffix: string;
  readonly dnsName: string;
  readonly zoneId: string;
  readonly blueTargetGroup: LbTargetGroup;
  readonly greenTargetGroup: LbTargetGroup;
  /** The listener CodeDeploy points at the live target group (HTTPS 443, or HTTP 80). */
  readonly productionListener: LbListener;
  /** The listener CodeDeploy points at the replacement target group before the cutover. */
  readonly testListener: LbListener;
  readonly productionListenerPort: number;
  readonly scheme: "http" | "https";
  /** The listener rules that refuse Ghost's setup call (fixed responses: CodeDeploy's swaps leave them be). */
  readonly setupRefusals: LbListenerRule[];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);

    this.blueTargetGroup = this.targetGroup("blue", props);
    this.greenTargetGroup = this.targetGroup("green", props);

    const { config } = props;
    const logs = config.accessLogs ? this.accessLogBucket(`${props.namePrefix}-alb-logs-${props.region}`) : undefined;

    this.loadBalancer = new Lb(this, "alb", {
      name: props.namePrefix,
      loadBalancerType: "application",
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [props.securityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: config.deletionProtection,
      accessLogs: logs ? { bucket: logs.bucket.bucketName, enabled: true } : undefined,
      // ELB tests the bucket policy when logging is turned on, so the policy must exist first.
      dependsOn: logs ? [logs.policy] : undefined,
    });
    this.arn = this.loadBalancer.arn;
    this.arnSuffix = this.loadBalancer.arnSuffix;
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;

    const https = props.certificateArn !== undefined;
    this.scheme = https ? "https" : "http";
    this.productionListenerPort = https ? 443 : 80;

    // Both listeners CodeDeploy swaps speak the same protocol: behind plain HTTP, an https Ghost
    // would redirect a tester on the test listener to the production URL (blue), not show green.
    const protocol = https
      ? {
          protocol: "HTTPS" as const,
          sslPolicy: props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
          certificateArn: props.certificateArn,
        }
      : { protocol: "HTTP" as const };
    this.productionListener = this.codeDeployListener("production", {
      ...protocol,
      port: this.productionListenerPort,
      targetGroup: this.blueTargetGroup,
    });
    this.testListener = this.codeDeployListener("test", {
      ...protocol,
      port: config.testListenerPort,
      targetGroup: this.greenTargetGroup,
    });

    this.setupRefusals = [
      ...this.refuseSetupCall("production", this.productionListener),
      ...this.refuseSetupCall("test", this.testListener),
    ];

    if (https) {
      new LbListener(this, "http-redirect", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
    }
  }

  /** Blue and green must be identical but for the name, or a deployment changes more than the image. */
  private targetGroup(color: "blue" | "green", props: LoadBalancerProps): LbTargetGroup {
    return new LbTargetGroup(this, color, {
      name: `${props.namePrefix}-${color}`,
      targetType: "ip", // Fargate tasks (awsvpc) register by IP
      protocol: "HTTP",
      port: GHOST.port,
      vpcId: props.vpcId,
      deregistrationDelay: String(props.config.deregistrationDelaySeconds),
      // Short interval and low thresholds so a blue/green cutover takes seconds, not minutes.
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        path: props.config.healthCheckPath,
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
  }

  /** A listener whose target group CodeDeploy swaps, so Terraform must not revert it. */
  private codeDeployListener(
    id: string,
    options: {
      port: number;
      protocol: "HTTP" | "HTTPS";
      sslPolicy?: string;
      certificateArn?: string;
      targetGroup: LbTargetGroup;
    },
  ): LbListener {
    const forward: LbListenerDefaultAction = { type: "forward", targetGroupArn: options.targetGroup.arn };
    return new LbListener(this, id, {
      loadBalancerArn: this.loadBalancer.arn,
      port: options.port,
      protocol: options.protocol,
      sslPolicy: options.sslPolicy,
      certificateArn: options.certificateArn,
      defaultAction: [forward],
      lifecycle: { ignoreChanges: ["default_action"] },
    });
  }

  /** Fixed 403s for Ghost's setup call, first among the listener's rules. */
  private refuseSetupCall(id: string, listener: LbListener): LbListenerRule[] {
    return SETUP_CALL_PATTERNS.map(
      (patterns, index) =>
        new LbListenerRule(this, `${id}-refuse-setup-${index + 1}`, {
          listenerArn: listener.arn,
          priority: index + 1,
          condition: [{ httpRequestMethod: { values: ["POST"] } }, { pathPattern: { values: patterns } }],
          action: [
            {
              type: "fixed-response",
              fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: SETUP_REFUSAL },
            },
          ],
        }),
    );
  }

  /** SSE-S3 only: ALB log delivery cannot write to a bucket encrypted with a customer KMS key. */
  private accessLogBucket(bucketName: string): { bucket: SecureBucket; policy: S3BucketPolicy } {
    // The account id comes from one of our own ARNs: no AWS look-up (data source) needed. A local
    // keeps the expression (and its quotes) out of the policy JSON.
    const accountId = accountIdOf(this, "account-id", this.blueTargetGroup.arn);
    const bucket = new SecureBucket(this, "access-logs", {
      bucketName,
      extraPolicyStatements: (bucketArn) => [elbLogDeliveryStatement(bucketArn, accountId)],
    });
    return { bucket, policy: bucket.policy };
  }
}
