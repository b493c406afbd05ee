/**
 * The lookups of the recovery (tools/orphans.ts): the objects whose id AWS assigns (a VPC, a
 * subnet, a key), found by what the configuration says of them (tags, names, CIDRs, ports).
 * The clients use the stack's own provider block: its region, endpoints (local mode), static
 * keys (local mode) or the role it assumes, so they reach exactly what Terraform reaches.
 */
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from "@aws-sdk/client-acm";
import { BackupClient, ListBackupPlansCommand, ListBackupSelectionsCommand } from "@aws-sdk/client-backup";
import { CloudFrontClient, ListCachePoliciesCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import {
  CodestarNotificationsClient,
  DescribeNotificationRuleCommand,
  ListNotificationRulesCommand,
} from "@aws-sdk/client-codestar-notifications";
import {
  DescribeAddressesCommand,
  DescribeFlowLogsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  Filter,
  RevokeSecurityGroupEgressCommand,
} from "@aws-sdk/client-ec2";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
} from "@aws-sdk/client-efs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeKeyCommand, KMSClient, ListKeysCommand, ListResourceTagsCommand } from "@aws-sdk/client-kms";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ListIPSetsCommand, ListWebACLsCommand, WAFV2Client } from "@aws-sdk/client-wafv2";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { Attributes, Lookup, Recovery, ResourceConfig, StackJson } from "./orphans";

type Provider = Readonly<Record<string, unknown>>;
type Found = Awaited<ReturnType<Lookup>>;

/** The SDK client settings of a provider block: region, endpoint of the service, credentials. */
function clientConfig(provider: Provider, service: string, region?: string) {
  const endpoints = (provider.endpoints as Record<string, string>[] | undefined)?.[0] ?? {};
  const assumeRole = (provider.assume_role as { role_arn: string; session_name?: string }[] | undefined)?.[0];
  const base = { region: region ?? (provider.region as string), endpoint: endpoints[service] };
  if (typeof provider.access_key === "string")
    return {
      ...base,
      credentials: { accessKeyId: provider.access_key, secretAccessKey: provider.secret_key as string },
    };
  if (assumeRole)
    return {
      ...base,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: assumeRole.role_arn, RoleSessionName: assumeRole.session_name ?? "ghost-recover" },
        clientConfig: { region: base.region, endpoint: endpoints.sts },
      }),
    };
  return base;
}

/** The account the provider's credentials belong to; refuses one its allowed_account_ids exclude. */
export async function accountOf(provider: Provider): Promise<string> {
  const sts = new STSClient(clientConfig(provider, "sts"));
  const { Account } = await sts.send(new GetCallerIdentityCommand({}));
  const allowed = provider.allowed_account_ids as string[] | undefined;
  if (!Account) throw new Error("STS GetCallerIdentity returned no account");
  if (allowed && !allowed.includes(Account))
    throw new Error(`these credentials are for account ${Account}; the environment allows only ${allowed.join(", ")}`);
  return Account;
}

/** One match, "absent" for none, "ambiguous" for several. */
function single<T>(items: readonly T[] | undefined, found: (item: T) => { id: string; attributes: Attributes }): Found {
  if (!items || items.length === 0) return "absent";
  if (items.length > 1) return "ambiguous";
  return found(items[0]);
}

