import { Construct } from "constructs";
import { GHOST, pullableImage, ServiceConfig } from "../config";
import { Fn, ITerraformDependable } from "cdktf";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import type { CapacityProvider, CpuArchitecture } from "../config";
export type { CapacityProvider, CpuArchitecture };
import { policyDocument } from "../shared/iam";
import { logGroup, LogSettings } from "../shared/log-group";
import { BOOTSTRAP_CONTAINER, BOOTSTRAP_SCRIPT, bootstrapEnvironment, BootstrapSettings } from "./owner-bootstrap";

const CONTENT_VOLUME = "ghost-content";
/** Task storage (Fargate ephemeral storage) for /tmp: the root filesystem is read-only. */
const TMP_VOLUME = "ghost-tmp";

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
}

export interface ContainerSecret {
  readonly name: string;
  /** Secrets Manager ARN, optionally with `:json-key:version-stage:version-id`. */
  readonly valueFrom: string;
}

export type GhostDatabaseSettings =
  | {
      readonly client: "mysql";
      readonly host: string;
      readonly port: string;
      readonly name: string;
      readonly user: string;
      /** RDS-managed secret (JSON with `username` and `password`). */
      readonly passwordSecretArn: string;
      /** Verify the server with mysql2's built-in "Amazon RDS" CA profile. */
      readonly tls: boolean;
    }
  | { readonly client: "sqlite3" };

export interface GhostSettings {
  /** Public URL of the site, e.g. "https://blog.example.com". */
  readonly siteUrl: string;
  /**
   * Cache-Control max-age of Ghost's pages (Ghost's `caching.frontend.maxAge`), for a CDN in
   * front. @default undefined (Ghost's own default: 0, nothing cached)
   */
  readonly frontendMaxAgeSeconds?: number;
  readonly database: GhostDatabaseSettings;
  /** Ghost's mail variables and secrets (from `ghostMailEnvironment`). @default none */
  readonly mail?: GhostEnvironment;
  /**
   * Ghost's e-mailed sign-in codes for staff on a new device (`security.staffDeviceVerification`,
   * on in production). Off only where Ghost cannot send mail: otherwise nobody could sign in.
   * @default true
   */
  readonly staffDeviceVerification?: boolean;
}

export interface GhostEnvironment {
  readonly environment: EnvironmentVariable[];
  readonly secrets: ContainerSecret[];
  /** Secrets Manager ARNs the execution role must read to inject `secrets`. */
  readonly secretArns: string[];
}

// ECS returns environment and secrets sorted by name: sort them the same way or every plan shows a diff.
function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Maps Ghost settings to container environment variables and secrets (Ghost's `__` nesting). */
export function ghostEnvironment(settings: GhostSettings): GhostEnvironment {
  const environment: EnvironmentVariable[] = [
    { name: "url", value: settings.siteUrl },
    { name: "NODE_ENV", value: "production" },
  ];
  if (settings.staffDeviceVerification === false) {
    environment.push({ name: "security__staffDeviceVerification", value: "false" });
  }
  if (settings.frontendMaxAgeSeconds !== undefined) {
    environment.push({ name: "caching__frontend__maxAge", value: String(settings.frontendMaxAgeSeconds) });
  }
  const secrets: ContainerSecret[] = [];
  const db = settings.database;

  if (db.client === "mysql") {
    environment.push(
      { name: "database__client", value: "mysql" },
      { name: "database__connection__host", value: db.host },
      { name: "database__connection__port", value: db.port },
      { name: "database__connection__database", value: db.name },
      { name: "database__connection__user", value: db.user },
    );
    if (db.tls) environment.push({ name: "database__connection__ssl", value: "Amazon RDS" });
    // Never a plain variable: ECS injects the `password` key of the JSON secret at start.
    secrets.push({ name: "database__connection__password", valueFrom: `${db.passwordSecretArn}:password::` });
  } else {
    environment.push(
      { name: "database__client", value: "sqlite3" },
      { name: "database__connection__filename", value: `${GHOST.contentPath}/data/ghost.db` },
    );
  }

  const mail = settings.mail;
  return {
    environment: byName([...environment, ...(mail?.environment ?? [])]),
    secrets: byName([...secrets, ...(mail?.secrets ?? [])]),
    secretArns: [...(db.client === "mysql" ? [db.passwordSecretArn] : []), ...(mail?.secretArns ?? [])],
  };
}

/** Everything the task definition depends on; shared by Terraform and a CodeDeploy `taskdef.json`. */
export interface TaskDefinitionProps {
  readonly family: string;
  /** Fargate task CPU units. */
  readonly cpu: number;
  /** Fargate task memory (MiB). */
  readonly memory: number;
  readonly cpuArchitecture: CpuArchitecture;
  /** Container image (or CodeDeploy's `<IMAGE1_NAME>` placeholder). */
  readonly image: string;
  readonly containerPort: number;
  readonly environment: EnvironmentVariable[];
  readonly secrets: ContainerSecret[];
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly efs: { readonly fileSystemId: string; readonly accessPointId: string };
  readonly logGroupName: string;
  readonly region: string;
  /** The owner bootstrap beside Ghost, run from Ghost's upstream image. @default none */
  readonly bootstrap?: BootstrapSettings & { readonly image: string };
}

/** A container definition as RegisterTaskDefinition takes it (the fields used here). */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly command?: string[];
  readonly dependsOn?: { containerName: string; condition: "START" }[];
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly portMappings: { containerPort: number; hostPort: number; protocol: "tcp" }[];
  readonly environment: EnvironmentVariable[];
  readonly secrets: ContainerSecret[];
  readonly mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  readonly logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
}

