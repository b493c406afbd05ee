/** Jest: unit tests (cdktf matchers) and the Terraform tiers (real CLI and provider). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  reporters: ["default", "<rootDir>/scripts/summary-reporter.js"],
  testTimeout: 60000,
  // Two workers on the 2-core machines: the end-to-end tier (mostly Terraform and moto waiting on
  // each other) runs beside the rest instead of after it.
  maxWorkers: 2,
};
