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

export type YamlValue = string | number | boolean | YamlDecimal | YamlValue[] | { readonly [key: string]: YamlValue };

const INDENT = "  ";

// Plain scalars limited to a safe alphabet; anything else is quoted. `<` and `>` are allowed
// (not indicators at this position) so that `<TASK_DEFINITION>` stays the literal text CodeDeploy replaces.
const PLAIN = /^[A-Za-z0-9_<./][A-Za-z0-9_<>./ :-]*$/;
// Words and number forms YAML 1.1 or 1.2 would not read as a string.
const AMBIGUOUS = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+)$/i;

function scalar(value: string | number | boolean | YamlDecimal): string {
  if (value instanceof YamlDecimal) return value.text;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  const plain = PLAIN.test(value) && !AMBIGUOUS.test(value) && !value.includes(": ") && !value.endsWith(":") && !value.endsWith(" ");
  return plain ? value : JSON.stringify(value);
}

function isScalar(value: YamlValue): value is string | number | boolean | YamlDecimal {
  return typeof value !== "object" || value instanceof YamlDecimal;
}

function block(value: YamlValue, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  if (isScalar(value)) return [pad + scalar(value)];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      const lines = block(item, depth + 1);
      // "- " takes the place of the item's own indentation on its first line.
      return [`${pad}- ${lines[0].slice(pad.length + INDENT.length)}`, ...lines.slice(1)];
    });
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([key, item]) => {
    const name = `${pad}${scalar(key)}:`;
    if (isScalar(item) || (Array.isArray(item) && item.length === 0) || (!Array.isArray(item) && Object.keys(item).length === 0)) {
      return [`${name} ${block(item, 0)[0]}`];
    }
    return [name, ...block(item, depth + 1)];
  });
}

/** The document as YAML text, ending with a newline. */
export function toYaml(value: YamlValue): string {
  return `${block(value, 0).join("\n")}\n`;
}
