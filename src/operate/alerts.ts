import { Construct } from "constructs";
import { DIMENSIONS, NAMESPACES } from "./metrics";
import { ITerraformDependable } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { AlarmThresholds, EfsPerformanceMode, EfsThroughputMode } from "../config";
import { policyDocument, PolicyStatement } from "../shared/iam";
import { keyAdminStatement } from "../shared/logs-key";

// ---------------------------------------------------------------------------------------------
// The alerts topic
// ---------------------------------------------------------------------------------------------

/** The AWS services that publish to the alerts topic: alarms, EventBridge rules, notification rules. */
export const ALERT_PUBLISHER_SERVICES = [
  "cloudwatch.amazonaws.com",
  "events.amazonaws.com",
  "codestar-notifications.amazonaws.com",
];

/**
 * What a publisher needs on the key of an encrypted topic: SNS generates a data key for the
 * message and decrypts it for delivery (SNS developer guide, "Key management": "The publisher
 * must have the kms:GenerateDataKey and kms:Decrypt permissions"). No wildcard: SNS calls
 * exactly these two.
 */
export const TOPIC_PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];

export interface AlertTopicProps {
  /** Prefix of every name; the topic is `<namePrefix>-alerts`. */
  readonly namePrefix: string;
  /** Region of the topic (its ARN is built, not read, so the key policy can name it). */
  readonly region: string;
  /** Account of the topic and of the key's administrators (a Terraform expression is fine). */
  readonly accountId: string;
  /** ARN partition. @default "aws" */
  readonly partition?: string;
  /** E-mail addresses subscribed to the topic (the config's `alerts.emails`); each must confirm. */
  readonly emails: string[];
  /**
   * IAM roles that publish themselves (e.g. a CodeDeploy service role used by deployment-group
   * triggers, which publish with the role's credentials): they get sns:Publish in the topic policy
   * and the publisher actions on the key. Each role still needs sns:Publish in its own policy.
   * @default []
   */
  readonly publisherRoleArns?: string[];
  /** AWS services that publish besides ALERT_PUBLISHER_SERVICES (e.g. SES's bounce events). @default [] */
  readonly extraPublisherServices?: string[];
  /** Waiting period before a deleted key is gone, days (7 to 30). @default 30 */
  readonly keyDeletionWindowDays?: number;
}

/**
 * The one SNS topic of an environment, encrypted with its own KMS key. Only CloudWatch alarms,
 * EventBridge rules and CodeStar notification rules of this account (and the listed roles) may
 * publish, only over TLS; the key serves them only for this topic (SNS encryption context).
 */
