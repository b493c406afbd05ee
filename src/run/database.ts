import { Construct } from "constructs";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";

/** MySQL logs shipped to CloudWatch (general/audit logs are too chatty for a blog). */
const LOG_EXPORTS = ["error", "slowquery"];

export interface DatabaseProps {
  /** Prefix of every resource name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** Private subnets of the DB subnet group (RDS needs at least two AZs). */
  readonly subnetIds: string[];
  /** Security group of the instance (lets the Ghost tasks in on 3306). */
  readonly securityGroupId: string;
  /** RDS instance class. @default "db.t4g.micro" */
  readonly instanceClass?: string;
  /** MySQL engine version, major 8 ("8.0", or a full "8.0.x"). @default "8.0" */
  readonly engineVersion?: string;
  /** Allocated storage, GiB. @default 20 */
  readonly allocatedStorageGb?: number;
  /** Storage autoscaling ceiling, GiB (>= allocated). @default 100 */
  readonly maxAllocatedStorageGb?: number;
  /** Multi-AZ standby. @default false */
  readonly multiAz?: boolean;
  /** RDS deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /** Automated backup retention, days. @default 7 */
  readonly backupRetentionDays?: number;
  /** Database (schema) name. @default "ghost" */
  readonly databaseName?: string;
  /** Master user name; RDS generates its password and keeps it in Secrets Manager. @default "ghost" */
  readonly username?: string;
  /** Take a final snapshot `${namePrefix}-final` when the instance is destroyed. @default true */
  readonly finalSnapshot?: boolean;
  /** Retention of the exported MySQL logs, days. @default 30 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group(s) (its policy must allow CloudWatch Logs). @default undefined (CloudWatch-managed encryption) */
  readonly logsKmsKeyArn?: string;
}

/**
 * RDS MySQL 8 for Ghost: private, encrypted gp3 storage with autoscaling, TLS-only connections,
 * master password managed by RDS in Secrets Manager (never in Terraform state), error and
 * slow-query logs in CloudWatch.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  /** Host name of the instance endpoint. */
  readonly address: string;
  /** Port of the instance endpoint, as a number token (use `Token.asString` for an env var). */
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  /** Secrets Manager secret (JSON `{"username","password"}`) that RDS creates and rotates. */
  readonly masterUserSecretArn: string;
  readonly instanceIdentifier: string;
  /** The parameter group refuses plain-text connections: Ghost must connect with TLS. */
  readonly requiresTls = true as const;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    if (props.subnetIds.length < 2) throw new Error("Database: RDS needs subnets in at least two AZs");
    const identifier = `${props.namePrefix}-ghost`;
    const engineVersion = props.engineVersion ?? "8.0";
    const allocatedStorage = props.allocatedStorageGb ?? 20;
    const maxAllocatedStorage = props.maxAllocatedStorageGb ?? 100;
    if (maxAllocatedStorage < allocatedStorage) {
      throw new Error("Database: maxAllocatedStorageGb must be >= allocatedStorageGb");
    }
    const finalSnapshot = props.finalSnapshot ?? true;
    this.databaseName = props.databaseName ?? "ghost";
    this.username = props.username ?? "ghost";

    const subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: identifier,
      description: `Private subnets of ${identifier}`,
      subnetIds: props.subnetIds,
    });

    // "8.0" or "8.0.39" -> "mysql8.0".
    const family = `mysql${engineVersion.split(".").slice(0, 2).join(".")}`;
    const parameterGroup = new DbParameterGroup(this, "parameter-group", {
      // The family is in the name so a major upgrade can create the new group before dropping the old.
      name: `${identifier}-${family.replace(".", "-")}`,
      family,
      description: `TLS-only ${family} for ${identifier}`,
      parameter: [
        // Encryption in transit: the server refuses every connection without TLS.
        { name: "require_secure_transport", value: "1" },
        // The "slowquery" export is empty unless MySQL writes its slow log to a file.
        { name: "slow_query_log", value: "1" },
        { name: "log_output", value: "FILE" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS writes into these names; creating them first keeps their retention under our control.
    const logGroups = LOG_EXPORTS.map(
      (log) =>
        new CloudwatchLogGroup(this, `log-group-${log}`, {
          name: `/aws/rds/instance/${identifier}/${log}`,
          retentionInDays: props.logRetentionDays ?? 30,
          kmsKeyId: props.logsKmsKeyArn,
        }),
    );

    this.instance = new DbInstance(this, "instance", {
      identifier,
      engine: "mysql",
      engineVersion,
      instanceClass: props.instanceClass ?? "db.t4g.micro",
      storageType: "gp3",
      storageEncrypted: true,
      allocatedStorage,
      maxAllocatedStorage,
      dbName: this.databaseName,
      username: this.username,
      manageMasterUserPassword: true,
      publiclyAccessible: false,
      vpcSecurityGroupIds: [props.securityGroupId],
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: parameterGroup.name,
      multiAz: props.multiAz ?? false,
      deletionProtection: props.deletionProtection ?? false,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      enabledCloudwatchLogsExports: LOG_EXPORTS,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? `${props.namePrefix}-final` : undefined,
      dependsOn: logGroups,
    });

    this.address = this.instance.address;
    this.port = this.instance.port;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.instanceIdentifier = this.instance.identifier;
  }
}
