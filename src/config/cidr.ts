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
 * The derived layout's slots: the VPC cut into eight equal blocks, zone i (in the order given)
 * taking public block PUBLIC[i] and private block PRIVATE[i]. A zone's blocks never depend on how
 * many zones there are, so adding a zone leaves every existing subnet (and what lives in it) in
 * place; the first three are where the three-zone layout always put them.
 */
const SUBNET_SLOTS = { public: [0, 1, 2, 6], private: [3, 4, 5, 7] } as const;
const SLOT_BITS = 3; // eight blocks
/** The most zones the derived layout holds; more need explicit subnet CIDRs. */
export const MAX_DERIVED_AZS = SUBNET_SLOTS.public.length;

/**
 * Public and private subnet CIDRs for `azCount` zones in `vpcCidr` (see SUBNET_SLOTS). Returns
 * undefined for more than MAX_DERIVED_AZS zones or a VPC too small for /28 subnets (/25 or larger).
 */
export function deriveSubnetCidrs(
  vpcCidr: string,
  azCount: number,
): { publicSubnetCidrs: string[]; privateSubnetCidrs: string[] } | undefined {
  const vpc = parseCidr(vpcCidr);
  const prefix = (vpc?.prefix ?? 0) + SLOT_BITS;
  if (!vpc || azCount < 1 || azCount > MAX_DERIVED_AZS || prefix > 28) return undefined; // /28: AWS's smallest
  const block = (slot: number) => formatCidr({ network: vpc.network + slot * 2 ** (32 - prefix), prefix });
  return {
    publicSubnetCidrs: SUBNET_SLOTS.public.slice(0, azCount).map(block),
    privateSubnetCidrs: SUBNET_SLOTS.private.slice(0, azCount).map(block),
  };
}
