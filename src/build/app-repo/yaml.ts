/**
 * The YAML of the Ghost repository's documents (AppSpec, buildspec), written by the `yaml`
 * package: block style, keys in insertion order, no line folding, and whatever quoting makes a
 * parser read back exactly what was written.
 */
import { Document, Scalar } from "yaml";

/** A number written with its decimals, e.g. `0.0`: the AppSpec and buildspec versions are decimals. */
export class YamlDecimal {
  constructor(readonly text: string) {
    if (!/^\d+\.\d+$/.test(text)) throw new Error(`not a decimal: ${text}`);
  }

  node(): Scalar {
    const scalar = new Scalar(Number(this.text));
    scalar.minFractionDigits = this.text.split(".")[1].length;
    return scalar;
  }
}

/** Our documents never carry these: one would be a bug, written silently. */
function refuseUnwritable(item: unknown): unknown {
  if (item === null || (typeof item === "number" && !Number.isFinite(item))) {
    throw new Error(`cannot write ${String(item)} in an AppSpec or buildspec`);
  }
  return item instanceof YamlDecimal ? item.node() : item;
}

/**
 * The document as YAML text, ending with a newline. Takes plain data (typed by the caller:
 * an AppSpec, a buildspec); undefined fields are left out, as in JSON. Quoting follows YAML 1.1,
 * so that a 1.1 reader (yes, no, on, off are booleans there) reads strings as strings too.
 */
export function toYaml(value: unknown): string {
  const document = new Document(value, (_key, item) => refuseUnwritable(item), { version: "1.1" });
  return document.toString({ lineWidth: 0 });
}
