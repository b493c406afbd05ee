/**
 * What the Ghost tier takes from a synthesized environment stack: the Ghost container exactly as
 * the task definition declares it (references resolved as an apply resolves them), the target
 * groups' health checks, the production and test listeners, and the CloudFront cache policies.
 */
import * as fs from "fs";
import * as path from "path";

type TerraformJson = {
  resource: Record<string, Record<string, any>>;
  provider?: { aws?: { region?: string; alias?: string }[] };
};

export interface HealthCheck {
  readonly targetGroup: string;
  readonly protocol: string;
  readonly path: string;
  readonly matcher: string;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly port: number;
}

export interface Listener {
  readonly port: number;
  readonly protocol: "HTTP" | "HTTPS";
}

export interface CachePolicy {
  readonly minTtl: number;
  readonly defaultTtl: number;
  readonly maxTtl: number;
  /** Viewer headers in the cache key, so forwarded to the origin (CloudFront sends its origin's name as Host otherwise). */
  readonly headers: string[];
}

export interface SynthesizedTask {
  readonly stack: string;
  readonly region: string;
  readonly image: string;
  /** The container's `user`, e.g. "1000:1000". */
  readonly user: string;
  readonly containerPort: number;
  readonly contentPath: string;
  /** The container's root filesystem is read-only: only its mount points are writable. */
  readonly readonlyRootFilesystem: boolean;
  /** Writable mount points besides the content volume (task storage, e.g. /tmp). */
  readonly scratchPaths: string[];
  readonly environment: Record<string, string>;
  /** Secret name to its `valueFrom` ARN. */
  readonly secrets: Record<string, string>;
  readonly healthCheckGracePeriodSeconds: number;
  /** Blue and green. */
  readonly healthChecks: HealthCheck[];
  readonly productionListener: Listener;
  readonly testListener: Listener;
  /** The ALB's DNS name, as AWS forms it. */
  readonly albDnsName: string;
  /** The domain of the stack's SES identity, when Ghost sends through SES. */
  readonly sesIdentity?: string;
  /** The owner bootstrap's container: its command and environment, references resolved. */
  readonly bootstrap: {
    readonly command: string[];
    readonly environment: Record<string, string>;
    readonly user: string;
  };
  /** The listener rules (cdk.tf.json form) on the production and the test listener, evaluated before their default action. */
  readonly listenerRules: { readonly production: any[]; readonly test: any[] };
  /** Sources that alone may reach Ghost admin (the web ACL's IP sets), [] when everyone may. */
  readonly adminAllowedCidrs: string[];
  /** Only with CloudFront. */
  readonly cdn?: { readonly pages: CachePolicy; readonly uncachedPaths: string[]; readonly originProtocol: string };
}

/** Stand-ins for values only AWS knows, in the forms AWS documents. */
const ACCOUNT_ID = "123456789012";

/** Each attribute our task definition may reference, with the value an apply gives it. */
const RESOLVERS: Record<string, (resource: any, region: string) => string> = {
  "aws_lb.dns_name": (lb, region) => `${lb.name}-1234567890.${region}.elb.amazonaws.com`,
  "aws_db_instance.address": (db, region) => `${db.identifier}.c9akciq32.${region}.rds.amazonaws.com`,
  "aws_db_instance.port": (db) => String(db.port ?? 3306),
  "aws_db_instance.db_name": (db) => db.db_name,
  "aws_db_instance.username": (db) => db.username,
  "aws_db_instance.master_user_secret[0].secret_arn": (db, region) =>
    `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:rds!db-${db.identifier}-AbCdEf`,
  "aws_cloudwatch_log_group.name": (group) => group.name,
  "aws_secretsmanager_secret.arn": (secret, region) =>
    `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${secret.name}-AbCdEf`,
};

/** Replaces every `${type.name.attribute}` in `text`; an unknown reference is an error, never a guess. */
export function resolveReferences(text: string, json: TerraformJson, region: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (reference, expression: string) => {
    const match = /^(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(.+)$/.exec(expression);
    const resolver = match && RESOLVERS[`${match[1]}.${match[3]}`];
    const resource = match && json.resource[match[1]]?.[match[2]];
    if (!resolver || !resource) {
      throw new Error(
        `the Ghost tier cannot resolve ${reference}: add the attribute to RESOLVERS in ${path.basename(__filename)}`,
      );
    }
    return resolver(resource, region);
  });
}

function only(json: TerraformJson, type: string): [string, any] {
  const entries = Object.entries(json.resource[type] ?? {});
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0];
}

function listenerForwardingTo(json: TerraformJson, targetGroupId: string): Listener & { rules: any[] } {
  const reference = `\${aws_lb_target_group.${targetGroupId}.arn}`;
  const listeners = Object.entries(json.resource.aws_lb_listener ?? {}).filter(([, listener]: [string, any]) =>
    listener.default_action.some((action: any) => action.type === "forward" && action.target_group_arn === reference),
  );
  if (listeners.length !== 1)
    throw new Error(`expected one listener forwarding to ${targetGroupId}, found ${listeners.length}`);
  const [id, listener] = listeners[0];
  const rules = Object.values(json.resource.aws_lb_listener_rule ?? {}).filter(
    (rule: any) => rule.listener_arn === `\${aws_lb_listener.${id}.arn}`,
  );
  return { port: listener.port, protocol: listener.protocol, rules };
}

