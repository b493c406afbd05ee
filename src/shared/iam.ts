/**
 * Small helpers to write IAM policy documents as plain JSON strings. Tokens (ARNs of other
 * resources) stay inside the JSON as Terraform interpolations, so tests can parse the
 * synthesized policy back and check every action and resource.
 */

export type PolicyPrincipal = { Service: string | string[] } | { AWS: string | string[] } | "*";

export interface PolicyStatement {
  readonly Sid?: string;
  /** @default "Allow" */
  readonly Effect?: "Allow" | "Deny";
  readonly Principal?: PolicyPrincipal;
  readonly Action: string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document (Version 2012-10-17) as a JSON string. */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({ Effect: "Allow", ...statement })),
  });
}

/** Trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string): string {
  return policyDocument([{ Principal: { Service: service }, Action: ["sts:AssumeRole"] }]);
}

/** Denies every request that does not use TLS (for bucket and file-system policies). */
export function denyInsecureTransport(resources: string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["*"],
    Resource: resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
