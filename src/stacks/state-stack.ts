import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { StateConfig } from "../config";
import { LocalMode } from "./local-mode";
import { SecureBucket } from "../shared/secure-bucket";
import { ghostAwsProvider } from "./aws-provider";

export interface StateStackProps {
  readonly project: string;
  readonly state: StateConfig;
  /** @default undefined (real AWS) */
  readonly local?: LocalMode;
  /** Where the bootstrap stack keeps its own (local) state. @default "terraform.<stack>.tfstate" in the working directory */
  readonly localStatePath?: string;
}

/** Name of the bootstrap stack that owns the state bucket and the lock table. */
export function stateStackName(project: string): string {
  return `${project}-state`;
}

/**
 * Bootstrap: the S3 bucket and DynamoDB table that hold every environment's Terraform state.
 * Its own state stays local (terraform.<stack>.tfstate in the project root): it cannot live in
 * the bucket it creates. Both resources refuse `terraform destroy` (prevent_destroy).
 */
export class StateStack extends TerraformStack {
  readonly bucketName: string;
  readonly lockTableName: string;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: props.localStatePath });
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
