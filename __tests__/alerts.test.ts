import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import {
  ALERT_PUBLISHER_SERVICES,
  AlertTopic,
  AlertTopicProps,
  DeliveryNotifications,
  DeliveryNotificationsProps,
  PIPELINE_EVENT_TYPES,
  ServiceAlarms,
  ServiceAlarmsProps,
} from "../src/operate/alerts";
import { KEY_ADMIN_ACTIONS } from "../src/shared/logs-key";
import { testConfig } from "./support/config";
import { onlyResource, parsePolicy, resourcesOfType, synthScope, SynthJson } from "./helpers";

const ACCOUNT = "123456789012";
const TOPIC_ARN = "arn:aws:sns:eu-west-2:123456789012:ghost-test-alerts";
const GIB = 1024 ** 3;

// ---------------------------------------------------------------------------------------------

const topicProps: AlertTopicProps = {
  namePrefix: "ghost-test",
  region: "eu-west-2",
  accountId: ACCOUNT,
  emails: testConfig().alerts.emails,
};

function synthTopic(props: Partial<AlertTopicProps> = {}) {
  const result = synthScope((scope) => new AlertTopic(scope, "alerts", { ...topicProps, ...props }));
  const statements = (type: string) => parsePolicy(onlyResource(result.json, type).policy).Statement;
  const bySid = (type: string) => Object.fromEntries(statements(type).map((s) => [s.Sid, s]));
  return {
    ...result,
    keyStatements: statements("aws_kms_key"),
    keyBySid: bySid("aws_kms_key"),
    topicBySid: bySid("aws_sns_topic_policy"),
  };
}

