/** Test helpers: synthesize a construct and read the Terraform JSON back. */
import "cdktf/lib/testing/adapters/jest"; // types of the cdktf matchers that setup.js installs
import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";

export interface SynthJson {
  resource?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
  data?: Record<string, Record<string, Record<string, any>>>;
}

/** Synthesizes whatever `build` adds to a fresh scope; returns the raw string (for matchers) and JSON. */
export function synthScope(build: (scope: Construct) => void): { synth: string; json: SynthJson } {
  const synth = Testing.synthScope(build);
  return { synth, json: JSON.parse(synth) };
}

/** Synthesizes a whole stack. */
export function synthStack(stack: TerraformStack): { synth: string; json: SynthJson } {
  const synth = Testing.synth(stack);
  return { synth, json: JSON.parse(synth) };
}

/** All resources of one Terraform type, by their logical id. */
export function resourcesOfType(json: SynthJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type (fails the test when there is not exactly one). */
export function onlyResource(json: SynthJson, type: string): any {
  const all = Object.values(resourcesOfType(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Parses an IAM policy document attribute back into an object. */
export function parsePolicy(policy: string): { Statement: any[] } {
  return JSON.parse(policy);
}

/** Every IAM action granted anywhere in the synthesized JSON (role policies and inline docs). */
export function allowedActions(json: SynthJson): string[] {
  const actions: string[] = [];
  for (const type of ["aws_iam_role_policy", "aws_iam_policy"]) {
    for (const resource of Object.values(resourcesOfType(json, type))) {
      for (const statement of parsePolicy(resource.policy).Statement) {
        if ((statement.Effect ?? "Allow") === "Allow") actions.push(...[].concat(statement.Action));
      }
    }
  }
  return actions;
}
