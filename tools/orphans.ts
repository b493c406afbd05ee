/**
 * The recovery after a deploy that was killed before Terraform saved its state (npm run recover):
 * the resources of a stack that are not in its state, the id each would be imported by, and the
 * Terraform `import` blocks that take them back. A killed `terraform apply` leaves everything it
 * created since its last state snapshot in AWS and nowhere else; the next apply then fails on
 * every unique name ("already exists") and duplicates everything else (VPCs, subnets, keys).
 *
 * The ids come from three places: the configuration (most resources are named: roles, log groups,
 * buckets), a lookup in AWS for the ids AWS assigns (tools/aws-lookups.ts), and, for the
 * attributes of what was already imported, the import plan itself (scripts/recover.ts).
 */

/** What the recovery knows of a resource: attributes from the state, an import plan or a lookup. */
export type Attributes = Readonly<Record<string, unknown>>;

/** The parts of a synthesized stack (cdk.tf.json) the recovery reads. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly locals?: Record<string, unknown>;
  readonly provider?: { readonly aws?: readonly Record<string, unknown>[] };
}

/** Where the stack runs: what a configuration cannot say (the account) or says once (the region). */
export interface StackPlace {
  readonly account: string;
  readonly partition: string;
  readonly region: string;
}

const UNRESOLVED = Symbol("unresolved");
const REFERENCE = /^(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)$/;

/** One resource of the stack: its configuration, with references resolved as far as they can be. */
export class ResourceConfig {
  constructor(
    readonly address: string,
    readonly type: string,
    private readonly raw: Record<string, unknown>,
    private readonly stack: ResolvableStack,
  ) {}

  /** Whether the configuration sets the argument. */
  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  /** An argument as a string; undefined when it is absent or still refers to something unknown. */
  str(name: string): string | undefined {
    const value = this.value(name);
    return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  }

  /** An argument with its references resolved; undefined when any of them is still unknown. */
  value(name: string): unknown {
    const value = this.stack.resolve(this.raw[name], new Set([this.address]));
    return value === UNRESOLVED ? undefined : value;
  }

  /** The tags AWS holds for it: the provider's default tags and its own. */
  tags(): Record<string, string> | undefined {
    const own = this.value("tags");
    if (own === undefined && this.raw.tags !== undefined) return undefined;
    return { ...this.stack.defaultTags(this.raw), ...((own as Record<string, string>) ?? {}) };
  }

  /** Whether Terraform creates its replacement before destroying it (lifecycle). */
  createdBeforeDestroyed(): boolean {
    return (this.raw.lifecycle as { create_before_destroy?: boolean } | undefined)?.create_before_destroy === true;
  }

  /** The region of its provider (an aliased provider may have another). */
  region(): string {
    return this.stack.providerOf(this.raw).region as string;
  }

  /** The names of the resources it refers to, that must exist before it does. */
  dependencies(): string[] {
    const text = this.stack.withLocals(JSON.stringify(this.raw));
    const named = [...text.matchAll(/\$\{[^}]*?\b(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)].map((match) => match[1]);
    const explicit = (this.raw.depends_on as string[] | undefined) ?? [];
    return [...new Set([...named, ...explicit])];
  }
}

/** The stack's resources, and what is known of each resource outside its configuration. */
export class ResolvableStack {
  readonly resources: ResourceConfig[];
  private readonly byAddress = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly json: StackJson,
    private readonly known: (address: string) => Attributes | undefined,
  ) {
    this.resources = [];
    for (const [type, named] of Object.entries(json.resource ?? {})) {
      for (const [name, config] of Object.entries(named)) {
        const address = `${type}.${name}`;
        this.byAddress.set(address, config);
        this.resources.push(new ResourceConfig(address, type, config, this));
      }
    }
  }

