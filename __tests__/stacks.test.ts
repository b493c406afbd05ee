/** The stacks as main.ts wires them: bootstrap state stack and one stack per environment. */
import { App, Testing } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { buildApp } from "../src/app";
import { PROJECT } from "../src/config/environments";
import { GhostEnvironmentInput, loadProject, ProjectInput } from "../src/config";
import { LocalMode, LOCAL_SERVICES } from "../src/stacks/local-mode";
import { MULTIPLE_INSTANCES_WARNING, NO_MAIL_WARNING } from "../src/stacks/ghost-stack";
import { PLAIN_HTTP_ADMIN_WARNING } from "../src/stacks/steps/run-step";
import { onlyResource, parsePolicy, resourcesOfType, SynthJson } from "./helpers";
import { ghostMajorOf, versionWarnings } from "../src/stacks/steps/version-warnings";
import { testConfig } from "./support/config";
import { FULL_FEATURE_ENVIRONMENT } from "./fixtures";

const LOCAL: LocalMode = {
  s3Endpoint: "http://127.0.0.1:1",
  dynamodbEndpoint: "http://127.0.0.1:2",
  accessKey: "S3RVER",
  secretKey: "S3RVER",
};

function synthAll(project: ProjectInput, local?: LocalMode) {
  const app = Testing.app();
  const stacks = buildApp(app, { project, local });
  const synth = (stack: (typeof stacks.environmentStacks)[number] | typeof stacks.stateStack) => {
    const text = Testing.synth(stack);
    return { text, json: JSON.parse(text) as SynthJson };
  };
  return { app, stacks, synth };
}

function withEnvironment(overrides: Partial<GhostEnvironmentInput>): ProjectInput {
  return { ...PROJECT, environments: [{ ...PROJECT.environments[0], ...overrides } as GhostEnvironmentInput] };
}

