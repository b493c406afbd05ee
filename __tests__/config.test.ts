/** Specification of the typed configuration: defaults, the declared environments and every validation rule. */
import { DEFAULT_ALARM_THRESHOLDS } from "../src/config";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, GhostEnvironmentInput, loadProject, namePrefix, ProjectInput } from "../src/config";
import { resolveEnvironment, resolveProject } from "../src/config/defaults";
import { configRows } from "../tools/config-reference";

/** A small valid project with one environment "dev"; `overrides` replace fields of that environment. */
function withDev(overrides: Partial<GhostEnvironmentInput> = {}, top: Partial<ProjectInput> = {}): ProjectInput {
  return { project: "ghost", ...top, environments: [{ environment: "dev", ...overrides }] };
}

/** The problems `loadProject` reports; fails the test unless it throws a ConfigError. */
function problemsOf(input: ProjectInput): string[] {
  try {
    loadProject(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected loadProject to throw a ConfigError, but the configuration was accepted");
}

/**
 * Expects exactly one problem `<where>: <field> = <JSON value>: ...` that names what is allowed,
 * and `total` problems in all (other rules must not fire by accident).
 */
function expectProblem(
  input: ProjectInput,
  where: string,
  field: string,
  value: unknown,
  allowed: string,
  total = 1,
): string[] {
  const problems = problemsOf(input);
  const head = `${where}: ${field} = ${JSON.stringify(value)}: `;
  const matching = problems.filter(
    (problem) => problem.startsWith(head) && problem.slice(head.length).includes(allowed),
  );
  expect({ problems, matching: matching.length }).toEqual({ problems, matching: 1 });
  expect(problems).toHaveLength(total);
  return problems;
}

/** Three valid /24s per kind for the default three AZs of eu-west-2 in 10.0.0.0/16. */
const PUBLIC = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"];
const PRIVATE = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"];

describe("resolveEnvironment (defaults)", () => {
  const config = resolveEnvironment({ environment: "dev" }, "ghost");

  it("takes the project, environment and default region", () => {
    expect(config).toMatchObject({ project: "ghost", environment: "dev", region: "eu-west-2", tags: {} });
  });

  it.each([
    ["an environment without deletion protection", {}, false],
    ["deletion protection on the database (production)", { database: { deletionProtection: true } }, true],
    ["deletion protection on the load balancer (production)", { loadBalancer: { deletionProtection: true } }, true],
    [
      "production with preventDestroy false (a teardown)",
      { database: { deletionProtection: true }, preventDestroy: false },
      false,
    ],
    ["preventDestroy true without deletion protection", { preventDestroy: true }, true],
  ])("derives preventDestroy for %s", (_, input, expected) => {
    expect(resolveEnvironment({ environment: "dev", ...input }, "ghost").preventDestroy).toBe(expected);
  });

  it("defaults the availability zones to <region>a, b and c", () => {
    expect(config.availabilityZones).toEqual(["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    expect(resolveEnvironment({ environment: "dev", region: "us-east-1" }, "ghost").availabilityZones).toEqual([
      "us-east-1a",
      "us-east-1b",
      "us-east-1c",
    ]);
  });

  it("fills the network defaults, with subnets derived from 10.0.0.0/16 for three AZs", () => {
    expect(config.network).toEqual({
      vpcCidr: "10.0.0.0/16",
      publicSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      privateSubnetCidrs: ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"],
      natGateways: "single",
      flowLogs: true,
    });
  });

  it("fills the load balancer defaults (HTTP only, test listener on 8080 closed to everyone)", () => {
    expect(config.loadBalancer).toEqual({
      deletionProtection: false,
      accessLogs: false,
      testListenerPort: 8080,
      testListenerCidrs: [],
      healthCheckPath: "/ghost/.well-known/jwks.json",
      deregistrationDelaySeconds: 30,
    });
    expect(config.loadBalancer.certificateArn).toBeUndefined();
  });

  it("fills the storage defaults", () => {
    expect(config.storage).toEqual({
      performanceMode: "generalPurpose",
      throughputMode: "bursting",
      transitionToIa: "AFTER_30_DAYS",
      backupRetentionDays: 35,
    });
  });

  it("fills the service defaults (one 256/512 x86 task on FARGATE, CPU target 75)", () => {
    expect(config.service).toEqual({
      serviceName: "ghost-blog",
      cpu: 256,
      memory: 512,
      cpuArchitecture: "X86_64",
      ghostImage: "ghost:6.65.0-alpine",
      desiredCount: 1,
      minCount: 1,
      maxCount: 1,
      cpuTargetPercent: 75,
      scaleInCooldownSeconds: 60,
      scaleOutCooldownSeconds: 60,
      healthCheckGracePeriodSeconds: 120,
      capacityProvider: "FARGATE",
    });
    expect(config.service.siteUrl).toBeUndefined();
  });

  it("fills the database defaults (MySQL 8.4 on db.t4g.micro)", () => {
    expect(config.database).toEqual({
      engine: "mysql",
      instanceClass: "db.t4g.micro",
      engineVersion: "8.4",
      allocatedStorageGb: 20,
      maxAllocatedStorageGb: 100,
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 7,
      caCertificate: "rds-ca-rsa2048-g1",
      databaseName: "ghost",
      username: "ghost",
    });
  });

  it("fills the registry, pipelines, alerts and logs defaults, naming the repositories per environment", () => {
    expect(config.registry).toEqual({ repositoryName: "ghost-dev", imageTagMutability: "MUTABLE", keepImages: 10 });
    expect(config.pipelines).toEqual({
      repositoryName: "ghost-dev-blog",
      branch: "main",
      artifactBucketName: "ghost-dev-pipeline-artifacts-eu-west-2",
      artifactExpirationDays: 30,
      computeType: "BUILD_GENERAL1_SMALL",
      buildTimeoutMinutes: 60,
      queuedTimeoutMinutes: 480,
      deploymentConfig: "CodeDeployDefault.ECSAllAtOnce",
      terminateBlueAfterMinutes: 5,
      readyWaitMinutes: 0,
      manualApproval: false,
      imageTag: "latest",
    });
    expect(config.alerts).toEqual({ emails: [], thresholds: DEFAULT_ALARM_THRESHOLDS });
    expect(config.logs).toEqual({ retentionDays: 30, kmsEncryption: false });
  });

  it("leaves every edge feature off", () => {
    expect(config.edge).toEqual({
      cloudFront: { enabled: false, priceClass: "PriceClass_100" },
      waf: { enabled: false, rateLimit: 2000 },
    });
  });

  it("merges a partial alarm threshold section with the defaults", () => {
    const custom = resolveEnvironment(
      { environment: "dev", alerts: { thresholds: { serviceCpuPercent: 70 } } },
      "ghost",
    );
    expect(custom.alerts.thresholds).toEqual({ ...DEFAULT_ALARM_THRESHOLDS, serviceCpuPercent: 70 });
  });

  it("lets input values win over defaults", () => {
    const custom = resolveEnvironment(
      {
        environment: "dev",
        region: "us-east-1",
        network: { natGateways: "none", flowLogs: false },
        logs: { retentionDays: 14 },
      },
      "ghost",
    );
    expect(custom.region).toBe("us-east-1");
    expect(custom.network.natGateways).toBe("none");
    expect(custom.network.flowLogs).toBe(false);
    expect(custom.logs.retentionDays).toBe(14);
  });

  it("lets an environment override the project name, which then prefixes its repository names", () => {
    const custom = resolveEnvironment({ environment: "dev", project: "blog" }, "ghost");
    expect(custom.project).toBe("blog");
    expect(custom.registry.repositoryName).toBe("blog-dev");
    expect(custom.pipelines.repositoryName).toBe("blog-dev-blog");
  });

  it("keeps explicit repository names and the other registry defaults", () => {
    const custom = resolveEnvironment(
      { environment: "dev", registry: { repositoryName: "ghost" }, pipelines: { repositoryName: "ghost-blog" } },
      "ghost",
    );
    expect(custom.registry).toEqual({ repositoryName: "ghost", imageTagMutability: "MUTABLE", keepImages: 10 });
    expect(custom.pipelines).toMatchObject({ repositoryName: "ghost-blog", branch: "main" });
  });

  it("merges a partial section: only service.cpu given keeps the other service defaults", () => {
    const service = resolveEnvironment({ environment: "dev", service: { cpu: 1024 } }, "ghost").service;
    expect(service.cpu).toBe(1024);
    expect(service).toMatchObject({
      memory: 512,
      serviceName: "ghost-blog",
      ghostImage: "ghost:6.65.0-alpine",
      cpuTargetPercent: 75,
    });
  });

  it("keeps the default when an input field is undefined", () => {
    expect(resolveEnvironment({ environment: "dev", service: { cpu: undefined } }, "ghost").service.cpu).toBe(256);
  });

  it("replaces arrays instead of merging them element-wise", () => {
    const custom = resolveEnvironment(
      {
        environment: "dev",
        availabilityZones: ["eu-west-2b", "eu-west-2c"],
        loadBalancer: { testListenerCidrs: ["203.0.113.0/24"] },
        alerts: { emails: ["ops@example.com"] },
      },
      "ghost",
    );
    expect(custom.availabilityZones).toEqual(["eu-west-2b", "eu-west-2c"]);
    expect(custom.loadBalancer.testListenerCidrs).toEqual(["203.0.113.0/24"]);
    expect(custom.alerts.emails).toEqual(["ops@example.com"]);
  });

  it("takes tags from the input", () => {
    expect(resolveEnvironment({ environment: "dev", tags: { CostCenter: "blog" } }, "ghost").tags).toEqual({
      CostCenter: "blog",
    });
  });

  it("derives one public and one private subnet per AZ from the VPC CIDR", () => {
    const network = resolveEnvironment(
      { environment: "dev", availabilityZones: ["eu-west-2a", "eu-west-2b"], network: { vpcCidr: "10.10.0.0/16" } },
      "ghost",
    ).network;
    expect(network.publicSubnetCidrs).toEqual(["10.10.0.0/19", "10.10.32.0/19"]);
    expect(network.privateSubnetCidrs).toEqual(["10.10.96.0/19", "10.10.128.0/19"]);
  });

  it("keeps explicit subnets and derives only the kind left out", () => {
    const network = resolveEnvironment({ environment: "dev", network: { publicSubnetCidrs: PUBLIC } }, "ghost").network;
    expect(network.publicSubnetCidrs).toEqual(PUBLIC);
    expect(network.privateSubnetCidrs).toEqual(["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"]);
  });

  it("leaves the subnets empty when the VPC CIDR cannot be cut (validation then reports it)", () => {
    const zones = "abcdefghi".split("").map((zone) => `eu-west-2${zone}`); // 18 subnets: /29s of a /24
    const network = resolveEnvironment(
      { environment: "dev", availabilityZones: zones, network: { vpcCidr: "10.0.0.0/24" } },
      "ghost",
    ).network;
    expect(network.publicSubnetCidrs).toEqual([]);
    expect(network.privateSubnetCidrs).toEqual([]);
  });

  it("does not leak one environment's overrides into the next one's defaults", () => {
    resolveEnvironment({ environment: "a", service: { cpu: 4096, memory: 8192 }, tags: { A: "1" } }, "ghost");
    const fresh = resolveEnvironment({ environment: "b" }, "ghost");
    expect(fresh.service.cpu).toBe(256);
    expect(fresh.service.memory).toBe(512);
    expect(fresh.tags).toEqual({});
  });
});

describe("resolveProject (state defaults)", () => {
  it("defaults the project to ghost and the state to <project>-tfstate-<region>, <project>-tfstate-lock, no lock file", () => {
    const project = resolveProject({ environments: [{ environment: "dev" }] });
    expect(project.project).toBe("ghost");
    expect(project.state).toEqual({
      bucket: "ghost-tfstate-eu-west-2",
      lockTable: "ghost-tfstate-lock",
      region: "eu-west-2",
      useLockfile: false,
      selfHosted: false,
    });
  });

  it("takes the state region from the first environment and names the bucket after it and the project", () => {
    const project = resolveProject({
      project: "blog",
      environments: [
        { environment: "dev", region: "us-east-1" },
        { environment: "prod", region: "eu-central-1" },
      ],
    });
    expect(project.state).toEqual({
      bucket: "blog-tfstate-us-east-1",
      lockTable: "blog-tfstate-lock",
      region: "us-east-1",
      useLockfile: false,
      selfHosted: false,
    });
    expect(project.environments.map((environment) => environment.project)).toEqual(["blog", "blog"]);
  });

  it("lets explicit state settings win", () => {
    const state = resolveProject({
      state: { bucket: "my-state", lockTable: "my-lock", region: "eu-west-1", useLockfile: true, selfHosted: true },
      environments: [{ environment: "dev" }],
    }).state;
    expect(state).toEqual({
      bucket: "my-state",
      lockTable: "my-lock",
      region: "eu-west-1",
      useLockfile: true,
      selfHosted: true,
    });
  });

  it("falls back to eu-west-2 for the state when no environment is declared", () => {
    expect(resolveProject({ environments: [] }).state.region).toBe("eu-west-2");
  });
});

describe("namePrefix", () => {
  it("joins project and environment with a hyphen", () => {
    expect(namePrefix({ project: "ghost", environment: "prod" })).toBe("ghost-prod");
  });
});

describe("declared environments (environments.ts)", () => {
  const byName = (name: string) => {
    const found = loadProject().environments.find((environment) => environment.environment === name);
    if (!found) throw new Error(`no environment ${name}`);
    return found;
  };

  it("validates: loadProject() does not throw and yields dev and prod", () => {
    expect(() => loadProject()).not.toThrow();
    expect(loadProject().environments.map((environment) => environment.environment)).toEqual(["dev", "prod"]);
  });

  it("keeps state in ghost-tfstate-eu-west-2 with the ghost-tfstate-lock table", () => {
    expect(loadProject().state).toMatchObject({
      bucket: "ghost-tfstate-eu-west-2",
      lockTable: "ghost-tfstate-lock",
      region: "eu-west-2",
    });
  });

  it("runs dev on a single-AZ MySQL with exactly one task and no NAT gateway", () => {
    const dev = byName("dev");
    expect(dev.database).toMatchObject({ engine: "mysql", multiAz: false, instanceClass: "db.t4g.micro" });
    expect(dev.service).toMatchObject({ desiredCount: 1, minCount: 1, maxCount: 1 });
    expect(dev.network.natGateways).toBe("none");
    expect(dev.availabilityZones).toHaveLength(2);
  });

  it("runs prod in 3 AZs with a NAT gateway per AZ", () => {
    const prod = byName("prod");
    expect(prod.availabilityZones).toEqual(["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    expect(prod.network.natGateways).toBe("per-az");
    expect(prod.network.privateSubnetCidrs).toHaveLength(3);
  });

  it("runs prod on Multi-AZ MySQL 8 with deletion protection", () => {
    expect(byName("prod").database).toMatchObject({
      engine: "mysql",
      engineVersion: "8.4",
      multiAz: true,
      deletionProtection: true,
    });
  });

  it("protects the prod load balancer from deletion and scales prod on CPU at 75 %", () => {
    const prod = byName("prod");
    expect(prod.loadBalancer.deletionProtection).toBe(true);
    expect(prod.service.cpuTargetPercent).toBe(75);
  });

  it("refuses to destroy prod's stateful resources and lets dev's go", () => {
    expect([byName("prod").preventDestroy, byName("dev").preventDestroy]).toEqual([true, false]);
  });
});

describe("validateProject: names", () => {
  it("accepts the small base input used by every rule below", () => {
    expect(() => loadProject(withDev())).not.toThrow();
  });

  it("rejects a project name that is not lowercase letters, digits and single hyphens", () => {
    // Explicit repository and bucket names, so the bad project name is not reported again through them.
    const input = withDev(
      { registry: { repositoryName: "ghost" }, pipelines: { artifactBucketName: "ghost-artifacts" } },
      { project: "Ghost_Blog", state: { bucket: "ghost-blog-state" } },
    );
    expectProblem(
      input,
      "project",
      "project",
      "Ghost_Blog",
      "must be lowercase letters, digits and single hyphens, starting with a letter",
    );
  });

  it("rejects an environment name that is not lowercase letters, digits and single hyphens", () => {
    expectProblem(
      withDev({
        environment: "Dev--1",
        registry: { repositoryName: "ghost" },
        pipelines: { artifactBucketName: "ghost-artifacts" },
      }),
      "Dev--1",
      "environment",
      "Dev--1",
      "must be lowercase letters, digits and single hyphens, starting with a letter",
    );
  });

  it("rejects an environment declared twice", () => {
    expectProblem(
      { project: "ghost", environments: [{ environment: "dev" }, { environment: "dev" }] },
      "dev",
      "environment",
      "dev",
      "is declared twice; environment names must be unique",
    );
  });

  it("rejects project + environment too long for a 32-character load balancer / target group name", () => {
    const environment = "a".repeat(21); // "ghost-" + 21 = 27 characters, + "-green" = 33
    expectProblem(
      withDev({ environment }),
      environment,
      "project + environment",
      `ghost-${environment}`,
      `"ghost-${environment}-green" is too long: load balancer and target group names allow 32 characters, so project and environment together may have at most 25 characters`,
    );
  });

  it("accepts project + environment of exactly 25 characters (a 32-character target group name)", () => {
    expect(() => loadProject(withDev({ environment: "a".repeat(20) }))).not.toThrow();
  });

  it("rejects project + environment too long for a 64-character IAM role name", () => {
    const environment = "a".repeat(39); // "ghost-" + 39 = 45, + "-codepipeline-deploy" = 65
    const problems = expectProblem(
      withDev({ environment, pipelines: { artifactBucketName: "ghost-artifacts" } }),
      environment,
      "project + environment",
      `ghost-${environment}`,
      `"ghost-${environment}-codepipeline-deploy" is too long: IAM role names allow 64 characters`,
      2,
    );
    // The load balancer rule is stricter, so it always fires as well.
    expect(problems.some((problem) => problem.includes("load balancer and target group names allow 32"))).toBe(true);
  });

  it.each(["Ghost", "g", "ghost//blog", "-ghost"])("rejects the ECR repository name %j", (repositoryName) => {
    expectProblem(
      withDev({ registry: { repositoryName } }),
      "dev",
      "registry.repositoryName",
      repositoryName,
      "must be 2-256 characters of lowercase letters and digits, separated by '.', '_', '-' or '/'",
    );
  });

  it("accepts a namespaced ECR repository name", () => {
    expect(() => loadProject(withDev({ registry: { repositoryName: "blog/ghost-app" } }))).not.toThrow();
  });

  it("rejects a CodeCommit repository name with a space", () => {
    expectProblem(
      withDev({ pipelines: { repositoryName: "ghost blog" } }),
      "dev",
      "pipelines.repositoryName",
      "ghost blog",
      "must be 1-100 characters of letters, digits, '.', '_' and '-'",
    );
  });

  it.each(["release:1", "my branch", ""])("rejects the branch name %j", (branch) => {
    expectProblem(
      withDev({ pipelines: { branch } }),
      "dev",
      "pipelines.branch",
      branch,
      "must be a valid git branch name",
    );
  });
});

describe("validateProject: region and availability zones", () => {
  it("rejects a region that is not an AWS region code", () => {
    expectProblem(
      withDev(
        { region: "Europe-West-2", pipelines: { artifactBucketName: "ghost-artifacts" } },
        { state: { region: "eu-west-2" } },
      ),
      "dev",
      "region",
      "Europe-West-2",
      "must be an AWS region code such as eu-west-2 or us-east-1",
    );
  });

  it("rejects fewer than 2 availability zones", () => {
    expectProblem(
      withDev({ availabilityZones: ["eu-west-2a"] }),
      "dev",
      "availabilityZones",
      ["eu-west-2a"],
      "has 1 zone(s); at least 2 are required",
    );
  });

  it("rejects a zone of another region", () => {
    expectProblem(
      withDev({ availabilityZones: ["eu-west-2a", "eu-west-1b"] }),
      "dev",
      "availabilityZones[1]",
      "eu-west-1b",
      "must be a zone of region eu-west-2, e.g. eu-west-2a",
    );
  });

  it("rejects a repeated zone", () => {
    expectProblem(
      withDev({ availabilityZones: ["eu-west-2a", "eu-west-2a"] }),
      "dev",
      "availabilityZones",
      ["eu-west-2a", "eu-west-2a"],
      "must not repeat a zone",
    );
  });
});

describe("validateProject: network", () => {
  it.each(["10.0.0/16", "10.0.0.1/16", "010.0.0.0/16"])("rejects the VPC CIDR %j", (vpcCidr) => {
    expectProblem(
      withDev({ network: { vpcCidr, publicSubnetCidrs: PUBLIC, privateSubnetCidrs: PRIVATE } }),
      "dev",
      "network.vpcCidr",
      vpcCidr,
      "must be an IPv4 CIDR a.b.c.d/n with host bits zero",
    );
  });

  it.each([
    [12, "10.0.0.0/12"],
    [25, "10.0.0.0/25"],
  ])("rejects a VPC prefix of /%d", (_prefix, vpcCidr) => {
    expectProblem(
      withDev({ network: { vpcCidr } }),
      "dev",
      "network.vpcCidr",
      vpcCidr,
      "its prefix length must be from /16 to /24",
    );
  });

  it("rejects an unknown NAT gateway mode", () => {
    expectProblem(
      withDev({ network: { natGateways: "multi" as any } }),
      "dev",
      "network.natGateways",
      "multi",
      'must be one of "none", "single", "per-az"',
    );
  });

  it("rejects a subnet list that does not have one CIDR per AZ", () => {
    const two = PUBLIC.slice(0, 2);
    expectProblem(
      withDev({ network: { publicSubnetCidrs: two } }),
      "dev",
      "network.publicSubnetCidrs",
      two,
      "must list one CIDR per availability zone (3)",
    );
  });

  it("rejects a subnet CIDR with bad syntax", () => {
    expectProblem(
      withDev({ network: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.300/24"] } }),
      "dev",
      "network.publicSubnetCidrs[2]",
      "10.0.2.300/24",
      "must be an IPv4 CIDR a.b.c.d/n with host bits zero",
    );
  });

  it("rejects a subnet outside the VPC", () => {
    expectProblem(
      withDev({
        network: { publicSubnetCidrs: PUBLIC, privateSubnetCidrs: ["10.0.10.0/24", "10.1.11.0/24", "10.0.12.0/24"] },
      }),
      "dev",
      "network.privateSubnetCidrs[1]",
      "10.1.11.0/24",
      "must lie inside the VPC CIDR 10.0.0.0/16",
    );
  });

  it("rejects a subnet smaller than /28", () => {
    expectProblem(
      withDev({ network: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/29"] } }),
      "dev",
      "network.publicSubnetCidrs[2]",
      "10.0.2.0/29",
      "must be /28 or larger",
    );
  });

  it("rejects overlapping subnets, naming both", () => {
    // The third public /24 lies in the first derived private /19 (10.0.96.0/19).
    expectProblem(
      withDev({ network: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24", "10.0.96.0/24"] } }),
      "dev",
      "network.privateSubnetCidrs[0]",
      "10.0.96.0/19",
      "overlaps network.publicSubnetCidrs[2] (10.0.96.0/24); subnets must not overlap",
    );
  });

  it("accepts explicit, disjoint subnets inside the VPC", () => {
    expect(() =>
      loadProject(withDev({ network: { publicSubnetCidrs: PUBLIC, privateSubnetCidrs: PRIVATE } })),
    ).not.toThrow();
  });
});

describe("validateProject: load balancer", () => {
  it("rejects a certificate ARN that is not an ACM certificate ARN", () => {
    const certificateArn = "arn:aws:iam::123456789012:server-certificate/blog";
    expectProblem(
      withDev({ loadBalancer: { certificateArn } }),
      "dev",
      "loadBalancer.certificateArn",
      certificateArn,
      "must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>",
    );
  });

  it("accepts an ACM certificate ARN", () => {
    const certificateArn = "arn:aws:acm:eu-west-2:123456789012:certificate/12345678-90ab-cdef-1234-567890abcdef";
    expect(() => loadProject(withDev({ loadBalancer: { certificateArn } }))).not.toThrow();
  });

  it.each([0, 65536, 8080.5])("rejects the test listener port %j", (testListenerPort) => {
    expectProblem(
      withDev({ loadBalancer: { testListenerPort } }),
      "dev",
      "loadBalancer.testListenerPort",
      testListenerPort,
      "must be a whole number from 1 to 65535",
    );
  });

  it.each([80, 443])("rejects test listener port %j (a production listener port)", (testListenerPort) => {
    expectProblem(
      withDev({ loadBalancer: { testListenerPort } }),
      "dev",
      "loadBalancer.testListenerPort",
      testListenerPort,
      "must not be 80 or 443 (the production listener's ports)",
    );
  });

  it("rejects a test listener CIDR that is not a network CIDR", () => {
    expectProblem(
      withDev({ loadBalancer: { testListenerCidrs: ["203.0.113.0/24", "203.0.113.5/24"] } }),
      "dev",
      "loadBalancer.testListenerCidrs[1]",
      "203.0.113.5/24",
      "must be an IPv4 CIDR such as 203.0.113.0/24",
    );
  });

  it("rejects a health check path without a leading slash", () => {
    expectProblem(
      withDev({ loadBalancer: { healthCheckPath: "ghost/api/admin/site/" } }),
      "dev",
      "loadBalancer.healthCheckPath",
      "ghost/api/admin/site/",
      "must start with '/'",
    );
  });

  it.each([-1, 3601])("rejects a deregistration delay of %j seconds", (deregistrationDelaySeconds) => {
    expectProblem(
      withDev({ loadBalancer: { deregistrationDelaySeconds } }),
      "dev",
      "loadBalancer.deregistrationDelaySeconds",
      deregistrationDelaySeconds,
      "must be a whole number from 0 to 3600",
    );
  });
});

describe("validateProject: service", () => {
  it("rejects a CPU size Fargate does not offer", () => {
    expectProblem(
      withDev({ service: { cpu: 300 } }),
      "dev",
      "service.cpu",
      300,
      "must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192, 16384",
    );
  });

  it("rejects a memory size that does not suit the CPU size, giving the range and step", () => {
    expectProblem(
      withDev({ service: { cpu: 1024, memory: 1024 } }),
      "dev",
      "service.memory",
      1024,
      "with service.cpu 1024, Fargate allows 2048 to 8192 MiB in steps of 1024",
    );
  });

  it("lists the allowed memory sizes for 256 CPU units, which have no single step", () => {
    expectProblem(
      withDev({ service: { cpu: 256, memory: 1536 } }),
      "dev",
      "service.memory",
      1536,
      "with service.cpu 256, Fargate allows 512, 1024, 2048 MiB",
    );
  });

  it("rejects an unknown CPU architecture", () => {
    expectProblem(
      withDev({ service: { cpuArchitecture: "arm64" as any } }),
      "dev",
      "service.cpuArchitecture",
      "arm64",
      'must be one of "X86_64", "ARM64"',
    );
  });

  it("rejects an unknown capacity provider", () => {
    expectProblem(
      withDev({ service: { capacityProvider: "SPOT" as any } }),
      "dev",
      "service.capacityProvider",
      "SPOT",
      'must be one of "FARGATE", "FARGATE_SPOT"',
    );
  });

  it("rejects FARGATE_SPOT with ARM64 tasks", () => {
    expectProblem(
      withDev({ service: { capacityProvider: "FARGATE_SPOT", cpuArchitecture: "ARM64" } }),
      "dev",
      "service.capacityProvider",
      "FARGATE_SPOT",
      "FARGATE_SPOT does not run ARM64 tasks; use FARGATE or X86_64",
    );
  });

  it("rejects an empty Ghost image", () => {
    expectProblem(
      withDev({ service: { ghostImage: "  " } }),
      "dev",
      "service.ghostImage",
      "  ",
      "must name a container image, e.g. ghost:6.65.0-alpine",
    );
  });

  it("rejects a site URL without a scheme", () => {
    expectProblem(
      withDev({ service: { siteUrl: "blog.example.com" } }),
      "dev",
      "service.siteUrl",
      "blog.example.com",
      "must be an http(s) URL such as https://blog.example.com",
    );
  });

  it("rejects a negative minimum count", () => {
    expectProblem(
      withDev({ service: { minCount: -1 } }),
      "dev",
      "service.minCount",
      -1,
      "must be a whole number from 0 to 1000",
    );
  });

  it("rejects a maximum count above 1000", () => {
    expectProblem(
      withDev({ service: { maxCount: 1001 } }),
      "dev",
      "service.maxCount",
      1001,
      "must be a whole number from 1 to 1000",
    );
  });

  it("rejects a minimum count above the maximum", () => {
    // desiredCount cannot lie between 3 and 2 either, so that rule fires too.
    expectProblem(
      withDev({ service: { minCount: 3, maxCount: 2, desiredCount: 2 } }),
      "dev",
      "service.minCount",
      3,
      "must not exceed service.maxCount (2)",
      2,
    );
  });

  it("rejects a desired count above the maximum", () => {
    expectProblem(
      withDev({ service: { desiredCount: 3, maxCount: 2 } }),
      "dev",
      "service.desiredCount",
      3,
      "must be a whole number from service.minCount (1) to service.maxCount (2)",
    );
  });

  it("rejects a desired count below the minimum", () => {
    expectProblem(
      withDev({ service: { minCount: 2, desiredCount: 1, maxCount: 3 } }),
      "dev",
      "service.desiredCount",
      1,
      "must be a whole number from service.minCount (2) to service.maxCount (3)",
    );
  });

  it("rejects a fractional desired count", () => {
    expectProblem(
      withDev({ service: { desiredCount: 1.5, maxCount: 2 } }),
      "dev",
      "service.desiredCount",
      1.5,
      "must be a whole number from service.minCount (1) to service.maxCount (2)",
    );
  });

  it.each([0, 101])("rejects a CPU target of %j %%", (cpuTargetPercent) => {
    expectProblem(
      withDev({ service: { cpuTargetPercent } }),
      "dev",
      "service.cpuTargetPercent",
      cpuTargetPercent,
      "must be a whole number from 1 to 100",
    );
  });

  it("rejects a negative scale-in cooldown", () => {
    expectProblem(
      withDev({ service: { scaleInCooldownSeconds: -1 } }),
      "dev",
      "service.scaleInCooldownSeconds",
      -1,
      "must be a whole number from 0 to 3600",
    );
  });

  it("rejects a scale-out cooldown above an hour", () => {
    expectProblem(
      withDev({ service: { scaleOutCooldownSeconds: 3601 } }),
      "dev",
      "service.scaleOutCooldownSeconds",
      3601,
      "must be a whole number from 0 to 3600",
    );
  });

  it("rejects a negative health check grace period", () => {
    expectProblem(
      withDev({ service: { healthCheckGracePeriodSeconds: -5 } }),
      "dev",
      "service.healthCheckGracePeriodSeconds",
      -5,
      "must be a whole number from 0 to 2147483647",
    );
  });

  it.each([
    ["one task", { desiredCount: 1, maxCount: 1 }],
    ["several tasks", { desiredCount: 2, maxCount: 2 }],
  ])("rejects SQLite with %s: every blue/green deployment runs two Ghosts for minutes", (_what, service) => {
    expectProblem(
      withDev({ database: { engine: "sqlite" }, service }),
      "dev",
      "database.engine",
      "sqlite",
      'every deployment is CodeDeploy blue/green, which runs the green Ghost beside the blue one until pipelines.terminateBlueAfterMinutes (5) after the cutover: two Ghost processes on one SQLite file over NFS corrupt it. Use "mysql"',
    );
  });

  it("allows MySQL with several tasks", () => {
    expect(() => loadProject(withDev({ service: { desiredCount: 2, maxCount: 4 } }))).not.toThrow();
  });
});

describe("validateProject: database", () => {
  it("rejects an unknown engine", () => {
    expectProblem(
      withDev({ database: { engine: "postgres" as any } }),
      "dev",
      "database.engine",
      "postgres",
      'must be one of "mysql", "sqlite"',
    );
  });

  it.each(["5.7", "80", "8.0.x", "8", "8.1", "9.0"])("rejects the MySQL engine version %j", (engineVersion) => {
    expectProblem(
      withDev({ database: { engineVersion } }),
      "dev",
      "database.engineVersion",
      engineVersion,
      "must be a MySQL version RDS offers and Ghost supports: 8.4 or 8.0, optionally with a minor such as 8.4.7",
    );
  });

  it.each(["8.4.3", "8.0", "8.0.39"])("accepts the MySQL engine version %j", (engineVersion) => {
    expect(() => loadProject(withDev({ database: { engineVersion } }))).not.toThrow();
  });

  it("rejects an instance class without the db. prefix", () => {
    expectProblem(
      withDev({ database: { instanceClass: "t4g.micro" } }),
      "dev",
      "database.instanceClass",
      "t4g.micro",
      "must be an RDS instance class such as db.t4g.micro",
    );
  });

  it.each([19, 65537])("rejects %j GiB of allocated storage", (allocatedStorageGb) => {
    expectProblem(
      withDev({ database: { allocatedStorageGb, maxAllocatedStorageGb: 65536 } }),
      "dev",
      "database.allocatedStorageGb",
      allocatedStorageGb,
      "must be a whole number from 20 to 65536",
    );
  });

  it("rejects a storage autoscaling ceiling below the allocated storage", () => {
    expectProblem(
      withDev({ database: { allocatedStorageGb: 200, maxAllocatedStorageGb: 100 } }),
      "dev",
      "database.maxAllocatedStorageGb",
      100,
      "must be at least database.allocatedStorageGb (200)",
    );
  });

  it.each([0, 36])("rejects a backup retention of %j days", (backupRetentionDays) => {
    expectProblem(
      withDev({ database: { backupRetentionDays } }),
      "dev",
      "database.backupRetentionDays",
      backupRetentionDays,
      "must be a whole number from 1 to 35",
    );
  });

  it.each(["rds-ca-2019", "rds-ca-rsa2048"])("rejects the RDS certificate authority %j", (caCertificate) => {
    expectProblem(
      withDev({ database: { caCertificate: caCertificate as never } }),
      "dev",
      "database.caCertificate",
      caCertificate,
      "rds-ca-rsa2048-g1",
    );
  });

  it.each(["ghost-db", "1ghost", ""])("rejects the database name %j", (databaseName) => {
    expectProblem(
      withDev({ database: { databaseName } }),
      "dev",
      "database.databaseName",
      databaseName,
      "must be 1-64 letters, digits or '_', starting with a letter",
    );
  });

  it.each(["1ghost", "ghost-user", "a".repeat(33)])("rejects the user name %j", (username) => {
    expectProblem(
      withDev({ database: { username } }),
      "dev",
      "database.username",
      username,
      "must be 1-32 letters, digits or '_', starting with a letter, and not a reserved name (admin, root, rdsadmin)",
    );
  });

  it.each(["admin", "Root", "rdsadmin"])("rejects the reserved user name %j", (username) => {
    expectProblem(
      withDev({ database: { username } }),
      "dev",
      "database.username",
      username,
      "not a reserved name (admin, root, rdsadmin)",
    );
  });

  it("checks the MySQL settings with SQLite too (each setting has one rule, whatever the engine)", () => {
    expectProblem(
      withDev({ database: { engine: "sqlite", engineVersion: "5.7" } }),
      "dev",
      "database.engineVersion",
      "5.7",
      "must be a MySQL version RDS offers and Ghost supports",
    );
  });

  it.each([1e12, 65537, 20.5])("rejects a storage autoscaling ceiling of %j GiB", (maxAllocatedStorageGb) => {
    expectProblem(
      withDev({ database: { maxAllocatedStorageGb } }),
      "dev",
      "database.maxAllocatedStorageGb",
      maxAllocatedStorageGb,
      "must be a whole number from 20 to 65536",
    );
  });
});

describe("validateProject: storage", () => {
  it("rejects an unknown performance mode", () => {
    expectProblem(
      withDev({ storage: { performanceMode: "fast" as any } }),
      "dev",
      "storage.performanceMode",
      "fast",
      'must be one of "generalPurpose", "maxIO"',
    );
  });

  it("rejects an unknown throughput mode", () => {
    expectProblem(
      withDev({ storage: { throughputMode: "provisioned" as any } }),
      "dev",
      "storage.throughputMode",
      "provisioned",
      'must be one of "bursting", "elastic"',
    );
  });

  it("rejects elastic throughput with maxIO", () => {
    expectProblem(
      withDev({ storage: { performanceMode: "maxIO", throughputMode: "elastic" } }),
      "dev",
      "storage.throughputMode",
      "elastic",
      "elastic throughput requires performanceMode generalPurpose",
    );
  });
});

describe("validateProject: logs, alerts, registry and tags", () => {
  it("rejects a log retention CloudWatch Logs does not offer", () => {
    expectProblem(
      withDev({ logs: { retentionDays: 10 } }),
      "dev",
      "logs.retentionDays",
      10,
      "must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90",
    );
  });

  it("rejects an alert address that is not an e-mail address", () => {
    expectProblem(
      withDev({ alerts: { emails: ["ops@example.com", "ops.example.com"] } }),
      "dev",
      "alerts.emails[1]",
      "ops.example.com",
      "must be an e-mail address",
    );
  });

  it.each([0, 1001])("rejects keeping %j images", (keepImages) => {
    expectProblem(
      withDev({ registry: { keepImages } }),
      "dev",
      "registry.keepImages",
      keepImages,
      "must be a whole number from 1 to 1000",
    );
  });

  it("rejects an unknown image tag mutability", () => {
    expectProblem(
      withDev({ registry: { imageTagMutability: "mutable" as any } }),
      "dev",
      "registry.imageTagMutability",
      "mutable",
      'must be one of "MUTABLE", "IMMUTABLE"',
    );
  });

  it.each(["aws:owner", "AWS:Owner"])("rejects the tag key %j (the aws: prefix is reserved)", (key) => {
    expectProblem(
      withDev({ tags: { [key]: "me" } }),
      "dev",
      `tags.${key}`,
      key,
      "tag keys must be 1-128 characters and must not start with aws:",
    );
  });

  it("rejects a tag key longer than 128 characters", () => {
    const key = "k".repeat(129);
    expectProblem(withDev({ tags: { [key]: "v" } }), "dev", `tags.${key}`, key, "tag keys must be 1-128 characters");
  });

  it("rejects a tag value longer than 256 characters", () => {
    const value = "v".repeat(257);
    expectProblem(
      withDev({ tags: { Owner: value } }),
      "dev",
      "tags.Owner",
      value,
      "tag values must be at most 256 characters",
    );
  });

  it("accepts a 256-character tag value", () => {
    expect(() => loadProject(withDev({ tags: { Owner: "v".repeat(256) } }))).not.toThrow();
  });
});

describe("validateProject: state", () => {
  const S3_CHARACTERS = "must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit";

  it.each([
    ["an uppercase letter", "Ghost-tfstate", S3_CHARACTERS],
    ["fewer than 3 characters", "gh", S3_CHARACTERS],
    ["more than 63 characters", "g".repeat(64), S3_CHARACTERS],
    ["a trailing hyphen", "ghost-tfstate-", S3_CHARACTERS],
    ["the form of an IP address", "192.168.10.20", "must not be formatted as an IP address"],
    ["two adjacent periods", "ghost..tfstate", "must not contain two adjacent periods"],
    ["the reserved prefix xn--", "xn--ghost-tfstate", "must not use a prefix or suffix AWS reserves"],
    ["the reserved prefix sthree-", "sthree-ghost", "must not use a prefix or suffix AWS reserves"],
    ["the reserved suffix -s3alias", "ghost-s3alias", "must not use a prefix or suffix AWS reserves"],
  ])("rejects a state bucket name with %s", (_why, bucket, allowed) => {
    expectProblem(withDev({}, { state: { bucket } }), "state", "bucket", bucket, allowed);
  });

  it.each(["ab", "ghost lock", "g".repeat(256)])("rejects the lock table name %j", (lockTable) => {
    expectProblem(
      withDev({}, { state: { lockTable } }),
      "state",
      "lockTable",
      lockTable,
      "must be 3-255 characters of letters, digits, '_', '-' and '.'",
    );
  });

  it("rejects a state region that is not an AWS region code", () => {
    expectProblem(
      withDev({}, { state: { region: "eu-west" } }),
      "state",
      "region",
      "eu-west",
      "must be an AWS region code such as eu-west-2",
    );
  });

  it("rejects a project without environments", () => {
    expect(problemsOf({ project: "ghost", environments: [] })).toEqual([
      "project: environments = []: declare at least one environment",
    ]);
  });
});

describe("ConfigError", () => {
  const input: ProjectInput = {
    project: "ghost",
    environments: [
      { environment: "dev", service: { cpu: 300 }, logs: { retentionDays: 10 } },
      { environment: "prod", database: { backupRetentionDays: 0 } },
    ],
  };

  it("lists every problem of every environment at once", () => {
    expect(problemsOf(input)).toEqual([
      expect.stringMatching(/^dev: service\.cpu = 300: /),
      expect.stringMatching(/^dev: logs\.retentionDays = 10: /),
      expect.stringMatching(/^prod: database\.backupRetentionDays = 0: /),
    ]);
  });

  it('has a message starting "Invalid configuration (3 problems)" with one line per problem', () => {
    let error: unknown;
    try {
      loadProject(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.name).toBe("ConfigError");
    expect(configError.message.startsWith("Invalid configuration (3 problems):\n")).toBe(true);
    expect(configError.message.split("\n").slice(1)).toEqual(configError.problems.map((problem) => `  - ${problem}`));
  });

  it('says "1 problem" in the singular', () => {
    expect(new ConfigError(["x"]).message).toBe("Invalid configuration (1 problem):\n  - x");
  });
});

describe("synthesizeOrExit", () => {
  const root = path.resolve(__dirname, "..");

  it("exits 1 with the problems on stderr and no stack trace when the configuration is invalid", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ghost-config-synth-"));
    try {
      const script = [
        "const { PROJECT } = require('./src/config/environments');",
        "const dev = PROJECT.environments[0];",
        "dev.service = { ...dev.service, cpu: 300 };",
        "const { App } = require('cdktf');",
        `require('./src/app').synthesizeOrExit(new App({ outdir: ${JSON.stringify(outdir)} }));`,
      ].join("\n");
      const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], {
        cwd: root,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(result.error).toBeUndefined();
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 1 });
      expect(result.stderr).toContain("Invalid configuration (1 problem):");
      expect(result.stderr).toContain("dev: service.cpu = 300: must be a Fargate CPU size");
      expect(result.stderr).not.toContain("    at ");
      // Nothing synthesized: no file anywhere under the output directory.
      const files = fs.readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.map((entry) => entry.name)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("validateProject: alarm thresholds", () => {
  it("rejects a period that is not a multiple of 60 seconds", () => {
    expectProblem(
      withDev({ alerts: { thresholds: { periodSeconds: 90 } } }),
      "dev",
      "alerts.thresholds.periodSeconds",
      90,
      "must be a multiple of 60 seconds",
    );
  });

  it("rejects more datapoints to alarm than evaluation periods", () => {
    expectProblem(
      withDev({ alerts: { thresholds: { evaluationPeriods: 3, datapointsToAlarm: 4 } } }),
      "dev",
      "alerts.thresholds.datapointsToAlarm",
      4,
      "must be a whole number from 1 to alerts.thresholds.evaluationPeriods (3)",
    );
  });

  it("rejects a threshold that is not a positive number", () => {
    expectProblem(
      withDev({ alerts: { thresholds: { databaseConnectionsMax: 0 } } }),
      "dev",
      "alerts.thresholds.databaseConnectionsMax",
      0,
      "must be a positive number",
    );
  });

  it("rejects a percentage above 100", () => {
    expectProblem(
      withDev({ alerts: { thresholds: { serviceCpuPercent: 120 } } }),
      "dev",
      "alerts.thresholds.serviceCpuPercent",
      120,
      "is a percentage: at most 100",
    );
  });
});

describe("validateProject: account", () => {
  const role = "arn:aws:iam::111122223333:role/deploy/ghost-dev";

  it("accepts an account id with a deploy role of that account", () => {
    expect(() => loadProject(withDev({ account: { id: "111122223333", deployRoleArn: role } }))).not.toThrow();
  });

  it.each(["11112222333", "1111-2222-3333", 111122223333])("rejects the account id %p", (id) => {
    const problems = problemsOf(withDev({ account: { id: id as string } }));
    expect(problems).toEqual([
      expect.stringMatching(/^dev: account\.id = .*: must be (a 12-digit AWS account id|a string)$/),
    ]);
  });

  it.each(["ghost-deploy", "arn:aws:iam::111122223333:user/ghost", "arn:aws:iam::1111:role/ghost"])(
    "rejects the deploy role %p",
    (deployRoleArn) => {
      expectProblem(
        withDev({ account: { deployRoleArn } }),
        "dev",
        "account.deployRoleArn",
        deployRoleArn,
        "IAM role ARN",
      );
    },
  );

  it("rejects a deploy role of another account than account.id", () => {
    expectProblem(
      withDev({ account: { id: "444455556666", deployRoleArn: role } }),
      "dev",
      "account.deployRoleArn",
      role,
      "must be a role of the environment's account 444455556666 (account.id)",
    );
  });

  it("rejects an unknown key in the section", () => {
    expect(problemsOf(withDev({ account: { accountId: "111122223333" } as never }))).toEqual([
      expect.stringMatching(/^dev: account\.accountId/),
    ]);
  });
});

describe("validateProject: edge", () => {
  const dns = { hostedZoneId: "Z0123456789ABCDEFGHIJ", domainName: "blog.example.com" };
  const cloudFront = { enabled: true, originFacingPrefixListId: "pl-93a247fa" };

  it("accepts DNS, CloudFront and WAF together", () => {
    expect(() => loadProject(withDev({ edge: { dns, cloudFront, waf: { enabled: true } } }))).not.toThrow();
  });

  it("rejects a domain without a hosted zone", () => {
    expectProblem(
      withDev({ edge: { dns: { domainName: "blog.example.com" } as any } }),
      "dev",
      "edge.dns.hostedZoneId",
      undefined,
      "is required",
    );
  });

  it("rejects a malformed hosted zone id", () => {
    expectProblem(
      withDev({ edge: { dns: { ...dns, hostedZoneId: "zone-1" } } }),
      "dev",
      "edge.dns.hostedZoneId",
      "zone-1",
      "must be a Route 53 hosted zone id",
    );
  });

  it("rejects a domain name that is not a lowercase DNS name", () => {
    expectProblem(
      withDev({ edge: { dns: { ...dns, domainName: "Blog Example" } } }),
      "dev",
      "edge.dns.domainName",
      "Blog Example",
      "must be a lowercase DNS name",
    );
  });

  it("rejects CloudFront without DNS", () => {
    expectProblem(
      withDev({ edge: { cloudFront } }),
      "dev",
      "edge.cloudFront.enabled",
      true,
      "CloudFront needs edge.dns",
    );
  });

  it("rejects CloudFront without the origin-facing prefix list id", () => {
    expectProblem(
      withDev({ edge: { dns, cloudFront: { enabled: true } } }),
      "dev",
      "edge.cloudFront.originFacingPrefixListId",
      null,
      "must be the region's com.amazonaws.global.cloudfront.origin-facing prefix list id",
    );
  });

  it("rejects more test-listener CIDRs than fit beside the CloudFront prefix list", () => {
    const cidrs = ["10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24", "10.4.0.0/24", "10.5.0.0/24", "10.6.0.0/24"];
    expectProblem(
      withDev({ edge: { dns, cloudFront }, loadBalancer: { testListenerCidrs: cidrs } }),
      "dev",
      "loadBalancer.testListenerCidrs",
      cidrs,
      "at most 5 CIDRs fit",
    );
  });

  it("rejects an unknown CloudFront price class", () => {
    expectProblem(
      withDev({ edge: { cloudFront: { priceClass: "PriceClass_1" as any } } }),
      "dev",
      "edge.cloudFront.priceClass",
      "PriceClass_1",
      'must be one of "PriceClass_100", "PriceClass_200", "PriceClass_All"',
    );
  });

  it("rejects a WAF rate limit below 10 requests per 5 minutes", () => {
    expectProblem(
      withDev({ edge: { waf: { enabled: true, rateLimit: 5 } } }),
      "dev",
      "edge.waf.rateLimit",
      5,
      "must be a whole number from 10",
    );
  });
});

describe("validateProject: admin allowlist", () => {
  const withAllowlist = (allowedCidrs: string[]) => withDev({ admin: { allowedCidrs } });

  it("defaults to everyone (an empty list)", () => {
    expect(resolveEnvironment({ environment: "dev" }, "ghost").admin.allowedCidrs).toEqual([]);
  });

  it("accepts public IPv4 and IPv6 CIDRs, IPv6 in any spelling, and private ones beside a public one", () => {
    expect(() => loadProject(withAllowlist(["203.0.113.0/24", "2001:DB8:0::/32", "10.0.0.0/8"]))).not.toThrow();
  });

  it.each(["203.0.113.0", "203.0.113.0/33", "2001:db8::/129", "2001:db8:::/32", "nonsense"])(
    "rejects the malformed CIDR %j",
    (cidr) => {
      expectProblem(withAllowlist([cidr]), "dev", "admin.allowedCidrs[0]", cidr, "must be an IPv4 or IPv6 CIDR");
    },
  );

  it.each([
    ["203.0.113.7/24", "203.0.113.0/24"],
    ["2001:db8::1/32", "2001:db8::/32"],
  ])("rejects %j, whose host bits are set, naming the network %j", (cidr, network) => {
    expectProblem(
      withAllowlist([cidr]),
      "dev",
      "admin.allowedCidrs[0]",
      cidr,
      `host bits set: write the network, ${network}`,
    );
  });

  it.each(["0.0.0.0/0", "::/0"])("rejects %j, which allows everyone, and says to leave the list empty", (cidr) => {
    expectProblem(
      withAllowlist([cidr]),
      "dev",
      "admin.allowedCidrs[0]",
      cidr,
      "allows everyone: leave admin.allowedCidrs empty",
    );
  });

  it.each([
    ["10.0.0.0/8", "192.168.1.0/24", "100.64.0.0/10", "127.0.0.1/32", "169.254.0.0/16"],
    ["fd00::/8", "fe80::/64", "::1/128"],
  ])("rejects a list of only private or non-routable ranges (%j, ...): nobody could reach admin", (...cidrs) => {
    expectProblem(withAllowlist(cidrs), "dev", "admin.allowedCidrs", cidrs, "only private or non-routable ranges");
  });

  it.each([
    ["130.176.0.0/18", "130.176.0.0/16"],
    ["2600:9000:1::/48", "2600:9000::/28"],
    ["64.0.0.0/8", "64.252.64.0/18"],
  ])("rejects %j, which overlaps CloudFront's %s: anyone's distribution comes from there", (cidr, range) => {
    expectProblem(withAllowlist([cidr]), "dev", "admin.allowedCidrs[0]", cidr, `overlaps CloudFront's ${range}`);
  });
});

describe("validateProject: HTTPS in production", () => {
  const CERTIFICATE = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
  const DNS = { hostedZoneId: "Z0123456789ABCDEFGHIJ", domainName: "blog.mysite.org" };

  it.each([
    ["database", { database: { deletionProtection: true } }],
    ["load balancer", { loadBalancer: { deletionProtection: true } }],
  ])("refuses plain HTTP when the %s has deletion protection (production)", (_what, overrides) => {
    expectProblem(
      withDev(overrides as Partial<GhostEnvironmentInput>),
      "dev",
      "loadBalancer.certificateArn",
      null,
      "a production environment (deletion protection on) must serve HTTPS: set loadBalancer.certificateArn (an ACM certificate of yours) or edge.dns",
    );
  });

  it("accepts production with a certificate of the user's, or with edge.dns", () => {
    const protectedDb = { deletionProtection: true };
    expect(() =>
      loadProject(withDev({ database: protectedDb, loadBalancer: { certificateArn: CERTIFICATE } })),
    ).not.toThrow();
    expect(() => loadProject(withDev({ database: protectedDb, edge: { dns: DNS } }))).not.toThrow();
  });

  it("lets an unprotected environment (dev) run on plain HTTP", () => {
    expect(() => loadProject(withDev({}))).not.toThrow();
  });
});

describe("validateProject: pipelines", () => {
  const connectionArn =
    "arn:aws:codestar-connections:eu-west-2:123456789012:connection/0a1b2c3d-0000-1111-2222-333344445555";

  it("defaults the artifact bucket to a per-environment, per-region name", () => {
    expect(resolveEnvironment({ environment: "dev" }, "ghost").pipelines.artifactBucketName).toBe(
      "ghost-dev-pipeline-artifacts-eu-west-2",
    );
  });

  it("accepts GitHub through a connection", () => {
    expect(() =>
      loadProject(withDev({ pipelines: { github: { connectionArn, repository: "me/blog" } } })),
    ).not.toThrow();
  });

  it("rejects a connection without a GitHub repository", () => {
    expectProblem(
      withDev({ pipelines: { github: { connectionArn } as any } }),
      "dev",
      "pipelines.github.repository",
      undefined,
      "is required",
    );
  });

  it("rejects a malformed connection ARN", () => {
    expectProblem(
      withDev({ pipelines: { github: { connectionArn: "arn:aws:s3:::x", repository: "me/blog" } } }),
      "dev",
      "pipelines.github.connectionArn",
      "arn:aws:s3:::x",
      "must be a connection ARN",
    );
  });

  it("rejects a GitHub repository that is not owner/name", () => {
    expectProblem(
      withDev({ pipelines: { github: { connectionArn, repository: "blog" } } }),
      "dev",
      "pipelines.github.repository",
      "blog",
      'must be "owner/name"',
    );
  });

  it("rejects an artifact bucket name S3 does not allow", () => {
    expectProblem(
      withDev({ pipelines: { artifactBucketName: "Artifacts" } }),
      "dev",
      "pipelines.artifactBucketName",
      "Artifacts",
      "must be 3-63 characters",
    );
  });

  it("rejects an unknown CodeBuild compute type", () => {
    expectProblem(
      withDev({ pipelines: { computeType: "SMALL" as any } }),
      "dev",
      "pipelines.computeType",
      "SMALL",
      '"BUILD_GENERAL1_SMALL"',
    );
  });

  it.each([
    ["buildTimeoutMinutes", 4, "from 5 to 2160"],
    ["queuedTimeoutMinutes", 481, "from 5 to 480"],
    ["terminateBlueAfterMinutes", 2881, "from 0 to 2880"],
    ["readyWaitMinutes", -1, "from 0 to 2880"],
    ["artifactExpirationDays", 0, "from 1 to 3650"],
  ])("rejects pipelines.%s = %j", (field, value, allowed) => {
    expectProblem(withDev({ pipelines: { [field]: value } }), "dev", `pipelines.${field}`, value, allowed);
  });

  it("rejects a deployment configuration CodeDeploy does not offer for ECS", () => {
    expectProblem(
      withDev({ pipelines: { deploymentConfig: "CodeDeployDefault.OneAtATime" as any } }),
      "dev",
      "pipelines.deploymentConfig",
      "CodeDeployDefault.OneAtATime",
      '"CodeDeployDefault.ECSAllAtOnce"',
    );
  });

  it("rejects an image tag Docker does not allow", () => {
    expectProblem(
      withDev({ pipelines: { imageTag: "v1:2" } }),
      "dev",
      "pipelines.imageTag",
      "v1:2",
      "must be a Docker tag",
    );
  });

  it("turns manual approval on in prod only", () => {
    const { environments } = loadProject();
    expect(environments.map((env) => [env.environment, env.pipelines.manualApproval])).toEqual([
      ["dev", false],
      ["prod", true],
    ]);
  });
});

describe("resolveEnvironment: mail", () => {
  const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-smtp-AbCdEf";
  const smtp = (extra: Record<string, unknown> = {}) => ({
    host: "smtp.mysite.org",
    user: "ghost",
    passwordSecretArn: SECRET,
    ...extra,
  });

  it("sends nothing until a sender is given", () => {
    const { mail } = resolveEnvironment({ environment: "dev" }, "ghost");
    expect([mail.mode, mail.from, mail.ses.domain]).toEqual(["none", undefined, undefined]);
  });

  it("sends through SES once a sender is given, for the sender's domain", () => {
    const { mail } = resolveEnvironment({ environment: "dev", mail: { from: "noreply@Blog.MySite.org" } }, "ghost");
    expect(mail).toMatchObject({
      mode: "ses",
      ses: { domain: "blog.mysite.org", mailFromSubdomain: "mail", dmarcPolicy: "none" },
    });
  });

  it("takes the SMTP security from the port: TLS on 465 and 2465, STARTTLS on the others", () => {
    const security = (port: number) =>
      resolveEnvironment(
        { environment: "dev", mail: { mode: "smtp", from: "a@mysite.org", smtp: smtp({ port }) } },
        "ghost",
      ).mail.smtp!.security;
    expect([465, 2465, 587, 2587, 2525].map(security)).toEqual(["tls", "tls", "starttls", "starttls", "starttls"]);
  });
});

describe("validateProject: mail", () => {
  const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:ghost-smtp-AbCdEf";
  const smtp = (extra: Record<string, unknown> = {}) => ({
    host: "smtp.mysite.org",
    user: "ghost",
    passwordSecretArn: SECRET,
    ...extra,
  });

  it("accepts SES with a sender, SMTP with a server, and Mailgun beside either", () => {
    const mailgun = { domain: "mg.mysite.org", apiKeySecretArn: `${SECRET}:apiKey::` };
    expect(() => loadProject(withDev({ mail: { from: "noreply@mysite.org", mailgun } }))).not.toThrow();
    expect(() =>
      loadProject(withDev({ mail: { mode: "smtp", from: "noreply@mysite.org", smtp: smtp(), mailgun } })),
    ).not.toThrow();
  });

  it("requires a sender for SES and SMTP", () => {
    expectProblem(withDev({ mail: { mode: "ses" } }), "dev", "mail.from", null, 'is required with mail.mode "ses"');
    expectProblem(
      withDev({ mail: { mode: "smtp", smtp: smtp() } }),
      "dev",
      "mail.from",
      null,
      'is required with mail.mode "smtp"',
    );
  });

  it("refuses a sender outside the SES identity's domain", () => {
    expectProblem(
      withDev({ mail: { from: "noreply@othersite.org", ses: { domain: "mysite.org" } } }),
      "dev",
      "mail.from",
      "noreply@othersite.org",
      "must be an address at mail.ses.domain (mysite.org) or one of its subdomains",
    );
  });

  it("accepts a sender in a subdomain of the identity (SES verifies subdomains with their domain)", () => {
    expect(() =>
      loadProject(withDev({ mail: { from: "noreply@blog.mysite.org", ses: { domain: "mysite.org" } } })),
    ).not.toThrow();
  });

  it("refuses, with edge.dns, an identity domain the site's hosted zone cannot hold", () => {
    const dns = { hostedZoneId: "Z0123456789ABCDEFGHIJ", domainName: "blog.mysite.org" };
    expectProblem(
      withDev({ edge: { dns }, mail: { from: "noreply@othersite.org" } }),
      "dev",
      "mail.ses.domain",
      "othersite.org",
      "which holds blog.mysite.org: use that domain, a parent or a subdomain of it",
    );
    expect(() => loadProject(withDev({ edge: { dns }, mail: { from: "noreply@mysite.org" } }))).not.toThrow();
  });

  it("requires the SMTP server with mode smtp, and refuses it with another mode", () => {
    expectProblem(
      withDev({ mail: { mode: "smtp", from: "a@mysite.org" } }),
      "dev",
      "mail.smtp",
      null,
      'is required with mail.mode "smtp"',
    );
    expectProblem(
      withDev({ mail: { from: "a@mysite.org", smtp: smtp() } }),
      "dev",
      "mail.smtp",
      { host: "smtp.mysite.org" },
      'is set but mail.mode is "ses"',
    );
  });

  it("refuses port 25 and other ports no submission server uses, naming the allowed ones", () => {
    for (const port of [25, 2526]) {
      expectProblem(
        withDev({ mail: { mode: "smtp", from: "a@mysite.org", smtp: smtp({ port }) } }),
        "dev",
        "mail.smtp.port",
        port,
        "must be an SMTP submission port: 465, 587, 2465, 2525, 2587 (AWS blocks outbound 25 by default)",
      );
    }
  });

  it("refuses a security the port does not speak", () => {
    expectProblem(
      withDev({ mail: { mode: "smtp", from: "a@mysite.org", smtp: smtp({ port: 587, security: "tls" }) } }),
      "dev",
      "mail.smtp.security",
      "tls",
      "port 587 speaks starttls (tls on 465, 2465; starttls on 587, 2525, 2587)",
    );
  });

  it("refuses secret references that are not Secrets Manager ARNs", () => {
    for (const bad of ["ghost-smtp-password", "arn:aws:ssm:eu-west-2:123456789012:parameter/smtp"]) {
      expectProblem(
        withDev({ mail: { mode: "smtp", from: "a@mysite.org", smtp: smtp({ passwordSecretArn: bad }) } }),
        "dev",
        "mail.smtp.passwordSecretArn",
        bad,
        "must be a Secrets Manager secret ARN",
      );
    }
  });

  it("refuses a sender that is not an e-mail address, and names a misspelt key", () => {
    const problems = problemsOf(withDev({ mail: { from: "noreply", mailgunn: {} } as never }));
    expect(problems).toEqual([
      expect.stringContaining('dev: mail.from = "noreply": must be an e-mail address'),
      expect.stringContaining('dev: mail.mailgunn = {}: is not a setting (did you mean "mailgun"?)'),
    ]);
  });

  it("refuses two environments creating the same SES identity in one region", () => {
    const problems = problemsOf({
      project: "ghost",
      environments: [
        { environment: "dev", mail: { from: "dev@mysite.org" } },
        { environment: "prod", mail: { from: "noreply@mysite.org" } },
        { environment: "us", region: "us-east-1", mail: { from: "noreply@mysite.org" } },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining(
        'prod: mail.ses.domain = "mysite.org": environment dev already creates the SES identity mysite.org in eu-west-2',
      ),
    ]);
  });

  it("reports every mail problem at once", () => {
    const problems = problemsOf(withDev({ mail: { mode: "smtp", smtp: smtp({ port: 465, security: "starttls" }) } }));
    expect(problems.map((problem) => problem.split(" = ")[0])).toEqual(["dev: mail.from", "dev: mail.smtp.security"]);
  });
});

describe("loadProject: the input's shape, checked at run time (synth never type-checks environments.ts)", () => {
  const setIn = (target: Record<string, any>, dotted: string, value: unknown): any => {
    const [head, ...rest] = dotted.split(".");
    return { ...target, [head]: rest.length === 0 ? value : setIn(target[head] ?? {}, rest.join("."), value) };
  };
  const rows = configRows().environment.filter((row) => row.field !== "environment" && row.field !== "tags");
  /** Values of another type than the setting's: each must be refused, naming the field. */
  const wrongValues = (type: string): unknown[] => [
    null,
    ...(type === "number" ? [] : [7]),
    ...(type === "boolean" ? [] : [true]),
    ...(type.endsWith("[]") ? [] : [["x"]]),
    ...(type === "string" || type.startsWith('"') ? [] : ["x"]),
    { nested: 1 },
  ];
  const cases = rows.flatMap((row) => wrongValues(row.type).map((value) => [row.field, value] as const));

  it("has a wrong-typed case for every setting", () => {
    expect(cases.length).toBeGreaterThan(rows.length * 3);
  });

  it.each(cases)("refuses %s = %j, naming the field", (field, value) => {
    const problems = problemsOf({ environments: [setIn({ environment: "dev" }, field, value)] });
    expect(problems.some((problem) => problem.startsWith(`dev: ${field}`))).toBe(true);
  });

  it.each([
    ["service", null, "dev: service = null: must be a section: { ... }"],
    ["availabilityZones", "eu-west-2a", 'dev: availabilityZones = "eu-west-2a": must be a list'],
    ["service.cpu", "256", 'dev: service.cpu = "256": must be a number'],
    ["service.ghostImage", 5, "dev: service.ghostImage = 5: must be a string"],
  ])("says what %s must be (%j)", (field, value, problem) => {
    expect(problemsOf({ environments: [setIn({ environment: "dev" }, field, value)] })).toEqual([problem]);
  });

  it.each(["", "x".repeat(5000), "блог-🚀"])("refuses the ECS service name %j", (serviceName) => {
    expectProblem(
      withDev({ service: { serviceName } }),
      "dev",
      "service.serviceName",
      serviceName,
      "an ECS service name",
    );
  });

  it.each([
    [{ servce: { cpu: 512 } }, "servce", 'did you mean "service"'],
    [{ database: { deletionProtecton: true } }, "database.deletionProtecton", 'did you mean "deletionProtection"'],
    [{ edge: { cloudfront: { enabled: true } } }, "edge.cloudfront", 'did you mean "cloudFront"'],
  ])("refuses an unknown key %#, suggesting the setting meant", (overrides, field, hint) => {
    const problems = problemsOf(withDev(overrides as any));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^dev: ${field.replace(".", "\\.")} = .*: is not a setting \\(${hint}\\?\\)`),
    );
  });

  it("refuses an unknown project-level key and an unknown state key", () => {
    const problems = problemsOf({
      environments: [{ environment: "dev" }],
      enviroments: [],
      state: { bukket: "x" },
    } as any);
    expect(problems).toEqual([
      expect.stringMatching(/^state: bukket = "x": is not a setting \(did you mean "bucket"\?\)/),
      expect.stringMatching(/^project: enviroments = \[\]: is not a setting \(did you mean "environments"\?\)/),
    ]);
  });

  it.each([
    [{}, "project: environments = undefined: is required: must be a list"],
    [{ environments: "dev" }, 'project: environments = "dev": must be a list'],
    [{ environments: [{}] }, "environments[0]: environment = undefined: is required: must be a string"],
    [{ environments: [{ environment: 5 }] }, "environments[0]: environment = 5: must be a string"],
    [null, "project: (the whole input) = null: must be a section: { ... }"],
  ])("refuses a malformed project %#", (input, problem) => {
    expect(problemsOf(input as any)).toEqual([problem]);
  });

  it("reports the rules that join settings of a well-formed environment beside another's shape problems", () => {
    const problems = problemsOf({
      environments: [
        { environment: "dev", service: { cpu: "256" as any } },
        { environment: "prod", service: { cpu: 256, memory: 300 } },
      ],
    });
    expect(problems).toEqual([
      'dev: service.cpu = "256": must be a number',
      expect.stringMatching(/^prod: service\.memory = 300: with service\.cpu 256, Fargate allows 512, 1024, 2048 MiB/),
    ]);
  });

  it("reports every problem of the input at once", () => {
    const problems = problemsOf(
      withDev({ service: { cpu: "256" as any, serviceName: "" }, database: null as any, servce: {} } as any),
    );
    expect(problems).toHaveLength(4);
  });
});
