/**
 * A tiny, deterministic YAML writer for the simple documents the Ghost repository needs
 * (AppSpec, buildspec): maps, lists, strings, numbers and booleans, in block style, keys in
 * insertion order. Strings that YAML could read as something else are double-quoted (JSON
 * string syntax is valid YAML), so a parser always reads back exactly what was written.
 */

/** A number written verbatim, e.g. `0.0`: the AppSpec and buildspec versions are decimals. */
export class YamlDecimal {
  constructor(readonly text: string) {
    if (!/^\d+\.\d+$/.test(text)) throw new Error(`not a decimal: ${text}`);
  }
}

type Scalar = string | number | boolean | YamlDecimal;

const INDENT = "  ";

// Plain (unquoted) scalars in block context: a first character that is no YAML indicator (`<` is
// none, so `<TASK_DEFINITION>` stays the literal text CodeDeploy replaces), then any printable
// character; ": " and " #" (a mapping and a comment) are excluded below. Anything else is quoted.
const PLAIN = /^[A-Za-z0-9_<./$(][\x20-\x7e]*$/;
// Words and number forms YAML 1.1 or 1.2 would not read as a string.
const AMBIGUOUS =
  /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+)$/i;

function scalar(value: Scalar): string {
  if (value instanceof YamlDecimal) return value.text;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  const plain =
    PLAIN.test(value) &&
    !AMBIGUOUS.test(value) &&
    !value.includes(": ") &&
    !value.includes(" #") &&
    !value.endsWith(":") &&
    !value.endsWith(" ");
  return plain ? value : JSON.stringify(value);
}

function isScalar(value: unknown): value is Scalar {
  return ["string", "number", "boolean"].includes(typeof value) || value instanceof YamlDecimal;
}

/** Empty lists and maps are written inline (`[]`, `{}`), like scalars. */
function isInline(value: unknown): boolean {
  return isScalar(value) || (typeof value === "object" && value !== null && Object.keys(value).length === 0);
}

function block(value: unknown, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  if (isScalar(value)) return [pad + scalar(value)];
  if (typeof value !== "object" || value === null) throw new Error(`cannot write ${String(value)} as YAML`);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      const lines = block(item, depth + 1);
      // "- " takes the place of the item's own indentation on its first line.
      return [`${pad}- ${lines[0].slice(pad.length + INDENT.length)}`, ...lines.slice(1)];
    });
  }
  // Like JSON: optional fields left undefined are not written.
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([key, item]) => {
    const name = `${pad}${scalar(key)}:`;
    return isInline(item) ? [`${name} ${block(item, 0)[0]}`] : [name, ...block(item, depth + 1)];
  });
}

/**
 * The document as YAML text, ending with a newline. Takes plain data (typed by the caller:
 * an AppSpec, a buildspec); throws on values YAML cannot carry here (null, functions...).
 */
export function toYaml(value: unknown): string {
  return `${block(value, 0).join("\n")}\n`;
}
