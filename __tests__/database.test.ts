// Types of the cdktf jest matchers (setup.js installs them at run time).
import "cdktf/lib/testing/adapters/jest";
import { TerraformOutput } from "cdktf";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DatabaseConfig } from "../src/config";
import { Database, DatabaseProps } from "../src/run/database";
import { onlyResource, resourcesOfType, synthScope } from "./helpers";
import { testConfig } from "./support/config";

const resolved = testConfig();
const baseProps: DatabaseProps = {
  namePrefix: "ghost-test",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupId: "sg-db",
  config: resolved.database,
  preventDestroy: false,
  logs: { retentionDays: resolved.logs.retentionDays },
};

function synthDatabase(props: Partial<DatabaseProps> = {}, database: Partial<DatabaseConfig> = {}) {
  const config = { ...baseProps.config, ...database };
  return synthScope((scope) => new Database(scope, "database", { ...baseProps, ...props, config }));
}

function instanceOf(database: Partial<DatabaseConfig> = {}, props: Partial<DatabaseProps> = {}) {
  return onlyResource(synthDatabase(props, database).json, "aws_db_instance");
}

describe("Database", () => {
  it("runs MySQL 8.4 on db.t4g.micro by default", () => {
    expect(synthDatabase().synth).toHaveResourceWithProperties(DbInstance, {
      identifier: "ghost-test-ghost",
      engine: "mysql",
      engine_version: "8.4",
      instance_class: "db.t4g.micro",
    });
  });

  it("follows the engine version and instance class given", () => {
    expect(instanceOf({ engineVersion: "8.0.39", instanceClass: "db.t4g.small" })).toMatchObject({
      engine_version: "8.0.39",
      instance_class: "db.t4g.small",
    });
  });

  it("stores data on encrypted gp3 with storage autoscaling", () => {
    expect(instanceOf()).toMatchObject({
      storage_type: "gp3",
      storage_encrypted: true,
      allocated_storage: 20,
      max_allocated_storage: 100,
    });
    expect(instanceOf({ allocatedStorageGb: 50, maxAllocatedStorageGb: 200 })).toMatchObject({
      allocated_storage: 50,
      max_allocated_storage: 200,
    });
  });

  it("lets RDS manage the master password, with none in the configuration", () => {
    const instance = instanceOf();
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance).not.toHaveProperty("password");
    expect(instance).not.toHaveProperty("password_wo");
  });

  it("exposes the managed secret's ARN from the master_user_secret block", () => {
    let database!: Database;
    const { json } = synthScope((scope) => {
      database = new Database(scope, "database", baseProps);
      new TerraformOutput(scope, "secret", { value: database.masterUserSecretArn });
    });
    expect(json.output?.secret.value).toMatch(/^\$\{aws_db_instance\.[^.]+\.master_user_secret\[0\]\.secret_arn\}$/);
    expect(database.requiresTls).toBe(true);
  });

  it("names the database and master user", () => {
    expect(instanceOf()).toMatchObject({ db_name: "ghost", username: "ghost" });
    expect(instanceOf({ databaseName: "blog", username: "admin_user" })).toMatchObject({
      db_name: "blog",
      username: "admin_user",
    });
  });

  it("is private, in the security group and the subnet group", () => {
    const { json } = synthDatabase();
    const instance = onlyResource(json, "aws_db_instance");
    expect(instance.publicly_accessible).toBe(false);
    expect(instance.vpc_security_group_ids).toEqual(["sg-db"]);
    expect(instance.db_subnet_group_name).toMatch(/^\$\{aws_db_subnet_group\.[^.]+\.name\}$/);
  });

  it("puts the subnet group over every subnet", () => {
    const subnetIds = ["subnet-a", "subnet-b", "subnet-c"];
    expect(synthDatabase({ subnetIds }).synth).toHaveResourceWithProperties(DbSubnetGroup, {
      subnet_ids: subnetIds,
    });
  });

  it("refuses fewer than two subnets", () => {
    expect(() => synthDatabase({ subnetIds: ["subnet-a"] })).toThrow(/two AZs/);
  });

  it("forces TLS through a mysql8.4 parameter group attached to the instance", () => {
    const { json } = synthDatabase();
    const group = onlyResource(json, "aws_db_parameter_group");
    expect(group.family).toBe("mysql8.4");
    expect(group.parameter).toContainEqual({ name: "require_secure_transport", value: "1" });
    expect(onlyResource(json, "aws_db_instance").parameter_group_name).toMatch(
      /^\$\{aws_db_parameter_group\.[^.]+\.name\}$/,
    );
  });

  it("pins its TLS certificate to a current RDS certificate authority, the one given", () => {
    expect(instanceOf().ca_cert_identifier).toBe("rds-ca-rsa2048-g1");
    expect(instanceOf({ caCertificate: "rds-ca-ecc384-g1" }).ca_cert_identifier).toBe("rds-ca-ecc384-g1");
  });

  it("derives the parameter group family from a full engine version", () => {
    const group = onlyResource(synthDatabase({}, { engineVersion: "8.0.39" }).json, "aws_db_parameter_group");
    expect(group.family).toBe("mysql8.0");
  });

  it("is single-AZ, unprotected and keeps 7 days of backups by default", () => {
    expect(instanceOf()).toMatchObject({
      multi_az: false,
      deletion_protection: false,
      backup_retention_period: 7,
    });
  });

  it("follows Multi-AZ, deletion protection and backup retention given", () => {
    expect(instanceOf({ multiAz: true, deletionProtection: true, backupRetentionDays: 30 })).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      backup_retention_period: 30,
    });
  });

  it.each([true, false])(
    "takes a final snapshot and keeps the automated backups whenever the instance is deleted (deletion protection %s)",
    (deletionProtection) => {
      expect(instanceOf({ deletionProtection })).toMatchObject({
        skip_final_snapshot: false,
        final_snapshot_identifier: "ghost-test-final",
        delete_automated_backups: false,
      });
    },
  );

  it.each([true, false])("sets prevent_destroy to preventDestroy (%s)", (preventDestroy) => {
    expect(instanceOf({}, { preventDestroy }).lifecycle).toEqual({ prevent_destroy: preventDestroy });
  });

  it("copies tags to snapshots, upgrades minor versions and does not apply immediately", () => {
    const instance = instanceOf();
    expect(instance).toMatchObject({ copy_tags_to_snapshot: true, auto_minor_version_upgrade: true });
    expect(instance.apply_immediately).not.toBe(true);
  });

  it("exports the error and slow-query logs, with the slow log written to a file", () => {
    const { json } = synthDatabase();
    expect(onlyResource(json, "aws_db_instance").enabled_cloudwatch_logs_exports).toEqual(["error", "slowquery"]);
    const parameters = onlyResource(json, "aws_db_parameter_group").parameter;
    expect(parameters).toContainEqual({ name: "slow_query_log", value: "1" });
    expect(parameters).toContainEqual({ name: "log_output", value: "FILE" });
  });

  it("creates the RDS log groups with retention before the instance", () => {
    const { synth, json } = synthDatabase();
    for (const log of ["error", "slowquery"]) {
      expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/rds/instance/ghost-test-ghost/${log}`,
        retention_in_days: 30,
      });
    }
    const logGroupIds = Object.keys(resourcesOfType(json, "aws_cloudwatch_log_group"));
    expect(onlyResource(json, "aws_db_instance").depends_on.sort()).toEqual(
      logGroupIds.map((id) => `aws_cloudwatch_log_group.${id}`).sort(),
    );
  });

  it("follows the log retention given", () => {
    const groups = Object.values(
      resourcesOfType(synthDatabase({ logs: { retentionDays: 90 } }).json, "aws_cloudwatch_log_group"),
    );
    expect(groups.map((g) => g.retention_in_days)).toEqual([90, 90]);
  });
});