export interface EfsVolume {
  readonly name: string;
  readonly efsVolumeConfiguration: {
    readonly fileSystemId: string;
    readonly transitEncryption: "ENABLED";
    readonly authorizationConfig: { readonly accessPointId: string; readonly iam: "ENABLED" };
  };
}

/** A task definition in the shape of ECS's RegisterTaskDefinition API. */
export interface TaskDefinitionSpec {
  readonly family: string;
  readonly cpu: string;
  readonly memory: string;
  readonly networkMode: "awsvpc";
  readonly requiresCompatibilities: ["FARGATE"];
  readonly runtimePlatform: { readonly operatingSystemFamily: "LINUX"; readonly cpuArchitecture: CpuArchitecture };
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly containerDefinitions: ContainerDefinition[];
  readonly volumes: (EfsVolume | { readonly name: string })[];
}

/**
 * The Ghost task definition as a plain object. The Terraform resource is built from it, and so can
 * a CodeDeploy `taskdef.json`, so the two cannot disagree.
 */
export function renderTaskDefinition(props: TaskDefinitionProps): TaskDefinitionSpec {
  return {
    family: props.family,
    cpu: String(props.cpu),
    memory: String(props.memory),
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture },
    executionRoleArn: props.executionRoleArn,
    taskRoleArn: props.taskRoleArn,
    containerDefinitions: [
      {
        name: GHOST.containerName,
        image: props.image,
        essential: true,
        user: `${GHOST.uid}:${GHOST.gid}`, // Ghost's `node` user: never root, and owner of the EFS access point
        // Nothing but the content volume and /tmp is writable: a compromised Ghost cannot change its own code.
        readonlyRootFilesystem: true,
        // awsvpc: ECS sets hostPort = containerPort anyway; writing it avoids a diff.
        portMappings: [{ containerPort: props.containerPort, hostPort: props.containerPort, protocol: "tcp" }],
        environment: props.environment,
        secrets: props.secrets,
        mountPoints: [
          { sourceVolume: CONTENT_VOLUME, containerPath: GHOST.contentPath, readOnly: false },
          { sourceVolume: TMP_VOLUME, containerPath: GHOST.tmpPath, readOnly: false },
        ],
        logConfiguration: taskLogs(props, GHOST.containerName),
      },
      ...(props.bootstrap ? [bootstrapContainer(props.bootstrap, props)] : []),
    ],
    volumes: [
      {
        name: CONTENT_VOLUME,
        // No rootDirectory: with an access point it must stay "/" (the access point sets the path).
        efsVolumeConfiguration: {
          fileSystemId: props.efs.fileSystemId,
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: props.efs.accessPointId, iam: "ENABLED" },
        },
      },
      { name: TMP_VOLUME },
    ],
  };
}