export class AlertTopic extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly topic: SnsTopic;
  readonly topicArn: string;
  readonly topicName: string;
  /** Notification rules must wait for it: CodeStar checks the topic policy when a rule is created. */
  readonly topicPolicy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const emails = props.emails;
    const partition = props.partition ?? "aws";
    const roles = props.publisherRoleArns ?? [];
    const services = [...ALERT_PUBLISHER_SERVICES, ...(props.extraPublisherServices ?? [])];
    this.topicName = `${props.namePrefix}-alerts`;
    // Built from its parts: the topic needs the key first, so the key policy cannot reference it.
    const topicArn = `arn:${partition}:sns:${props.region}:${props.accountId}:${this.topicName}`;
    // SNS passes the topic ARN as encryption context: the key works for this topic and no other.
    const forThisTopic = { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } };

    const keyStatements: PolicyStatement[] = [
      keyAdminStatement(props),
      {
        Sid: "AllowAwsServicesToPublishToTheAlertsTopic",
        Principal: { Service: services },
        Action: TOPIC_PUBLISHER_KEY_ACTIONS,
        Resource: "*",
        Condition: forThisTopic,
      },
    ];
    if (roles.length > 0) {
      keyStatements.push({
        Sid: "AllowPublisherRolesToPublishToTheAlertsTopic",
        Principal: { AWS: roles },
        Action: TOPIC_PUBLISHER_KEY_ACTIONS,
        Resource: "*",
        Condition: forThisTopic,
      });
    }
    this.key = new KmsKey(this, "key", {
      description: `${props.namePrefix}: alerts topic encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? 30,
      policy: policyDocument(keyStatements),
    });
    this.keyArn = this.key.arn;
    new KmsAlias(this, "key-alias", { name: `alias/${this.topicName}`, targetKeyId: this.key.keyId });

    this.topic = new SnsTopic(this, "topic", {
      name: this.topicName,
      kmsMasterKeyId: this.key.arn,
      signatureVersion: 2, // SHA256-signed deliveries
    });
    this.topicArn = this.topic.arn;

    const topicStatements: PolicyStatement[] = [
      {
        Sid: "AllowAwsServicesOfThisAccountToPublish",
        Principal: { Service: services },
        Action: ["sns:Publish"],
        Resource: this.topic.arn,
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      },
      ...(roles.length > 0
        ? [
            {
              Sid: "AllowPublisherRolesToPublish",
              Principal: { AWS: roles },
              Action: ["sns:Publish"],
              Resource: this.topic.arn,
            },
          ]
        : []),
      {
        Sid: "DenyPublishWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: ["sns:Publish"],
        Resource: this.topic.arn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    this.topicPolicy = new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: policyDocument(topicStatements),
    });

    emails.forEach(
      (email, index) =>
        new SnsTopicSubscription(this, `email-${index}`, {
          topicArn: this.topic.arn,
          protocol: "email",
          endpoint: email,
        }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

/** A CloudWatch statistic, or a percentile such as "p95" (an extended statistic). */
export type Statistic = "Average" | "Sum" | "Minimum" | "Maximum" | "SampleCount" | `p${number}`;
export type ComparisonOperator =
  "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
/** What an alarm makes of a period without data; chosen per alarm, with the reason next to it. */
export type TreatMissingData = "breaching" | "notBreaching" | "ignore" | "missing";

export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: Statistic;
}

/** Metric math: an expression over named metrics (ids: lower-case letter first). */
export interface MetricMathSpec {
  readonly expression: string;
  readonly label: string;
  readonly metrics: Record<string, MetricSpec>;
}

export interface AlarmSpec {
  /** Name suffix, also the construct id unless `id` is given: the alarm is `<namePrefix>-<name>`. */
  readonly name: string;
  /** Construct id, when it differs from the name (kept so that no resource address moves). */
  readonly id?: string;
  readonly description: string;
  readonly metric: MetricSpec | MetricMathSpec;
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  readonly treatMissingData: TreatMissingData;
  /** Its own evaluation, when the metric's cadence differs from the shared one. @default the shared evaluation */
  readonly evaluation?: AlarmEvaluation;
}

/** How an alarm evaluates: `datapointsToAlarm` (default: all) of the last `evaluationPeriods` periods. */
export interface AlarmEvaluation {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
}

function isMath(metric: MetricSpec | MetricMathSpec): metric is MetricMathSpec {
  return "expression" in metric;
}

function isPercentile(stat: Statistic): boolean {
  return stat.startsWith("p");
}

/**
 * The one alarm builder: a metric (or metric math) alarm that notifies the topic when it fires
 * and when it recovers; without a topic it notifies nobody (CodeDeploy watches it).
 */
export function metricAlarm(
  scope: Construct,
  namePrefix: string,
  topicArn: string | undefined,
  sharedEvaluation: AlarmEvaluation,
  spec: AlarmSpec,
): CloudwatchMetricAlarm {
  const id = spec.id ?? spec.name;
  const evaluation = spec.evaluation ?? sharedEvaluation;
  const period = evaluation.periodSeconds;
  const common = {
    alarmName: `${namePrefix}-${spec.name}`,
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: evaluation.evaluationPeriods,
    datapointsToAlarm: evaluation.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    alarmActions: topicArn ? [topicArn] : undefined,
    okActions: topicArn ? [topicArn] : undefined,
  };
  const metric = spec.metric;
  if (isMath(metric)) {
    const queries: CloudwatchMetricAlarmMetricQuery[] = [
      { id: "e1", expression: metric.expression, label: metric.label, returnData: true },
      ...Object.entries(metric.metrics).map(([id, m]) => ({
        id,
        returnData: false,
        metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period },
      })),
    ];
    return new CloudwatchMetricAlarm(scope, id, { ...common, metricQuery: queries });
  }
  const percentile = isPercentile(metric.stat);
  return new CloudwatchMetricAlarm(scope, id, {
    ...common,
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: Object.keys(metric.dimensions).length > 0 ? metric.dimensions : undefined,
    period,
    statistic: percentile ? undefined : metric.stat,
    extendedStatistic: percentile ? metric.stat : undefined,
    // A percentile of a handful of requests is noise: keep the state until there are enough samples.
    evaluateLowSampleCountPercentiles: percentile ? "ignore" : undefined,
  });
}

const GIB = 1024 ** 3;

export interface ServiceAlarmsProps {
  /** Prefix of every alarm name. */
  readonly namePrefix: string;
  /** Topic every alarm notifies (ALARM and OK). */
  readonly topicArn: string;
  /** The ALB and its target groups (names like "blue"/"green" name the per-group alarms). */
  readonly loadBalancer: {
    readonly arnSuffix: string;
    readonly targetGroups: { readonly name: string; readonly arnSuffix: string }[];
  };
  /** The ECS service; `minRunningTasks` is the floor below which it alarms (the autoscaling minimum). */
  readonly service: { readonly clusterName: string; readonly serviceName: string; readonly minRunningTasks: number };
  /** The EFS file system and its modes (they decide which EFS alarm applies). @default undefined (no EFS alarm) */
  readonly fileSystem?: {
    readonly fileSystemId: string;
    readonly throughputMode: EfsThroughputMode;
    readonly performanceMode: EfsPerformanceMode;
  };
  /** The RDS instance, when MySQL is used. @default undefined (no database alarms) */
  readonly database?: { readonly instanceIdentifier: string };
  /** Alarm on the account's SES reputation (mail.mode "ses"). @default false */
  readonly sesReputation?: boolean;
  /** The config's `alerts.thresholds`: thresholds and evaluation of every alarm. */
  readonly thresholds: AlarmThresholds;
}

/** SES computes reputation rates over a representative volume of mail: an hour is its rhythm, not a minute. */
const SES_REPUTATION_EVALUATION: AlarmEvaluation = { periodSeconds: 3600, evaluationPeriods: 1 };

/**
 * The alarms of one Ghost site: load balancer errors and latency, unhealthy targets, service CPU,
 * memory and task count, EFS credits or I/O, and the database when there is one.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];
  readonly alarmArns: string[];
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const specs = ServiceAlarms.specs(props, t);
    this.alarms = specs.map((spec) => metricAlarm(this, props.namePrefix, props.topicArn, t, spec));
    this.alarmArns = this.alarms.map((alarm) => alarm.arn);
    this.alarmNames = specs.map((spec) => `${props.namePrefix}-${spec.name}`);
  }

  /** Every alarm as data: what it measures, when it fires, and what missing data means for it. */
  static specs(props: ServiceAlarmsProps, t: AlarmThresholds): AlarmSpec[] {
    const alb = DIMENSIONS.loadBalancer(props.loadBalancer.arnSuffix);
    const albMetric = (metricName: string, stat: Statistic): MetricSpec => ({
      namespace: NAMESPACES.loadBalancer,
      metricName,
      dimensions: alb,
      stat,
    });
    /** Errors as a percentage of requests; no requests means no datapoint. */
    const errorRate = (errorMetric: string): MetricMathSpec => ({
      expression: "100 * FILL(errors, 0) / requests",
      label: `${errorMetric} per request (%)`,
      metrics: { errors: albMetric(errorMetric, "Sum"), requests: albMetric("RequestCount", "Sum") },
    });
    const ecs = DIMENSIONS.service(props.service);

    const specs: AlarmSpec[] = [
      {
        name: "alb-5xx-rate",
        description: `More than ${t.loadBalancer5xxPercent}% of requests answered 5xx by the load balancer (no healthy Ghost, timeouts).`,
        metric: errorRate("HTTPCode_ELB_5XX_Count"),
        comparison: "GreaterThanThreshold",
        threshold: t.loadBalancer5xxPercent,
        treatMissingData: "notBreaching", // no requests, no errors
      },
      {
        name: "target-5xx-rate",
        description: `More than ${t.target5xxPercent}% of requests answered 5xx by Ghost.`,
        metric: errorRate("HTTPCode_Target_5XX_Count"),
        comparison: "GreaterThanThreshold",
        threshold: t.target5xxPercent,
        treatMissingData: "notBreaching", // no requests, no errors
      },
      {
        name: "target-response-time-p95",
        description: `95th percentile of Ghost's response time above ${t.targetResponseTimeP95Seconds} s.`,
        metric: albMetric("TargetResponseTime", "p95"),
        comparison: "GreaterThanThreshold",
        threshold: t.targetResponseTimeP95Seconds,
        treatMissingData: "notBreaching", // no requests, nothing slow
      },
      ...props.loadBalancer.targetGroups.map((group): AlarmSpec => ({
        name: `unhealthy-hosts-${group.name}`,
        description: `Target group ${group.name} has unhealthy Ghost tasks.`,
        metric: {
          namespace: NAMESPACES.loadBalancer,
          metricName: "UnHealthyHostCount",
          dimensions: DIMENSIONS.targetGroup(props.loadBalancer.arnSuffix, group.arnSuffix),
          stat: "Maximum",
        },
        comparison: "GreaterThanThreshold",
        threshold: 0,
        // The idle blue/green group has no targets between deployments: silence is normal.
        treatMissingData: "notBreaching",
      })),
      {
        name: "service-cpu-high",
        description: `Average CPU of the Ghost service above ${t.serviceCpuPercent}%.`,
        metric: { namespace: NAMESPACES.service, metricName: "CPUUtilization", dimensions: ecs, stat: "Average" },
        comparison: "GreaterThanThreshold",
        threshold: t.serviceCpuPercent,
        treatMissingData: "notBreaching", // no tasks is the running-tasks alarm's business
      },
      {
        name: "service-memory-high",
        description: `Average memory of the Ghost service above ${t.serviceMemoryPercent}%.`,
        metric: { namespace: NAMESPACES.service, metricName: "MemoryUtilization", dimensions: ecs, stat: "Average" },
        comparison: "GreaterThanThreshold",
        threshold: t.serviceMemoryPercent,
        treatMissingData: "notBreaching", // no tasks is the running-tasks alarm's business
      },
      {
        // A fixed floor (the autoscaling minimum), not RunningTaskCount < DesiredTaskCount: desired
        // jumps ahead of running on every scale-out and blue/green deployment, which would alarm
        // each time; fewer tasks than the floor is always an outage in the making.
        name: "running-tasks-low",
        description: `Fewer than ${props.service.minRunningTasks} Ghost task(s) running.`,
        metric: {
          namespace: NAMESPACES.containerInsights,
          metricName: "RunningTaskCount",
          dimensions: ecs,
          stat: "Minimum",
        },
        comparison: "LessThanThreshold",
        threshold: props.service.minRunningTasks,
        treatMissingData: "breaching", // Container Insights reports every minute: silence means no service
      },
    ];

    const fs = props.fileSystem;
    if (fs) {
      const efs = DIMENSIONS.fileSystem(fs.fileSystemId);
      if (fs.throughputMode === "bursting") {
        specs.push({
          name: "efs-burst-credits-low",
          description: `EFS burst-credit balance below ${t.efsBurstCreditBalanceMinGiB} GiB: throughput drops to the baseline when it runs out.`,
          metric: {
            namespace: NAMESPACES.fileSystem,
            metricName: "BurstCreditBalance",
            dimensions: efs,
            stat: "Minimum",
          },
          comparison: "LessThanThreshold",
          threshold: t.efsBurstCreditBalanceMinGiB * GIB,
          treatMissingData: "missing", // reported every minute: a gap is a delivery delay, keep the state
        });
      }
      if (fs.performanceMode === "generalPurpose") {
        specs.push({
          name: "efs-io-limit-high",
          description: `EFS at more than ${t.efsPercentIoLimit}% of the General Purpose I/O limit.`,
          metric: { namespace: NAMESPACES.fileSystem, metricName: "PercentIOLimit", dimensions: efs, stat: "Maximum" },
          comparison: "GreaterThanThreshold",
          threshold: t.efsPercentIoLimit,
          treatMissingData: "notBreaching", // only reported while there is I/O
        });
      }
    }

    const db = props.database;
    if (db) {
      const rds = (metricName: string, stat: Statistic): MetricSpec => ({
        namespace: NAMESPACES.database,
        metricName,
        dimensions: DIMENSIONS.database(db.instanceIdentifier),
        stat,
      });
      // RDS reports every minute while the instance runs; a gap (reboot, maintenance) keeps the
      // state, and an outage shows in the load balancer and task alarms.
      specs.push(
        {
          name: "db-cpu-high",
          description: `Average CPU of the database above ${t.databaseCpuPercent}%.`,
          metric: rds("CPUUtilization", "Average"),
          comparison: "GreaterThanThreshold",
          threshold: t.databaseCpuPercent,
          treatMissingData: "missing",
        },
        {
          name: "db-free-storage-low",
          description: `Database free storage below ${t.databaseFreeStorageMinGiB} GiB.`,
          metric: rds("FreeStorageSpace", "Minimum"),
          comparison: "LessThanThreshold",
          threshold: t.databaseFreeStorageMinGiB * GIB,
          treatMissingData: "missing",
        },
        {
          name: "db-connections-high",
          description: `More than ${t.databaseConnectionsMax} database connections.`,
          metric: rds("DatabaseConnections", "Maximum"),
          comparison: "GreaterThanThreshold",
          threshold: t.databaseConnectionsMax,
          treatMissingData: "missing",
        },
      );
    }
    if (props.sesReputation) {
      const reputation = (metricName: string): MetricSpec => ({
        namespace: NAMESPACES.mail,
        metricName,
        dimensions: {}, // the account's rate: the one SES reviews and pauses on
        stat: "Maximum",
      });
      specs.push(
        {
          name: "mail-bounce-rate-high",
          description: `SES bounce rate at ${t.mailBounceRatePercent}% or more: SES reviews the account at 5% and may pause sending at 10%.`,
          metric: reputation("Reputation.BounceRate"),
          comparison: "GreaterThanOrEqualToThreshold",
          threshold: t.mailBounceRatePercent / 100,
          treatMissingData: "notBreaching", // no mail sent, no rate
          evaluation: SES_REPUTATION_EVALUATION,
        },
        {
          name: "mail-complaint-rate-high",
          description: `SES complaint rate at ${t.mailComplaintRatePercent}% or more: SES reviews the account at 0.1% and may pause sending at 0.5%.`,
          metric: reputation("Reputation.ComplaintRate"),
          comparison: "GreaterThanOrEqualToThreshold",
          threshold: t.mailComplaintRatePercent / 100,
          treatMissingData: "notBreaching", // no mail sent, no rate
          evaluation: SES_REPUTATION_EVALUATION,
        },
      );
    }
    return specs;
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline and deployment notifications
// ---------------------------------------------------------------------------------------------

