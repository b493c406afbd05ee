import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { RegistryConfig } from "../src/config";
import { Registry } from "../src/build/registry";
import { onlyResource, synthScope } from "./helpers";
import { testConfig } from "./support/config";

function synthRegistry(registry: Partial<RegistryConfig> = {}, kmsKeyArn?: string, preventDestroy = false) {
  const config = testConfig({ registry: { repositoryName: "ghost-test/ghost", ...registry } }).registry;
  return synthScope((scope) => new Registry(scope, "registry", { config, kmsKeyArn, preventDestroy }));
}

describe("Registry", () => {
  it("scans images on push", () => {
    const { synth } = synthRegistry();
    expect(synth).toHaveResourceWithProperties(EcrRepository, {
      name: "ghost-test/ghost",
      image_scanning_configuration: { scan_on_push: true },
    });
  });

  it("encrypts with the AWS-managed KMS key by default", () => {
    const { json } = synthRegistry();
    expect(onlyResource(json, "aws_ecr_repository").encryption_configuration).toEqual([{ encryption_type: "KMS" }]);
  });

  it("encrypts with the given customer-managed key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/abc";
    const { json } = synthRegistry({}, kmsKeyArn);
    expect(onlyResource(json, "aws_ecr_repository").encryption_configuration).toEqual([
      { encryption_type: "KMS", kms_key: kmsKeyArn },
    ]);
  });

  it("keeps tags mutable by default", () => {
    expect(onlyResource(synthRegistry().json, "aws_ecr_repository").image_tag_mutability).toBe("MUTABLE");
  });

  it("makes tags immutable when asked", () => {
    expect(
      onlyResource(synthRegistry({ imageTagMutability: "IMMUTABLE" }).json, "aws_ecr_repository").image_tag_mutability,
    ).toBe("IMMUTABLE");
  });

  it.each([true, false])("sets the repository's prevent_destroy to preventDestroy (%s)", (preventDestroy) => {
    const repository = onlyResource(synthRegistry({}, undefined, preventDestroy).json, "aws_ecr_repository");
    expect(repository.lifecycle).toEqual({ prevent_destroy: preventDestroy });
  });

  it("does not force-delete a repository holding images by default", () => {
    expect(onlyResource(synthRegistry().json, "aws_ecr_repository").force_delete).toBe(false);
  });

  it("expires untagged images after 1 day, then keeps only the last keepImages images", () => {
    const { json } = synthRegistry({ keepImages: 5 });
    const rules = JSON.parse(onlyResource(json, "aws_ecr_lifecycle_policy").policy).rules;
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      rulePriority: 1,
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
      action: { type: "expire" },
    });
    expect(rules[1]).toMatchObject({
      rulePriority: 2,
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 },
      action: { type: "expire" },
    });
  });

  it("keeps 10 images by default", () => {
    const rules = JSON.parse(onlyResource(synthRegistry().json, "aws_ecr_lifecycle_policy").policy).rules;
    expect(rules[1].selection.countNumber).toBe(10);
  });
});
