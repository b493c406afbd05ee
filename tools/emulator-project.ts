/**
 * The shipped environments as the emulator can deploy them: each `edge.dns` placeholder zone (one
 * the user replaces) swapped for a zone created in the emulator for the domain's parent, so the
 * certificate and its records apply. Shared by the apply tier and `npm run deploy:local`.
 */
import { ProjectInput } from "../src/config";
import { Emulator } from "./emulator";

export async function withEmulatorZones(
  emulator: Pick<Emulator, "createHostedZone">,
  project: ProjectInput,
  say: (line: string) => void,
): Promise<ProjectInput> {
  const environments = await Promise.all(
    project.environments.map(async (environment) => {
      const dns = environment.edge?.dns;
      if (!dns) return environment;
      const zoneName = dns.domainName.split(".").slice(1).join(".");
      const hostedZoneId = await emulator.createHostedZone(zoneName);
      say(
        `${environment.environment}: edge.dns.hostedZoneId ${dns.hostedZoneId} (the placeholder) -> ${hostedZoneId}, a zone for ${zoneName} created in the emulator`,
      );
      return { ...environment, edge: { ...environment.edge, dns: { ...dns, hostedZoneId } } };
    }),
  );
  return { ...project, environments };
}
