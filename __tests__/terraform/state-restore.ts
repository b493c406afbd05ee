/**
 * The README's state restore, acted out on an applied environment whose state lives in the
 * emulator's versioned S3 bucket: the state object deleted with its DynamoDB digest (Terraform
 * then plans to create everything again), then the previous version restored and the digest
 * rewritten as the README says, after which the plan must be the stack's own again.
 */
import { Emulator } from "../../tools/emulator";
import { ApplicableSet, classifyChanges, PlannedChange, planJson, readStack, targetArgs } from "./e2e";

export interface StateRestore {
  /** Resources the plan wanted to create while the state was gone. */
  readonly createdWithoutState: number;
  /** The version that was current when the state was lost, and the one the restore brought back. */
  readonly lostVersionId: string;
  readonly restoredVersionId: string;
  /** What a plan still wants once the state is back (emulator drift at most). */
  readonly changesAfterRestore: PlannedChange[];
}

export async function loseAndRestoreState(emulator: Emulator, dir: string, set: ApplicableSet): Promise<StateRestore> {
  const { bucket, key, region, dynamodb_table: table } = readStack(dir).terraform.backend.s3;
  const s3 = (method: string, params: Record<string, unknown>) => emulator.call("s3", method, params, region);
  const digestKey = { LockID: { S: `${bucket}/${key}-md5` } };

  // The mistake: the state object deleted (a delete marker in a versioned bucket) and its digest.
  const { VersionId: lostVersionId } = await s3("head_object", { Bucket: bucket, Key: key });
  await s3("delete_object", { Bucket: bucket, Key: key });
  await emulator.call("dynamodb", "delete_item", { TableName: table, Key: digestKey }, region);
  const lost = await planJson(dir, targetArgs(set), "state-lost");
  const createdWithoutState = (lost.plan.resource_changes ?? []).filter((change) =>
    change.change.actions.includes("create"),
  ).length;

  // The restore (README, Recovery): the newest version that is not a delete marker, copied back
  // over the key; the digest set to that object's MD5 (its ETag), as Terraform wrote it.
  const { Versions } = await s3("list_object_versions", { Bucket: bucket, Prefix: key });
  // S3 lists versions newest first; delete markers are listed apart (DeleteMarkers).
  const previous = (Versions as { Key: string; VersionId: string }[]).find((version) => version.Key === key)!;
  await s3("copy_object", {
    Bucket: bucket,
    Key: key,
    CopySource: { Bucket: bucket, Key: key, VersionId: previous.VersionId },
  });
  const { ETag } = await s3("head_object", { Bucket: bucket, Key: key });
  const digest = String(ETag).replace(/"/g, "");
  await emulator.call(
    "dynamodb",
    "put_item",
    { TableName: table, Item: { ...digestKey, Digest: { S: digest } } },
    region,
  );
  const restored = await planJson(dir, targetArgs(set), "state-restored");
  return {
    createdWithoutState,
    lostVersionId,
    restoredVersionId: previous.VersionId,
    changesAfterRestore: restored.code === 0 ? [] : classifyChanges(restored.plan),
  };
}
