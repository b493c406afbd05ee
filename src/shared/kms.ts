/** Shared pieces of KMS key policies, and the account id read from an ARN (no AWS look-up). */
import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { PolicyStatement } from "./iam";

/**
 * What the account root may do with a key: manage it, never use it. The AWS default key policy
 * gives the root `kms:*`, which lets any IAM policy in the account grant Decrypt or
 * GenerateDataKey on the key; listing the administrative actions instead keeps every use of the
 * key in the key policy itself, where it can be reviewed. PutKeyPolicy is in the list, so the key
 * can never lock its owner out (and KMS's lockout check passes).
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** Using a key: with these on the root, IAM policies decide which roles may use it. */
export const KEY_USE_ACTIONS = [
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:RetireGrant",
];

/** The account and partition a key policy is written for (Terraform expressions are fine). */
export interface KeyPolicyAccount {
  /** 12-digit account id, or a Terraform expression that yields it. */
  readonly accountId: string;
  /** ARN partition. @default "aws" */
  readonly partition?: string;
}

/**
 * The account root's statement. By default it administers the key only (every use is granted in
 * the key policy); with `delegateUseToIam` it may also use it, so IAM policies of named roles
 * grant the use (the pattern for a key shared by several roles of our own).
 */
export function keyAdminStatement(
  account: KeyPolicyAccount,
  options: { delegateUseToIam?: boolean } = {},
): PolicyStatement {
  return {
    Sid: options.delegateUseToIam ? "AccountAdministersAndDelegatesToIam" : "AllowAccountToAdministerTheKey",
    Principal: { AWS: `arn:${account.partition ?? "aws"}:iam::${account.accountId}:root` },
    Action: options.delegateUseToIam ? [...KEY_ADMIN_ACTIONS, ...KEY_USE_ACTIONS].sort() : KEY_ADMIN_ACTIONS,
    Resource: "*", // in a key policy, "*" is the key the policy is attached to
  };
}

/**
 * The account id (field 5) of an ARN of a resource the stack creates: account-derived values
 * without a data source, so plans need no AWS call. A local keeps the expression (and its quotes)
 * out of the JSON documents that embed it.
 */
export function accountIdOf(scope: Construct, id: string, arn: string): string {
  return new TerraformLocal(scope, id, Fn.element(Fn.split(":", arn), 4)).asString;
}
