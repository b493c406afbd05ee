import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { StateConfig } from "../config";
import { LocalMode } from "./local-mode";
import { SecureBucket } from "../shared/secure-bucket";
import { ghostAwsProvider } from "./aws-provider";
import { bootstrapStateKey, ghostS3Backend } from "./backend";

export interface StateStackProps {
  readonly project: string;
  readonly state: StateConfig;
  /** @default undefined (real AWS) */
  readonly local?: LocalMode;
  /** Where the bootstrap stack keeps its own state until it is self-hosted. @default "terraform.<stack>.tfstate" in the working directory */
  readonly localStatePath?: string;
}

/** Name of the bootstrap stack that owns the state bucket and the lock table. */
export function stateStackName(project: string): string {
  return `${project}-state`;
}

/**
 * Bootstrap: the S3 bucket and DynamoDB table that hold every environment's Terraform state.
 * Its own state starts local (terraform.<stack>.tfstate in the project root), since the bucket does
 * not exist yet; with `state.selfHosted` it moves into that bucket, under its own key. Both
 * resources refuse `terraform destroy` (prevent_destroy).
 */
export class StateStack extends TerraformStack {
  readonly bucketName: string;
  readonly lockTableName: string;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    if (props.state.selfHosted) {
      ghostS3Backend(this, { key: bootstrapStateKey(props.project), state: props.state, local: props.local });
    } else {
      new LocalBackend(this, { path: props.localStatePath });
    }
    ghostAwsProvider(this, {
      region: props.state.region,
      tags: { Project: props.project, Purpose: "terraform-state" },
      local: props.local,
    });

    const bucket = new SecureBucket(this, "state-bucket", {
      bucketName: props.state.bucket,
      noncurrentVersionExpirationDays: 90,
      preventDestroy: true,
    });

    const table = new DynamodbTable(this, "lock-table", {
      name: props.state.lockTable,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });

    this.bucketName = bucket.bucketName;
    this.lockTableName = table.name;
    new TerraformOutput(this, "state_bucket", {
      value: this.bucketName,
      description: "S3 bucket holding Terraform state",
    });
    new TerraformOutput(this, "lock_table", {
      value: this.lockTableName,
      description: "DynamoDB table holding state locks",
    });
  }
}