/** CodeStar notification event types sent for every pipeline. */
export const PIPELINE_EVENT_TYPES = [
  "codepipeline-pipeline-pipeline-execution-started",
  "codepipeline-pipeline-pipeline-execution-succeeded",
  "codepipeline-pipeline-pipeline-execution-failed",
  "codepipeline-pipeline-manual-approval-needed",
];

export const CODEDEPLOY_DEPLOYMENT_EVENT = "CodeDeploy Deployment State-change Notification";
/**
 * Deployment states that end with the traffic on the original task set: FAILURE (CodeDeploy
 * rolls back automatically) and STOP (stopped by hand or by an alarm, and rolled back).
 */
export const CODEDEPLOY_ROLLBACK_STATES = ["FAILURE", "STOP"];

export interface DeliveryNotificationsProps {
  /** Prefix of every name. */
  readonly namePrefix: string;
  /** Topic the notifications go to. */
  readonly topicArn: string;
  /** The topic policy, so notification rules are created after it (CodeStar checks it). @default undefined */
  readonly topicPolicy?: ITerraformDependable;
  /** Pipelines to notify about, by a short label (e.g. { build: arn, deploy: arn }). @default {} */
  readonly pipelineArns?: Record<string, string>;
  /** The CodeDeploy deployment group whose failures and rollbacks are sent. @default undefined */
  readonly codeDeploy?: { readonly applicationName: string; readonly deploymentGroupName: string };
}

