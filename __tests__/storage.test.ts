// Types of the cdktf jest matchers (setup.js installs them at run time).
import "cdktf/lib/testing/adapters/jest";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { Storage, StorageProps } from "../src/run/storage";
import { StorageConfig } from "../src/config";
import { onlyResource, parsePolicy, resourcesOfType, synthScope } from "./helpers";
import { testConfig } from "./support/config";

/** Terraform references to the file system's and the access point's ARN. */
const FS_ARN = /^\$\{aws_efs_file_system\.[^.]+\.arn\}$/;
const AP_ARN = /^\$\{aws_efs_access_point\.[^.]+\.arn\}$/;
const TASK_ROLE_ARN = "arn:aws:iam::123456789012:role/ghost-test-task";
const baseProps: StorageProps = {
  config: testConfig().storage,
  namePrefix: "ghost-test",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupId: "sg-efs",
  taskRoleArn: TASK_ROLE_ARN,
  preventDestroy: false,
};

function synthStorage(props: Partial<StorageProps> = {}, storage: Partial<StorageConfig> = {}) {
  const config = { ...baseProps.config, ...storage };
  return synthScope((scope) => new Storage(scope, "storage", { ...baseProps, ...props, config }));
}

function policyStatements(json: ReturnType<typeof synthStorage>["json"]) {
  return parsePolicy(onlyResource(json, "aws_efs_file_system_policy").policy).Statement;
}

