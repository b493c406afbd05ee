/** Constructs under test are built from resolved configuration, so they see the defaults the app uses. */
import { GhostConfig, GhostEnvironmentInput, PipelinesConfig } from "../../src/config";
import { resolveEnvironment } from "../../src/config/defaults";

/** A resolved environment "test" of project "ghost" (prefix ghost-test), with `overrides` applied. */
export function testConfig(overrides: Partial<GhostEnvironmentInput> = {}): GhostConfig {
  return resolveEnvironment({ environment: "test", ...overrides }, "ghost");
}

/** The resolved pipelines section of "test", the artifact bucket named plainly, with `overrides` applied. */
export function sourceConfig(overrides: Partial<PipelinesConfig> = {}): PipelinesConfig {
  return { ...testConfig().pipelines, artifactBucketName: "ghost-test-pipeline-artifacts", ...overrides };
}