/**
 * Pipeline notifications (CodeStar notification rules: started, succeeded, failed, approval
 * needed) and an EventBridge rule for failed and rolled-back CodeDeploy deployments, all to the
 * alerts topic.
 */
export class DeliveryNotifications extends Construct {
  readonly notificationRules: CodestarnotificationsNotificationRule[];
  readonly deploymentRule?: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: DeliveryNotificationsProps) {
    super(scope, id);
    const dependsOn = props.topicPolicy ? [props.topicPolicy] : undefined;

    this.notificationRules = Object.entries(props.pipelineArns ?? {}).map(
      ([label, arn]) =>
        new CodestarnotificationsNotificationRule(this, `pipeline-${label}`, {
          name: `${props.namePrefix}-${label}-pipeline`,
          resource: arn,
          detailType: "FULL",
          eventTypeIds: PIPELINE_EVENT_TYPES,
          target: [{ address: props.topicArn, type: "SNS" }],
          dependsOn,
        }),
    );

    const deploy = props.codeDeploy;
    if (deploy) {
      this.deploymentRule = new CloudwatchEventRule(this, "deployment-failures", {
        name: `${props.namePrefix}-deployment-failures`,
        description: "Failed or stopped (rolled back) CodeDeploy deployments of Ghost",
        eventPattern: JSON.stringify({
          source: ["aws.codedeploy"],
          "detail-type": [CODEDEPLOY_DEPLOYMENT_EVENT],
          detail: {
            application: [deploy.applicationName],
            deploymentGroup: [deploy.deploymentGroupName],
            state: CODEDEPLOY_ROLLBACK_STATES,
          },
        }),
      });
      new CloudwatchEventTarget(this, "deployment-failures-to-topic", {
        rule: this.deploymentRule.name,
        targetId: "alerts-topic",
        arn: props.topicArn,
        // A sentence rather than the raw event JSON in the e-mail.
        inputTransformer: {
          inputPaths: {
            application: "$.detail.application",
            group: "$.detail.deploymentGroup",
            deployment: "$.detail.deploymentId",
            state: "$.detail.state",
            region: "$.region",
          },
          inputTemplate:
            '"CodeDeploy deployment <deployment> of <application>/<group> ended in state <state> ' +
            '(<region>): traffic stays on, or went back to, the original task set."',
        },
        dependsOn,
      });
    }
  }
}