  /** A configuration value with its `${…}` references replaced; UNRESOLVED if one is unknown. */
  resolve(value: unknown, seen: Set<string>): unknown {
    if (typeof value === "string") return this.resolveString(value, seen);
    if (Array.isArray(value)) {
      const items = value.map((item) => this.resolve(item, seen));
      return items.includes(UNRESOLVED) ? UNRESOLVED : items;
    }
    if (value && typeof value === "object") {
      const entries = Object.entries(value).map(([key, item]) => [key, this.resolve(item, seen)] as const);
      return entries.some(([, item]) => item === UNRESOLVED) ? UNRESOLVED : Object.fromEntries(entries);
    }
    return value;
  }

  private resolveString(text: string, seen: Set<string>): unknown {
    let unresolved = false;
    const whole = text.match(/^\$\{([^{}]*)\}$/);
    if (whole) return this.expression(whole[1], seen);
    const replaced = text.replace(/\$\{([^{}]*)\}/g, (_, expression: string) => {
      const value = this.expression(expression, seen);
      if (value === UNRESOLVED || (typeof value !== "string" && typeof value !== "number")) unresolved = true;
      return String(value);
    });
    return unresolved || replaced.includes("${") ? UNRESOLVED : replaced;
  }

  /** A reference to a resource's attribute or to a local; anything else (a function call) is unknown. */
  private expression(expression: string, seen: Set<string>): unknown {
    const local = expression.match(/^local\.([A-Za-z0-9_-]+)$/);
    if (local) return this.resolve(this.json.locals?.[local[1]], seen);
    const reference = expression.match(REFERENCE);
    if (!reference) return UNRESOLVED;
    const [, address, attribute] = reference;
    const known = this.known(address)?.[attribute];
    if (known !== undefined && known !== null && known !== "") return known;
    // An argument of the referred resource's own configuration (its name, say).
    const config = this.byAddress.get(address);
    if (!config || seen.has(address) || !(attribute in config) || attribute === "id") return UNRESOLVED;
    return this.resolve(config[attribute], new Set([...seen, address]));
  }

  /** The text with the expressions of the locals it names appended, recursively (for references). */
  withLocals(text: string, seen = new Set<string>()): string {
    const named = [...text.matchAll(/\blocal\.([A-Za-z0-9_-]+)/g)]
      .map((match) => match[1])
      .filter((name) => !seen.has(name));
    named.forEach((name) => seen.add(name));
    const expanded = named.map((name) => this.withLocals(JSON.stringify(this.json.locals?.[name] ?? ""), seen));
    return [text, ...expanded].join("\n");
  }

  defaultTags(config: Record<string, unknown>): Record<string, string> {
    const provider = this.providerOf(config);
    const defaults = (provider.default_tags as { tags?: Record<string, string> }[] | undefined)?.[0]?.tags;
    return { ...(defaults ?? {}) };
  }

  providerOf(config: Record<string, unknown>): Record<string, unknown> {
    const providers = this.json.provider?.aws ?? [];
    const alias = typeof config.provider === "string" ? config.provider.replace(/^aws\./, "") : undefined;
    return providers.find((provider) => provider.alias === alias) ?? providers[0] ?? {};
  }
}

type IdRule = (resource: ResourceConfig, place?: StackPlace) => string | undefined;

/** The arguments joined by `separator`, once each is known. */
const joined =
  (separator: string, ...names: string[]): IdRule =>
  (resource) => {
    const parts = names.map((name) => resource.str(name));
    return parts.every((part) => part !== undefined) ? parts.join(separator) : undefined;
  };
const argument = (name: string): IdRule => joined("", name);
/** The last part of a name or an ARN (an ECS cluster's, say). */
const lastPart = (value: string | undefined): string | undefined => value?.split("/").pop();
const onBus =
  (...names: string[]): IdRule =>
  (resource) => {
    const id = joined("/", ...names)(resource);
    const bus = resource.str("event_bus_name");
    return id && bus && bus !== "default" ? `${bus}/${id}` : id;
  };

/**
 * Import ids that follow from the configuration, by resource type (the format each type's
 * `terraform import` documents). The recovery imports one only where AWS says the object exists.
 */
