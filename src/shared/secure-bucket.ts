import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { TerraformResourceLifecycle } from "cdktf";
import { denyInsecureTransport, policyDocument, PolicyStatement } from "./iam";

export interface SecureBucketProps {
  /** Bucket name (globally unique). */
  readonly bucketName: string;
  /** Customer-managed KMS key ARN for default encryption. @default undefined (SSE-S3, AES256) */
  readonly kmsKeyArn?: string;
  /** Delete noncurrent object versions after this many days. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Delete current objects after this many days. @default undefined (kept) */
  readonly expirationDays?: number;
  /** Statements added to the bucket policy, after the TLS-only deny. @default [] */
  readonly extraPolicyStatements?: (bucketArn: string) => PolicyStatement[];
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** Refuse to destroy the bucket (Terraform `prevent_destroy`). @default false */
  readonly preventDestroy?: boolean;
}

/**
 * An S3 bucket the way every bucket here must be: versioned, encrypted by default, all four
 * public-access blocks on, a policy that denies requests without TLS, old versions expired.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The bucket policy: services that check it before writing (ALB logs) depend on it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const lifecycle: TerraformResourceLifecycle | undefined = props.preventDestroy
      ? { preventDestroy: true }
      : undefined;

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });

    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
        },
      ],
    });

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: policyDocument([
        denyInsecureTransport([this.bucketArn, `${this.bucketArn}/*`]),
        ...(props.extraPolicyStatements?.(this.bucketArn) ?? []),
      ]),
      // S3 rejects a bucket policy while the public-access block is being applied.
      dependsOn: [publicAccessBlock],
    });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-old-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          expiration: props.expirationDays ? [{ days: props.expirationDays }] : undefined,
        },
      ],
    });
  }
}
