import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { renderTaskDefinition, TaskDefinitionProps, TaskDefinitionSpec } from "../../run/service";

/** The name CodeDeployToECS's `Image1ContainerName` gives the image placeholder. */
export const IMAGE1_PLACEHOLDER_NAME = "IMAGE1_NAME";
/** The text in taskdef.json that CodePipeline replaces with the image URI (and digest) of the ECR source. */
export const IMAGE1_PLACEHOLDER = `<${IMAGE1_PLACEHOLDER_NAME}>`;
/** The Terraform output holding the taskdef.json template, every id and ARN resolved by Terraform. */
export const TASK_DEFINITION_TEMPLATE_OUTPUT = "task_definition_template";

/**
 * The CodeDeploy task definition template: the very object the Terraform task definition is
 * built from (`renderTaskDefinition` with the same props), only the image replaced by the placeholder.
 */
export function taskDefinitionTemplate(props: TaskDefinitionProps): TaskDefinitionSpec {
  return renderTaskDefinition({ ...props, image: IMAGE1_PLACEHOLDER });
}

/**
 * Adds the `task_definition_template` output to a stack: Terraform resolves the role ARNs, EFS
 * ids, log group, secret ARNs and site URL that exist only after apply, and `npm run app-repo`
 * writes the value as taskdef.json. Returns the existing output when the stack already has it.
 *
 * The value is a JSON string, built exactly like the resource's `container_definitions`: every
 * reference is interpolated into a string (an object output would turn the database port into
 * a number, which RegisterTaskDefinition refuses as an environment value).
 */
export function taskDefinitionTemplateOutput(stack: Construct, props: TaskDefinitionProps): TerraformOutput {
  const existing = stack.node.tryFindChild(TASK_DEFINITION_TEMPLATE_OUTPUT);
  if (existing instanceof TerraformOutput) return existing;
  return new TerraformOutput(stack, TASK_DEFINITION_TEMPLATE_OUTPUT, {
    value: JSON.stringify(taskDefinitionTemplate(props)),
    description: "taskdef.json for CodeDeploy (npm run app-repo): the Terraform task definition with <IMAGE1_NAME>",
  });
}

/** Output values as `terraform output -json` prints them. */
export type TerraformOutputs = Record<string, { readonly value: unknown; readonly sensitive?: boolean }>;

/**
 * The task definition template from `terraform output -json`; throws with a clear message when
 * the output is missing or still holds an unresolved reference.
 */
export function taskDefinitionFromOutputs(outputs: TerraformOutputs): TaskDefinitionSpec {
  const output = outputs[TASK_DEFINITION_TEMPLATE_OUTPUT];
  if (!output) {
    throw new Error(
      `the Terraform outputs have no "${TASK_DEFINITION_TEMPLATE_OUTPUT}": apply the environment stack first, ` +
        "then pass `terraform output -json` of that stack",
    );
  }
  if (typeof output.value !== "string") throw new Error(`"${TASK_DEFINITION_TEMPLATE_OUTPUT}" is not a JSON string`);
  const spec = JSON.parse(output.value) as TaskDefinitionSpec;
  const containers = spec?.containerDefinitions;
  if (!Array.isArray(containers) || !containers.some((container) => container.image === IMAGE1_PLACEHOLDER)) {
    throw new Error(
      `"${TASK_DEFINITION_TEMPLATE_OUTPUT}" is not a task definition with the ${IMAGE1_PLACEHOLDER} image`,
    );
  }
  if (output.value.includes("${")) {
    throw new Error(`"${TASK_DEFINITION_TEMPLATE_OUTPUT}" holds an unresolved reference: ${output.value}`);
  }
  return spec;
}

/** `taskdef.json`: the RegisterTaskDefinition input, two-space indented. */
export function taskDefinitionToJson(spec: TaskDefinitionSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}
