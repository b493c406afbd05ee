/**
 * The configuration reference of README.md, generated from the JSDoc of src/config/types.ts with
 * the TypeScript compiler API: `npm run docs:config` writes it between the config-reference
 * markers, and __tests__/config-reference.test.ts fails when README.md or the defaults drift.
 */
import * as path from "path";
import * as ts from "typescript";

/** One leaf field of the configuration: a table row. */
export interface ReferenceRow {
  /** Dotted path, e.g. "network.vpcCidr". */
  readonly field: string;
  /** The declared type; a union of literals is spelled out. */
  readonly type: string;
  /** The @default tag text, verbatim; undefined only for a field the input requires. */
  readonly default?: string;
  /** The JSDoc comment, on one line. */
  readonly description: string;
}

const TYPES_FILE = path.join(__dirname, "..", "src", "config", "types.ts");

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Rows of the project table and of the environment table, read from types.ts (tests pass a variant). */
export function configRows(typesFile = TYPES_FILE): { project: ReferenceRow[]; environment: ReferenceRow[] } {
  const program = ts.createProgram([typesFile], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(typesFile)!)!);
  const declared = (name: string): ts.Type => {
    const symbol = exports.find((candidate) => candidate.name === name);
    if (!symbol) throw new Error(`config reference: types.ts exports no ${name}`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };

  /** An interface or object literal type to recurse into (not an array, a Record or a union). */
  const isSection = (type: ts.Type): boolean =>
    (type.flags & ts.TypeFlags.Object) !== 0 &&
    !checker.isArrayType(type) &&
    !checker.isTupleType(type) &&
    checker.getIndexInfosOfType(type).length === 0 &&
    checker.getPropertiesOfType(type).length > 0;

  const typeText = (declaration: ts.PropertySignature, type: ts.Type): string =>
    type.isUnion() && type.types.every((member) => member.isLiteral())
      ? type.types.map((member) => checker.typeToString(member)).join(" | ")
      : declaration.type!.getText();

  const row = (symbol: ts.Symbol, field: string, required: ReadonlySet<string>): ReferenceRow[] => {
    const declaration = symbol.valueDeclaration as ts.PropertySignature;
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(symbol, declaration));
    if (isSection(type)) return rows(type, `${field}.`, required);
    const description = oneLine(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
    const tag = symbol.getJsDocTags(checker).find((candidate) => candidate.name === "default");
    const defaultText = tag && oneLine(ts.displayPartsToString(tag.text));
    if (!description) throw new Error(`config reference: ${field} has no JSDoc description in types.ts`);
    if (!defaultText && !required.has(field)) throw new Error(`config reference: ${field} has no @default in types.ts`);
    return [{ field, type: typeText(declaration, type), default: defaultText || undefined, description }];
  };

  const rows = (type: ts.Type, prefix: string, required: ReadonlySet<string>): ReferenceRow[] =>
    checker.getPropertiesOfType(type).flatMap((symbol) => row(symbol, prefix + symbol.name, required));

  /** Fields an environment must declare: the non-optional properties of its input type. */
  const required = new Set(
    checker
      .getPropertiesOfType(declared("GhostEnvironmentInput"))
      .filter((symbol) => (symbol.flags & ts.SymbolFlags.Optional) === 0)
      .map((symbol) => symbol.name),
  );
  const projectSymbol = checker.getPropertyOfType(declared("ProjectInput"), "project")!;
  return {
    project: [...row(projectSymbol, "project", new Set()), ...rows(declared("StateConfig"), "state.", new Set())],
    environment: rows(declared("GhostConfig"), "", required),
  };
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
