/** Constructs under test are built from resolved configuration, so they see the defaults the app uses. */
import { GhostConfig, GhostEnvironmentInput } from "../../src/config";
import { resolveEnvironment } from "../../src/config/defaults";

/** A resolved environment "test" of project "ghost" (prefix ghost-test), with `overrides` applied. */
export function testConfig(overrides: Partial<GhostEnvironmentInput> = {}): GhostConfig {
  return resolveEnvironment({ environment: "test", ...overrides }, "ghost");
}
