// Transpile-only TypeScript loader for Node (esbuild): synth runs without a type-check.
// Types are checked once, separately, by `npm run typecheck` (part of `npm test`).
const fs = require("fs");
const { transformSync } = require("esbuild");

require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  const { code } = transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
  });
  module._compile(code, filename);
};