/** EC2 filters for every tag AWS holds for the resource (its Name tag tells it from its siblings). */
function tagFilters(resource: ResourceConfig): Filter[] | undefined {
  const tags = resource.tags();
  return tags && Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

const filter = (name: string, value: string): Filter => ({ Name: name, Values: [value] });
const withId = (id: string, more: Attributes = {}) => ({ id, attributes: { id, ...more } });
const notGone = (state: string | undefined) => state !== "deleted" && state !== "deleting" && state !== "failed";

/** Every argument the lookup needs, or undefined (looked up once they are known). */
function known(resource: ResourceConfig, ...names: string[]): string[] | undefined {
  const values = names.map((name) => resource.str(name));
  return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
}

/** The lookups by resource type, with clients made from the stack's provider blocks. */
export function awsLookups(providerOf: (resource: ResourceConfig) => Provider): Record<string, Lookup> {
  const clients = new Map<string, unknown>();
  function client<T>(make: new (config: object) => T, service: string, resource: ResourceConfig): T {
    const provider = providerOf(resource);
    const key = `${service}:${provider.alias ?? ""}`;
    if (!clients.has(key)) clients.set(key, new make(clientConfig(provider, service, resource.region())));
    return clients.get(key) as T;
  }
  const ec2 = (resource: ResourceConfig) => client(EC2Client, "ec2", resource);
  const efs = (resource: ResourceConfig) => client(EFSClient, "efs", resource);
  const elb = (resource: ResourceConfig) => client(ElasticLoadBalancingV2Client, "elbv2", resource);

  /** An EC2 object found by its tags and the filters given; undefined while one is unknown. */
  const byTags =
    (
      describe: (resource: ResourceConfig, filters: Filter[]) => Promise<{ id?: string; attributes?: Attributes }[]>,
      ...filters: [string, string][]
    ): Lookup =>
    async (resource) => {
      const tags = tagFilters(resource);
      const values = known(resource, ...filters.map(([, argument]) => argument));
      if (!tags || !values) return undefined;
      const found = await describe(resource, [...tags, ...filters.map(([name], index) => filter(name, values[index]))]);
      return single(found, (item) => withId(item.id!, item.attributes));
    };

  return {
    aws_vpc: byTags(
      async (resource, Filters) =>
        ((await ec2(resource).send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []).map((vpc) => ({ id: vpc.VpcId })),
      ["cidr-block", "cidr_block"],
    ),
    aws_subnet: byTags(
      async (resource, Filters) =>
        ((await ec2(resource).send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? []).map((subnet) => ({
          id: subnet.SubnetId,
          attributes: { arn: subnet.SubnetArn },
        })),
      ["vpc-id", "vpc_id"],
      ["cidr-block", "cidr_block"],
    ),
    aws_security_group: byTags(
      async (resource, Filters) =>
        ((await ec2(resource).send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []).map(
          (group) => ({ id: group.GroupId }),
        ),
      ["vpc-id", "vpc_id"],
      ["group-name", "name"],
    ),
    aws_route_table: byTags(
      async (resource, Filters) =>
        ((await ec2(resource).send(new DescribeRouteTablesCommand({ Filters }))).RouteTables ?? []).map((table) => ({
          id: table.RouteTableId,
        })),
      ["vpc-id", "vpc_id"],
    ),
    aws_internet_gateway: byTags(async (resource, Filters) =>
      ((await ec2(resource).send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways ?? []).map(
        (gateway) => ({ id: gateway.InternetGatewayId }),
      ),
    ),
    aws_nat_gateway: byTags(
      async (resource, Filters) =>
        ((await ec2(resource).send(new DescribeNatGatewaysCommand({ Filter: Filters }))).NatGateways ?? [])
          .filter((gateway) => notGone(gateway.State))
          .map((gateway) => ({ id: gateway.NatGatewayId })),
      ["subnet-id", "subnet_id"],
    ),
    aws_eip: byTags(async (resource, Filters) =>
      ((await ec2(resource).send(new DescribeAddressesCommand({ Filters }))).Addresses ?? []).map((address) => ({
        id: address.AllocationId,
        attributes: { allocation_id: address.AllocationId, public_ip: address.PublicIp },
      })),
    ),
    aws_flow_log: byTags(
      async (resource, Filter) =>
        ((await ec2(resource).send(new DescribeFlowLogsCommand({ Filter }))).FlowLogs ?? []).map((log) => ({
          id: log.FlowLogId,
        })),
      ["resource-id", "vpc_id"],
    ),
    aws_vpc_security_group_ingress_rule: securityGroupRule(ec2, false),
    aws_vpc_security_group_egress_rule: securityGroupRule(ec2, true),
    aws_kms_key: async (resource) => {
      const description = resource.str("description");
      const tags = resource.tags();
      if (description === undefined || !tags) return undefined;
      const kms = client(KMSClient, "kms", resource);
      const matches: { id: string; attributes: Attributes }[] = [];
      for (let marker: string | undefined, more = true; more;) {
        const page = await kms.send(new ListKeysCommand({ Marker: marker }));
        for (const { KeyId } of page.Keys ?? []) {
          const { KeyMetadata: key } = await kms.send(new DescribeKeyCommand({ KeyId }));
          if (!key || key.Description !== description || key.KeyManager !== "CUSTOMER") continue;
          if (key.KeyState === "PendingDeletion") continue;
          const held = (await kms.send(new ListResourceTagsCommand({ KeyId }))).Tags ?? [];
          const heldTags = Object.fromEntries(held.map((tag) => [tag.TagKey, tag.TagValue]));
          // A key whose create was cut short may not carry its tags yet: the description (which
          // names the environment) finds it; tags, where the key has them, must agree.
          if (held.length === 0 || Object.entries(tags).every(([k, v]) => heldTags[k] === v))
            matches.push(withId(key.KeyId!, { key_id: key.KeyId, arn: key.Arn }));
        }
        marker = page.NextMarker;
        more = Boolean(page.Truncated && marker);
      }
      return single(matches, (match) => match);
    },
    aws_efs_file_system: async (resource) => {
      const [token] = known(resource, "creation_token") ?? [];
      if (!token) return undefined;
      const { FileSystems } = await efs(resource).send(new DescribeFileSystemsCommand({ CreationToken: token }));
      return single(
        FileSystems?.filter((system) => notGone(system.LifeCycleState)),
        (system) => withId(system.FileSystemId!, { arn: system.FileSystemArn }),
      );
    },
    aws_efs_access_point: async (resource) => {
      const [system] = known(resource, "file_system_id") ?? [];
      const tags = resource.tags();
      if (!system || !tags) return undefined;
      const { AccessPoints } = await efs(resource).send(new DescribeAccessPointsCommand({ FileSystemId: system }));
      const matching = AccessPoints?.filter(
        (point) =>
          notGone(point.LifeCycleState) &&
          Object.entries(tags).every(([k, v]) => point.Tags?.some((tag) => tag.Key === k && tag.Value === v)),
      );
      return single(matching, (point) => withId(point.AccessPointId!, { arn: point.AccessPointArn }));
    },
    aws_efs_mount_target: async (resource) => {
      const values = known(resource, "file_system_id", "subnet_id");
      if (!values) return undefined;
      const [system, subnet] = values;
      const { MountTargets } = await efs(resource).send(new DescribeMountTargetsCommand({ FileSystemId: system }));
      return single(
        MountTargets?.filter((target) => target.SubnetId === subnet && notGone(target.LifeCycleState)),
        (target) => withId(target.MountTargetId!),
      );
    },
    aws_lb: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const balancers = await elb(resource)
        .send(new DescribeLoadBalancersCommand({ Names: [name] }))
        .then((page) => page.LoadBalancers, notFound);
      return single(balancers, (lb) =>
        withId(lb.LoadBalancerArn!, {
          arn: lb.LoadBalancerArn,
          dns_name: lb.DNSName,
          zone_id: lb.CanonicalHostedZoneId,
        }),
      );
    },
    aws_lb_target_group: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const groups = await elb(resource)
        .send(new DescribeTargetGroupsCommand({ Names: [name] }))
        .then((page) => page.TargetGroups, notFound);
      return single(groups, (group) => withId(group.TargetGroupArn!, { arn: group.TargetGroupArn }));
    },
    aws_lb_listener: async (resource) => {
      const values = known(resource, "load_balancer_arn", "port");
      if (!values) return undefined;
      const [balancer, port] = values;
      const listeners = await elb(resource)
        .send(new DescribeListenersCommand({ LoadBalancerArn: balancer }))
        .then((page) => page.Listeners, notFound);
      return single(
        listeners?.filter((listener) => String(listener.Port) === port),
        (listener) => withId(listener.ListenerArn!, { arn: listener.ListenerArn }),
      );
    },
    aws_lb_listener_rule: async (resource) => {
      const values = known(resource, "listener_arn", "priority");
      if (!values) return undefined;
      const [listener, priority] = values;
      // The listener a killed deploy recorded may be gone itself (the deploy creates it again): no rule then.
      const rules = await elb(resource)
        .send(new DescribeRulesCommand({ ListenerArn: listener }))
        .then((page) => page.Rules, notFound);
      return single(
        rules?.filter((rule) => rule.Priority === priority),
        (rule) => withId(rule.RuleArn!, { arn: rule.RuleArn }),
      );
    },
    aws_secretsmanager_secret: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const secret = await client(SecretsManagerClient, "secretsmanager", resource)
        .send(new DescribeSecretCommand({ SecretId: name }))
        .catch(notFound);
      // Exactly its name (DescribeSecret may read a name ending in -XXXXXX as a partial ARN of another);
      // one scheduled for deletion is a destroyed one, not one a killed deploy made (Terraform reads it as gone).
      return single(secret && secret.Name === name && !secret.DeletedDate ? [secret] : [], (found) =>
        withId(found.ARN!, { arn: found.ARN }),
      );
    },
    aws_ecs_task_definition: async (resource) => {
      const [family] = known(resource, "family") ?? [];
      if (!family) return undefined;
      const definition = await client(ECSClient, "ecs", resource)
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))
        .then((page) => page.taskDefinition, notFound);
      if (!definition || definition.status !== "ACTIVE") return "absent";
      return { id: definition.taskDefinitionArn!, attributes: { arn: definition.taskDefinitionArn, id: family } };
    },
    aws_acm_certificate: async (resource) => {
      const [domain] = known(resource, "domain_name") ?? [];
      if (!domain) return undefined;
      const acm = client(ACMClient, "acm", resource);
      const { CertificateSummaryList } = await acm.send(new ListCertificatesCommand({}));
      const matching = (CertificateSummaryList ?? []).filter((summary) => summary.DomainName === domain);
      const certificates = await Promise.all(
        matching.map((summary) => acm.send(new DescribeCertificateCommand({ CertificateArn: summary.CertificateArn }))),
      );
      // A certificate in use is the one an earlier apply made and kept; this one is new.
      const unused = certificates.filter(({ Certificate }) => (Certificate?.InUseBy ?? []).length === 0);
      return single(unused, ({ Certificate }) =>
        withId(Certificate!.CertificateArn!, { arn: Certificate!.CertificateArn }),
      );
    },
    // Named, but looked up first: with provider 5.100, the import of an identifier the emulator
    // did not have completed with another environment's instance of the region.
    aws_db_instance: async (resource) => {
      const [identifier] = known(resource, "identifier") ?? [];
      if (!identifier) return undefined;
      const instances = await client(RDSClient, "rds", resource)
        .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))
        .then((page) => page.DBInstances, notFound);
      return single(
        instances?.filter((instance) => instance.DBInstanceIdentifier === identifier),
        (instance) => ({ id: identifier, attributes: { identifier, arn: instance.DBInstanceArn } }),
      );
    },
    aws_backup_plan: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const { BackupPlansList } = await client(BackupClient, "backup", resource).send(new ListBackupPlansCommand({}));
      return single(
        (BackupPlansList ?? []).filter((plan) => plan.BackupPlanName === name),
        (plan) => withId(plan.BackupPlanId!, { arn: plan.BackupPlanArn }),
      );
    },
    aws_backup_selection: async (resource) => {
      const values = known(resource, "plan_id", "name");
      if (!values) return undefined;
      const [plan, name] = values;
      // The plan a killed deploy recorded may be gone itself (the deploy creates it again): no selection then.
      const selections = await client(BackupClient, "backup", resource)
        .send(new ListBackupSelectionsCommand({ BackupPlanId: plan }))
        .then((page) => page.BackupSelectionsList, notFound);
      return single(
        (selections ?? []).filter((selection) => selection.SelectionName === name),
        (selection) => ({ id: `${plan}|${selection.SelectionId}`, attributes: { id: selection.SelectionId } }),
      );
    },
    aws_codestarnotifications_notification_rule: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const notifications = client(CodestarNotificationsClient, "codestarnotifications", resource);
      const matches: { id: string; attributes: Attributes }[] = [];
      for (let token: string | undefined, more = true; more;) {
        const page = await notifications.send(new ListNotificationRulesCommand({ NextToken: token }));
        for (const { Arn } of page.NotificationRules ?? []) {
          const rule = await notifications.send(new DescribeNotificationRuleCommand({ Arn }));
          if (rule.Name === name) matches.push(withId(Arn!, { arn: Arn }));
        }
        token = page.NextToken;
        more = Boolean(token);
      }
      return single(matches, (match) => match);
    },
    aws_sns_topic_subscription: async (resource) => {
      const values = known(resource, "topic_arn", "protocol", "endpoint");
      if (!values) return undefined;
      const [topic, protocol, endpoint] = values;
      const { Subscriptions } = await client(SNSClient, "sns", resource).send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic }),
      );
      // One awaiting confirmation has no ARN to import; subscribing again answers the same one.
      const confirmed = (Subscriptions ?? []).filter(
        (subscription) =>
          subscription.Protocol === protocol &&
          subscription.Endpoint === endpoint &&
          subscription.SubscriptionArn?.startsWith("arn:"),
      );
      return single(confirmed, (subscription) =>
        withId(subscription.SubscriptionArn!, { arn: subscription.SubscriptionArn }),
      );
    },
    aws_cloudfront_cache_policy: async (resource) => {
      const [name] = known(resource, "name") ?? [];
      if (!name) return undefined;
      const { CachePolicyList } = await client(CloudFrontClient, "cloudfront", resource).send(
        new ListCachePoliciesCommand({ Type: "custom" }),
      );
      const matching = (CachePolicyList?.Items ?? []).filter(
        (item) => item.CachePolicy?.CachePolicyConfig?.Name === name,
      );
      return single(matching, (item) => withId(item.CachePolicy!.Id!));
    },
    aws_cloudfront_distribution: async (resource) => {
      const comment = resource.str("comment");
      const aliases = resource.value("aliases") as string[] | undefined;
      if (comment === undefined || !aliases) return undefined;
      const { DistributionList } = await client(CloudFrontClient, "cloudfront", resource).send(
        new ListDistributionsCommand({}),
      );
      const matching = (DistributionList?.Items ?? []).filter(
        (item) => item.Comment === comment && aliases.every((alias) => item.Aliases?.Items?.includes(alias)),
      );
      return single(matching, (item) => withId(item.Id!, { arn: item.ARN, domain_name: item.DomainName }));
    },
    aws_wafv2_web_acl: (resource) =>
      wafv2ByName(resource, async (scope) => {
        const { WebACLs } = await client(WAFV2Client, "wafv2", resource).send(new ListWebACLsCommand({ Scope: scope }));
        return WebACLs;
      }),
    aws_wafv2_ip_set: (resource) =>
      wafv2ByName(resource, async (scope) => {
        const { IPSets } = await client(WAFV2Client, "wafv2", resource).send(new ListIPSetsCommand({ Scope: scope }));
        return IPSets;
      }),
  };
}

