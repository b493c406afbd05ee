import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  DashboardBody,
  DELIVERY_METRIC_PATTERNS,
  DeliveryMetrics,
  DeliveryMetricsProps,
  ServiceDashboard,
  ServiceDashboardProps,
} from "../src/operate/dashboards";
import { onlyResource, parsePolicy, resourcesOfType, synthScope, SynthJson } from "./helpers";

const ALB = "app/ghost-test/0123456789abcdef";
const BLUE = "targetgroup/ghost-test-blue/0123456789abcdef";
const GREEN = "targetgroup/ghost-test-green/fedcba9876543210";

/** A graph line in the dashboard's array form, reduced to what the tests look at. */
interface Line {
  namespace?: string;
  metricName?: string;
  dimensions: Record<string, string>;
  options: Record<string, any>;
}

function parseLine(row: unknown[]): Line {
  const options = (typeof row[row.length - 1] === "object" ? row[row.length - 1] : {}) as Record<string, any>;
  if (options.expression) return { dimensions: {}, options };
  const [namespace, metricName, ...rest] = row as string[];
  const pairs = rest.slice(0, rest.length - 1);
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
  return { namespace, metricName, dimensions, options };
}

function bodyOf(json: SynthJson, name: string): DashboardBody {
  const dashboard = Object.values(resourcesOfType(json, "aws_cloudwatch_dashboard")).find(
    (d) => d.dashboard_name === name,
  );
  if (!dashboard) throw new Error(`no dashboard ${name}`);
  return JSON.parse(dashboard.dashboard_body);
}

/** Metric widgets by title, with their lines parsed. */
function graphs(body: DashboardBody): Record<string, { properties: any; lines: Line[] }> {
  return Object.fromEntries(
    body.widgets
      .filter((widget) => widget.type === "metric")
      .map((widget: any) => [
        widget.properties.title,
        { properties: widget.properties, lines: widget.properties.metrics.map(parseLine) },
      ]),
  );
}

/** "namespace metric stat" of every line of a graph. */
function metricsOf(graph: { lines: Line[] }): string[] {
  return graph.lines.filter((l) => l.metricName).map((l) => `${l.namespace} ${l.metricName} ${l.options.stat}`);
}

// ---------------------------------------------------------------------------------------------

const serviceProps: ServiceDashboardProps = {
  namePrefix: "ghost-test",
  region: "eu-west-2",
  loadBalancer: {
    arnSuffix: ALB,
    targetGroups: [
      { name: "blue", arnSuffix: BLUE },
      { name: "green", arnSuffix: GREEN },
    ],
  },
  service: { clusterName: "ghost-test", serviceName: "ghost-blog" },
  fileSystem: { fileSystemId: "fs-123" },
  database: { instanceIdentifier: "ghost-test-ghost" },
};

function serviceBody(props: Partial<ServiceDashboardProps> = {}): DashboardBody {
  const { json } = synthScope((scope) => new ServiceDashboard(scope, "dashboard", { ...serviceProps, ...props }));
  return bodyOf(json, "ghost-test-service");
}

