import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { LoadBalancerConfig } from "../src/config";
import { LoadBalancer, LoadBalancerProps } from "../src/run/load-balancer";
import { onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { testConfig } from "./support/config";

const CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000000";

function build(overrides: Partial<LoadBalancerProps> = {}, loadBalancer: Partial<LoadBalancerConfig> = {}) {
  let lb!: LoadBalancer;
  const config = { ...testConfig({ environment: "prod" }).loadBalancer, ...loadBalancer };
  const result = synthScope((scope) => {
    lb = new LoadBalancer(scope, "lb", {
      namePrefix: "ghost-prod",
      vpcId: "vpc-123",
      publicSubnetIds: ["subnet-a", "subnet-b"],
      securityGroupId: "sg-alb",
      region: "eu-west-2",
      ...overrides,
      config,
    });
  });
  return { ...result, lb };
}

/** Listeners keyed by port. */
function listenersByPort(json: ReturnType<typeof build>["json"]): Record<number, any> {
  const byPort: Record<number, any> = {};
  for (const listener of Object.values(resourcesOfType(json, "aws_lb_listener"))) byPort[listener.port] = listener;
  return byPort;
}

/** The Terraform address of a target group, by its name. */
function targetGroupAddress(json: ReturnType<typeof build>["json"], name: string): string {
  const groups = resourcesOfType(json, "aws_lb_target_group");
  const id = Object.keys(groups).find((key) => groups[key].name === name);
  if (!id) throw new Error(`no target group named ${name}`);
  return `aws_lb_target_group.${id}`;
}

/** A listener default action that forwards to the named target group. */
function forwardTo(json: ReturnType<typeof build>["json"], name: string) {
  return [{ type: "forward", target_group_arn: `\${${targetGroupAddress(json, name)}.arn}` }];
}

describe("LoadBalancer", () => {
  it("creates an internet-facing ALB in the public subnets that drops invalid headers", () => {
    const { synth } = build();
    expect(synth).toHaveResourceWithProperties(Lb, {
      name: "ghost-prod",
      load_balancer_type: "application",
      internal: false,
      subnets: ["subnet-a", "subnet-b"],
      security_groups: ["sg-alb"],
      drop_invalid_header_fields: true,
    });
  });

  it("turns deletion protection off by default and on when asked", () => {
    expect(onlyResource(build().json, "aws_lb").enable_deletion_protection).toBe(false);
    expect(onlyResource(build({}, { deletionProtection: true }).json, "aws_lb").enable_deletion_protection).toBe(true);
  });

  it("makes blue and green identical except for the name", () => {
    const { json } = build();
    const groups = Object.values(resourcesOfType(json, "aws_lb_target_group"));
    expect(groups.map((group) => group.name).sort()).toEqual(["ghost-prod-blue", "ghost-prod-green"]);
    const [first, second] = groups.map(({ name: _name, ...rest }) => rest);
    expect(first).toEqual(second);
  });

  it("gives the target groups the fast-cutover health check and deregistration delay", () => {
    const { synth } = build();
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      name: "ghost-prod-blue",
      target_type: "ip",
      protocol: "HTTP",
      port: 2368,
      vpc_id: "vpc-123",
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        protocol: "HTTP",
        path: "/ghost/.well-known/jwks.json",
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
    });
  });

  it("passes health-check path and deregistration delay through", () => {
    const { json } = build({}, { healthCheckPath: "/health", deregistrationDelaySeconds: 5 });
    for (const group of Object.values(resourcesOfType(json, "aws_lb_target_group"))) {
      expect(group).toMatchObject({ port: 2368, deregistration_delay: "5", health_check: { path: "/health" } });
    }
  });

  it("forwards HTTP 80 to blue when there is no certificate", () => {
    const { json, lb } = build();
    const listeners = listenersByPort(json);
    expect(Object.keys(listeners).map(Number).sort()).toEqual([80, 8080]);
    expect(listeners[80].protocol).toBe("HTTP");
    expect(listeners[80].default_action).toEqual(forwardTo(json, "ghost-prod-blue"));
    expect(lb.scheme).toBe("http");
    expect(lb.productionListenerPort).toBe(80);
  });

  it("serves HTTPS on 443 with the certificate and the TLS 1.3 policy, forwarding to blue", () => {
    const { json, lb } = build({ certificateArn: CERT });
    const https = listenersByPort(json)[443];
    expect(https).toMatchObject({
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(https.default_action).toEqual(forwardTo(json, "ghost-prod-blue"));
    expect(lb.scheme).toBe("https");
    expect(lb.productionListenerPort).toBe(443);
  });

  it("uses a custom TLS policy when given", () => {
    const { json } = build({ certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" });
    expect(listenersByPort(json)[443].ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  it("redirects HTTP 80 to HTTPS with a 301 when there is a certificate", () => {
    const { synth, json } = build({ certificateArn: CERT });
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
    });
    expect(listenersByPort(json)[80].lifecycle).toBeUndefined();
  });

  it("forwards the test listener port to green", () => {
    const { json } = build({}, { testListenerPort: 9000 });
    const test = listenersByPort(json)[9000];
    expect(test.protocol).toBe("HTTP");
    expect(test.default_action).toEqual(forwardTo(json, "ghost-prod-green"));
  });

  it("serves the test listener over HTTPS with the certificate when production is HTTPS (an https Ghost redirects plain HTTP)", () => {
    const { json } = build({ certificateArn: CERT }, { testListenerPort: 9000 });
    expect(listenersByPort(json)[9000]).toMatchObject({
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
  });

  it.each([
    ["HTTP", {}, [80, 8080]],
    ["HTTPS", { certificateArn: CERT }, [443, 8080]],
  ])("lets CodeDeploy own default_action of the production and test listeners (%s)", (_mode, overrides, ports) => {
    const listeners = listenersByPort(build(overrides).json);
    for (const port of ports) expect(listeners[port].lifecycle).toEqual({ ignore_changes: ["default_action"] });
  });

  it("creates no log bucket and no access_logs when access logs are off", () => {
    const { synth, json } = build();
    expect(synth).not.toHaveResource(S3Bucket);
    expect(onlyResource(json, "aws_lb").access_logs).toBeUndefined();
  });

  describe("with access logs", () => {
    const { synth, json } = build({}, { accessLogs: true });
    const bucketId = Object.keys(resourcesOfType(json, "aws_s3_bucket"))[0];

    it("creates the bucket with SSE-S3 (ALB log delivery rejects KMS keys)", () => {
      expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: "ghost-prod-alb-logs-eu-west-2" });
      const encryption = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration");
      expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
    });

    it("lets only ELB log delivery write this account's AWSLogs/ prefix", () => {
      const policy = parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy);
      const allows = policy.Statement.filter((statement) => statement.Effect === "Allow");
      expect(allows).toHaveLength(1);
      expect(allows[0].Principal).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
      expect(allows[0].Action).toEqual(["s3:PutObject"]);
      const match = /^\$\{(.+)\.arn\}\/AWSLogs\/\$\{local\.(.+)\}\/\*$/.exec(allows[0].Resource);
      expect(match?.[1]).toBe(`aws_s3_bucket.${bucketId}`);
      // The account id is read from our own target group ARN (arn:aws:elasticloadbalancing:region:ACCOUNT:...).
      const locals = (json as { locals?: Record<string, string> }).locals ?? {};
      expect(locals[match![2]]).toBe(`\${element(split(":", ${targetGroupAddress(json, "ghost-prod-blue")}.arn), 4)}`);
    });

    it("enables access_logs on the ALB, after the bucket policy exists", () => {
      const alb = onlyResource(json, "aws_lb");
      expect(alb.access_logs).toEqual({ bucket: `\${aws_s3_bucket.${bucketId}.bucket}`, enabled: true });
      const policyId = Object.keys(resourcesOfType(json, "aws_s3_bucket_policy"))[0];
      expect(alb.depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`]);
    });
  });
});