describe("StateStack (bootstrap)", () => {
  const { stacks, synth } = synthAll(PROJECT, undefined);
  const { text, json } = synth(stacks.stateStack);

  it("keeps its own state in a local backend", () => {
    expect(Object.keys(json.terraform?.backend ?? {})).toEqual(["local"]);
  });

  it("with state.selfHosted keeps its state in its own bucket, under a key no environment can have, locked by its table", () => {
    const { stacks, synth } = synthAll({ ...PROJECT, state: { ...PROJECT.state, selfHosted: true } });
    const { backend } = synth(stacks.stateStack).json.terraform!;
    const state = loadProject(PROJECT).state;
    expect(Object.keys(backend)).toEqual(["s3"]);
    expect(backend.s3).toMatchObject({
      bucket: state.bucket,
      key: "ghost/_bootstrap/terraform.tfstate",
      dynamodb_table: state.lockTable,
      encrypt: true,
    });
  });

  it("creates the state bucket named in the config, versioned and never public", () => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({
      bucket: PROJECT.state!.bucket,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("encrypts the bucket by default and expires noncurrent state versions", () => {
    const encryption = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    const lifecycle = onlyResource(json, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule[0].noncurrent_version_expiration[0].noncurrent_days).toBe(90);
  });

  it("denies every request to the bucket that does not use TLS", () => {
    const policy = parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: ["*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("creates the lock table: LockID hash key, on demand, PITR, encrypted, kept on destroy", () => {
    expect(text).toHaveResourceWithProperties(DynamodbTable, {
      name: PROJECT.state!.lockTable,
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("GhostStack backend and provider", () => {
  it("stores each environment's state in the bootstrap bucket under its own key, locked by the table, encrypted", () => {
    const { stacks, synth } = synthAll(PROJECT, undefined);
    const keys = stacks.environmentStacks.map((stack) => {
      const backend = synth(stack).json.terraform!.backend.s3;
      expect(backend).toMatchObject({
        bucket: PROJECT.state!.bucket,
        region: PROJECT.state!.region,
        dynamodb_table: PROJECT.state!.lockTable,
        encrypt: true,
      });
      expect(backend.use_lockfile).toBeUndefined();
      expect(backend.endpoints).toBeUndefined();
      return backend.key;
    });
    expect(keys).toEqual(["ghost/dev/terraform.tfstate", "ghost/prod/terraform.tfstate"]);
  });

  it("adds use_lockfile next to DynamoDB locking when state.useLockfile is set", () => {
    const { stacks, synth } = synthAll({ ...PROJECT, state: { ...PROJECT.state, useLockfile: true } }, undefined);
    const backend = synth(stacks.environmentStacks[0]).json.terraform!.backend.s3;
    expect(backend).toMatchObject({ use_lockfile: true, dynamodb_table: PROJECT.state!.lockTable });
  });

  it("in local mode points the backend at the local endpoints with dummy credentials and skip flags", () => {
    const { stacks, synth } = synthAll(PROJECT, LOCAL);
    const backend = synth(stacks.environmentStacks[0]).json.terraform!.backend.s3;
    expect(backend).toMatchObject({
      endpoints: { s3: LOCAL.s3Endpoint, dynamodb: LOCAL.dynamodbEndpoint },
      access_key: "S3RVER",
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      skip_s3_checksum: true,
    });
  });

  it("in local mode with one emulator endpoint points every provider service at it", () => {
    const endpoint = "http://127.0.0.1:5000";
    const { stacks, synth } = synthAll(PROJECT, {
      ...LOCAL,
      s3Endpoint: endpoint,
      dynamodbEndpoint: endpoint,
      endpoint,
    });
    const provider = synth(stacks.environmentStacks[0]).json.provider!.aws[0];
    expect(Object.keys(provider.endpoints[0]).sort()).toEqual([...LOCAL_SERVICES].sort());
    expect(new Set(Object.values(provider.endpoints[0]))).toEqual(new Set([endpoint]));
    expect(provider).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true });
  });

  describe("the environment's account", () => {
    const ACCOUNT = { id: "111122223333", deployRoleArn: "arn:aws:iam::111122223333:role/ghost-deploy" };
    const providers = (local?: LocalMode) => {
      const edge = {
        dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", domainName: "blog.example.com" },
        cloudFront: { enabled: true, originFacingPrefixListId: "pl-93a247fa" },
      };
      const project = withEnvironment({ account: ACCOUNT, edge });
      const { stacks, synth } = synthAll(project, local);
      return synth(stacks.environmentStacks[0]).json.provider!.aws;
    };

    it("checks no account and assumes no role by default", () => {
      const { stacks, synth } = synthAll(PROJECT, undefined);
      const [provider] = synth(stacks.environmentStacks[0]).json.provider!.aws;
      expect(provider.allowed_account_ids).toBeUndefined();
      expect(provider.assume_role).toBeUndefined();
    });

    it("lets every provider of the stack act in account.id only, through account.deployRoleArn", () => {
      const all = providers();
      expect(all.map((provider: { region: string }) => provider.region)).toEqual(["eu-west-2", "us-east-1"]);
      for (const provider of all) {
        expect(provider).toMatchObject({
          allowed_account_ids: [ACCOUNT.id],
          assume_role: [{ role_arn: ACCOUNT.deployRoleArn, session_name: "ghost-dev-terraform" }],
        });
      }
    });

    it("in local mode still checks the account (asking the emulator for it) and assumes no role", () => {
      for (const provider of providers({ ...LOCAL, endpoint: "http://127.0.0.1:5000" })) {
        expect(provider).toMatchObject({ allowed_account_ids: [ACCOUNT.id], skip_requesting_account_id: false });
        expect(provider.assume_role).toBeUndefined();
      }
    });
  });

  it("tags every resource with project, environment and the configured tags", () => {
    const { stacks, synth } = synthAll(PROJECT, undefined);
    const provider = synth(stacks.environmentStacks[0]).json.provider!.aws[0];
    expect(provider.default_tags[0].tags).toEqual({
      Project: "ghost",
      Environment: "dev",
      ManagedBy: "cdktf",
      CostCenter: "ghost-dev",
    });
    expect(provider.access_key).toBeUndefined();
  });

  it("uses no data source, so a plan needs no AWS credentials or network", () => {
    const { stacks, synth } = synthAll(PROJECT, undefined);
    for (const stack of [stacks.stateStack, ...stacks.environmentStacks]) {
      expect(synth(stack).json.data).toBeUndefined();
    }
  });
});

describe("GhostStack prod topology (the tutorial's)", () => {
  const { stacks, synth } = synthAll(PROJECT, undefined);
  const prod = stacks.environmentStacks.find((stack) => stack.node.id === "ghost-prod")!;
  const { text, json } = synth(prod);

  it("spreads public and private subnets over three AZs", () => {
    const zones = Object.values(resourcesOfType(json, "aws_subnet")).map((subnet) => subnet.availability_zone);
    expect(zones.sort()).toEqual(["eu-west-2a", "eu-west-2a", "eu-west-2b", "eu-west-2b", "eu-west-2c", "eu-west-2c"]);
  });

  it("serves HTTPS on 443 with the edge's DNS-validated certificate, and redirects HTTP to it", () => {
    const listeners = Object.values(resourcesOfType(json, "aws_lb_listener"));
    const byPort = Object.fromEntries(listeners.map((listener) => [listener.port, listener]));
    expect(byPort[443]).toMatchObject({ protocol: "HTTPS" });
    expect(byPort[443].certificate_arn).toMatch(/aws_acm_certificate_validation\./);
    expect(byPort[80].default_action[0]).toMatchObject({ type: "redirect", redirect: { protocol: "HTTPS" } });
  });

  it("has the blue and green target groups", () => {
    expect(
      Object.values(resourcesOfType(json, "aws_lb_target_group"))
        .map((tg) => tg.name)
        .sort(),
    ).toEqual(["ghost-prod-blue", "ghost-prod-green"]);
    expect(text).toHaveResource(LbTargetGroup);
  });

  it("runs the ghost-blog service under the CODE_DEPLOY controller", () => {
    expect(text).toHaveResourceWithProperties(EcsService, {
      name: "ghost-blog",
      deployment_controller: { type: "CODE_DEPLOY" },
    });
  });

  it("scales on average CPU at 75 %", () => {
    expect(text).toHaveResourceWithProperties(AppautoscalingPolicy, {
      target_tracking_scaling_policy_configuration: expect.objectContaining({ target_value: 75 }),
    });
  });

  it("starts on the pinned Ghost 6 release, pulled from the ECR Public mirror of Docker's official images", () => {
    const containers = JSON.parse(onlyResource(json, "aws_ecs_task_definition").container_definitions);
    expect(containers[0].image).toBe("public.ecr.aws/docker/library/ghost:6.65.0-alpine");
  });

  it("uses RDS MySQL and gives Ghost the password only as a secret", () => {
    const containers = JSON.parse(onlyResource(json, "aws_ecs_task_definition").container_definitions);
    const names = (list: { name: string }[]) => list.map((entry) => entry.name);
    expect(names(containers[0].environment)).toContain("database__connection__host");
    expect(names(containers[0].environment)).not.toContain("database__connection__password");
    expect(names(containers[0].secrets)).toEqual(["database__connection__password"]);
  });

  it("exposes the documented outputs", () => {
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining([
        "alb_dns_name",
        "site_url",
        "ecr_repository_url",
        "cluster_name",
        "service_name",
        "efs_file_system_id",
        "efs_access_point_id",
        "log_group_name",
      ]),
    );
  });
});

describe("GhostStack mail", () => {
  const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-smtp-AbCdEf";
  const synthDev = (overrides: Partial<GhostEnvironmentInput>) => {
    const { stacks, synth } = synthAll(withEnvironment(overrides), undefined);
    return synth(stacks.environmentStacks[0]).json;
  };
  const taskRoleRef = (json: SynthJson) =>
    `\${aws_iam_role.${Object.entries(resourcesOfType(json, "aws_iam_role")).find(([, role]) => role.name === "ghost-dev-task")![0]}.name}`;
  const container = (json: SynthJson) =>
    JSON.parse(onlyResource(json, "aws_ecs_task_definition").container_definitions)[0];

  it("with SES, gives the task role the send policy, SES the alerts topic, and the account's reputation alarms", () => {
    const json = synthDev({ service: { siteUrl: "https://blog.mysite.org" }, mail: { from: "noreply@mysite.org" } });
    expect(onlyResource(json, "aws_sesv2_email_identity").email_identity).toBe("mysite.org");
    const sendPolicy = Object.values(resourcesOfType(json, "aws_iam_role_policy")).find((policy) =>
      String(policy.name).endsWith("-ghost-mail"),
    );
    expect(sendPolicy.role).toBe(taskRoleRef(json));
    const topicPolicy = parsePolicy(onlyResource(json, "aws_sns_topic_policy").policy);
    expect(
      topicPolicy.Statement.find((statement) => statement.Sid === "AllowAwsServicesOfThisAccountToPublish").Principal
        .Service,
    ).toContain("ses.amazonaws.com");
    const alarms = Object.values(resourcesOfType(json, "aws_cloudwatch_metric_alarm")).map((alarm) => alarm.alarm_name);
    expect(alarms).toEqual(
      expect.arrayContaining(["ghost-dev-mail-bounce-rate-high", "ghost-dev-mail-complaint-rate-high"]),
    );
    expect(container(json).environment).toEqual(expect.arrayContaining([{ name: "mail__transport", value: "SES" }]));
  });

  it("with SMTP, opens the SMTP port to the tasks and lets only the execution role read the password", () => {
    const json = synthDev({
      mail: {
        mode: "smtp",
        from: "noreply@mysite.org",
        smtp: { host: "smtp.mysite.org", port: 465, user: "ghost", passwordSecretArn: SECRET },
      },
    });
    expect(resourcesOfType(json, "aws_sesv2_email_identity")).toEqual({});
    const egress = Object.values(resourcesOfType(json, "aws_vpc_security_group_egress_rule")).map(
      (rule) => rule.from_port,
    );
    expect(egress).toContain(465);
    const readers = Object.values(resourcesOfType(json, "aws_iam_role_policy")).filter((policy) =>
      String(policy.policy).includes(SECRET),
    );
    expect(readers.map((policy) => policy.name)).toEqual(["ghost-dev-ghost-secrets"]);
    expect(container(json).secrets).toContainEqual({ name: "mail__options__auth__pass", valueFrom: SECRET });
  });

  it("without mail, builds nothing for it", () => {
    const json = synthDev({ mail: { mode: "none" } });
    expect(resourcesOfType(json, "aws_sesv2_email_identity")).toEqual({});
    expect(
      Object.values(resourcesOfType(json, "aws_vpc_security_group_egress_rule"))
        .map((rule) => rule.from_port)
        .sort(),
    ).toEqual([2049, 2368, 3306, 443]);
    expect(container(json).environment.map((variable: { name: string }) => variable.name)).not.toContain(
      "mail__transport",
    );
  });
});

describe("GhostStack edge: the web ACL", () => {
  const synthOnly = (environment: GhostEnvironmentInput) => {
    const { stacks, synth } = synthAll({ ...PROJECT, environments: [environment] }, undefined);
    return synth(stacks.environmentStacks[0]).json;
  };
  const synthDev = (overrides: Partial<GhostEnvironmentInput>) =>
    synthOnly({ ...PROJECT.environments[0], ...overrides } as GhostEnvironmentInput);
  const ruleNames = (json: SynthJson) => onlyResource(json, "aws_wafv2_web_acl").rule.map((rule: any) => rule.name);

  it("builds no web ACL without WAF and without an admin allowlist", () => {
    expect(resourcesOfType(synthDev({ edge: {} }), "aws_wafv2_web_acl")).toEqual({});
  });

  it("builds one for an admin allowlist alone: only the allowlist rule, on the ALB", () => {
    const json = synthDev({ admin: { allowedCidrs: ["203.0.113.0/24"] }, edge: {} });
    expect(ruleNames(json)).toEqual(["admin-allowlist"]);
    expect(onlyResource(json, "aws_wafv2_web_acl").scope).toBe("REGIONAL");
    expect(Object.keys(resourcesOfType(json, "aws_wafv2_web_acl_association"))).toHaveLength(1);
  });

  it("puts the allowlist after the rate limit and before the managed groups", () => {
    const json = synthOnly(FULL_FEATURE_ENVIRONMENT); // with its admin allowlist
    expect(ruleNames(json).slice(0, 3)).toEqual([
      "rate-limit-per-ip",
      "admin-allowlist",
      "AWSManagedRulesAmazonIpReputationList",
    ]);
  });

  it("encrypts CloudFront's WAF logs in us-east-1 with a logs key made there (KMS keys are regional)", () => {
    const json = synthOnly(FULL_FEATURE_ENVIRONMENT);
    const group = Object.values(resourcesOfType(json, "aws_cloudwatch_log_group")).find((g) =>
      String(g.name).startsWith("aws-waf-logs-"),
    );
    const keys = resourcesOfType(json, "aws_kms_key");
    const [usEast1Key] = Object.entries(keys).filter(([, key]) => key.provider === "aws.us-east-1");
    expect(group).toMatchObject({ name: "aws-waf-logs-ghost-full", provider: "aws.us-east-1", retention_in_days: 30 });
    expect(group!.kms_key_id).toBe(`\${aws_kms_key.${usEast1Key[0]}.arn}`);
    expect(JSON.stringify(usEast1Key[1].policy)).toContain("logs.us-east-1.amazonaws.com");
  });

  it("reuses the environment's logs key when the environment is in us-east-1", () => {
    const json = synthOnly({ ...FULL_FEATURE_ENVIRONMENT, region: "us-east-1" });
    expect(Object.keys(resourcesOfType(json, "aws_kms_key")).filter((id) => id.includes("logs-key"))).toHaveLength(1);
  });
});

describe("GhostStack synth warnings", () => {
  const warnings = (project: ProjectInput) => {
    const { stacks } = synthAll(project, undefined);
    return stacks.environmentStacks[0].node.metadata
      .filter((entry) => entry.type === "@cdktf/warn")
      .map((entry) => entry.data as string);
  };
  /** Mail that works: SES for the site's own domain. */
  const mailing = { service: { siteUrl: "https://blog.mysite.org" }, mail: { from: "noreply@blog.mysite.org" } };
  /** An environment whose owner has a real address (the placeholder owner has its own warning: owner-bootstrap.test.ts). */
  const withOwner = (overrides: Partial<GhostEnvironmentInput>): ProjectInput =>
    withEnvironment({ admin: { ownerEmail: "owner@mysite.org" }, ...overrides });

  it("warns when more than one Ghost task can run", () => {
    const project = withOwner({
      ...mailing,
      database: { engine: "mysql" },
      service: { ...mailing.service, maxCount: 2 },
    });
    expect(warnings(project)).toEqual([MULTIPLE_INSTANCES_WARNING]);
  });

  it("stays quiet with one task and mail that can be delivered", () => {
    expect(warnings(withOwner(mailing))).toEqual([]);
  });

  it("warns that invites, password resets and member sign-in fail without mail", () => {
    expect(warnings(withOwner({ ...mailing, mail: { mode: "none" } }))).toEqual([NO_MAIL_WARNING]);
  });

  it("warns when Ghost admin is served over plain HTTP to everyone, and not once admin is kept to an allowlist", () => {
    const plain = { service: { siteUrl: "http://blog.mysite.org" }, mail: mailing.mail };
    expect(warnings(withOwner(plain))).toEqual([PLAIN_HTTP_ADMIN_WARNING]);
    expect(
      warnings(withOwner({ ...plain, admin: { ownerEmail: "owner@mysite.org", allowedCidrs: ["203.0.113.0/24"] } })),
    ).toEqual([]);
    // The load balancer's own name, without a certificate, is plain HTTP too.
    expect(warnings(withOwner({ mail: { mode: "none" } }))).toEqual([PLAIN_HTTP_ADMIN_WARNING, NO_MAIL_WARNING]);
  });

  it("warns when the sender is at a reserved example domain", () => {
    const found = warnings(
      withOwner({
        ...mailing,
        service: { siteUrl: "https://example.com" },
        mail: { from: "noreply@example.com" },
      }),
    );
    expect(found).toEqual([expect.stringContaining('mail.from "noreply@example.com" is at a reserved example domain')]);
  });

  it("warns when Ghost's member sender (noreply@<site host>) is outside the SES identity", () => {
    const found = warnings(withOwner({ ...mailing, mail: { from: "noreply@news.mysite.org" } }));
    expect(found).toEqual([
      expect.stringMatching(/noreply@blog\.mysite\.org .* outside the SES identity news\.mysite\.org/),
    ]);
  });

  it("warns when edge.dns is the shipped placeholder", () => {
    const dns = { hostedZoneId: "Z0000000000000EXAMPLE", domainName: "blog.example.com" };
    const found = warnings(withOwner({ edge: { dns }, mail: { mode: "none" } }));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('edge.dns.domainName "blog.example.com" is at a reserved example domain'),
      ]),
    );
  });

  it("warns about the member sender when the site's host is the load balancer's (unknown at synth)", () => {
    const found = warnings(withOwner({ mail: { from: "noreply@mysite.org" } }));
    expect(found).toEqual([PLAIN_HTTP_ADMIN_WARNING, expect.stringContaining("noreply@<the site's host>")]);
  });
});

describe("versionWarnings", () => {
  const warn = (overrides: Partial<GhostEnvironmentInput>, today = "2026-12-01") =>
    versionWarnings(testConfig(overrides), new Date(`${today}T12:00:00Z`));

  it("warns about MySQL 8.0 once RDS standard support has ended (2026-07-31), never before", () => {
    expect(warn({ database: { engineVersion: "8.0.39" } })).toEqual([
      expect.stringContaining(
        'database.engineVersion "8.0.39": RDS standard support for MySQL 8.0 ended on 2026-07-31',
      ),
    ]);
    expect(warn({ database: { engineVersion: "8.0" } }, "2026-07-31")).toEqual([]);
  });

  it("stays quiet about MySQL 8.4 until 2029-07-31", () => {
    expect(warn({ database: { engineVersion: "8.4" } })).toEqual([]);
    expect(warn({ database: { engineVersion: "8.4" } }, "2029-08-01")).toHaveLength(1);
  });

  it("warns about an official Ghost image of an older major: LTS for 5, end of life before", () => {
    expect(warn({ service: { ghostImage: "ghost:5.130.6-alpine" } })).toEqual([
      expect.stringContaining("Ghost 5 is the LTS major: critical security and stability fixes only"),
    ]);
    expect(warn({ service: { ghostImage: "public.ecr.aws/docker/library/ghost:4" } })).toEqual([
      expect.stringContaining("Ghost 4 is past its end of life"),
    ]);
    expect(warn({ service: { ghostImage: "ghost:6.65.0-alpine" } })).toEqual([]);
  });

  it("says nothing of an image it cannot read a Ghost major from", () => {
    expect(ghostMajorOf("123456789012.dkr.ecr.eu-west-2.amazonaws.com/blog:latest")).toBeUndefined();
    expect(warn({ service: { ghostImage: "example/ghostly:5" } })).toEqual([]);
  });
});

describe("buildApp", () => {
  it("refuses an invalid configuration before building any stack", () => {
    const app = new App({ outdir: "/tmp/never-written" });
    expect(() => buildApp(app, { project: withEnvironment({ service: { cpu: 300 } }) })).toThrow(
      /dev: service\.cpu = 300/,
    );
    expect(app.node.children).toHaveLength(0);
  });
});
