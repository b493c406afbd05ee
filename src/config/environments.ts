/**
 * The environments this repository deploys: edit this file to configure yours.
 * Every field you leave out takes the default documented in `types.ts` (and the README).
 */
import { ProjectInput } from "./types";

export const PROJECT: ProjectInput = {
  project: "ghost",
  state: {
    // S3 bucket names are global: change this to one your account owns (e.g. add your account id).
    bucket: "ghost-tfstate-eu-west-2",
    lockTable: "ghost-tfstate-lock",
    region: "eu-west-2",
  },
  environments: [
    {
      // The cheap one: two AZs, no NAT gateway (tasks get public IPs), a single-AZ MySQL, one task.
      environment: "dev",
      region: "eu-west-2",
      availabilityZones: ["eu-west-2a", "eu-west-2b"],
      network: { vpcCidr: "10.10.0.0/16", natGateways: "none" },
      database: { engine: "mysql" },
      storage: { throughputMode: "bursting" },
      logs: { retentionDays: 14 },
      tags: { CostCenter: "ghost-dev" },
    },
    {
      // The tutorial's topology, hardened: three AZs, a NAT per AZ, RDS MySQL 8 Multi-AZ,
      // blue/green through CodeDeploy, CPU target tracking at 75 %. One Ghost task: Ghost
      // supports one instance per site (its FAQ), so the tutorial's two tasks are not copied.
      environment: "prod",
      region: "eu-west-2",
      availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
      network: { vpcCidr: "10.0.0.0/16", natGateways: "per-az" },
      loadBalancer: { deletionProtection: true },
      database: { engine: "mysql", multiAz: true, deletionProtection: true, backupRetentionDays: 14 },
      pipelines: { manualApproval: true },
      logs: { retentionDays: 90 },
      // Production serves HTTPS: replace the zone and domain with yours (a certificate is made and
      // validated in the zone), or set loadBalancer.certificateArn to a certificate of yours.
      edge: { dns: { hostedZoneId: "Z0000000000000EXAMPLE", domainName: "blog.example.com" } },
      // Replace with an address at your domain: SES verifies that domain (see README, "Mail").
      mail: { from: "noreply@example.com" },
    },
  ],
};
