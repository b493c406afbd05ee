/**
 * Regenerates the configuration reference in README.md (between the config-reference markers)
 * from the schema (src/config/schema.ts): `npm run docs:config`.
 */
import * as fs from "fs";
import * as path from "path";
import { configReference, ReferenceSection, writeSection } from "../tools/config-reference";

const readmePath = path.join(__dirname, "..", "README.md");
const tables = configReference();
let readme = fs.readFileSync(readmePath, "utf8");
for (const section of Object.keys(tables) as ReferenceSection[]) {
  readme = writeSection(readme, section, tables[section]);
}
fs.writeFileSync(readmePath, readme);
process.stdout.write(`README.md: configuration reference regenerated from src/config/schema.ts\n`);
