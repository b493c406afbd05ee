/** The rule every tier that needs a tool follows: skipped with one clear line locally, failed under CI. */

export function underCi(): boolean {
  return process.env.CI === "true" || process.env.CI === "1";
}

export interface ToolRequirement {
  /** e.g. "Terraform tier" */
  readonly tier: string;
  /** Name of the test that fails under CI, e.g. "has the Terraform CLI (required under CI)". */
  readonly requirement: string;
  /** Why the tool cannot be had here; undefined when it can. */
  readonly unavailable: string | undefined;
}

/** `describe` that needs a tool. */
export function describeWithTool(name: string, tool: ToolRequirement, body: () => void): void {
  if (tool.unavailable === undefined) return describe(name, body);
  if (underCi()) {
    return describe(name, () => {
      it(tool.requirement, () => {
        throw new Error(`${tool.tier} cannot run: ${tool.unavailable}`);
      });
    });
  }
  process.stdout.write(`SKIPPED ${name}: ${tool.unavailable} (under CI=true this fails instead)\n`);
  return describe.skip(name, body);
}

/** Memoizes an async step: the first call starts it, every call gets the same promise. */
export function once<T>(step: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= step());
}
