import { Testing } from "cdktf";
import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { buildApp } from "../src/app";
import { PROJECT } from "../src/config/environments";
import { awsLookups } from "../tools/aws-lookups";
import {
  IMPORT_IDS,
  importBlocks,
  Lookup,
  RECREATED_HARMLESSLY,
  recoverResources,
  ResolvableStack,
  StackJson,
} from "../tools/orphans";
import { failedImports, lockHolder, stateEntries, taintedEntries } from "../tools/recover";
import { FULL_FEATURE_ENVIRONMENT } from "./fixtures";
import { synthStack } from "./helpers";

const PLACE = { account: "123456789012", partition: "aws", region: "eu-west-2" };
const PROVIDER = { aws: [{ region: "eu-west-2", default_tags: [{ tags: { Project: "ghost", Environment: "dev" } }] }] };

/** A stack of a VPC, its subnet, a role and its inline policy, as cdktf synthesizes them. */
const STACK: StackJson = {
  provider: PROVIDER,
  resource: {
    aws_vpc: { vpc: { cidr_block: "10.0.0.0/16", tags: { Name: "ghost-dev-vpc" } } },
    aws_subnet: {
      subnet: { vpc_id: "${aws_vpc.vpc.id}", cidr_block: "10.0.0.0/20", tags: { Name: "ghost-dev-public-a" } },
    },
    aws_iam_role: { role: { name: "ghost-dev-task", assume_role_policy: "{}" } },
    aws_iam_role_policy: { policy: { role: "${aws_iam_role.role.name}", name: "mail", policy: "{}" } },
    aws_ecs_cluster: { cluster: { name: "ghost-dev" } },
    aws_ecs_service: { service: { name: "ghost-blog", cluster: "${aws_ecs_cluster.cluster.arn}" } },
  },
};

/** Lookups that answer from a table of objects "in AWS", recording what they were asked. */
function fakeAws(objects: Record<string, (resource: Parameters<Lookup>[0]) => string | undefined>) {
  const asked: { type: string; args: Record<string, string | undefined> }[] = [];
  const lookups: Record<string, Lookup> = {};
  for (const [type, answer] of Object.entries(objects)) {
    lookups[type] = async (resource) => {
      asked.push({ type, args: { vpc_id: resource.str("vpc_id"), cidr_block: resource.str("cidr_block") } });
      const id = answer(resource);
      return id === undefined ? "absent" : { id, attributes: { id } };
    };
  }
  return { lookups, asked };
}

const recover = (options: Partial<Parameters<typeof recoverResources>[0]> & { lookups: Record<string, Lookup> }) =>
  recoverResources({ stack: STACK, inState: new Set(), known: () => undefined, place: PLACE, ...options });