/** Every container of the task logs to the task's log group, each under its own stream prefix. */
function taskLogs(props: TaskDefinitionProps, streamPrefix: string): ContainerDefinition["logConfiguration"] {
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": props.logGroupName,
      "awslogs-region": props.region,
      "awslogs-stream-prefix": streamPrefix,
    },
  };
}

/**
 * The owner bootstrap (owner-bootstrap/bootstrap.js) as a second container: not essential (it
 * exits when done), started after Ghost, reaching it on the task's loopback, as Ghost's user with
 * the same read-only root filesystem. Ghost's upstream image, not the built one: it only needs node.
 */
function bootstrapContainer(
  bootstrap: BootstrapSettings & { readonly image: string },
  props: TaskDefinitionProps,
): ContainerDefinition {
  return {
    name: BOOTSTRAP_CONTAINER,
    image: bootstrap.image,
    essential: false,
    command: ["node", "-e", BOOTSTRAP_SCRIPT],
    dependsOn: [{ containerName: GHOST.containerName, condition: "START" }],
    user: `${GHOST.uid}:${GHOST.gid}`,
    readonlyRootFilesystem: true,
    portMappings: [],
    environment: bootstrapEnvironment(bootstrap),
    secrets: [],
    mountPoints: [],
    logConfiguration: taskLogs(props, BOOTSTRAP_CONTAINER),
  };
}

export interface GhostServiceProps {
  /** Prefix of every name, e.g. "ghost-prod"; also the cluster name. */
  readonly namePrefix: string;
  /** The environment's `service` section: name, task size, image, counts, scaling, grace period, capacity provider. */
  readonly config: ServiceConfig;
  /** AWS region (for the awslogs driver). */
  readonly region: string;
  /** Subnets of the tasks. */
  readonly subnetIds: string[];
  /** Security group of the tasks. */
  readonly securityGroupId: string;
  /** Give tasks a public IP (only when they run in public subnets without NAT). */
  readonly assignPublicIp: boolean;
  /** The blue target group: the one the service starts with. */
  readonly targetGroupArn: string;
  /** Container environment, as produced by `ghostEnvironment`. */
  readonly environment: EnvironmentVariable[];
  /** Container secrets, as produced by `ghostEnvironment`. */
  readonly secrets: ContainerSecret[];
  /** The owner bootstrap's settings (its secrets and the owner). @default no bootstrap container */
  readonly bootstrap?: BootstrapSettings;
  /** Secret ARNs the execution role may read, as produced by `ghostEnvironment`. */
  readonly secretArns: string[];
  /** The EFS file system and access point holding Ghost's content. */
  readonly efs: {
    readonly fileSystemId: string;
    readonly fileSystemArn: string;
    readonly accessPointId: string;
    readonly accessPointArn: string;
  };
  /** Task role (from `TaskRoles`); this construct adds the EFS policy to it. */
  readonly taskRole: IamRole;
  /** Execution role (from `TaskRoles`); this construct adds the secrets policy to it. */
  readonly executionRole: IamRole;
  /** Retention and key of the container log group. */
  readonly logs: LogSettings;
  /**
   * Resources the service must wait for: the listener (a target group without one cannot be
   * attached) and the EFS mount targets. @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Ghost on ECS Fargate: cluster, task definition, service (CodeDeploy blue/green), autoscaling, logs. */
export class GhostService extends Construct {
  readonly cluster: EcsCluster;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly service: EcsService;
  readonly serviceName: string;
  /**
   * The service's ARN, built from the cluster's (`...:service/<cluster>/<service>`): IAM policies
   * name it without waiting on the service resource, which CodeDeploy and autoscaling change.
   */
  readonly serviceArn: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly taskDefinitionArn: string;
  readonly taskDefinitionFamily: string;
  readonly containerName = GHOST.containerName;
  readonly containerPort: number;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  /** The inputs of `renderTaskDefinition` used here: render a CodeDeploy `taskdef.json` from them. */
  readonly taskDefinitionProps: TaskDefinitionProps;

