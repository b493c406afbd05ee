/**
 * Terraform tier 1: every synthesized stack passes `terraform init` (backend disabled) and
 * `terraform validate` with the real CLI and hashicorp/aws from the offline mirror.
 */
import * as fs from "fs";
import * as path from "path";
import { environmentStackName } from "../../src/app";
import { loadProject } from "../../src/config";
import { stateStackName } from "../../src/stacks/state-stack";
import { describeWithTerraform, expectSuccess, synthesizeStacks, terraform, TEST_PROJECT, WORK_DIR } from "./harness";

jest.setTimeout(180_000);

describeWithTerraform("terraform validate (real CLI, hashicorp/aws 5.100.0)", () => {
  const { project, environments } = loadProject(TEST_PROJECT);
  const names = [stateStackName(project), ...environments.map((env) => environmentStackName(project, env.environment))];
  // Synthesized in beforeAll, not while jest collects the tests: a skipped tier must not write.
  let stacks: Record<string, string> = {};
  beforeAll(() => {
    stacks = synthesizeStacks("validate", { project: TEST_PROJECT, local: undefined });
  });

  it("synthesizes the bootstrap stack and one stack per environment (the shipped ones and the full-feature one)", () => {
    expect(Object.keys(stacks).sort()).toEqual(["ghost-dev", "ghost-full", "ghost-prod", "ghost-state"]);
  });

  for (const name of names) {
    it(`${name} initializes from the mirror and validates`, async () => {
      const dir = stacks[name];
      expectSuccess(
        await terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]),
        `${name}: terraform init`,
      );
      const result = await terraform(dir, ["validate", "-no-color"]);
      expectSuccess(result, `${name}: terraform validate`);
      expect(result.stdout).toContain("The configuration is valid");
    });
  }

  it("rejects a stack with a deliberately broken attribute (the tier can fail)", async () => {
    const broken = path.join(WORK_DIR, "validate-broken");
    fs.rmSync(broken, { recursive: true, force: true });
    fs.mkdirSync(broken, { recursive: true });
    const json = JSON.parse(fs.readFileSync(path.join(stacks["ghost-dev"], "cdk.tf.json"), "utf8"));
    const albs = json.resource.aws_lb;
    albs[Object.keys(albs)[0]].drop_invalid_header_field = true; // misspelt on purpose
    fs.writeFileSync(path.join(broken, "cdk.tf.json"), JSON.stringify(json));
    expectSuccess(
      await terraform(broken, ["init", "-backend=false", "-input=false", "-no-color"]),
      "init of the broken stack",
    );
    const result = await terraform(broken, ["validate", "-no-color"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('No argument or block type is named "drop_invalid_header_field"');
  });
});
