/** IPv4 CIDR arithmetic for subnet planning and validation (no dependencies, no AWS look-ups). */

export interface Cidr {
  readonly network: number; // unsigned 32-bit network address
  readonly prefix: number;
}

// No leading zeros: the AWS provider rejects "010.0.0.0/16" and "10.0.0.0/08".
const CIDR_PATTERN = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/;

/** Parses "a.b.c.d/n"; undefined when it is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { network: address, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.network / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefix}`;
}

function lastAddress(cidr: Cidr): number {
  return cidr.network + 2 ** (32 - cidr.prefix) - 1;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/**
 * Cuts `vpcCidr` into `2 * azCount` equal blocks: the first `azCount` are the public subnets,
 * the next `azCount` the private ones. Returns undefined when the VPC is too small for /28s.
 */
export function deriveSubnetCidrs(
  vpcCidr: string,
  azCount: number,
): { publicSubnetCidrs: string[]; privateSubnetCidrs: string[] } | undefined {
  const vpc = parseCidr(vpcCidr);
  if (!vpc || azCount < 1) return undefined;
  const newBits = Math.ceil(Math.log2(2 * azCount));
  const prefix = vpc.prefix + newBits;
  if (prefix > 28) return undefined; // the smallest subnet AWS allows
  const blocks = Array.from({ length: 2 * azCount }, (_, index) =>
    formatCidr({ network: vpc.network + index * 2 ** (32 - prefix), prefix }),
  );
  return { publicSubnetCidrs: blocks.slice(0, azCount), privateSubnetCidrs: blocks.slice(azCount) };
}
