/**
 * The rule for machines without Terraform: the Terraform tiers skip with one clear line
 * locally, and fail under CI=true. Runs jest on the validate tier with a PATH that has node
 * but no terraform.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "..", "..");

function runValidateTierWithoutTerraform(ci: boolean) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
  fs.symlinkSync(process.execPath, path.join(bin, "node"));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete env.CI;
  if (ci) env.CI = "true";
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "jest", "bin", "jest.js"), "__tests__/terraform/validate.test.ts"],
    {
      cwd: root,
      env,
      encoding: "utf8",
    },
  );
  fs.rmSync(bin, { recursive: true, force: true });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("Terraform tiers without a terraform CLI", () => {
  it("skip with one clear line outside CI", () => {
    const { code, output } = runValidateTierWithoutTerraform(false);
    expect(code).toBe(0);
    expect(output).toContain(
      "SKIPPED terraform validate (real CLI, hashicorp/aws 5.100.0): the terraform CLI is not on PATH",
    );
  });

  it("fail under CI=true", () => {
    const { code, output } = runValidateTierWithoutTerraform(true);
    expect(code).toBe(1);
    expect(output).toContain("Terraform tier cannot run: the terraform CLI is not on PATH");
  });
});
