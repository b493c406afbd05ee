import { Construct } from "constructs";
import { GHOST, StorageConfig } from "../config";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { assumeRolePolicy, denyInsecureTransport, policyDocument } from "../shared/iam";

/** AWS Backup's own policies for the role it backs up and restores with. */
const BACKUP_POLICY_ARNS = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];
/** Every day at 05:00 UTC (AWS Backup's default window starts within the hour). */
const DAILY_BACKUP = "cron(0 5 ? * * *)";

export interface StorageProps {
  /** Prefix of every resource name, e.g. "ghost-prod". */
  readonly namePrefix: string;
  /** Private subnets; one mount target is created in each (one per AZ). */
  readonly subnetIds: string[];
  /** Security group of the mount targets (lets the Ghost tasks in on NFS, 2049). */
  readonly securityGroupId: string;
  /** ARN of the ECS task role: the only principal the file-system policy lets mount. */
  readonly taskRoleArn: string;
  /** The environment's `storage` section: performance and throughput modes, Infrequent Access transition. */
  readonly config: StorageConfig;
  /** Terraform refuses to destroy or replace the file system and its backup vault (the config's `preventDestroy`). */
  readonly preventDestroy: boolean;
  /** Customer-managed KMS key ARN for encryption at rest. @default undefined (the AWS-managed `aws/elasticfilesystem` key; encryption is always on) */
  readonly kmsKeyArn?: string;
}

/**
 * Encrypted EFS file system for Ghost's content directory, reachable only through one access
 * point (rooted at /ghost-data, owned by Ghost's uid/gid), only over TLS and only by the task role.
 *
 * The ECS volume must therefore use `transitEncryption: "ENABLED"` and
 * `authorizationConfig: { accessPointId, iam: "ENABLED" }`.
 */
export class Storage extends Construct {
  readonly fileSystem: EfsFileSystem;
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly accessPointId: string;
  readonly accessPointArn: string;
  /** Mount targets, so the ECS service can depend on them (a task cannot mount before they exist). */
  readonly mountTargets: EfsMountTarget[];
  /** The vault of the file system's daily backups. */
  readonly backupVault: BackupVault;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    if (props.subnetIds.length === 0) throw new Error("Storage: subnetIds must not be empty");
    const name = `${props.namePrefix}-ghost-content`;

    this.fileSystem = new EfsFileSystem(this, "file-system", {
      creationToken: name,
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      performanceMode: props.config.performanceMode,
      throughputMode: props.config.throughputMode,
      lifecyclePolicy: [{ transitionToIa: props.config.transitionToIa }],
      // The EFS console lists file systems by their Name tag.
      tags: { Name: name },
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    this.fileSystemId = this.fileSystem.id;
    this.fileSystemArn = this.fileSystem.arn;

    this.backupVault = this.backups(props);

    this.mountTargets = props.subnetIds.map(
      (subnetId, index) =>
        new EfsMountTarget(this, `mount-target-${index}`, {
          fileSystemId: this.fileSystem.id,
          subnetId,
          securityGroups: [props.securityGroupId],
        }),
    );

    const accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: this.fileSystem.id,
      rootDirectory: {
        path: "/ghost-data",
        // EFS creates the directory on first use, owned by Ghost so it can write its content.
        creationInfo: { ownerUid: GHOST.uid, ownerGid: GHOST.gid, permissions: "755" },
      },
      // Every NFS request through the access point runs as Ghost's user, whatever the client says.
      posixUser: { uid: GHOST.uid, gid: GHOST.gid },
      tags: { Name: `${name}-ap` },
    });
    this.accessPointId = accessPoint.id;
    this.accessPointArn = accessPoint.arn;

    new EfsFileSystemPolicy(this, "policy", {
      fileSystemId: this.fileSystem.id,
      policy: policyDocument([
        denyInsecureTransport([this.fileSystemArn]),
        {
          Sid: "AllowGhostTaskThroughAccessPoint",
          Principal: { AWS: props.taskRoleArn },
          // No ClientRootAccess: the access point already maps every request to uid 1000.
          Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
          Resource: this.fileSystemArn,
          Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPointArn } },
        },
      ]),
    });
  }

  /**
   * Daily backups of the file system into a vault of its own, kept `backupRetentionDays`: the
   * recovery points are not part of the file system, so they outlive it (AWS refuses to delete a
   * vault that still holds any). This plan replaces EFS's automatic backups (a backup policy),
   * whose vault and 35-day retention cannot be chosen.
   */
  private backups(props: StorageProps): BackupVault {
    // 50 characters at most for a vault or a plan: the prefix and a short suffix.
    const name = `${props.namePrefix}-efs`;
    const vault = new BackupVault(this, "backup-vault", {
      name,
      kmsKeyArn: props.kmsKeyArn,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    const plan = new BackupPlan(this, "backup-plan", {
      name,
      rule: [
        {
          ruleName: "daily",
          targetVaultName: vault.name,
          schedule: DAILY_BACKUP,
          lifecycle: { deleteAfter: props.config.backupRetentionDays },
        },
      ],
    });
    const role = new IamRole(this, "backup-role", {
      name: `${props.namePrefix}-backup`,
      assumeRolePolicy: assumeRolePolicy("backup.amazonaws.com"),
    });
    BACKUP_POLICY_ARNS.forEach(
      (policyArn, index) =>
        new IamRolePolicyAttachment(this, `backup-role-policy-${index}`, { role: role.name, policyArn }),
    );
    new BackupSelection(this, "backup-selection", {
      name,
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: [this.fileSystemArn],
    });
    return vault;
  }
}
