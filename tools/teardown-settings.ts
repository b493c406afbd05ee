import { GhostEnvironmentInput } from "../src/config";

/**
 * The README's teardown settings (Teardown, step 2): preventDestroy and deletion protection off,
 * so that a destroy can go through. The apply tier deploys them before its destroys, and
 * `npm run deploy:local` deploys its throwaway copy with them.
 */
export function teardownSettings(environment: GhostEnvironmentInput): GhostEnvironmentInput {
  return {
    ...environment,
    preventDestroy: false,
    database: { ...environment.database, deletionProtection: false },
    loadBalancer: { ...environment.loadBalancer, deletionProtection: false },
  };
}