/** The target group the ECS service starts with (blue); the other one is green. */
function targetGroupIds(json: TerraformJson, service: any): { blue: string; green: string } {
  const blueReference: string = service.load_balancer[0].target_group_arn;
  const ids = Object.keys(json.resource.aws_lb_target_group);
  const blue = ids.find((id) => blueReference === `\${aws_lb_target_group.${id}.arn}`);
  const green = ids.find((id) => id !== blue);
  if (!blue || !green || ids.length !== 2)
    throw new Error(`expected a blue and a green target group, found ${ids.join(", ")}`);
  return { blue, green };
}

function cachePolicy(policy: any): CachePolicy {
  const parameters = policy.parameters_in_cache_key_and_forwarded_to_origin;
  return {
    minTtl: policy.min_ttl,
    defaultTtl: policy.default_ttl,
    maxTtl: policy.max_ttl,
    headers: parameters.headers_config.headers?.items ?? [],
  };
}

function cdnOf(json: TerraformJson): SynthesizedTask["cdn"] {
  const distributions = Object.values(json.resource.aws_cloudfront_distribution ?? {});
  if (distributions.length === 0) return undefined;
  const distribution: any = distributions[0];
  const pagesId: string = distribution.default_cache_behavior.cache_policy_id;
  const match = /^\$\{aws_cloudfront_cache_policy\.([^.]+)\.id\}$/.exec(pagesId);
  if (!match) throw new Error(`the default cache behaviour uses ${pagesId}, not a cache policy of this stack`);
  return {
    pages: cachePolicy(json.resource.aws_cloudfront_cache_policy[match[1]]),
    uncachedPaths: (distribution.ordered_cache_behavior ?? []).map((behavior: any) => behavior.path_pattern),
    originProtocol: distribution.origin[0].custom_origin_config.origin_protocol_policy,
  };
}

/** Reads the synthesized stack in `stackDir` (cdk.tf.json). */
export function readSynthesizedTask(stackDir: string): SynthesizedTask {
  const json: TerraformJson = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  const region = (json.provider?.aws ?? []).find((provider) => !provider.alias)?.region;
  if (!region) throw new Error(`${stackDir}: no default aws provider region`);
  const [, taskDefinition] = only(json, "aws_ecs_task_definition");
  const [, service] = only(json, "aws_ecs_service");
  const [, lb] = only(json, "aws_lb");
  const containers = JSON.parse(resolveReferences(taskDefinition.container_definitions, json, region));
  const ghost = containers.find((container: any) => container.name === service.load_balancer[0].container_name);
  const bootstrap = containers.find((container: any) => container.name === "ghost-bootstrap");
  if (!bootstrap) throw new Error(`${stackDir}: the task definition has no ghost-bootstrap container`);
  const mount = ghost.mountPoints[0];

  const ids = targetGroupIds(json, service);
  const healthChecks = [ids.blue, ids.green].map((id): HealthCheck => {
    const group = json.resource.aws_lb_target_group[id];
    const check = group.health_check;
    return {
      targetGroup: group.name,
      protocol: check.protocol,
      path: check.path,
      matcher: check.matcher,
      timeoutSeconds: check.timeout,
      healthyThreshold: check.healthy_threshold,
      port: group.port,
    };
  });

  const production = listenerForwardingTo(json, ids.blue);
  const test = listenerForwardingTo(json, ids.green);
  return {
    stack: path.basename(stackDir),
    region,
    image: ghost.image,
    user: ghost.user,
    containerPort: ghost.portMappings[0].containerPort,
    contentPath: mount.containerPath,
    readonlyRootFilesystem: ghost.readonlyRootFilesystem === true,
    scratchPaths: ghost.mountPoints.slice(1).map((point: any) => point.containerPath),
    environment: Object.fromEntries(ghost.environment.map((variable: any) => [variable.name, variable.value])),
    secrets: Object.fromEntries((ghost.secrets ?? []).map((secret: any) => [secret.name, secret.valueFrom])),
    healthCheckGracePeriodSeconds: service.health_check_grace_period_seconds,
    healthChecks,
    productionListener: { port: production.port, protocol: production.protocol },
    testListener: { port: test.port, protocol: test.protocol },
    bootstrap: {
      command: bootstrap.command,
      environment: Object.fromEntries(bootstrap.environment.map((variable: any) => [variable.name, variable.value])),
      user: bootstrap.user,
    },
    listenerRules: { production: production.rules, test: test.rules },
    adminAllowedCidrs: Object.values(json.resource.aws_wafv2_ip_set ?? {}).flatMap((set: any) => set.addresses),
    albDnsName: RESOLVERS["aws_lb.dns_name"](lb, region),
    sesIdentity: Object.values(json.resource.aws_sesv2_email_identity ?? {}).map(
      (identity: any) => identity.email_identity,
    )[0],
    cdn: cdnOf(json),
  };
}