describe("ServiceDashboard", () => {
  it("has the ALB, ECS, EFS and database graphs", () => {
    expect(Object.keys(graphs(serviceBody()))).toEqual([
      "ALB requests",
      "ALB target response time (s)",
      "ALB 4xx / 5xx",
      "Healthy / unhealthy targets",
      "ECS CPU and memory (%)",
      "ECS tasks",
      "EFS throughput (bytes)",
      "EFS I/O limit (%) and burst credits",
      "Database CPU (%) and connections",
      "Database storage and latency",
    ]);
  });

  it("graphs ALB requests, latency percentiles and 4xx/5xx of our load balancer", () => {
    const g = graphs(serviceBody());
    expect(metricsOf(g["ALB requests"])).toEqual(["AWS/ApplicationELB RequestCount Sum"]);
    expect(metricsOf(g["ALB target response time (s)"])).toEqual([
      "AWS/ApplicationELB TargetResponseTime p50",
      "AWS/ApplicationELB TargetResponseTime p95",
      "AWS/ApplicationELB TargetResponseTime p99",
    ]);
    expect(metricsOf(g["ALB 4xx / 5xx"])).toEqual([
      "AWS/ApplicationELB HTTPCode_ELB_4XX_Count Sum",
      "AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum",
      "AWS/ApplicationELB HTTPCode_Target_4XX_Count Sum",
      "AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum",
    ]);
    for (const title of ["ALB requests", "ALB target response time (s)", "ALB 4xx / 5xx"]) {
      for (const line of g[title].lines) expect(line.dimensions).toEqual({ LoadBalancer: ALB });
    }
  });

  it("graphs healthy and unhealthy targets of each target group", () => {
    const lines = graphs(serviceBody())["Healthy / unhealthy targets"].lines;
    expect(lines.map((l) => [l.metricName, l.dimensions.TargetGroup, l.options.label])).toEqual([
      ["HealthyHostCount", BLUE, "blue healthy"],
      ["UnHealthyHostCount", BLUE, "blue unhealthy"],
      ["HealthyHostCount", GREEN, "green healthy"],
      ["UnHealthyHostCount", GREEN, "green unhealthy"],
    ]);
    for (const line of lines) expect(line.dimensions.LoadBalancer).toBe(ALB);
  });

  it("graphs the service's CPU, memory and running tasks", () => {
    const g = graphs(serviceBody());
    expect(metricsOf(g["ECS CPU and memory (%)"])).toEqual([
      "AWS/ECS CPUUtilization Average",
      "AWS/ECS CPUUtilization Maximum",
      "AWS/ECS MemoryUtilization Average",
      "AWS/ECS MemoryUtilization Maximum",
    ]);
    expect(metricsOf(g["ECS tasks"])).toEqual([
      "ECS/ContainerInsights RunningTaskCount Minimum",
      "ECS/ContainerInsights DesiredTaskCount Maximum",
      "ECS/ContainerInsights PendingTaskCount Maximum",
    ]);
    for (const title of ["ECS CPU and memory (%)", "ECS tasks"]) {
      for (const line of g[title].lines)
        expect(line.dimensions).toEqual({ ClusterName: "ghost-test", ServiceName: "ghost-blog" });
    }
  });

  it("graphs EFS throughput, I/O limit and burst credits of our file system", () => {
    const g = graphs(serviceBody());
    expect(metricsOf(g["EFS throughput (bytes)"])).toEqual([
      "AWS/EFS DataReadIOBytes Sum",
      "AWS/EFS DataWriteIOBytes Sum",
      "AWS/EFS MetadataIOBytes Sum",
    ]);
    expect(metricsOf(g["EFS I/O limit (%) and burst credits"])).toEqual([
      "AWS/EFS PercentIOLimit Maximum",
      "AWS/EFS BurstCreditBalance Minimum",
      "AWS/EFS ClientConnections Sum",
    ]);
    expect(g["EFS I/O limit (%) and burst credits"].lines[1].options.yAxis).toBe("right");
    for (const title of ["EFS throughput (bytes)", "EFS I/O limit (%) and burst credits"]) {
      for (const line of g[title].lines) expect(line.dimensions).toEqual({ FileSystemId: "fs-123" });
    }
  });

  it("graphs the database's CPU, connections, storage and latency", () => {
    const g = graphs(serviceBody());
    expect([
      ...metricsOf(g["Database CPU (%) and connections"]),
      ...metricsOf(g["Database storage and latency"]),
    ]).toEqual([
      "AWS/RDS CPUUtilization Average",
      "AWS/RDS DatabaseConnections Maximum",
      "AWS/RDS FreeStorageSpace Minimum",
      "AWS/RDS ReadLatency Average",
      "AWS/RDS WriteLatency Average",
    ]);
    for (const line of g["Database storage and latency"].lines) {
      expect(line.dimensions).toEqual({ DBInstanceIdentifier: "ghost-test-ghost" });
    }
  });

  it("has no database graphs without a database", () => {
    expect(Object.keys(graphs(serviceBody({ database: undefined }))).filter((t) => t.startsWith("Database"))).toEqual(
      [],
    );
  });

  it("sets the region on every graph and lays graphs out two per row without overlap", () => {
    const body = serviceBody();
    const cells = new Set<string>();
    for (const widget of body.widgets) {
      if (widget.type === "metric") expect(widget.properties.region).toBe("eu-west-2");
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      for (let x = widget.x; x < widget.x + widget.width; x++) {
        for (let y = widget.y; y < widget.y + widget.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("shows the alarms it is given as a status strip on top", () => {
    const alarms = ["arn:aws:cloudwatch:eu-west-2:123456789012:alarm:ghost-test-alb-5xx-rate"];
    const body = serviceBody({ alarmArns: alarms });
    expect(body.widgets[0]).toMatchObject({ type: "alarm", x: 0, y: 0, width: 24, properties: { alarms } });
    expect(body.widgets.filter((widget) => widget.type === "alarm")).toHaveLength(1);
    expect(serviceBody().widgets.some((widget) => widget.type === "alarm")).toBe(false);
  });

  it("keeps Terraform references (ARN suffixes, names) as interpolations inside the body string", () => {
    const { json } = synthScope((scope) => {
      const group = new CloudwatchLogGroup(scope, "group", { name: "x" });
      new ServiceDashboard(scope, "dashboard", {
        ...serviceProps,
        loadBalancer: { arnSuffix: group.name, targetGroups: [] },
      });
    });
    const groupAddress = Object.keys(resourcesOfType(json, "aws_cloudwatch_log_group"))[0];
    const line = graphs(bodyOf(json, "ghost-test-service"))["ALB requests"].lines[0];
    expect(line.dimensions.LoadBalancer).toBe(`\${aws_cloudwatch_log_group.${groupAddress}.name}`);
  });
});

// ---------------------------------------------------------------------------------------------

const deliveryProps: DeliveryMetricsProps = {
  namePrefix: "ghost-test",
  region: "eu-west-2",
  pipelineNames: ["ghost-test-build", "ghost-test-deploy"],
  codeDeploy: { applicationName: "ghost-test-app", deploymentGroupName: "ghost-test-group" },
  logs: { retentionDays: 30 },
};

function synthDelivery(props: Partial<DeliveryMetricsProps> = {}) {
  return synthScope((scope) => new DeliveryMetrics(scope, "delivery", { ...deliveryProps, ...props }));
}

function rulesByName(json: SynthJson): Record<string, any> {
  return Object.fromEntries(Object.values(resourcesOfType(json, "aws_cloudwatch_event_rule")).map((r) => [r.name, r]));
}

describe("DeliveryMetrics", () => {
  it("keeps the events in a log group under /aws/events with the given retention and key", () => {
    expect(synthDelivery().synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/events/ghost-test-delivery",
      retention_in_days: 30,
    });
    const keyArn = "arn:aws:kms:eu-west-2:123456789012:key/abc";
    expect(
      onlyResource(synthDelivery({ logs: { retentionDays: 90, kmsKeyArn: keyArn } }).json, "aws_cloudwatch_log_group"),
    ).toMatchObject({
      retention_in_days: 90,
      kms_key_id: keyArn,
    });
  });

  it("captures execution state changes of our pipelines only", () => {
    const rule = rulesByName(synthDelivery().json)["ghost-test-delivery-pipelines"];
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.codepipeline"],
      "detail-type": ["CodePipeline Pipeline Execution State Change"],
      detail: { pipeline: ["ghost-test-build", "ghost-test-deploy"] },
    });
  });

  it("captures every state change of our CodeDeploy deployment group", () => {
    const rule = rulesByName(synthDelivery().json)["ghost-test-delivery-deployments"];
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.codedeploy"],
      "detail-type": ["CodeDeploy Deployment State-change Notification"],
      detail: { application: ["ghost-test-app"], deploymentGroup: ["ghost-test-group"] },
    });
  });

  it("sends both rules to the log group, after the resource policy exists", () => {
    const { json } = synthDelivery();
    const groupAddress = Object.keys(resourcesOfType(json, "aws_cloudwatch_log_group"))[0];
    const policyAddress = Object.keys(resourcesOfType(json, "aws_cloudwatch_log_resource_policy"))[0];
    const targets = Object.values(resourcesOfType(json, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.arn).toBe(`\${aws_cloudwatch_log_group.${groupAddress}.arn}`);
      expect(target.role_arn).toBeUndefined();
      expect(target.depends_on).toEqual([`aws_cloudwatch_log_resource_policy.${policyAddress}`]);
    }
  });

  it("lets EventBridge create streams in the group and put events only from our rules", () => {
    const { json } = synthDelivery();
    const policy = onlyResource(json, "aws_cloudwatch_log_resource_policy");
    expect(policy.policy_name).toBe("ghost-test-delivery-events");
    const [streams, events] = parsePolicy(policy.policy_document).Statement;
    const groupArn = `\${aws_cloudwatch_log_group.${Object.keys(resourcesOfType(json, "aws_cloudwatch_log_group"))[0]}.arn}`;
    const principal = { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] };
    expect(streams).toEqual({
      Effect: "Allow",
      Sid: "EventBridgeCreatesStreams",
      Principal: principal,
      Action: ["logs:CreateLogStream"],
      Resource: `${groupArn}:*`,
    });
    const ruleArns = Object.keys(resourcesOfType(json, "aws_cloudwatch_event_rule")).map(
      (id) => `\${aws_cloudwatch_event_rule.${id}.arn}`,
    );
    expect(Object.keys(events.Condition)).toEqual(["ArnEquals"]);
    expect([...events.Condition.ArnEquals["aws:SourceArn"]].sort()).toEqual(ruleArns.sort());
    expect({ ...events, Condition: undefined }).toEqual({
      Effect: "Allow",
      Sid: "EventBridgeRulesPutEvents",
      Principal: principal,
      Action: ["logs:PutLogEvents"],
      Resource: `${groupArn}:*:*`,
      Condition: undefined,
    });
  });

  it("counts pipeline successes and failures, deployments and rollbacks with metric filters", () => {
    const filters = Object.values(resourcesOfType(synthDelivery().json, "aws_cloudwatch_log_metric_filter"));
    expect(Object.fromEntries(filters.map((f) => [f.metric_transformation.name, f.pattern]))).toEqual({
      PipelineSucceeded: '{ $.source = "aws.codepipeline" && $.detail.state = "SUCCEEDED" }',
      PipelineFailed: '{ $.source = "aws.codepipeline" && $.detail.state = "FAILED" }',
      DeploymentSucceeded: '{ $.source = "aws.codedeploy" && $.detail.state = "SUCCESS" }',
      DeploymentRolledBack:
        '{ $.source = "aws.codedeploy" && ($.detail.state = "FAILURE" || $.detail.state = "STOP") }',
    });
    expect(DELIVERY_METRIC_PATTERNS.DeploymentRolledBack).toContain("STOP");
    for (const filter of filters) {
      expect(filter.metric_transformation).toMatchObject({
        namespace: "ghost-test/Delivery",
        value: "1",
        default_value: "0",
        unit: "Count",
      });
      expect(filter.log_group_name).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/);
    }
  });

  it("shows deployment frequency, failure rate and rollbacks per week over 12 weeks", () => {
    const body = bodyOf(synthDelivery().json, "ghost-test-delivery");
    expect(body).toMatchObject({ start: "-P84D", periodOverride: "inherit" });
    const g = graphs(body);
    expect(Object.keys(g)).toEqual([
      "Deployment frequency (per week)",
      "Pipeline failure rate (% per week)",
      "Rollbacks (per week)",
    ]);
    for (const graph of Object.values(g)) expect(graph.properties.period).toBe(604800);
    expect(metricsOf(g["Deployment frequency (per week)"])).toEqual([
      "ghost-test/Delivery DeploymentSucceeded Sum",
      "ghost-test/Delivery PipelineSucceeded Sum",
    ]);
    expect(metricsOf(g["Rollbacks (per week)"])).toEqual(["ghost-test/Delivery DeploymentRolledBack Sum"]);
  });

  it("computes the failure rate from hidden succeeded and failed counts", () => {
    const lines = graphs(bodyOf(synthDelivery().json, "ghost-test-delivery"))["Pipeline failure rate (% per week)"]
      .lines;
    expect(lines[0].options).toEqual({
      expression: "100 * failed / (succeeded + failed)",
      label: "Failure rate (%)",
      id: "rate",
    });
    expect(lines.slice(1).map((l) => [l.metricName, l.options.id, l.options.visible])).toEqual([
      ["PipelineSucceeded", "succeeded", false],
      ["PipelineFailed", "failed", false],
    ]);
  });

  it("takes the namespace and the number of weeks from its props", () => {
    const body = bodyOf(synthDelivery({ metricNamespace: "Ghost/Delivery", weeks: 4 }).json, "ghost-test-delivery");
    expect(body.start).toBe("-P28D");
    expect(metricsOf(graphs(body)["Rollbacks (per week)"])).toEqual(["Ghost/Delivery DeploymentRolledBack Sum"]);
  });

  it("refuses an empty pipeline list", () => {
    expect(() => synthDelivery({ pipelineNames: [] })).toThrow(/pipelineNames/);
  });
});
