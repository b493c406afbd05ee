import { Construct } from "constructs";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DatabaseConfig } from "../config";
import { logGroup, LogSettings } from "../shared/log-group";

/** MySQL logs shipped to CloudWatch (general/audit logs are too chatty for a blog). */
const LOG_EXPORTS = ["error", "slowquery"];

export interface DatabaseProps {
  /** Prefix of every resource name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** Private subnets of the DB subnet group (RDS needs at least two AZs). */
  readonly subnetIds: string[];
  /** Security group of the instance (lets the Ghost tasks in on 3306). */
  readonly securityGroupId: string;
  /** The environment's `database` section. */
  readonly config: DatabaseConfig;
  /** Terraform refuses to destroy or replace the instance (the config's `preventDestroy`). */
  readonly preventDestroy: boolean;
  /** Retention and key of the exported MySQL logs. */
  readonly logs: LogSettings;
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
    const { config } = props;
    const engineVersion = config.engineVersion;
    this.databaseName = config.databaseName;
    this.username = config.username;

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
    const logGroups = LOG_EXPORTS.map((log) =>
      logGroup(this, `log-group-${log}`, `/aws/rds/instance/${identifier}/${log}`, props.logs),
    );

    this.instance = new DbInstance(this, "instance", {
      identifier,
      engine: "mysql",
      engineVersion,
      instanceClass: config.instanceClass,
      storageType: "gp3",
      storageEncrypted: true,
      allocatedStorage: config.allocatedStorageGb,
      maxAllocatedStorage: config.maxAllocatedStorageGb,
      dbName: this.databaseName,
      username: this.username,
      manageMasterUserPassword: true,
      publiclyAccessible: false,
      vpcSecurityGroupIds: [props.securityGroupId],
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: parameterGroup.name,
      multiAz: config.multiAz,
      deletionProtection: config.deletionProtection,
      backupRetentionPeriod: config.backupRetentionDays,
      caCertIdentifier: config.caCertificate,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      enabledCloudwatchLogsExports: LOG_EXPORTS,
      // Whatever deletes the instance (a destroy, a replacement) leaves a snapshot and the
      // automated backups behind, with or without deletion protection.
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.namePrefix}-final`,
      deleteAutomatedBackups: false,
      lifecycle: { preventDestroy: props.preventDestroy },
      dependsOn: logGroups,
    });

    this.address = this.instance.address;
    this.port = this.instance.port;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.instanceIdentifier = this.instance.identifier;
  }
}
