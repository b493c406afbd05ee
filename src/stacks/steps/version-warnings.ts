import { GHOST_CURRENT_MAJOR, GhostConfig, MYSQL_STANDARD_SUPPORT_ENDS } from "../../config";

/** The major of an official Ghost image tag (`ghost:6.65.0-alpine`, `.../library/ghost:5`), else undefined. */
export function ghostMajorOf(image: string): number | undefined {
  const match = /(^|\/)ghost:(\d+)(?=[.-]|$)/.exec(image);
  return match ? Number(match[2]) : undefined;
}

/**
 * Versions past their support window, as warnings: never a silent change, because a database's
 * major upgrade is one-way and a Ghost major has breaking changes. `today` is for tests.
 */
export function versionWarnings(config: GhostConfig, today: Date = new Date()): string[] {
  const warnings: string[] = [];
  const { database, service } = config;
  if (database.engine === "mysql") {
    const major = database.engineVersion.split(".").slice(0, 2).join(".");
    const ends = MYSQL_STANDARD_SUPPORT_ENDS[major];
    if (ends && today.toISOString().slice(0, 10) > ends) {
      warnings.push(
        `database.engineVersion "${database.engineVersion}": RDS standard support for MySQL ${major} ended on ${ends}; ` +
          'RDS now bills Extended Support for it. Upgrade to 8.4 (one way: see README, "Upgrading MySQL").',
      );
    }
  }
  const ghostMajor = ghostMajorOf(service.ghostImage);
  if (ghostMajor !== undefined && ghostMajor < GHOST_CURRENT_MAJOR) {
    warnings.push(
      `service.ghostImage "${service.ghostImage}": Ghost ${ghostMajor} is ` +
        (ghostMajor === GHOST_CURRENT_MAJOR - 1
          ? "the LTS major: critical security and stability fixes only"
          : "past its end of life: Ghost calls it insecure") +
        `. Move to Ghost ${GHOST_CURRENT_MAJOR} (see README, "Ghost versions and upgrades").`,
    );
  }
  return warnings;
}
