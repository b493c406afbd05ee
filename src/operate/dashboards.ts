import { Construct } from "constructs";
import { DIMENSIONS, NAMESPACES } from "./metrics";
import { logGroup, LogSettings } from "../shared/log-group";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { CODEDEPLOY_DEPLOYMENT_EVENT, CODEDEPLOY_ROLLBACK_STATES } from "./alerts";
import { policyDocument } from "../shared/iam";

// ---------------------------------------------------------------------------------------------
// Dashboard body: typed widgets, serialized once with JSON.stringify
// ---------------------------------------------------------------------------------------------

/** One line of a graph: a metric, or an expression over lines that carry an `id`. */
export type GraphLine =
  | {
      readonly namespace: string;
      readonly metricName: string;
      readonly dimensions: Record<string, string>;
      readonly stat: string;
      readonly label?: string;
      /** Referenced by expressions. */
      readonly id?: string;
      /** Hidden lines only feed expressions. @default true */
      readonly visible?: boolean;
      readonly yAxis?: "left" | "right";
    }
  | { readonly expression: string; readonly label: string; readonly id: string };

export interface Graph {
  readonly title: string;
  readonly lines: GraphLine[];
  /** @default 300 */
  readonly period?: number;
  /** @default "timeSeries" */
  readonly view?: "timeSeries" | "bar" | "singleValue";
  readonly yAxisLabel?: string;
}

/** A metric widget as the CloudWatch dashboard body takes it. */
export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: string;
    readonly stacked: false;
    readonly period: number;
    readonly metrics: unknown[][];
    readonly yAxis?: { readonly left: { readonly label: string; readonly min: number } };
  };
}

export interface AlarmWidget {
  readonly type: "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly title: string; readonly alarms: string[] };
}

export interface DashboardBody {
  readonly start?: string;
  readonly periodOverride?: "auto" | "inherit";
  readonly widgets: (MetricWidget | AlarmWidget)[];
}

const GRID_WIDTH = 24;
const WIDGET_WIDTH = 12;
const WIDGET_HEIGHT = 6;

/** A graph line in the dashboard's array form: [namespace, name, dim, value, ..., options]. */
function metricRow(line: GraphLine): unknown[] {
  if ("expression" in line) return [{ expression: line.expression, label: line.label, id: line.id }];
  const options = {
    stat: line.stat,
    ...(line.label && { label: line.label }),
    ...(line.id && { id: line.id }),
    ...(line.visible === false && { visible: false }),
    ...(line.yAxis && { yAxis: line.yAxis }),
  };
  return [line.namespace, line.metricName, ...Object.entries(line.dimensions).flat(), options];
}

/**
 * Lays graphs out two per row (alarm status, when given, across the top) and returns the
 * dashboard body as a string; tokens (ARN suffixes, names) stay Terraform interpolations inside it.
 */
export function dashboardBody(
  region: string,
  graphs: Graph[],
  options: { alarmArns?: string[]; start?: string; periodOverride?: "auto" | "inherit" } = {},
): string {
  const widgets: (MetricWidget | AlarmWidget)[] = [];
  let top = 0;
  if (options.alarmArns && options.alarmArns.length > 0) {
    widgets.push({
      type: "alarm",
      x: 0,
      y: 0,
      width: GRID_WIDTH,
      height: 3,
      properties: { title: "Alarms", alarms: options.alarmArns },
    });
    top = 3;
  }
  graphs.forEach((graph, index) => {
    widgets.push({
      type: "metric",
      x: (index % 2) * WIDGET_WIDTH,
      y: top + Math.floor(index / 2) * WIDGET_HEIGHT,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        title: graph.title,
        region,
        view: graph.view ?? "timeSeries",
        stacked: false,
        period: graph.period ?? 300,
        metrics: graph.lines.map(metricRow),
        ...(graph.yAxisLabel && { yAxis: { left: { label: graph.yAxisLabel, min: 0 } } }),
      },
    });
  });
  const body: DashboardBody = {
    ...(options.start && { start: options.start }),
    ...(options.periodOverride && { periodOverride: options.periodOverride }),
    widgets,
  };
  return JSON.stringify(body);
}

// ---------------------------------------------------------------------------------------------
// Service dashboard
// ---------------------------------------------------------------------------------------------

