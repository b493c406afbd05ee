/**
 * The resource types that hold data a replacement or a destroy would lose, and what each holds:
 * the deploy commands' plan check lists every planned change that deletes one of them.
 */
export const STATEFUL_RESOURCES: Readonly<Record<string, string>> = {
  aws_efs_file_system: "Ghost's content (images, themes, uploads)",
  aws_backup_vault: "the file system's backups (recovery points)",
  aws_db_instance: "Ghost's database",
  aws_ecr_repository: "the built Ghost images",
  aws_codecommit_repository: "the Ghost repository and its history",
  aws_s3_bucket: "its objects (state, pipeline artifacts, access logs)",
  aws_dynamodb_table: "the state locks and digests",
  aws_kms_key: "the key to what it encrypted (unreadable once the key is gone)",
  aws_cloudwatch_log_group: "the log history",
  aws_secretsmanager_secret: "the owner's first password and the deployment key (the only copy of the password)",
};

/**
 * What the README's teardown takes out of the state before the destroy, so that it outlives the
 * environment: the vault of the file system's backups (AWS refuses to delete it while it holds
 * recovery points anyway), and the owner bootstrap's secrets, which open the accounts of the
 * database its final snapshot keeps (a later deploy of the environment imports them: npm run recover).
 */
export const KEPT_ON_TEARDOWN: readonly string[] = ["aws_backup_vault", "aws_secretsmanager_secret"];
