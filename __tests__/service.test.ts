import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TaskRoles } from "../src/run/task-roles";
import {
  GhostService,
  GhostServiceProps,
  GhostSettings,
  ghostEnvironment,
  renderTaskDefinition,
} from "../src/run/service";
import { ServiceConfig } from "../src/config";
import { onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { testConfig } from "./support/config";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-1234-AbCdEf";
const FS_ARN = "arn:aws:elasticfilesystem:eu-west-2:123456789012:file-system/fs-0123";
const AP_ARN = "arn:aws:elasticfilesystem:eu-west-2:123456789012:access-point/fsap-0123";
const TG_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/ghost-test-blue/0123";

const mysql: GhostSettings = {
  siteUrl: "https://blog.example.com",
  database: {
    client: "mysql",
    host: "db.internal",
    port: "3306",
    name: "ghost",
    user: "ghost",
    passwordSecretArn: SECRET_ARN,
    tls: true,
  },
};

function buildService(
  scope: Construct,
  overrides: Partial<GhostServiceProps> = {},
  service: Partial<ServiceConfig> = {},
): GhostService {
  const roles = new TaskRoles(scope, "roles", { namePrefix: "ghost-test" });
  const resolved = testConfig();
  return new GhostService(scope, "ghost", {
    namePrefix: "ghost-test",
    config: { ...resolved.service, ...service },
    logs: { retentionDays: resolved.logs.retentionDays },
    region: "eu-west-2",
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-tasks",
    assignPublicIp: false,
    targetGroupArn: TG_ARN,
    ...ghostEnvironment(mysql),
    efs: { fileSystemId: "fs-0123", fileSystemArn: FS_ARN, accessPointId: "fsap-0123", accessPointArn: AP_ARN },
    taskRole: roles.taskRole,
    executionRole: roles.executionRole,
    ...overrides,
  });
}

function synthService(overrides: Partial<GhostServiceProps> = {}, service: Partial<ServiceConfig> = {}) {
  return synthScope((scope) => buildService(scope, overrides, service));
}

/** The role policy attached to the role whose logical id contains `roleId`. */
function policyOfRole(json: any, roleId: string): any[] {
  const policies = Object.values(resourcesOfType(json, "aws_iam_role_policy")).filter((p: any) =>
    String(p.role).includes(`_${roleId}_`),
  );
  return policies.map((p: any) => parsePolicy(p.policy));
}

describe("GhostService", () => {
  const { synth, json } = synthService();
  const taskDefinition = onlyResource(json, "aws_ecs_task_definition");
  const [container] = JSON.parse(taskDefinition.container_definitions);
  const service = onlyResource(json, "aws_ecs_service");

  it("enables Container Insights on the cluster", () => {
    expect(synth).toHaveResourceWithProperties(EcsCluster, {
      name: "ghost-test",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  it("attaches FARGATE and FARGATE_SPOT with the configured provider as default", () => {
    expect(synth).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 1 }],
    });
  });

  it("uses FARGATE_SPOT for the default and the service when asked", () => {
    const spot = synthService({}, { capacityProvider: "FARGATE_SPOT" }).json;
    const strategy = [{ capacity_provider: "FARGATE_SPOT", weight: 1, base: 1 }];
    expect(onlyResource(spot, "aws_ecs_cluster_capacity_providers").default_capacity_provider_strategy).toEqual(
      strategy,
    );
    expect(onlyResource(spot, "aws_ecs_service").capacity_provider_strategy).toEqual(strategy);
  });

  it("keeps logs in /ecs/<prefix>/ghost for 30 days", () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs/ghost-test/ghost",
      retention_in_days: 30,
    });
  });

  it("defines a Fargate awsvpc task with the given cpu, memory and architecture", () => {
    const arm = onlyResource(
      synthService({}, { cpu: 512, memory: 1024, cpuArchitecture: "ARM64" }).json,
      "aws_ecs_task_definition",
    );
    expect(arm).toMatchObject({
      family: "ghost-test-ghost",
      cpu: "512",
      memory: "1024",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
  });

  it("defaults to 256 CPU, 512 MiB, X86_64", () => {
    expect(taskDefinition).toMatchObject({
      cpu: "256",
      memory: "512",
      runtime_platform: { cpu_architecture: "X86_64" },
    });
  });

  it("runs the ghost container as uid 1000 on port 2368 with content on EFS and awslogs", () => {
    expect(container).toMatchObject({
      name: "ghost",
      essential: true,
      user: "1000:1000",
      portMappings: [{ containerPort: 2368, hostPort: 2368, protocol: "tcp" }],
      mountPoints: [
        { sourceVolume: "ghost-content", containerPath: "/var/lib/ghost/content", readOnly: false },
        { sourceVolume: "ghost-tmp", containerPath: "/tmp", readOnly: false },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": expect.stringMatching(/aws_cloudwatch_log_group\..+\.name/),
          "awslogs-region": "eu-west-2",
          "awslogs-stream-prefix": "ghost",
        },
      },
    });
    expect(container.privileged).toBeUndefined();
  });

  it("names its ARN from the cluster's, so policies need not wait on the service CodeDeploy changes", () => {
    let service!: GhostService;
    const { json } = synthScope((scope) => {
      service = buildService(scope);
      new TerraformOutput(scope, "service-arn", { value: service.serviceArn });
    });
    const cluster = Object.keys(resourcesOfType(json, "aws_ecs_cluster"))[0];
    expect(Object.values((json as any).output)[0]).toMatchObject({
      value: `\${replace(aws_ecs_cluster.${cluster}.arn, ":cluster/", ":service/")}/ghost-blog`,
    });
  });

  it("runs Ghost on a read-only root filesystem, writable only in its content and /tmp", () => {
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.mountPoints.map((mount: any) => [mount.containerPath, mount.readOnly])).toEqual([
      ["/var/lib/ghost/content", false],
      ["/tmp", false],
    ]);
  });

  it("mounts EFS through the access point with IAM and transit encryption, and task storage on /tmp", () => {
    expect(taskDefinition.volume).toEqual([
      {
        name: "ghost-content",
        efs_volume_configuration: {
          file_system_id: "fs-0123",
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: "fsap-0123", iam: "ENABLED" },
        },
      },
      { name: "ghost-tmp" },
    ]);
  });

  it("passes the MySQL password as a secret, never as an environment variable", () => {
    const names = container.environment.map((v: any) => v.name);
    expect(names).not.toContain("database__connection__password");
    expect(JSON.stringify(container.environment)).not.toContain(SECRET_ARN);
    expect(container.secrets).toEqual([
      { name: "database__connection__password", valueFrom: `${SECRET_ARN}:password::` },
    ]);
  });

  it("configures Ghost for MySQL over TLS with the RDS CA profile", () => {
    expect(ghostEnvironment(mysql).environment).toEqual([
      { name: "NODE_ENV", value: "production" },
      { name: "database__client", value: "mysql" },
      { name: "database__connection__database", value: "ghost" },
      { name: "database__connection__host", value: "db.internal" },
      { name: "database__connection__port", value: "3306" },
      { name: "database__connection__ssl", value: "Amazon RDS" },
      { name: "database__connection__user", value: "ghost" },
      { name: "url", value: "https://blog.example.com" },
    ]);
  });

  it("omits the ssl setting when TLS is off", () => {
    const plain = ghostEnvironment({ ...mysql, database: { ...(mysql.database as any), tls: false } });
    expect(plain.environment.map((v) => v.name)).not.toContain("database__connection__ssl");
  });

  it("configures SQLite on EFS with no secrets", () => {
    const sqlite = ghostEnvironment({ siteUrl: "http://localhost", database: { client: "sqlite3" } });
    expect(sqlite).toEqual({
      environment: [
        { name: "NODE_ENV", value: "production" },
        { name: "database__client", value: "sqlite3" },
        { name: "database__connection__filename", value: "/var/lib/ghost/content/data/ghost.db" },
        { name: "url", value: "http://localhost" },
      ],
      secrets: [],
      secretArns: [],
    });
  });

  it("sorts the environment by name", () => {
    const names = container.environment.map((v: any) => v.name);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe("NODE_ENV");
  });

  it("is deployed by CodeDeploy starting on the blue target group", () => {
    expect(synth).toHaveResourceWithProperties(EcsService, {
      name: "ghost-blog",
      deployment_controller: { type: "CODE_DEPLOY" },
      load_balancer: [{ target_group_arn: TG_ARN, container_name: "ghost", container_port: 2368 }],
      platform_version: "LATEST",
      health_check_grace_period_seconds: 120,
      propagate_tags: "SERVICE",
      enable_ecs_managed_tags: true,
    });
  });

  it("ignores exactly the attributes CodeDeploy and autoscaling own", () => {
    expect(service.lifecycle.ignore_changes).toEqual(["task_definition", "load_balancer", "desired_count"]);
  });

  it("assigns no public IP when the props say so", () => {
    expect(service.network_configuration).toEqual({
      subnets: ["subnet-a", "subnet-b"],
      security_groups: ["sg-tasks"],
      assign_public_ip: false,
    });
  });

  it("assigns a public IP when the props say so", () => {
    const pub = onlyResource(synthService({ assignPublicIp: true }).json, "aws_ecs_service");
    expect(pub.network_configuration.assign_public_ip).toBe(true);
  });

  it("waits for the capacity providers, role policies and the given dependencies", () => {
    const { json: withDeps } = synthScope((scope) => {
      const listener = new LbListener(scope, "listener", {
        loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/ghost-test/0123",
        port: 80,
        defaultAction: [{ type: "forward", targetGroupArn: TG_ARN }],
      });
      buildService(scope, { dependsOn: [listener] });
    });
    const deps: string[] = onlyResource(withDeps, "aws_ecs_service").depends_on;
    expect(deps.some((d) => d.startsWith("aws_ecs_cluster_capacity_providers."))).toBe(true);
    expect(deps.filter((d) => d.startsWith("aws_iam_role_policy."))).toHaveLength(2);
    expect(deps.some((d) => d.startsWith("aws_lb_listener.listener"))).toBe(true);
  });

  it("scales the desired count between min and max on average CPU with the cooldowns", () => {
    const { synth: scaled } = synthService(
      {},
      {
        minCount: 1,
        maxCount: 3,
        cpuTargetPercent: 60,
        scaleInCooldownSeconds: 300,
        scaleOutCooldownSeconds: 30,
      },
    );
    expect(scaled).toHaveResourceWithProperties(AppautoscalingTarget, {
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: expect.stringMatching(/^service\/\$\{aws_ecs_cluster\..+\.name\}\/\$\{aws_ecs_service\..+\.name\}$/),
      min_capacity: 1,
      max_capacity: 3,
    });
    expect(scaled).toHaveResourceWithProperties(AppautoscalingPolicy, {
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
        target_value: 60,
        scale_in_cooldown: 300,
        scale_out_cooldown: 30,
      },
    });
  });

  it("lets the execution role read only the given secrets", () => {
    expect(policyOfRole(json, "execution-role")).toEqual([
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] }],
      },
    ]);
  });

  it("adds no secrets policy when there are no secrets", () => {
    const sqlite = ghostEnvironment({ siteUrl: "http://localhost", database: { client: "sqlite3" } });
    expect(policyOfRole(synthService(sqlite).json, "execution-role")).toEqual([]);
  });

  it("lets the task role only mount and write EFS through the access point", () => {
    expect(policyOfRole(json, "task-role")).toEqual([
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: FS_ARN,
            Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": AP_ARN } },
          },
        ],
      },
    ]);
  });

  it("builds the Terraform task definition from renderTaskDefinition", () => {
    const { json: both } = synthScope((scope) => {
      const ghost = buildService(scope);
      const spec = renderTaskDefinition(ghost.taskDefinitionProps);
      new TerraformOutput(scope, "rendered", { value: JSON.stringify(spec.containerDefinitions) });
    });
    const resource = onlyResource(both, "aws_ecs_task_definition");
    expect(JSON.parse(resource.container_definitions)).toEqual(JSON.parse(both.output!.rendered.value as string));
  });

  it.each([
    ["ghost:6.65.0-alpine", "public.ecr.aws/docker/library/ghost:6.65.0-alpine"],
    ["123456789012.dkr.ecr.eu-west-2.amazonaws.com/ghost:1", "123456789012.dkr.ecr.eu-west-2.amazonaws.com/ghost:1"],
  ])("starts %s as %s (official images from their ECR Public mirror)", (ghostImage, image) => {
    const containers = JSON.parse(
      onlyResource(synthService({}, { ghostImage }).json, "aws_ecs_task_definition").container_definitions,
    );
    expect(containers[0].image).toBe(image);
  });

  it("exposes the container name and Ghost's port for CodeDeploy", () => {
    synthScope((scope) => {
      const ghost = buildService(scope);
      expect(ghost.containerName).toBe("ghost");
      expect(ghost.containerPort).toBe(2368);
    });
  });
});