export const IMPORT_IDS: Readonly<Record<string, IdRule>> = {
  aws_backup_vault: argument("name"),
  aws_appautoscaling_policy: joined("/", "service_namespace", "resource_id", "scalable_dimension", "name"),
  aws_appautoscaling_target: joined("/", "service_namespace", "resource_id", "scalable_dimension"),
  aws_cloudwatch_dashboard: argument("dashboard_name"),
  aws_cloudwatch_event_rule: onBus("name"),
  aws_cloudwatch_event_target: onBus("rule", "target_id"),
  aws_cloudwatch_log_group: argument("name"),
  aws_cloudwatch_log_metric_filter: joined(":", "log_group_name", "name"),
  aws_cloudwatch_log_resource_policy: argument("policy_name"),
  aws_cloudwatch_metric_alarm: argument("alarm_name"),
  aws_codebuild_project: argument("name"),
  aws_codecommit_repository: argument("repository_name"),
  aws_codedeploy_app: argument("name"),
  aws_codedeploy_deployment_group: joined(":", "app_name", "deployment_group_name"),
  aws_codepipeline: argument("name"),
  aws_db_parameter_group: argument("name"),
  aws_db_subnet_group: argument("name"),
  aws_dynamodb_table: argument("name"),
  aws_ecr_lifecycle_policy: argument("repository"),
  aws_ecr_repository: argument("name"),
  aws_ecs_cluster: argument("name"),
  aws_ecs_cluster_capacity_providers: argument("cluster_name"),
  aws_ecs_service: (resource) => {
    const cluster = lastPart(resource.str("cluster"));
    const name = resource.str("name");
    return cluster && name ? `${cluster}/${name}` : undefined;
  },
  aws_efs_file_system_policy: argument("file_system_id"),
  aws_iam_role: argument("name"),
  aws_iam_role_policy: joined(":", "role", "name"),
  aws_iam_role_policy_attachment: joined("/", "role", "policy_arn"),
  aws_kms_alias: argument("name"),
  aws_kms_key_policy: argument("key_id"),
  aws_route: (resource) => {
    const table = resource.str("route_table_id");
    const destination = resource.str("destination_cidr_block") ?? resource.str("destination_ipv6_cidr_block");
    return table && destination ? `${table}_${destination}` : undefined;
  },
  aws_route53_record: (resource) => {
    const id = joined("_", "zone_id", "name", "type")(resource);
    const set = resource.str("set_identifier");
    return id && set ? `${id}_${set}` : id;
  },
  aws_route_table_association: joined("/", "subnet_id", "route_table_id"),
  aws_s3_bucket: argument("bucket"),
  aws_s3_bucket_lifecycle_configuration: argument("bucket"),
  aws_s3_bucket_policy: argument("bucket"),
  aws_s3_bucket_public_access_block: argument("bucket"),
  aws_s3_bucket_server_side_encryption_configuration: argument("bucket"),
  aws_s3_bucket_versioning: argument("bucket"),
  aws_sesv2_configuration_set: argument("configuration_set_name"),
  aws_sesv2_configuration_set_event_destination: joined("|", "configuration_set_name", "event_destination_name"),
  aws_sesv2_email_identity: argument("email_identity"),
  aws_sesv2_email_identity_mail_from_attributes: argument("email_identity"),
  aws_sns_topic: (resource, place) => {
    const name = resource.str("name");
    return name && place && `arn:${place.partition}:sns:${resource.region()}:${place.account}:${name}`;
  },
  aws_sns_topic_policy: argument("arn"),
  aws_ssm_document: argument("name"),
  aws_wafv2_web_acl_logging_configuration: argument("resource_arn"),
};

/** Types whose create takes over what already exists, or creates nothing in AWS: nothing to import. */
export const RECREATED_HARMLESSLY: Readonly<Record<string, string>> = {
  aws_acm_certificate_validation: "a wait for the certificate's validation; it creates nothing",
  aws_default_security_group: "Terraform adopts the VPC's default group on create",
};

/** The partition of a region (an ARN's second field). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** One resource's recovery: the id it is imported by, or why it is not imported. */
export type Recovery =
  | {
      readonly address: string;
      readonly kind: "import";
      readonly id: string;
      readonly source: "configuration" | "lookup";
    }
  | { readonly address: string; readonly kind: "recreated"; readonly why: string }
  | { readonly address: string; readonly kind: "missing"; readonly why: string }
  | { readonly address: string; readonly kind: "unknown"; readonly why: string };

