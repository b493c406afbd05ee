/**
 * The plan check of every deploy path (npm run deploy, plan:local, the workflow's plan step):
 * the planned changes that would delete a stateful resource (STATEFUL_RESOURCES), by replacement
 * or destroy, each with what it holds and the attributes that force the replacement.
 */
import { STATEFUL_RESOURCES } from "../src/shared/stateful";

/** The parts of `terraform show -json <plan>` the check reads. */
export interface PlanForCheck {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly mode?: string;
    readonly change: { readonly actions: readonly string[]; readonly replace_paths?: readonly (string | number)[][] };
  }[];
}

export interface StatefulChange {
  readonly address: string;
  readonly action: "replace" | "destroy";
  /** What the resource holds (STATEFUL_RESOURCES). */
  readonly holds: string;
  /** Attributes whose change forces the replacement (none for a destroy). */
  readonly because: string[];
}

/** The stateful resources the plan would delete, in plan order. */
export function statefulChanges(plan: PlanForCheck): StatefulChange[] {
  return (plan.resource_changes ?? []).flatMap((resource) => {
    const holds = STATEFUL_RESOURCES[resource.type];
    const { actions, replace_paths: paths = [] } = resource.change;
    if (!holds || resource.mode === "data" || !actions.includes("delete")) return [];
    const action = actions.includes("create") ? ("replace" as const) : ("destroy" as const);
    return [{ address: resource.address, action, holds, because: paths.map((path) => path.join(".")) }];
  });
}

/** The check's verdict: ok when nothing stateful is deleted, or when the user confirmed it. */
export function checkPlan(
  stack: string,
  plan: PlanForCheck,
  allowReplace: boolean,
): { ok: boolean; changes: StatefulChange[]; report: string } {
  const changes = statefulChanges(plan);
  if (changes.length === 0)
    return { ok: true, changes, report: `${stack}: no stateful resource is replaced or destroyed` };
  const lines = changes.map(
    (change) =>
      `  ${change.action} ${change.address}: loses ${change.holds}` +
      (change.because.length > 0 ? ` (forced by ${change.because.join(", ")})` : ""),
  );
  const verdict = allowReplace
    ? "going ahead: --allow-replace was given"
    : "refused: undo the change, or confirm with --allow-replace once the data is saved (README: Recovery)";
  return {
    ok: allowReplace,
    changes,
    report: `${stack}: the plan deletes ${changes.length} stateful resource(s):\n${lines.join("\n")}\n${stack}: ${verdict}`,
  };
}

/** `<name> [--allow-replace]`, the arguments of the commands that run the check; throws `usage` otherwise. */
export function parseCheckArgs(argv: string[], usage: string): { name: string; allowReplace: boolean } {
  const flags = argv.filter((arg) => arg.startsWith("--"));
  const names = argv.filter((arg) => !arg.startsWith("--"));
  if (names.length !== 1 || flags.some((flag) => flag !== "--allow-replace")) {
    throw new Error(`${usage}\n(got: ${argv.join(" ") || "nothing"})`);
  }
  return { name: names[0], allowReplace: flags.includes("--allow-replace") };
}
