import { Construct } from "constructs";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { RegistryConfig } from "../config";

export interface RegistryProps {
  /** The environment's `registry` section: name, tag mutability, images kept. */
  readonly config: RegistryConfig;
  /** Terraform refuses to destroy or replace the repository (the config's `preventDestroy`). */
  readonly preventDestroy: boolean;
  /**
   * Customer-managed KMS key ARN for the images.
   * @default undefined (the AWS-managed ECR key; encryption type is KMS either way)
   */
  readonly kmsKeyArn?: string;
}

/** An ECR repository: scanned on push, KMS-encrypted, old and untagged images expired. */
export class Registry extends Construct {
  readonly repository: EcrRepository;
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly repositoryArn: string;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const { repositoryName, imageTagMutability, keepImages } = props.config;

    this.repository = new EcrRepository(this, "repository", {
      name: repositoryName,
      imageTagMutability,
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: false, // a destroy must never take the images with it
      lifecycle: { preventDestroy: props.preventDestroy },
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