/**
 * A lookup in AWS of an object whose id AWS assigned: its import id and attributes, "absent",
 * "ambiguous" (several match), or undefined while what it is looked up by is not yet known.
 */
export type Lookup = (
  resource: ResourceConfig,
) => Promise<{ id: string; attributes: Attributes } | "absent" | "ambiguous" | undefined>;

/**
 * The recovery of every resource not in the state, given what is known (state and import plan)
 * and the lookups by type. References are resolved in dependency order: a lookup's attributes
 * (a VPC's id) resolve the resources that refer to it (its subnets) in the same pass.
 */
export async function recoverResources(options: {
  stack: StackJson;
  inState: ReadonlySet<string>;
  known: (address: string) => Attributes | undefined;
  lookups: Readonly<Record<string, Lookup>>;
  place: StackPlace;
  /** Addresses AWS said do not exist (a failed import): created by the next apply. */
  missing?: ReadonlySet<string>;
}): Promise<Recovery[]> {
  const found = new Map<string, Attributes>();
  const stack = new ResolvableStack(options.stack, (address) => options.known(address) ?? found.get(address));
  const pending = stack.resources.filter((resource) => !options.inState.has(resource.address));
  const waiting = new Set(pending.map((resource) => resource.address));
  const done = new Map<string, Recovery>();
  const missing = new Set(options.missing ?? []);
  for (let progress = true; progress;) {
    progress = false;
    for (const resource of pending) {
      if (done.has(resource.address)) continue;
      // Parents first: whether a parent exists decides whether its children can.
      if (resource.dependencies().some((parent) => waiting.has(parent) && !done.has(parent))) continue;
      const recovery = await recoverOne(resource, options, missing, found);
      if (!recovery) continue;
      done.set(resource.address, recovery);
      if (recovery.kind === "missing") missing.add(resource.address);
      progress = true;
    }
  }
  return pending.map(
    (resource) =>
      done.get(resource.address) ?? {
        address: resource.address,
        kind: "unknown" as const,
        why: "its id refers to something not yet known (imported in the next round, or created by the apply)",
      },
  );
}

async function recoverOne(
  resource: ResourceConfig,
  options: { lookups: Readonly<Record<string, Lookup>>; place: StackPlace },
  missing: ReadonlySet<string>,
  found: Map<string, Attributes>,
): Promise<Recovery | undefined> {
  const { address, type } = resource;
  if (missing.has(address)) return { address, kind: "missing", why: "AWS has no object with its id" };
  // A resource whose parent AWS does not have cannot exist either: it is created after it.
  const parent = resource.dependencies().find((dependency) => missing.has(dependency));
  if (parent) return { address, kind: "missing", why: `created after ${parent}, which AWS does not have` };
  if (RECREATED_HARMLESSLY[type]) return { address, kind: "recreated", why: RECREATED_HARMLESSLY[type] };
  const rule = IMPORT_IDS[type];
  if (rule) {
    const id = rule(resource, options.place);
    return id === undefined ? undefined : { address, kind: "import", id, source: "configuration" };
  }
  const lookup = options.lookups[type];
  if (!lookup) return { address, kind: "unknown", why: `no recovery rule for ${type}` };
  const result = await lookup(resource);
  if (result === "ambiguous")
    return { address, kind: "unknown", why: "several objects in AWS match it: import the right one by hand" };
  if (result === undefined) return undefined;
  if (result === "absent") return { address, kind: "missing", why: "no object in AWS matches its configuration" };
  found.set(address, result.attributes);
  return { address, kind: "import", id: result.id, source: "lookup" };
}

/** The Terraform JSON of the import blocks (a `.tf.json` file beside the stack's). */
export function importBlocks(recoveries: readonly Recovery[]): { import: { to: string; id: string }[] } {
  return {
    import: recoveries.flatMap((recovery) =>
      recovery.kind === "import" ? [{ to: recovery.address, id: recovery.id }] : [],
    ),
  };
}