/** A rule of a security group, found by its direction, protocol, ports and peer. */
function securityGroupRule(ec2: (resource: ResourceConfig) => EC2Client, egress: boolean): Lookup {
  return async (resource) => {
    const [group] = known(resource, "security_group_id") ?? [];
    const peers = ["referenced_security_group_id", "cidr_ipv4", "cidr_ipv6"];
    if (!group || peers.some((name) => resource.has(name) && resource.str(name) === undefined)) return undefined;
    const peer = resource.str("referenced_security_group_id");
    const { SecurityGroupRules } = await ec2(resource).send(
      new DescribeSecurityGroupRulesCommand({ Filters: [filter("group-id", group)] }),
    );
    const protocol = resource.str("ip_protocol");
    const matching = (SecurityGroupRules ?? []).filter(
      (rule) =>
        rule.IsEgress === egress &&
        rule.IpProtocol === protocol &&
        String(rule.FromPort) === resource.str("from_port") &&
        String(rule.ToPort) === resource.str("to_port") &&
        (rule.ReferencedGroupInfo?.GroupId ?? undefined) === peer &&
        (rule.CidrIpv4 ?? undefined) === resource.str("cidr_ipv4") &&
        (rule.CidrIpv6 ?? undefined) === resource.str("cidr_ipv6"),
    );
    return single(matching, (rule) => withId(rule.SecurityGroupRuleId!, { arn: rule.SecurityGroupRuleArn }));
  };
}