describe("AlertTopic", () => {
  it("creates the environment's topic, encrypted with its own key and SHA256 signatures", () => {
    const { synth, json } = synthTopic();
    const keyAddress = Object.keys(resourcesOfType(json, "aws_kms_key"))[0];
    expect(synth).toHaveResourceWithProperties(SnsTopic, {
      name: "ghost-test-alerts",
      kms_master_key_id: `\${aws_kms_key.${keyAddress}.arn}`,
      signature_version: 2,
    });
  });

  it("rotates the key and names it after the topic", () => {
    const { synth } = synthTopic();
    expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: "alias/ghost-test-alerts" });
  });

  it("has a key policy of administration plus the publishing services, nothing else", () => {
    expect(synthTopic().keyStatements.map((s) => s.Sid)).toEqual([
      "AllowAccountToAdministerTheKey",
      "AllowAwsServicesToPublishToTheAlertsTopic",
    ]);
  });

  it("lets the account root administer the key with explicit actions, never kms:*", () => {
    const admin = synthTopic().keyBySid.AllowAccountToAdministerTheKey;
    expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(admin.Action).toEqual(KEY_ADMIN_ACTIONS);
    expect(admin.Action).not.toContain("kms:*");
    expect(admin.Action).not.toContain("kms:Decrypt");
  });

  it("lets exactly CloudWatch, EventBridge and CodeStar Notifications use the key, for this topic only", () => {
    const services = synthTopic().keyBySid.AllowAwsServicesToPublishToTheAlertsTopic;
    expect([...services.Principal.Service].sort()).toEqual([
      "cloudwatch.amazonaws.com",
      "codestar-notifications.amazonaws.com",
      "events.amazonaws.com",
    ]);
    expect(services.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(services.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN } });
  });

  it("never names a wildcard principal or action in the key policy", () => {
    for (const statement of synthTopic().keyStatements) {
      expect(statement.Principal).not.toBe("*");
      expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
      expect(statement.Action.filter((action: string) => action.includes("*"))).toEqual([]);
    }
  });

  it("lets the publishing services of this account publish, and nobody without TLS", () => {
    const { topicBySid, json } = synthTopic();
    const topicAddress = Object.keys(resourcesOfType(json, "aws_sns_topic"))[0];
    const topicRef = `\${aws_sns_topic.${topicAddress}.arn}`;
    expect(Object.keys(topicBySid)).toEqual(["AllowAwsServicesOfThisAccountToPublish", "DenyPublishWithoutTls"]);
    expect(topicBySid.AllowAwsServicesOfThisAccountToPublish).toEqual({
      Sid: "AllowAwsServicesOfThisAccountToPublish",
      Effect: "Allow",
      Principal: { Service: ALERT_PUBLISHER_SERVICES },
      Action: ["sns:Publish"],
      Resource: topicRef,
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
    expect(topicBySid.DenyPublishWithoutTls).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: ["sns:Publish"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("adds publisher roles (e.g. the CodeDeploy service role) to the key and the topic policy", () => {
    const role = "arn:aws:iam::123456789012:role/ghost-test-codedeploy";
    const { keyBySid, topicBySid } = synthTopic({ publisherRoleArns: [role] });
    expect(keyBySid.AllowPublisherRolesToPublishToTheAlertsTopic).toMatchObject({
      Principal: { AWS: [role] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN } },
    });
    expect(topicBySid.AllowPublisherRolesToPublish).toMatchObject({
      Principal: { AWS: [role] },
      Action: ["sns:Publish"],
    });
  });

  it("lets SES publish the mail configuration set's bounces and complaints when asked, for this topic only", () => {
    const { keyBySid, topicBySid } = synthTopic({ extraPublisherServices: ["ses.amazonaws.com"] });
    expect(keyBySid.AllowAwsServicesToPublishToTheAlertsTopic.Principal.Service).toEqual([
      ...ALERT_PUBLISHER_SERVICES,
      "ses.amazonaws.com",
    ]);
    expect(topicBySid.AllowAwsServicesOfThisAccountToPublish).toMatchObject({
      Principal: { Service: [...ALERT_PUBLISHER_SERVICES, "ses.amazonaws.com"] },
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
    expect(synthTopic().topicBySid.AllowAwsServicesOfThisAccountToPublish.Principal.Service).not.toContain(
      "ses.amazonaws.com",
    );
  });

  it("subscribes every e-mail address", () => {
    const { json } = synthTopic({ emails: ["ops@example.com", "dev@example.org"] });
    const subscriptions = Object.values(resourcesOfType(json, "aws_sns_topic_subscription"));
    expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual([
      ["email", "ops@example.com"],
      ["email", "dev@example.org"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

const ALB = "app/ghost-test/0123456789abcdef";
const BLUE = "targetgroup/ghost-test-blue/0123456789abcdef";
const GREEN = "targetgroup/ghost-test-green/fedcba9876543210";
const ECS = { ClusterName: "ghost-test", ServiceName: "ghost-blog" };

const alarmProps: ServiceAlarmsProps = {
  namePrefix: "ghost-test",
  topicArn: TOPIC_ARN,
  loadBalancer: {
    arnSuffix: ALB,
    targetGroups: [
      { name: "blue", arnSuffix: BLUE },
      { name: "green", arnSuffix: GREEN },
    ],
  },
  service: { clusterName: "ghost-test", serviceName: "ghost-blog", minRunningTasks: 1 },
  fileSystem: { fileSystemId: "fs-123", throughputMode: "bursting", performanceMode: "generalPurpose" },
  database: { instanceIdentifier: "ghost-test-ghost" },
  thresholds: testConfig().alerts.thresholds,
};

function synthAlarms(props: Partial<ServiceAlarmsProps> = {}): Record<string, any> {
  const { json } = synthScope((scope) => new ServiceAlarms(scope, "alarms", { ...alarmProps, ...props }));
  return alarmsByName(json);
}

function alarmsByName(json: SynthJson): Record<string, any> {
  return Object.fromEntries(
    Object.values(resourcesOfType(json, "aws_cloudwatch_metric_alarm")).map((alarm) => [alarm.alarm_name, alarm]),
  );
}

/** Every single-metric alarm: what it reads, when it fires, what missing data means. */
const SINGLE_METRIC_ALARMS: [string, Record<string, unknown>][] = [
  [
    "ghost-test-target-response-time-p95",
    {
      namespace: "AWS/ApplicationELB",
      metric_name: "TargetResponseTime",
      dimensions: { LoadBalancer: ALB },
      extended_statistic: "p95",
      comparison_operator: "GreaterThanThreshold",
      threshold: 2,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-unhealthy-hosts-blue",
    {
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      dimensions: { TargetGroup: BLUE, LoadBalancer: ALB },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-unhealthy-hosts-green",
    {
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      dimensions: { TargetGroup: GREEN, LoadBalancer: ALB },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-service-cpu-high",
    {
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      dimensions: ECS,
      statistic: "Average",
      comparison_operator: "GreaterThanThreshold",
      threshold: 85,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-service-memory-high",
    {
      namespace: "AWS/ECS",
      metric_name: "MemoryUtilization",
      dimensions: ECS,
      statistic: "Average",
      comparison_operator: "GreaterThanThreshold",
      threshold: 85,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-running-tasks-low",
    {
      namespace: "ECS/ContainerInsights",
      metric_name: "RunningTaskCount",
      dimensions: ECS,
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    },
  ],
  [
    "ghost-test-efs-burst-credits-low",
    {
      namespace: "AWS/EFS",
      metric_name: "BurstCreditBalance",
      dimensions: { FileSystemId: "fs-123" },
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 100 * GIB,
      treat_missing_data: "missing",
    },
  ],
  [
    "ghost-test-efs-io-limit-high",
    {
      namespace: "AWS/EFS",
      metric_name: "PercentIOLimit",
      dimensions: { FileSystemId: "fs-123" },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 90,
      treat_missing_data: "notBreaching",
    },
  ],
  [
    "ghost-test-db-cpu-high",
    {
      namespace: "AWS/RDS",
      metric_name: "CPUUtilization",
      dimensions: { DBInstanceIdentifier: "ghost-test-ghost" },
      statistic: "Average",
      comparison_operator: "GreaterThanThreshold",
      threshold: 80,
      treat_missing_data: "missing",
    },
  ],
  [
    "ghost-test-db-free-storage-low",
    {
      namespace: "AWS/RDS",
      metric_name: "FreeStorageSpace",
      dimensions: { DBInstanceIdentifier: "ghost-test-ghost" },
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 2 * GIB,
      treat_missing_data: "missing",
    },
  ],
  [
    "ghost-test-db-connections-high",
    {
      namespace: "AWS/RDS",
      metric_name: "DatabaseConnections",
      dimensions: { DBInstanceIdentifier: "ghost-test-ghost" },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 50,
      treat_missing_data: "missing",
    },
  ],
];

/** The error-rate alarms: errors over requests, both summed per period. */
const RATE_ALARMS: [string, string][] = [
  ["ghost-test-alb-5xx-rate", "HTTPCode_ELB_5XX_Count"],
  ["ghost-test-target-5xx-rate", "HTTPCode_Target_5XX_Count"],
];

describe("ServiceAlarms", () => {
  it("creates exactly the alarms of the issue when every resource is there", () => {
    expect(Object.keys(synthAlarms()).sort()).toEqual(
      [...RATE_ALARMS.map(([name]) => name), ...SINGLE_METRIC_ALARMS.map(([name]) => name)].sort(),
    );
  });

  it.each(SINGLE_METRIC_ALARMS)("%s reads its metric with its threshold and missing-data rule", (name, expected) => {
    const alarm = synthAlarms()[name];
    expect(alarm).toMatchObject({ ...expected, period: 60 });
    expect(alarm.metric_query).toBeUndefined();
  });

  it.each(RATE_ALARMS)("%s is %s as a percentage of requests above 5%%", (name, errorMetric) => {
    const alarm = synthAlarms()[name];
    expect(alarm).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: 5,
      treat_missing_data: "notBreaching",
    });
    expect(alarm.metric_name).toBeUndefined();
    const metric = (metricName: string) => ({
      namespace: "AWS/ApplicationELB",
      metric_name: metricName,
      dimensions: { LoadBalancer: ALB },
      stat: "Sum",
      period: 60,
    });
    expect(alarm.metric_query).toEqual([
      {
        id: "e1",
        expression: "100 * FILL(errors, 0) / requests",
        label: `${errorMetric} per request (%)`,
        return_data: true,
      },
      { id: "errors", return_data: false, metric: metric(errorMetric) },
      { id: "requests", return_data: false, metric: metric("RequestCount") },
    ]);
  });

  it("notifies the topic when every alarm fires and when it recovers", () => {
    for (const alarm of Object.values(synthAlarms())) {
      expect(alarm.alarm_actions).toEqual([TOPIC_ARN]);
      expect(alarm.ok_actions).toEqual([TOPIC_ARN]);
    }
  });

  it("fires on 3 of 5 one-minute periods by default", () => {
    for (const alarm of Object.values(synthAlarms())) {
      expect(alarm).toMatchObject({ evaluation_periods: 5, datapoints_to_alarm: 3 });
    }
  });

  it("ignores percentiles of too few samples", () => {
    expect(synthAlarms()["ghost-test-target-response-time-p95"].evaluate_low_sample_count_percentiles).toBe("ignore");
  });

  it("takes thresholds and evaluation from its props", () => {
    const alarms = synthAlarms({
      thresholds: {
        ...alarmProps.thresholds,
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        serviceCpuPercent: 70,
        databaseFreeStorageMinGiB: 5,
      },
    });
    expect(alarms["ghost-test-service-cpu-high"]).toMatchObject({
      threshold: 70,
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 2,
    });
    expect(alarms["ghost-test-db-free-storage-low"].threshold).toBe(5 * GIB);
    expect(alarms["ghost-test-alb-5xx-rate"].metric_query[1].metric.period).toBe(300);
  });

  it("alarms below the given task floor", () => {
    const alarms = synthAlarms({ service: { ...alarmProps.service, minRunningTasks: 2 } });
    expect(alarms["ghost-test-running-tasks-low"].threshold).toBe(2);
  });

  it("has no burst-credit alarm with elastic throughput and no I/O-limit alarm in Max I/O mode", () => {
    const alarms = synthAlarms({
      fileSystem: { fileSystemId: "fs-123", throughputMode: "elastic", performanceMode: "maxIO" },
    });
    expect(Object.keys(alarms).filter((name) => name.includes("efs"))).toEqual([]);
  });

  it("has no database alarms without a database (SQLite)", () => {
    const alarms = synthAlarms({ database: undefined });
    expect(Object.keys(alarms).filter((name) => name.includes("-db-"))).toEqual([]);
  });

  it("has no mail alarms unless Ghost sends through SES", () => {
    expect(Object.keys(synthAlarms()).filter((name) => name.includes("-mail-"))).toEqual([]);
  });

  it.each([
    ["ghost-test-mail-bounce-rate-high", "Reputation.BounceRate", 0.05],
    ["ghost-test-mail-complaint-rate-high", "Reputation.ComplaintRate", 0.001],
  ])("%s watches the account's %s over an hour, at SES's review threshold (%s)", (name, metricName, threshold) => {
    const alarm = synthAlarms({ sesReputation: true })[name];
    expect(alarm).toMatchObject({
      namespace: "AWS/SES",
      metric_name: metricName,
      statistic: "Maximum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold,
      period: 3600,
      evaluation_periods: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: [TOPIC_ARN],
    });
    expect(alarm.dimensions).toBeUndefined();
  });

  it("takes the mail thresholds, in percent, from its props", () => {
    const thresholds = { ...testConfig().alerts.thresholds, mailBounceRatePercent: 2, mailComplaintRatePercent: 0.05 };
    const alarms = synthAlarms({ sesReputation: true, thresholds });
    expect(alarms["ghost-test-mail-bounce-rate-high"].threshold).toBe(0.02);
    expect(alarms["ghost-test-mail-complaint-rate-high"].threshold).toBeCloseTo(0.0005);
  });
});

// ---------------------------------------------------------------------------------------------

const notificationProps: DeliveryNotificationsProps = {
  namePrefix: "ghost-test",
  topicArn: TOPIC_ARN,
  pipelineArns: {
    build: "arn:aws:codepipeline:eu-west-2:123456789012:ghost-test-build",
    deploy: "arn:aws:codepipeline:eu-west-2:123456789012:ghost-test-deploy",
  },
  codeDeploy: { applicationName: "ghost-test-app", deploymentGroupName: "ghost-test-group" },
};

function synthNotifications(props: Partial<DeliveryNotificationsProps> = {}) {
  return synthScope((scope) => new DeliveryNotifications(scope, "notifications", { ...notificationProps, ...props }));
}

describe("DeliveryNotifications", () => {
  it("creates a notification rule per pipeline: started, succeeded, failed, approval needed, to the topic", () => {
    const rules = Object.values(
      resourcesOfType(synthNotifications().json, "aws_codestarnotifications_notification_rule"),
    );
    expect(rules.map((rule) => [rule.name, rule.resource])).toEqual([
      ["ghost-test-build-pipeline", notificationProps.pipelineArns!.build],
      ["ghost-test-deploy-pipeline", notificationProps.pipelineArns!.deploy],
    ]);
    for (const rule of rules) {
      expect(rule.event_type_ids).toEqual(PIPELINE_EVENT_TYPES);
      expect(rule.detail_type).toBe("FULL");
      expect(rule.target).toEqual([{ address: TOPIC_ARN, type: "SNS" }]);
    }
    expect([...PIPELINE_EVENT_TYPES].sort()).toEqual([
      "codepipeline-pipeline-manual-approval-needed",
      "codepipeline-pipeline-pipeline-execution-failed",
      "codepipeline-pipeline-pipeline-execution-started",
      "codepipeline-pipeline-pipeline-execution-succeeded",
    ]);
  });

  it("creates the notification rules after the topic policy (CodeStar checks it)", () => {
    const { json } = synthScope((scope) => {
      const topic = new AlertTopic(scope, "alerts", topicProps);
      new DeliveryNotifications(scope, "notifications", {
        ...notificationProps,
        topicArn: topic.topicArn,
        topicPolicy: topic.topicPolicy,
      });
    });
    const policyAddress = Object.keys(resourcesOfType(json, "aws_sns_topic_policy"))[0];
    for (const rule of Object.values(resourcesOfType(json, "aws_codestarnotifications_notification_rule"))) {
      expect(rule.depends_on).toEqual([`aws_sns_topic_policy.${policyAddress}`]);
    }
  });

  it("sends failed and stopped (rolled-back) deployments of our deployment group to the topic", () => {
    const { json, synth } = synthNotifications();
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("ghost-test-deployment-failures");
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.codedeploy"],
      "detail-type": ["CodeDeploy Deployment State-change Notification"],
      detail: { application: ["ghost-test-app"], deploymentGroup: ["ghost-test-group"], state: ["FAILURE", "STOP"] },
    });
    expect(synth).toHaveResourceWithProperties(CloudwatchEventTarget, { arn: TOPIC_ARN, target_id: "alerts-topic" });
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.input_transformer.input_paths).toMatchObject({
      state: "$.detail.state",
      deployment: "$.detail.deploymentId",
    });
    expect(target.role_arn).toBeUndefined(); // SNS targets use the topic policy, never a role
  });

  it("creates nothing for pipelines or deployments it is not given", () => {
    const { json } = synthNotifications({ pipelineArns: undefined, codeDeploy: undefined });
    expect(resourcesOfType(json, "aws_codestarnotifications_notification_rule")).toEqual({});
    expect(resourcesOfType(json, "aws_cloudwatch_event_rule")).toEqual({});
  });
});