  constructor(scope: Construct, id: string, props: GhostServiceProps) {
    super(scope, id);
    const { config } = props;
    this.containerPort = GHOST.port;
    const strategy = [{ capacityProvider: config.capacityProvider, weight: 1, base: 1 }];

    const containerLogs = logGroup(this, "log-group", `/ecs/${props.namePrefix}/ghost`, props.logs);

    this.cluster = new EcsCluster(this, "cluster", {
      name: props.namePrefix,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: strategy,
    });

    const rolePolicies = this.grantRoles(props);

    this.taskDefinitionProps = {
      // Prefixed family: two environments in one account must not share a family (revisions would mix).
      family: `${props.namePrefix}-ghost`,
      cpu: config.cpu,
      memory: config.memory,
      cpuArchitecture: config.cpuArchitecture,
      image: pullableImage(config.ghostImage),
      containerPort: this.containerPort,
      environment: props.environment,
      secrets: props.secrets,
      executionRoleArn: props.executionRole.arn,
      taskRoleArn: props.taskRole.arn,
      efs: { fileSystemId: props.efs.fileSystemId, accessPointId: props.efs.accessPointId },
      logGroupName: containerLogs.name, // a reference, so the log group exists before any task logs
      region: props.region,
      bootstrap: props.bootstrap && { ...props.bootstrap, image: pullableImage(config.ghostImage) },
    };
    const spec = renderTaskDefinition(this.taskDefinitionProps);
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: spec.family,
      cpu: spec.cpu,
      memory: spec.memory,
      networkMode: spec.networkMode,
      requiresCompatibilities: spec.requiresCompatibilities,
      runtimePlatform: spec.runtimePlatform,
      executionRoleArn: spec.executionRoleArn,
      taskRoleArn: spec.taskRoleArn,
      containerDefinitions: JSON.stringify(spec.containerDefinitions),
      volume: spec.volumes,
    });

    const serviceName = config.serviceName;
    this.service = new EcsService(this, "service", {
      name: serviceName,
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: config.desiredCount,
      deploymentController: { type: "CODE_DEPLOY" },
      capacityProviderStrategy: strategy,
      platformVersion: "LATEST",
      loadBalancer: [
        {
          targetGroupArn: props.targetGroupArn,
          containerName: GHOST.containerName,
          containerPort: this.containerPort,
        },
      ],
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [props.securityGroupId],
        assignPublicIp: props.assignPublicIp,
      },
      healthCheckGracePeriodSeconds: config.healthCheckGracePeriodSeconds,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // CodeDeploy owns the task definition and target group after its first deployment;
      // autoscaling owns the desired count.
      lifecycle: { ignoreChanges: ["task_definition", "load_balancer", "desired_count"] },
      // The strategy names providers that must be attached to the cluster first; tasks need their
      // role policies (secrets, EFS mount) from the first start.
      dependsOn: [capacityProviders, ...rolePolicies, ...(props.dependsOn ?? [])],
    });

    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      minCapacity: config.minCount,
      maxCapacity: config.maxCount,
    });
    new AppautoscalingPolicy(this, "cpu-scaling", {
      name: `${props.namePrefix}-ghost-cpu`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: config.cpuTargetPercent,
        scaleInCooldown: config.scaleInCooldownSeconds,
        scaleOutCooldown: config.scaleOutCooldownSeconds,
      },
    });

    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.serviceName = this.service.name;
    this.serviceArn = `${Fn.replace(this.cluster.arn, ":cluster/", ":service/")}/${serviceName}`;
    this.taskDefinitionArn = this.taskDefinition.arn;
    this.taskDefinitionFamily = this.taskDefinition.family;
    this.logGroupName = containerLogs.name;
    this.logGroupArn = containerLogs.arn;
  }

  /** Exactly what the task needs: the agent reads the given secrets, Ghost mounts its access point. */
  private grantRoles(props: GhostServiceProps): IamRolePolicy[] {
    const policies: IamRolePolicy[] = [];
    if (props.secretArns.length > 0) {
      const secretsPolicy = new IamRolePolicy(this, "execution-secrets-policy", {
        name: `${props.namePrefix}-ghost-secrets`,
        role: props.executionRole.name,
        policy: policyDocument([{ Action: ["secretsmanager:GetSecretValue"], Resource: props.secretArns }]),
      });
      policies.push(secretsPolicy);
    }
    const efsPolicy = new IamRolePolicy(this, "task-efs-policy", {
      name: `${props.namePrefix}-ghost-efs`,
      role: props.taskRole.name,
      policy: policyDocument([
        {
          Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
          Resource: props.efs.fileSystemArn,
          Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": props.efs.accessPointArn } },
        },
      ]),
    });
    return [...policies, efsPolicy];
  }
}