export interface ServiceDashboardProps {
  /** Prefix of the name: the dashboard is `<namePrefix>-service`. */
  readonly namePrefix: string;
  /** Region of the metrics. */
  readonly region: string;
  /** The ALB and its target groups (named, e.g. "blue" and "green"). */
  readonly loadBalancer: {
    readonly arnSuffix: string;
    readonly targetGroups: { readonly name: string; readonly arnSuffix: string }[];
  };
  readonly service: { readonly clusterName: string; readonly serviceName: string };
  readonly fileSystem: { readonly fileSystemId: string };
  /** The RDS instance, when MySQL is used. @default undefined (no database graphs) */
  readonly database?: { readonly instanceIdentifier: string };
  /** Alarms shown as a status strip at the top. @default [] */
  readonly alarmArns?: string[];
}

/** One CloudWatch dashboard for the site: ALB, ECS service, EFS and (when present) the database. */
export class ServiceDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    this.dashboardName = `${props.namePrefix}-service`;
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: dashboardBody(props.region, ServiceDashboard.graphs(props), { alarmArns: props.alarmArns }),
    });
  }

  static graphs(props: ServiceDashboardProps): Graph[] {
    const alb = DIMENSIONS.loadBalancer(props.loadBalancer.arnSuffix);
    const albLine = (metricName: string, stat: string, label: string): GraphLine => ({
      namespace: NAMESPACES.loadBalancer,
      metricName,
      dimensions: alb,
      stat,
      label,
    });
    const ecs = DIMENSIONS.service(props.service);
    const ecsLine = (namespace: string, metricName: string, stat: string, label: string): GraphLine => ({
      namespace,
      metricName,
      dimensions: ecs,
      stat,
      label,
    });
    const efs = DIMENSIONS.fileSystem(props.fileSystem.fileSystemId);
    const efsLine = (metricName: string, stat: string, label: string, yAxis?: "right"): GraphLine => ({
      namespace: NAMESPACES.fileSystem,
      metricName,
      dimensions: efs,
      stat,
      label,
      ...(yAxis && { yAxis }),
    });

    const graphs: Graph[] = [
      { title: "ALB requests", lines: [albLine("RequestCount", "Sum", "Requests")] },
      {
        title: "ALB target response time (s)",
        lines: [
          albLine("TargetResponseTime", "p50", "p50"),
          albLine("TargetResponseTime", "p95", "p95"),
          albLine("TargetResponseTime", "p99", "p99"),
        ],
      },
      {
        title: "ALB 4xx / 5xx",
        lines: [
          albLine("HTTPCode_ELB_4XX_Count", "Sum", "ALB 4xx"),
          albLine("HTTPCode_ELB_5XX_Count", "Sum", "ALB 5xx"),
          albLine("HTTPCode_Target_4XX_Count", "Sum", "Ghost 4xx"),
          albLine("HTTPCode_Target_5XX_Count", "Sum", "Ghost 5xx"),
        ],
      },
      {
        title: "Healthy / unhealthy targets",
        lines: props.loadBalancer.targetGroups.flatMap((group) =>
          (["HealthyHostCount", "UnHealthyHostCount"] as const).map((metricName) => ({
            namespace: NAMESPACES.loadBalancer,
            metricName,
            dimensions: DIMENSIONS.targetGroup(props.loadBalancer.arnSuffix, group.arnSuffix),
            stat: "Maximum",
            label: `${group.name} ${metricName === "HealthyHostCount" ? "healthy" : "unhealthy"}`,
          })),
        ),
      },
      {
        title: "ECS CPU and memory (%)",
        yAxisLabel: "%",
        lines: [
          ecsLine(NAMESPACES.service, "CPUUtilization", "Average", "CPU average"),
          ecsLine(NAMESPACES.service, "CPUUtilization", "Maximum", "CPU maximum"),
          ecsLine(NAMESPACES.service, "MemoryUtilization", "Average", "Memory average"),
          ecsLine(NAMESPACES.service, "MemoryUtilization", "Maximum", "Memory maximum"),
        ],
      },
      {
        title: "ECS tasks",
        lines: [
          ecsLine(NAMESPACES.containerInsights, "RunningTaskCount", "Minimum", "Running"),
          ecsLine(NAMESPACES.containerInsights, "DesiredTaskCount", "Maximum", "Desired"),
          ecsLine(NAMESPACES.containerInsights, "PendingTaskCount", "Maximum", "Pending"),
        ],
      },
      {
        title: "EFS throughput (bytes)",
        lines: [
          efsLine("DataReadIOBytes", "Sum", "Read"),
          efsLine("DataWriteIOBytes", "Sum", "Write"),
          efsLine("MetadataIOBytes", "Sum", "Metadata"),
        ],
      },
      {
        title: "EFS I/O limit (%) and burst credits",
        lines: [
          efsLine("PercentIOLimit", "Maximum", "I/O limit %"),
          efsLine("BurstCreditBalance", "Minimum", "Burst credits (bytes)", "right"),
          efsLine("ClientConnections", "Sum", "Client connections"),
        ],
      },
    ];

    const db = props.database;
    if (db) {
      const rdsLine = (metricName: string, stat: string, label: string, yAxis?: "right"): GraphLine => ({
        namespace: NAMESPACES.database,
        metricName,
        dimensions: DIMENSIONS.database(db.instanceIdentifier),
        stat,
        label,
        ...(yAxis && { yAxis }),
      });
      graphs.push(
        {
          title: "Database CPU (%) and connections",
          lines: [
            rdsLine("CPUUtilization", "Average", "CPU %"),
            rdsLine("DatabaseConnections", "Maximum", "Connections", "right"),
          ],
        },
        {
          title: "Database storage and latency",
          lines: [
            rdsLine("FreeStorageSpace", "Minimum", "Free storage (bytes)"),
            rdsLine("ReadLatency", "Average", "Read latency (s)", "right"),
            rdsLine("WriteLatency", "Average", "Write latency (s)", "right"),
          ],
        },
      );
    }
    return graphs;
  }
}

