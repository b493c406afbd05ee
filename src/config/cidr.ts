/** IPv4 and IPv6 CIDR arithmetic for subnet planning and validation (no dependencies, no AWS look-ups). */

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

// ---- IPv6 (the admin allowlist) ----

export interface Ipv6Cidr {
  readonly network: bigint; // unsigned 128-bit network address
  readonly prefix: number;
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const DOTTED_QUAD = /^(.*:)((?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2}))$/;

/** Parses an IPv6 address in any RFC 4291 spelling (`::`, leading zeros, upper case, a trailing dotted quad). */
export function parseIpv6Address(text: string): bigint | undefined {
  let spelled = text;
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    const v4 = parseCidr(`${quad[2]}/32`);
    if (!v4) return undefined;
    spelled = `${quad[1]}${Math.floor(v4.network / 65536).toString(16)}:${(v4.network % 65536).toString(16)}`;
  }
  const halves = spelled.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (![...left, ...right].every((group) => HEXTET.test(group))) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  return all.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Parses "<IPv6 address>/n"; undefined unless the address parses, n is 0-128 and the host bits are zero. */
export function parseIpv6Cidr(text: string): Ipv6Cidr | undefined {
  const match = /^([^/\s]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  const network = match ? parseIpv6Address(match[1]) : undefined;
  if (network === undefined) return undefined;
  const prefix = Number(match![2]);
  if (prefix > 128 || (network & hostMask6(prefix)) !== 0n) return undefined;
  return { network, prefix };
}

function hostMask6(prefix: number): bigint {
  return (1n << BigInt(128 - prefix)) - 1n;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6Address(address: bigint): string {
  const groups = Array.from({ length: 8 }, (_, index) => Number((address >> BigInt(112 - 16 * index)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

export function formatIpv6Cidr(cidr: Ipv6Cidr): string {
  return `${formatIpv6Address(cidr.network)}/${cidr.prefix}`;
}

export function ipv6CidrsOverlap(a: Ipv6Cidr, b: Ipv6Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return (a.network & ~hostMask6(prefix)) === (b.network & ~hostMask6(prefix));
}

export function ipv6CidrContains(outer: Ipv6Cidr, inner: Ipv6Cidr): boolean {
  return inner.prefix >= outer.prefix && ipv6CidrsOverlap(outer, inner);
}

// ---- Either family ----

/** An IPv4 or IPv6 CIDR, by the presence of a colon. */
export type AnyCidr = { readonly version: 4; readonly cidr: Cidr } | { readonly version: 6; readonly cidr: Ipv6Cidr };

export function parseAnyCidr(text: string): AnyCidr | undefined {
  if (text.includes(":")) {
    const cidr = parseIpv6Cidr(text);
    return cidr && { version: 6, cidr };
  }
  const cidr = parseCidr(text);
  return cidr && { version: 4, cidr };
}

/** The canonical text of an IPv4 or IPv6 CIDR (IPv6 as RFC 5952 spells it). */
export function formatAnyCidr(cidr: AnyCidr): string {
  return cidr.version === 4 ? formatCidr(cidr.cidr) : formatIpv6Cidr(cidr.cidr);
}

/** `inner` lies inside `outer` (never across families). */
export function anyCidrContains(outer: AnyCidr, inner: AnyCidr): boolean {
  if (outer.version === 4 && inner.version === 4) return cidrContains(outer.cidr, inner.cidr);
  if (outer.version === 6 && inner.version === 6) return ipv6CidrContains(outer.cidr, inner.cidr);
  return false;
}

export function anyCidrsOverlap(a: AnyCidr, b: AnyCidr): boolean {
  if (a.version === 4 && b.version === 4) return cidrsOverlap(a.cidr, b.cidr);
  if (a.version === 6 && b.version === 6) return ipv6CidrsOverlap(a.cidr, b.cidr);
  return false;
}

/**
 * For an address/prefix whose host bits are set ("203.0.113.5/24"), the network it names
 * ("203.0.113.0/24"); undefined for anything else, valid or malformed.
 */
export function networkOfHostCidr(text: string): string | undefined {
  const [address, prefixText, ...rest] = text.split("/");
  if (rest.length > 0 || !/^(0|[1-9]\d{0,2})$/.test(prefixText ?? "")) return undefined;
  const prefix = Number(prefixText);
  if (address.includes(":")) {
    const bits = parseIpv6Address(address);
    if (bits === undefined || prefix > 128 || (bits & hostMask6(prefix)) === 0n) return undefined;
    return formatIpv6Cidr({ network: bits & ~hostMask6(prefix), prefix });
  }
  const host = parseCidr(`${address}/32`);
  if (!host || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (host.network % size === 0) return undefined;
  return formatCidr({ network: host.network - (host.network % size), prefix });
}

/**
 * Ranges nobody on the internet is seen from: RFC 1918, shared address space (RFC 6598), loopback,
 * link-local, IPv6 unique-local, link-local and loopback.
 */
export const NON_ROUTABLE_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "fc00::/7",
  "fe80::/10",
  "::1/128",
];

/**
 * Long-standing CloudFront blocks (https://ip-ranges.amazonaws.com/ip-ranges.json: service
 * CLOUDFRONT_ORIGIN_FACING for IPv4, CLOUDFRONT for IPv6; a sample, not the whole list, which
 * changes: the managed prefix list com.amazonaws.global.cloudfront.origin-facing is complete).
 * Anyone can put a distribution of their own in front of ours or of the ALB; requests then come
 * from these addresses, so allowlisting them would let everyone in.
 */
export const CLOUDFRONT_RANGES = [
  "130.176.0.0/16",
  "64.252.64.0/18",
  "64.252.128.0/18",
  "15.158.0.0/16",
  "2600:9000::/28",
];
