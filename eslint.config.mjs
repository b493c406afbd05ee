// ESLint: typescript-eslint's recommended rules over the whole project (tests and tools too).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      "dist/",
      ".gen/",
      ".test-work/",
      ".plan-local/",
      ".deploy-local/",
      ".ghost/",
      ".venv/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // CommonJS files run by node and jest as they are.
    files: ["**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        setTimeout: "readonly",
        setInterval: "readonly",
        console: "readonly",
        fetch: "readonly",
        URL: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Tests read synthesized Terraform JSON, which has no types; the emulator answers boto3's JSON.
    files: ["__tests__/**/*.ts", "tools/emulator.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The bench loads the heavy modules on demand, so its unit test imports only the pure helpers.
    files: ["scripts/bench.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