// ---------------------------------------------------------------------------------------------
// Delivery metrics (instead of the tutorial's QuickSight)
// ---------------------------------------------------------------------------------------------

export const CODEPIPELINE_EXECUTION_EVENT = "CodePipeline Pipeline Execution State Change";
const WEEK_SECONDS = 604800;

/** The counts the metric filters keep, by metric name. */
export const DELIVERY_METRIC_PATTERNS: Record<string, string> = {
  PipelineSucceeded: '{ $.source = "aws.codepipeline" && $.detail.state = "SUCCEEDED" }',
  PipelineFailed: '{ $.source = "aws.codepipeline" && $.detail.state = "FAILED" }',
  DeploymentSucceeded: '{ $.source = "aws.codedeploy" && $.detail.state = "SUCCESS" }',
  DeploymentRolledBack: `{ $.source = "aws.codedeploy" && (${CODEDEPLOY_ROLLBACK_STATES.map(
    (state) => `$.detail.state = "${state}"`,
  ).join(" || ")}) }`,
};

export interface DeliveryMetricsProps {
  /** Prefix of every name: log group `/aws/events/<namePrefix>-delivery`, dashboard `<namePrefix>-delivery`. */
  readonly namePrefix: string;
  /** Region of the metrics. */
  readonly region: string;
  /** Names of the pipelines whose executions are counted (build and deploy). */
  readonly pipelineNames: string[];
  /** The CodeDeploy deployment group whose deployments are counted. */
  readonly codeDeploy: { readonly applicationName: string; readonly deploymentGroupName: string };
  /** Retention and key of the event log group. */
  readonly logs: LogSettings;
  /** Namespace of the delivery metrics. @default "<namePrefix>/Delivery" */
  readonly metricNamespace?: string;
  /** Weeks the dashboard shows. @default 12 */
  readonly weeks?: number;
}

/**
 * Delivery metrics without QuickSight: EventBridge copies pipeline executions and CodeDeploy
 * deployments into a log group, metric filters count successes, failures and rollbacks, and a
 * dashboard shows deployment frequency, pipeline failure rate and rollbacks per week.
 */