describe("Storage", () => {
  it("encrypts the file system and names it from the prefix", () => {
    const { synth } = synthStorage();
    expect(synth).toHaveResourceWithProperties(EfsFileSystem, {
      encrypted: true,
      creation_token: "ghost-test-ghost-content",
      tags: { Name: "ghost-test-ghost-content" },
    });
  });

  it("uses the AWS-managed key by default and the given key otherwise", () => {
    expect(onlyResource(synthStorage().json, "aws_efs_file_system").kms_key_id).toBeUndefined();
    const keyArn = "arn:aws:kms:eu-west-2:123456789012:key/abc";
    const fs = onlyResource(synthStorage({ kmsKeyArn: keyArn }).json, "aws_efs_file_system");
    expect(fs).toMatchObject({ encrypted: true, kms_key_id: keyArn });
  });

  it("defaults to generalPurpose performance and bursting throughput", () => {
    expect(synthStorage().synth).toHaveResourceWithProperties(EfsFileSystem, {
      performance_mode: "generalPurpose",
      throughput_mode: "bursting",
    });
  });

  it("follows the performance and throughput modes given", () => {
    expect(
      synthStorage({}, { performanceMode: "maxIO", throughputMode: "elastic" }).synth,
    ).toHaveResourceWithProperties(EfsFileSystem, {
      performance_mode: "maxIO",
      throughput_mode: "elastic",
    });
  });

  it("moves files not read for 30 days to Infrequent Access by default (the app's default, not a construct's)", () => {
    const fs = onlyResource(synthStorage().json, "aws_efs_file_system");
    expect(fs.lifecycle_policy).toEqual([{ transition_to_ia: "AFTER_30_DAYS" }]);
  });

  it("follows the transition given", () => {
    const fs = onlyResource(synthStorage({}, { transitionToIa: "AFTER_7_DAYS" }).json, "aws_efs_file_system");
    expect(fs.lifecycle_policy).toEqual([{ transition_to_ia: "AFTER_7_DAYS" }]);
  });

  it.each([true, false])("sets the file system's prevent_destroy to preventDestroy (%s)", (preventDestroy) => {
    const fileSystem = onlyResource(synthStorage({ preventDestroy }).json, "aws_efs_file_system");
    expect(fileSystem.lifecycle).toEqual({ prevent_destroy: preventDestroy });
  });

  it("backs the file system up every day into a vault of its own, kept backupRetentionDays", () => {
    const { json } = synthStorage({}, { backupRetentionDays: 90 });
    const vault = onlyResource(json, "aws_backup_vault");
    expect(vault.name).toBe("ghost-test-efs");
    expect(onlyResource(json, "aws_backup_plan").rule).toEqual([
      {
        rule_name: "daily",
        target_vault_name: expect.stringMatching(/^\$\{aws_backup_vault\.[^.]+\.name\}$/),
        schedule: "cron(0 5 ? * * *)",
        lifecycle: { delete_after: 90 },
      },
    ]);
    const selection = onlyResource(json, "aws_backup_selection");
    expect(selection.resources).toEqual([expect.stringMatching(FS_ARN)]);
  });

  it("lets AWS Backup back up and restore with its own service-role policies, under a role only it can assume", () => {
    const { json } = synthStorage();
    const role = onlyResource(json, "aws_iam_role");
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
    const attached = Object.values(resourcesOfType(json, "aws_iam_role_policy_attachment")).map((a) => a.policy_arn);
    expect(attached.sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(onlyResource(json, "aws_backup_selection").iam_role_arn).toMatch(/^\$\{aws_iam_role\.[^.]+\.arn\}$/);
  });

  it("no longer turns on EFS's automatic backups (its own plan replaces them)", () => {
    expect(resourcesOfType(synthStorage().json, "aws_efs_backup_policy")).toEqual({});
  });

  it.each([true, false])("sets the backup vault's prevent_destroy to preventDestroy (%s)", (preventDestroy) => {
    const vault = onlyResource(synthStorage({ preventDestroy }).json, "aws_backup_vault");
    expect(vault.lifecycle).toEqual({ prevent_destroy: preventDestroy });
  });

  it("creates one mount target per subnet, each with the security group", () => {
    const subnetIds = ["subnet-a", "subnet-b", "subnet-c"];
    const targets = Object.values(resourcesOfType(synthStorage({ subnetIds }).json, "aws_efs_mount_target"));
    expect(targets.map((t) => t.subnet_id).sort()).toEqual(subnetIds);
    for (const target of targets) expect(target.security_groups).toEqual(["sg-efs"]);
  });

  it("exposes the mount targets as resources", () => {
    let storage!: Storage;
    synthScope((scope) => {
      storage = new Storage(scope, "storage", baseProps);
    });
    expect(storage.mountTargets).toHaveLength(baseProps.subnetIds.length);
  });

  it("refuses an empty subnet list", () => {
    expect(() => synthStorage({ subnetIds: [] })).toThrow(/subnetIds/);
  });

  it("roots the access point at /ghost-data owned by Ghost's user", () => {
    expect(synthStorage().synth).toHaveResourceWithProperties(EfsAccessPoint, {
      root_directory: {
        path: "/ghost-data",
        creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "755" },
      },
      posix_user: { uid: 1000, gid: 1000 },
    });
  });

  it("denies every request without TLS", () => {
    const deny = policyStatements(synthStorage().json).find((s) => s.Effect === "Deny");
    expect(deny).toMatchObject({
      Principal: "*",
      Action: ["*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(deny.Resource).toEqual([expect.stringMatching(FS_ARN)]);
  });

  it("allows only the task role to mount and write, only through the access point", () => {
    const allows = policyStatements(synthStorage().json).filter((s) => s.Effect === "Allow");
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow.Principal).toEqual({ AWS: TASK_ROLE_ARN });
    expect([...allow.Action].sort()).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
    expect(allow.Resource).toMatch(FS_ARN);
    expect(allow.Condition).toEqual({
      StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringMatching(AP_ARN) },
    });
  });

  it("grants no wildcard action and no root access", () => {
    const allowed = policyStatements(synthStorage().json)
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [].concat(s.Action));
    for (const action of allowed) expect(action).not.toContain("*");
    expect(allowed).not.toContain("elasticfilesystem:ClientRootAccess");
  });
});
