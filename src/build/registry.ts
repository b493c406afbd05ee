import { Construct } from "constructs";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";

export interface RegistryProps {
  /** Repository name, e.g. "ghost-prod/ghost". */
  readonly repositoryName: string;
  /**
   * Tag mutability.
   * @default "MUTABLE" (the deploy pipeline follows the moving `latest` tag)
   */
  readonly imageTagMutability?: "MUTABLE" | "IMMUTABLE";
  /** How many images to keep (older ones expire). @default 10 */
  readonly keepImages?: number;
  /**
   * Customer-managed KMS key ARN for the images.
   * @default undefined (the AWS-managed ECR key; encryption type is KMS either way)
   */
  readonly kmsKeyArn?: string;
  /** Let `terraform destroy` delete a repository that still holds images. @default false */
  readonly forceDelete?: boolean;
}

/** An ECR repository: scanned on push, KMS-encrypted, old and untagged images expired. */
export class Registry extends Construct {
  readonly repository: EcrRepository;
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly repositoryArn: string;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? 10;

    this.repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: props.imageTagMutability ?? "MUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: props.forceDelete ?? false,
    });

    new EcrLifecyclePolicy(this, "lifecycle-policy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: "Expire untagged images after 1 day",
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
            action: { type: "expire" },
          },
          {
            // A tagStatus "any" rule must have the highest priority number.
            rulePriority: 2,
            description: `Keep only the last ${keepImages} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
            action: { type: "expire" },
          },
        ],
      }),
    });

    this.repositoryName = this.repository.name;
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
  }
}