describe("recovery after a killed deploy (tools/orphans.ts, tools/recover.ts)", () => {
  it("has a way to recover each resource type the stacks have, and only those: an id from its configuration, a lookup, or a harmless re-create", () => {
    const app = Testing.app();
    const { stateStack, environmentStacks } = buildApp(app, {
      project: { ...PROJECT, environments: [...PROJECT.environments, FULL_FEATURE_ENVIRONMENT] },
    });
    const lookups = awsLookups(() => ({}));
    const types = new Set(
      [stateStack, ...environmentStacks].flatMap((stack) => Object.keys(synthStack(stack).json.resource ?? {})),
    );
    const uncovered = [...types].filter((type) => !IMPORT_IDS[type] && !lookups[type] && !RECREATED_HARMLESSLY[type]);
    expect(uncovered).toEqual([]);
    const rules = [...Object.keys(IMPORT_IDS), ...Object.keys(lookups), ...Object.keys(RECREATED_HARMLESSLY)];
    expect(rules.filter((type) => !types.has(type))).toEqual([]); // and no rule for a type no stack has
  });

  it("imports a named resource by the id its configuration gives, references resolved from the configuration", async () => {
    const recoveries = await recover({
      lookups: fakeAws({ aws_vpc: () => "vpc-1", aws_subnet: () => "subnet-1" }).lookups,
    });
    expect(recoveries).toEqual(
      expect.arrayContaining([
        { address: "aws_iam_role.role", kind: "import", id: "ghost-dev-task", source: "configuration" },
        { address: "aws_iam_role_policy.policy", kind: "import", id: "ghost-dev-task:mail", source: "configuration" },
      ]),
    );
  });

  it("looks up what AWS names, and the parent's id found resolves its children in the same pass", async () => {
    const { lookups, asked } = fakeAws({ aws_vpc: () => "vpc-1", aws_subnet: () => "subnet-1" });
    const recoveries = await recover({ lookups });
    expect(asked).toContainEqual({ type: "aws_subnet", args: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/20" } });
    expect(recoveries).toContainEqual({
      address: "aws_subnet.subnet",
      kind: "import",
      id: "subnet-1",
      source: "lookup",
    });
  });

  it("leaves out what the state has, and takes the attributes it refers to from the state", async () => {
    const { lookups, asked } = fakeAws({ aws_vpc: () => "vpc-new", aws_subnet: () => "subnet-1" });
    const recoveries = await recover({
      lookups,
      inState: new Set(["aws_vpc.vpc"]),
      known: (address) => (address === "aws_vpc.vpc" ? { id: "vpc-in-state" } : undefined),
    });
    expect(recoveries.map((recovery) => recovery.address)).not.toContain("aws_vpc.vpc");
    expect(asked).toEqual([{ type: "aws_subnet", args: { vpc_id: "vpc-in-state", cidr_block: "10.0.0.0/20" } }]);
  });

  it("marks the children of what AWS does not have as missing (the apply creates them), without looking for them", async () => {
    const { lookups, asked } = fakeAws({ aws_vpc: () => undefined, aws_subnet: () => "subnet-1" });
    const recoveries = await recover({ lookups, missing: new Set(["aws_iam_role.role"]) });
    expect(asked.map((question) => question.type)).toEqual(["aws_vpc"]);
    expect(recoveries.filter((recovery) => recovery.kind === "missing")).toEqual([
      { address: "aws_vpc.vpc", kind: "missing", why: "no object in AWS matches its configuration" },
      { address: "aws_subnet.subnet", kind: "missing", why: "created after aws_vpc.vpc, which AWS does not have" },
      { address: "aws_iam_role.role", kind: "missing", why: "AWS has no object with its id" },
      {
        address: "aws_iam_role_policy.policy",
        kind: "missing",
        why: "created after aws_iam_role.role, which AWS does not have",
      },
    ]);
  });

  it("counts a reference through a local as a dependency (a key policy naming the account from a role's ARN)", async () => {
    const stack: StackJson = {
      ...STACK,
      locals: { "account-id": '${element(split(":", aws_iam_role.role.arn), 4)}' },
      resource: {
        ...STACK.resource,
        aws_kms_key: { key: { description: "d", policy: "arn:aws:iam::${local.account-id}:root" } },
      },
    };
    const recoveries = await recoverResources({
      stack,
      inState: new Set(),
      known: () => undefined,
      place: PLACE,
      missing: new Set(["aws_iam_role.role"]),
      lookups: {
        ...fakeAws({ aws_vpc: () => "vpc-1", aws_subnet: () => "subnet-1" }).lookups,
        aws_kms_key: async () => "ambiguous",
      },
    });
    expect(recoveries).toContainEqual({
      address: "aws_kms_key.key",
      kind: "missing",
      why: "created after aws_iam_role.role, which AWS does not have",
    });
  });

  it("waits for an attribute only AWS knows (a cluster's ARN) and takes it from the import plan's attributes", async () => {
    const { lookups } = fakeAws({ aws_vpc: () => "vpc-1", aws_subnet: () => "subnet-1" });
    const before = await recover({ lookups });
    expect(before).toContainEqual(expect.objectContaining({ address: "aws_ecs_service.service", kind: "unknown" }));
    const arn = "arn:aws:ecs:eu-west-2:123456789012:cluster/ghost-dev";
    const after = await recover({
      lookups,
      known: (address) => (address === "aws_ecs_cluster.cluster" ? { arn } : undefined),
    });
    expect(after).toContainEqual({
      address: "aws_ecs_service.service",
      kind: "import",
      id: "ghost-dev/ghost-blog",
      source: "configuration",
    });
  });

  it("refuses to guess when several objects in AWS match", async () => {
    const recoveries = await recover({
      lookups: { aws_vpc: async () => "ambiguous", aws_subnet: async () => "absent" },
    });
    expect(recoveries).toContainEqual({
      address: "aws_vpc.vpc",
      kind: "unknown",
      why: "several objects in AWS match it: import the right one by hand",
    });
  });

  it("writes import blocks for the imports only", async () => {
    const recoveries = await recover({ lookups: fakeAws({ aws_vpc: () => undefined }).lookups });
    expect(importBlocks(recoveries)).toEqual({
      import: [
        { to: "aws_iam_role.role", id: "ghost-dev-task" },
        { to: "aws_iam_role_policy.policy", id: "ghost-dev-task:mail" },
        { to: "aws_ecs_cluster.cluster", id: "ghost-dev" },
      ],
    });
  });

  it("reads the imports AWS has no object for from the plan's diagnostics, by address or by the provider's words", () => {
    const diagnostic = (summary: string, detail = "") =>
      JSON.stringify({ "@level": "error", diagnostic: { severity: "error", summary, detail } });
    const lines = [
      diagnostic(
        "Cannot import non-existent remote object",
        'While attempting to import an existing object to "aws_iam_role.role", the provider detected that no object exists',
      ),
      diagnostic("reading EFS Backup Policy (fs-1): operation error EFS: DescribeBackupPolicy, PolicyNotFound: None"),
      diagnostic("creating VPC: UnauthorizedOperation"),
    ].join("\n");
    const imports = [
      { to: "aws_iam_role.role", id: "ghost-dev-task" },
      { to: "aws_efs_file_system_policy.policy", id: "fs-1" },
      { to: "aws_efs_backup_policy.backup", id: "fs-1" },
    ];
    expect(failedImports(lines, imports)).toEqual({
      missing: ["aws_iam_role.role", "aws_efs_backup_policy.backup"],
      errors: ["creating VPC: UnauthorizedOperation"],
    });
  });

  it("takes a tainted entry out of the state when AWS has its replacement, and untaints the others (kept, then updated)", async () => {
    const tainted = (id: string) => ({ attributes: { id }, tainted: true });
    const state = new Map([
      ["aws_vpc.vpc", tainted("vpc-old")],
      ["aws_subnet.subnet", tainted("subnet-1")],
      ["aws_iam_role.role", tainted("ghost-dev-task")],
      ["aws_ecs_cluster.cluster", { attributes: { id: "ghost-dev" }, tainted: false }],
    ]);
    const { lookups } = fakeAws({ aws_vpc: () => "vpc-new", aws_subnet: () => "subnet-1" });
    expect(await taintedEntries(STACK, state, lookups)).toEqual({
      replaced: ["aws_vpc.vpc"],
      untaint: ["aws_subnet.subnet", "aws_iam_role.role"],
    });
  });

  it("counts a resource the state lists with no instance (a create cut short) as not in the state", () => {
    const entries = stateEntries({
      resources: [
        { mode: "managed", type: "aws_backup_plan", name: "plan", instances: [] },
        {
          mode: "managed",
          type: "aws_iam_role",
          name: "role",
          instances: [{ attributes: { id: "r" }, status: "tainted" }],
        },
        { mode: "data", type: "aws_region", name: "current", instances: [{ attributes: { id: "eu-west-2" } }] },
      ],
    });
    expect([...entries]).toEqual([["aws_iam_role.role", { attributes: { id: "r" }, tainted: true }]]);
  });

  it("names the lock a killed deploy left, from Terraform's refusal", () => {
    const refusal = [
      "Error: Error acquiring the state lock",
      "Lock Info:",
      "  ID:        8e1f2c3a-0000-4000-8000-000000000001",
      "  Path:      ghost-tfstate/ghost/dev/terraform.tfstate",
      "  Who:       runner@ci-42",
    ].join("\n");
    expect(lockHolder(refusal)).toEqual({ id: "8e1f2c3a-0000-4000-8000-000000000001", who: "runner@ci-42" });
    expect(lockHolder("Plan: 0 to add")).toBeUndefined();
  });
});

describe("lookups in AWS of what AWS names (tools/aws-lookups.ts)", () => {
  const LISTENER =
    "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/ghost-dev/50dc6c495c0c9188/f2f7dc8efc522ab2";
  const ruleArn = (n: number) =>
    `arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener-rule/app/ghost-dev/50dc6c495c0c9188/f2f7dc8efc522ab2/${n}`;
  const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-dev/ghost-owner-AbCdEf";
  /** The owner's secret and a rule of the production listener, as cdktf synthesizes them. */
  const stack: StackJson = {
    provider: { aws: [{ region: "eu-west-2", access_key: "test", secret_key: "test" }] },
    resource: {
      aws_secretsmanager_secret: { owner: { name: "ghost-dev/ghost-owner" } },
      aws_lb_listener: { production: { load_balancer_arn: "${aws_lb.alb.arn}", port: 80 } },
      aws_lb_listener_rule: { refuse: { listener_arn: "${aws_lb_listener.production.arn}", priority: 2 } },
    },
  };
  /** The lookup of one resource of the stack, with what is known of the others. */
  const lookUp = (address: string, known: Record<string, Record<string, string>> = {}) => {
    const resolvable = new ResolvableStack(stack, (other) => known[other]);
    const resource = resolvable.resources.find((candidate) => candidate.address === address)!;
    return awsLookups(() => stack.provider!.aws![0])[resource.type](resource);
  };
  /** Answers the client's `send` with `answer(command)`, recording the commands it was sent. */
  const stubSend = (client: { prototype: { send: unknown } }, answer: (command: any) => unknown) => {
    const sent: any[] = [];
    jest
      .spyOn(client.prototype as { send: (command: unknown) => Promise<unknown> }, "send")
      .mockImplementation(async (command) => {
        sent.push(command);
        return answer(command);
      });
    return sent;
  };
  const awsError = (name: string) => Object.assign(new Error(name), { name });

  afterEach(() => jest.restoreAllMocks());

  it("imports a secret by the ARN DescribeSecret gives for its name", async () => {
    const sent = stubSend(SecretsManagerClient, () => ({ ARN: SECRET, Name: "ghost-dev/ghost-owner" }));
    expect(await lookUp("aws_secretsmanager_secret.owner")).toEqual({
      id: SECRET,
      attributes: { id: SECRET, arn: SECRET },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(DescribeSecretCommand);
    expect(sent[0].input).toEqual({ SecretId: "ghost-dev/ghost-owner" });
  });

  it("finds no secret where AWS has none of that name, or only one scheduled for deletion (a destroyed one)", async () => {
    stubSend(SecretsManagerClient, () => Promise.reject(awsError("ResourceNotFoundException")));
    expect(await lookUp("aws_secretsmanager_secret.owner")).toBe("absent");
    jest.restoreAllMocks();
    stubSend(SecretsManagerClient, () => ({ ARN: SECRET, Name: "ghost-dev/ghost-owner", DeletedDate: new Date() }));
    expect(await lookUp("aws_secretsmanager_secret.owner")).toBe("absent");
  });

  it("takes only a secret of exactly its name (DescribeSecret may read a name as a partial ARN of another)", async () => {
    stubSend(SecretsManagerClient, () => ({ ARN: SECRET, Name: "ghost-dev/ghost-owner-old" }));
    expect(await lookUp("aws_secretsmanager_secret.owner")).toBe("absent");
  });

  it("fails on any other error of DescribeSecret (no access is not absence)", async () => {
    stubSend(SecretsManagerClient, () => Promise.reject(awsError("AccessDeniedException")));
    await expect(lookUp("aws_secretsmanager_secret.owner")).rejects.toThrow("AccessDeniedException");
  });

  it("imports a listener rule by the ARN of the rule of its priority on its listener (DescribeRules)", async () => {
    const sent = stubSend(ElasticLoadBalancingV2Client, () => ({
      Rules: [
        { RuleArn: ruleArn(1), Priority: "1" },
        { RuleArn: ruleArn(2), Priority: "2" },
        { RuleArn: ruleArn(0), Priority: "default", IsDefault: true },
      ],
    }));
    const found = await lookUp("aws_lb_listener_rule.refuse", { "aws_lb_listener.production": { arn: LISTENER } });
    expect(found).toEqual({ id: ruleArn(2), attributes: { id: ruleArn(2), arn: ruleArn(2) } });
    expect(sent[0]).toBeInstanceOf(DescribeRulesCommand);
    expect(sent[0].input).toEqual({ ListenerArn: LISTENER });
  });

  it("waits for the listener's ARN before looking for its rules", async () => {
    const sent = stubSend(ElasticLoadBalancingV2Client, () => ({ Rules: [] }));
    expect(await lookUp("aws_lb_listener_rule.refuse")).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it("finds no rule where the listener has none of that priority, or is gone itself", async () => {
    stubSend(ElasticLoadBalancingV2Client, () => ({ Rules: [{ RuleArn: ruleArn(1), Priority: "1" }] }));
    const known = { "aws_lb_listener.production": { arn: LISTENER } };
    expect(await lookUp("aws_lb_listener_rule.refuse", known)).toBe("absent");
    jest.restoreAllMocks();
    stubSend(ElasticLoadBalancingV2Client, () => Promise.reject(awsError("ListenerNotFoundException")));
    expect(await lookUp("aws_lb_listener_rule.refuse", known)).toBe("absent");
  });

  it("looks a rule up once its listener is found, in the same pass, and writes both import blocks", async () => {
    stubSend(ElasticLoadBalancingV2Client, () => ({ Rules: [{ RuleArn: ruleArn(2), Priority: "2" }] }));
    const recoveries = await recoverResources({
      stack,
      inState: new Set(["aws_secretsmanager_secret.owner"]),
      known: (address) => (address === "aws_lb.alb" ? { arn: "arn:alb" } : undefined),
      place: PLACE,
      lookups: {
        ...awsLookups(() => stack.provider!.aws![0]),
        aws_lb_listener: async () => ({ id: LISTENER, attributes: { id: LISTENER, arn: LISTENER } }),
      },
    });
    expect(importBlocks(recoveries)).toEqual({
      import: [
        { to: "aws_lb_listener.production", id: LISTENER },
        { to: "aws_lb_listener_rule.refuse", id: ruleArn(2) },
      ],
    });
  });
});
