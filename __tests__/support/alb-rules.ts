/**
 * Listener rules as an Application Load Balancer evaluates them, for tests: the synthesized
 * `aws_lb_listener_rule` objects, in priority order, their conditions ANDed and the values of one
 * condition ORed (Elastic Load Balancing, "Listener rules for your Application Load Balancer").
 * Only the conditions the stacks use are known; any other makes the evaluation throw, never pass.
 */

/** What the ALB answers for a rule with a `fixed-response` action (its synthesized `fixed_response`). */
export interface FixedResponse {
  readonly statusCode: string;
  readonly contentType: string;
  readonly messageBody?: string;
}

interface SynthesizedFixedResponse {
  readonly status_code: string;
  readonly content_type: string;
  readonly message_body?: string;
}

/** The request as the rules see it: its method and its path (no query string). */
export interface AlbRequest {
  readonly method: string;
  readonly path: string;
}

/**
 * Whether an ALB path pattern matches the whole path: `*` matches any run of characters, `/`
 * included, `?` exactly one character, everything else itself, case-sensitively.
 */
export function albPathMatches(pattern: string, path: string): boolean {
  // matches[j]: whether the pattern read so far matches the first j characters of the path.
  let matches = [true, ...Array.from(path, () => false)];
  for (const symbol of pattern) {
    const next = [symbol === "*" && matches[0], ...Array.from(path, () => false)];
    for (let j = 1; j <= path.length; j++) {
      if (symbol === "*") next[j] = matches[j] || next[j - 1];
      else next[j] = matches[j - 1] && (symbol === "?" || symbol === path[j - 1]);
    }
    matches = next;
  }
  return matches[path.length];
}

/** One condition of a rule (one key, as synthesized: `http_request_method` or `path_pattern`). */
function conditionHolds(condition: Record<string, { values: string[] }>, request: AlbRequest): boolean {
  const entries = Object.entries(condition);
  if (entries.length !== 1) throw new Error(`a condition has one field, not: ${JSON.stringify(condition)}`);
  const [[field, { values }]] = entries;
  switch (field) {
    case "http_request_method":
      return values.includes(request.method);
    case "path_pattern":
      return values.some((pattern) => albPathMatches(pattern, request.path));
    default:
      throw new Error(`condition ${field} is not evaluated here`);
  }
}

/**
 * The fixed response the first rule (lowest priority number) that matches the request answers
 * with; undefined when no rule matches, or the first that does forwards or redirects.
 */
export function refusedByListenerRules(rules: readonly any[], request: AlbRequest): FixedResponse | undefined {
  const ordered = [...rules].sort((a, b) => Number(a.priority) - Number(b.priority));
  const rule = ordered.find((candidate) =>
    (candidate.condition as Record<string, { values: string[] }>[]).every((condition) =>
      conditionHolds(condition, request),
    ),
  );
  if (!rule) return undefined;
  const actions = [].concat(rule.action) as {
    type: string;
    fixed_response?: SynthesizedFixedResponse | SynthesizedFixedResponse[];
  }[];
  const last = actions[actions.length - 1]; // the terminal action (an authenticate action may come first)
  if (last?.type !== "fixed-response") return undefined;
  const response = [].concat(last.fixed_response as never)[0] as SynthesizedFixedResponse;
  return {
    statusCode: response.status_code,
    contentType: response.content_type,
    ...(response.message_body !== undefined && { messageBody: response.message_body }),
  };
}
