/** Jest: unit tests (cdktf matchers) and the Terraform tiers (real CLI and provider). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  reporters: ["default", "<rootDir>/scripts/summary-reporter.js"],
  testTimeout: 60000,
};
