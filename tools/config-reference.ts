/**
 * The configuration reference of README.md, generated from the schema (src/config/schema.ts):
 * each setting's type, default and description as declared there. `npm run docs:config` writes it
 * between the config-reference markers, and __tests__/config-reference.test.ts fails when
 * README.md or the defaults drift.
 */
import { z } from "zod";
import { environmentSchema, projectSchema, settings } from "../src/config/schema";
import { unwrap } from "../src/config/validate";

/** One leaf field of the configuration: a table row. */
export interface ReferenceRow {
  /** Dotted path, e.g. "network.vpcCidr". */
  readonly field: string;
  /** The type; a union of literals is spelled out. */
  readonly type: string;
  /** The default as the reference states it; undefined only for a field the input requires. */
  readonly default?: string;
  /** What the setting is for. */
  readonly description: string;
}

function typeText(schema: z.ZodType): string {
  if (schema instanceof z.ZodEnum) return schema.options.map((option) => JSON.stringify(option)).join(" | ");
  if (schema instanceof z.ZodArray) return `${typeText(unwrap(schema.element as z.ZodType)!)}[]`;
  if (schema instanceof z.ZodRecord) return "Record<string, string>";
  if (schema instanceof z.ZodString) return "string";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  throw new Error(`config reference: no type text for ${schema.constructor.name}`);
}

/** An optional section whose fields come together (a pair): its path, and what stands without it. */
interface Pair {
  readonly path: string;
  readonly note?: string;
}

function defaultText(field: z.ZodType, path: string, pair?: Pair): string | undefined {
  const meta = settings.get(field);
  const note = meta?.note ? ` (${meta.note})` : "";
  if (field instanceof z.ZodDefault) return `${JSON.stringify(field.def.defaultValue)}${note}`;
  if (field instanceof z.ZodOptional) return meta?.derived ?? `undefined${note}`;
  if (pair) return `undefined (required with \`${pair.path}\`${pair.note ? `; without it: ${pair.note}` : ""})`;
  if (path === "environment") return undefined; // the one setting an environment must declare
  throw new Error(`config reference: ${path} has no default and is not optional in schema.ts`);
}

/** Rows of every leaf setting under an object schema. */
export function schemaRows(schema: z.ZodType, prefix = "", pair?: Pair): ReferenceRow[] {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) throw new Error(`config reference: ${prefix || "the schema"} is not a section`);
  return Object.entries(object.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const path = `${prefix}${key}`;
    const inner = unwrap(field)!;
    const meta = settings.get(field);
    if (inner instanceof z.ZodObject) {
      // An optional section with a description is a pair: its fields are all given, or none.
      const inPair = field instanceof z.ZodOptional && meta ? { path, note: meta.note } : pair;
      return schemaRows(inner, `${path}.`, inPair);
    }
    if (!meta?.description) throw new Error(`config reference: ${path} has no description in schema.ts`);
    const replaces = meta.replaces ? ` Changing it replaces ${meta.replaces}.` : "";
    return [
      {
        field: path,
        type: typeText(inner),
        default: defaultText(field, path, pair),
        description: `${meta.description}${replaces}`,
      },
    ];
  });
}

/** Rows of the project table and of the environment table. */
export function configRows(environment: z.ZodType = environmentSchema): {
  project: ReferenceRow[];
  environment: ReferenceRow[];
} {
  const { project, state } = projectSchema.shape; // the environments have the other table
  return { project: schemaRows(z.object({ project, state })), environment: schemaRows(environment) };
}

/** `|` would end a table cell; `<` outside code spans would start an HTML tag. */
const escapeCell = (text: string): string => text.replace(/\|/g, "\\|");
const escapeProse = (text: string): string =>
  escapeCell(text)
    .split("`")
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/</g, "&lt;")))
    .join("`");

function table(rows: ReferenceRow[]): string {
  return [
    "| field | type | default | description |",
    "|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| \`${r.field}\` | \`${escapeCell(r.type)}\` | ${r.default === undefined ? "(required)" : escapeProse(r.default)} | ${escapeProse(r.description)} |`,
    ),
  ].join("\n");
}

/** The two Markdown tables of README.md's "Configuration" section. */
export function configReference(): { project: string; environment: string } {
  const { project, environment } = configRows();
  return { project: table(project), environment: table(environment) };
}

export type ReferenceSection = keyof ReturnType<typeof configReference>;

const markers = (section: ReferenceSection) =>
  [`<!-- config-reference:${section}:start -->\n`, `\n<!-- config-reference:${section}:end -->`] as const;

function markerRange(markdown: string, section: ReferenceSection): [number, number] {
  const [start, end] = markers(section);
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`README.md lacks the config-reference:${section} start/end markers`);
  return [from + start.length, to];
}

/** The generated text between a section's markers. */
export function readSection(markdown: string, section: ReferenceSection): string {
  const [from, to] = markerRange(markdown, section);
  return markdown.slice(from, to);
}

/** `markdown` with a section's markers enclosing `content`. */
export function writeSection(markdown: string, section: ReferenceSection, content: string): string {
  const [from, to] = markerRange(markdown, section);
  return markdown.slice(0, from) + content + markdown.slice(to);
}