/** A describe-by-name that finds nothing answers with an error: that is "absent", not a failure. */
function notFound(error: { name?: string }): undefined {
  if (/NotFound/.test(error.name ?? "") || error.name === "ClientException") return undefined;
  throw error;
}

/**
 * AWS gives a new security group an allow-all egress rule, which Terraform's create revokes at
 * once (our groups allow only the egress their rule resources name). A group whose create was
 * killed in between keeps it, and its import does not revoke it: the recovery does, on the
 * groups it imports, unless the configuration itself has such a rule. Returns what it revoked.
 */
export async function revokeDefaultEgress(
  recoveries: readonly Recovery[],
  json: StackJson,
  provider: Provider,
): Promise<string[]> {
  const groups = recoveries.flatMap((recovery) =>
    recovery.kind === "import" && recovery.address.startsWith("aws_security_group.") ? [recovery.id] : [],
  );
  if (groups.length === 0) return [];
  const configured = Object.values(json.resource?.aws_vpc_security_group_egress_rule ?? {}).some(
    (rule) => rule.ip_protocol === "-1",
  );
  if (configured) return [];
  const ec2 = new EC2Client(clientConfig(provider, "ec2"));
  const revoked: string[] = [];
  for (const group of groups) {
    const { SecurityGroupRules = [] } = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [filter("group-id", group)] }),
    );
    const defaults = SecurityGroupRules.filter(
      (rule) =>
        rule.IsEgress &&
        rule.IpProtocol === "-1" &&
        (rule.CidrIpv4 === "0.0.0.0/0" || rule.CidrIpv6 === "::/0") &&
        !rule.Description,
    );
    if (defaults.length === 0) continue;
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: group,
        SecurityGroupRuleIds: defaults.map((rule) => rule.SecurityGroupRuleId!),
      }),
    );
    revoked.push(...defaults.map((rule) => `${rule.SecurityGroupRuleId} (allow-all egress of ${group})`));
  }
  return revoked;
}

/** A WAFv2 web ACL or IP set, by name in its scope: both are listed, and imported, the same way. */
async function wafv2ByName(
  resource: ResourceConfig,
  list: (scope: "CLOUDFRONT" | "REGIONAL") => Promise<{ Name?: string; Id?: string; ARN?: string }[] | undefined>,
): ReturnType<Lookup> {
  const values = known(resource, "name", "scope");
  if (!values) return undefined;
  const [name, scope] = values as [string, "CLOUDFRONT" | "REGIONAL"];
  return single(
    ((await list(scope)) ?? []).filter((item) => item.Name === name),
    (item) => ({ id: `${item.Id}/${item.Name}/${scope}`, attributes: { id: item.Id, arn: item.ARN } }),
  );
}