export class DeliveryMetrics extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly logGroupName: string;
  readonly rules: CloudwatchEventRule[];
  readonly metricNamespace: string;
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: DeliveryMetricsProps) {
    super(scope, id);
    if (props.pipelineNames.length === 0) throw new Error("DeliveryMetrics: pipelineNames must not be empty");
    const prefix = props.namePrefix;
    this.metricNamespace = props.metricNamespace ?? `${prefix}/Delivery`;

    // EventBridge only lists log groups under /aws/events/ as targets in the console.
    this.logGroup = logGroup(this, "log-group", `/aws/events/${prefix}-delivery`, props.logs);
    this.logGroupName = this.logGroup.name;

    const patterns: Record<string, object> = {
      pipelines: {
        source: ["aws.codepipeline"],
        "detail-type": [CODEPIPELINE_EXECUTION_EVENT],
        detail: { pipeline: props.pipelineNames },
      },
      deployments: {
        source: ["aws.codedeploy"],
        "detail-type": [CODEDEPLOY_DEPLOYMENT_EVENT],
        detail: {
          application: [props.codeDeploy.applicationName],
          deploymentGroup: [props.codeDeploy.deploymentGroupName],
        },
      },
    };
    this.rules = Object.entries(patterns).map(
      ([name, pattern]) =>
        new CloudwatchEventRule(this, `${name}-rule`, {
          name: `${prefix}-delivery-${name}`,
          description: `Copies ${name} state changes to ${this.logGroup.name} (delivery metrics)`,
          eventPattern: JSON.stringify(pattern),
        }),
    );

    // EventBridge writes to CloudWatch Logs under the log group's resource policy, not a role.
    // As in the provider's documented example: streams anywhere in the group, events only from our rules.
    const principals = { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] };
    const policy = new CloudwatchLogResourcePolicy(this, "log-policy", {
      policyName: `${prefix}-delivery-events`,
      policyDocument: policyDocument([
        {
          Sid: "EventBridgeCreatesStreams",
          Principal: principals,
          Action: ["logs:CreateLogStream"],
          Resource: `${this.logGroup.arn}:*`,
        },
        {
          Sid: "EventBridgeRulesPutEvents",
          Principal: principals,
          Action: ["logs:PutLogEvents"],
          Resource: `${this.logGroup.arn}:*:*`,
          Condition: { ArnEquals: { "aws:SourceArn": this.rules.map((rule) => rule.arn) } },
        },
      ]),
    });
    this.rules.forEach(
      (rule, index) =>
        new CloudwatchEventTarget(this, `target-${index}`, {
          rule: rule.name,
          targetId: "delivery-log-group",
          arn: this.logGroup.arn,
          dependsOn: [policy],
        }),
    );

    for (const [metricName, pattern] of Object.entries(DELIVERY_METRIC_PATTERNS)) {
      new CloudwatchLogMetricFilter(this, metricName, {
        name: `${prefix}-${metricName}`,
        logGroupName: this.logGroup.name,
        pattern,
        // 0 for every other event, so weekly sums and the failure rate have values, not gaps.
        metricTransformation: {
          name: metricName,
          namespace: this.metricNamespace,
          value: "1",
          defaultValue: "0",
          unit: "Count",
        },
      });
    }

    this.dashboardName = `${prefix}-delivery`;
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: dashboardBody(props.region, DeliveryMetrics.graphs(this.metricNamespace), {
        start: `-P${(props.weeks ?? 12) * 7}D`,
        periodOverride: "inherit", // keep the weekly period whatever the time range
      }),
    });
  }

  static graphs(namespace: string): Graph[] {
    const line = (metricName: string, label: string, extra: { id?: string; visible?: boolean } = {}): GraphLine => ({
      namespace,
      metricName,
      dimensions: {},
      stat: "Sum",
      label,
      ...extra,
    });
    return [
      {
        title: "Deployment frequency (per week)",
        period: WEEK_SECONDS,
        view: "bar",
        lines: [
          line("DeploymentSucceeded", "Successful deployments"),
          line("PipelineSucceeded", "Successful pipeline executions"),
        ],
      },
      {
        title: "Pipeline failure rate (% per week)",
        period: WEEK_SECONDS,
        yAxisLabel: "%",
        lines: [
          { expression: "100 * failed / (succeeded + failed)", label: "Failure rate (%)", id: "rate" },
          line("PipelineSucceeded", "Succeeded", { id: "succeeded", visible: false }),
          line("PipelineFailed", "Failed", { id: "failed", visible: false }),
        ],
      },
      {
        title: "Rollbacks (per week)",
        period: WEEK_SECONDS,
        view: "bar",
        lines: [line("DeploymentRolledBack", "Rolled-back deployments")],
      },
    ];
  }
}
