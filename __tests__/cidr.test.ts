/** Specification of the IPv4 and IPv6 CIDR arithmetic in src/config/cidr.ts. */
import {
  anyCidrContains,
  anyCidrsOverlap,
  Cidr,
  cidrContains,
  cidrsOverlap,
  deriveSubnetCidrs,
  formatAnyCidr,
  formatCidr,
  formatIpv6Address,
  formatIpv6Cidr,
  ipv6CidrContains,
  ipv6CidrsOverlap,
  networkOfHostCidr,
  parseAnyCidr,
  parseCidr,
  parseIpv6Address,
  parseIpv6Cidr,
} from "../src/config/cidr";

/** Parses a CIDR the test knows to be valid. */
function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test CIDR ${text} does not parse`);
  return parsed;
}

describe("parseCidr", () => {
  it("parses a canonical CIDR into its unsigned network address and prefix", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ network: 10 * 2 ** 24, prefix: 16 });
  });

  it("parses the extremes 0.0.0.0/0 and 255.255.255.255/32", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ network: 0, prefix: 0 });
    expect(parseCidr("255.255.255.255/32")).toEqual({ network: 2 ** 32 - 1, prefix: 32 });
  });

  it("keeps addresses above 128.0.0.0 positive (no signed 32-bit overflow)", () => {
    expect(parseCidr("192.168.0.0/16")).toEqual({ network: 192 * 2 ** 24 + 168 * 2 ** 16, prefix: 16 });
  });

  it.each([
    "",
    "10.0.0/16",
    "10.0.0.0",
    "10.0.0.0/",
    "a.b.c.d/8",
    " 10.0.0.0/16",
    "10.0.0.0/16 ",
    "10.0.0.0/-1",
    "10.0.0.0.0/8",
    "1000.0.0.0/8",
  ])("rejects bad syntax %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each(["256.0.0.0/8", "10.256.0.0/16", "10.0.0.300/32"])("rejects an octet above 255 in %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each(["10.0.0.0/33", "10.0.0.0/99"])("rejects a prefix above 32 in %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each(["10.0.0.1/16", "10.0.1.0/23", "203.0.113.5/24"])("rejects %j because host bits are set", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each(["010.0.0.0/16", "10.00.0.0/16", "10.0.0.0/08"])(
    "rejects the leading zeros in %j (the AWS provider does too)",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe("formatCidr", () => {
  it("writes the dotted-quad form", () => {
    expect(formatCidr({ network: 172 * 2 ** 24 + 16 * 2 ** 16 + 32 * 2 ** 8, prefix: 20 })).toBe("172.16.32.0/20");
  });

  it.each(["0.0.0.0/0", "10.0.0.0/16", "10.0.96.0/19", "192.168.255.240/28", "255.255.255.255/32"])(
    "round-trips %j",
    (text) => {
      expect(formatCidr(cidr(text))).toBe(text);
    },
  );
});

describe("cidrContains", () => {
  it("is true for a subnet inside the block", () => {
    expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.0.255.0/24"))).toBe(true);
  });

  it("is true for the block itself", () => {
    expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.0.0.0/16"))).toBe(true);
  });

  it("is false for a block outside", () => {
    expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
  });

  it("is false for a larger block that starts at the same address", () => {
    expect(cidrContains(cidr("10.0.0.0/24"), cidr("10.0.0.0/16"))).toBe(false);
  });
});

describe("cidrsOverlap", () => {
  it("is true, both ways round, when one block holds the other", () => {
    expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.2.0/24"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.2.0/24"), cidr("10.0.0.0/16"))).toBe(true);
  });

  it("is true for identical blocks", () => {
    expect(cidrsOverlap(cidr("10.0.1.0/24"), cidr("10.0.1.0/24"))).toBe(true);
  });

  it("is false, both ways round, for adjacent blocks", () => {
    expect(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).toBe(false);
    expect(cidrsOverlap(cidr("10.0.1.0/24"), cidr("10.0.0.0/24"))).toBe(false);
  });
});

describe("deriveSubnetCidrs", () => {
  it("cuts a /16 into /19s for 3 AZs: public in the first three blocks, private in the next three", () => {
    expect(deriveSubnetCidrs("10.0.0.0/16", 3)).toEqual({
      publicSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      privateSubnetCidrs: ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"],
    });
  });

  it("gives a 4th AZ the two blocks left", () => {
    expect(deriveSubnetCidrs("10.0.0.0/16", 4)).toEqual({
      publicSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.192.0/19"],
      privateSubnetCidrs: ["10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19", "10.0.224.0/19"],
    });
  });

  it.each([
    [1, 2],
    [2, 3],
    [3, 4],
  ])("keeps every subnet of %i AZs where it was when one more is added", (count, more) => {
    const [before, after] = [deriveSubnetCidrs("10.0.0.0/16", count)!, deriveSubnetCidrs("10.0.0.0/16", more)!];
    expect(after.publicSubnetCidrs.slice(0, count)).toEqual(before.publicSubnetCidrs);
    expect(after.privateSubnetCidrs.slice(0, count)).toEqual(before.privateSubnetCidrs);
  });

  it("starts at the VPC's own network address", () => {
    expect(deriveSubnetCidrs("172.31.128.0/24", 2)).toEqual({
      publicSubnetCidrs: ["172.31.128.0/27", "172.31.128.32/27"],
      privateSubnetCidrs: ["172.31.128.96/27", "172.31.128.128/27"],
    });
  });

  it("still derives when the subnets come out at exactly /28", () => {
    expect(deriveSubnetCidrs("10.0.0.0/25", 4)?.privateSubnetCidrs[3]).toBe("10.0.0.112/28");
  });

  it("returns undefined when the VPC is too small for /28 subnets, or for more than 4 AZs", () => {
    expect(deriveSubnetCidrs("10.0.0.0/26", 3)).toBeUndefined();
    expect(deriveSubnetCidrs("10.0.0.0/16", 5)).toBeUndefined();
  });

  it("returns undefined for an invalid VPC CIDR or no AZ", () => {
    expect(deriveSubnetCidrs("10.0.0.1/16", 2)).toBeUndefined();
    expect(deriveSubnetCidrs("10.0.0.0/16", 0)).toBeUndefined();
  });
});

describe("parseIpv6Cidr", () => {
  it("parses a canonical CIDR into its 128-bit network and prefix", () => {
    expect(parseIpv6Cidr("2001:db8::/32")).toEqual({ network: 0x20010db8n << 96n, prefix: 32 });
  });

  it("parses the extremes ::/0 and a full /128", () => {
    expect(parseIpv6Cidr("::/0")).toEqual({ network: 0n, prefix: 0 });
    expect(parseIpv6Cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")).toEqual({
      network: (1n << 128n) - 1n,
      prefix: 128,
    });
  });

  it.each(["2001:0DB8:0000:0000::/32", "2001:db8:0:0:0:0:0:0/32", "2001:DB8::/32"])(
    "reads the non-canonical spelling %j as 2001:db8::/32",
    (text) => {
      expect(parseIpv6Cidr(text)).toEqual(parseIpv6Cidr("2001:db8::/32"));
    },
  );

  it("reads a trailing dotted quad as the last 32 bits", () => {
    expect(parseIpv6Cidr("::ffff:192.0.2.0/120")).toEqual({ network: (0xffffn << 32n) | 0xc0000200n, prefix: 120 });
  });

  it.each([
    "",
    "2001:db8::",
    "2001:db8::/",
    "2001:db8:::/32",
    "1::2::/64",
    ":1::/64",
    "1:2:3:4:5:6:7/112",
    "1:2:3:4:5:6:7:8:9/128",
    "1:2:3:4:5:6:7:8::/128",
    "2001:db8::g/128",
    "12345::/16",
    " 2001:db8::/32",
    "2001:db8::/032",
    "::ffff:256.0.0.0/120",
  ])("rejects bad syntax %j", (text) => {
    expect(parseIpv6Cidr(text)).toBeUndefined();
  });

  it("rejects a prefix above 128", () => {
    expect(parseIpv6Cidr("2001:db8::/129")).toBeUndefined();
  });

  it.each(["2001:db8::1/32", "2001:db8:4000::/33", "::1/127"])("rejects %j because host bits are set", (text) => {
    expect(parseIpv6Cidr(text)).toBeUndefined();
  });
});

describe("formatIpv6Cidr and formatIpv6Address (RFC 5952)", () => {
  it.each([
    ["2001:0DB8:0000:0000:0000:0000:0000:0000/32", "2001:db8::/32"],
    ["0:0:0:0:0:0:0:1/128", "::1/128"],
    ["1:0:0:2:0:0:0:0/128", "1:0:0:2::/128"],
    ["1:0:0:2:0:0:3:4/128", "1::2:0:0:3:4/128"],
    ["1:0:2:3:4:5:6:7/128", "1:0:2:3:4:5:6:7/128"],
  ])(
    "writes %j as %j: lower case, no leading zeros, the first longest zero run of two or more as ::",
    (text, canonical) => {
      expect(formatIpv6Cidr(parseIpv6Cidr(text)!)).toBe(canonical);
    },
  );

  it("reads back what it writes", () => {
    const address = parseIpv6Address("2001:db8:0:1::ab")!;
    expect(parseIpv6Address(formatIpv6Address(address))).toBe(address);
  });
});

describe("IPv6 containment and overlap", () => {
  const v6 = (text: string) => parseIpv6Cidr(text)!;

  it("contains a longer prefix inside, not one outside or shorter", () => {
    expect(ipv6CidrContains(v6("2001:db8::/32"), v6("2001:db8:1::/48"))).toBe(true);
    expect(ipv6CidrContains(v6("2001:db8::/32"), v6("2001:db9::/48"))).toBe(false);
    expect(ipv6CidrContains(v6("2001:db8:1::/48"), v6("2001:db8::/32"))).toBe(false);
  });

  it("overlaps in either direction, never for disjoint blocks", () => {
    expect(ipv6CidrsOverlap(v6("2001:db8:1::/48"), v6("2001:db8::/32"))).toBe(true);
    expect(ipv6CidrsOverlap(v6("fe80::/10"), v6("fc00::/7"))).toBe(false);
  });
});

describe("either family", () => {
  it("parses by the colon and never compares across families", () => {
    const v4 = parseAnyCidr("203.0.113.0/24")!;
    const v6 = parseAnyCidr("::ffff:203.0.113.0/120")!;
    expect([v4.version, v6.version]).toEqual([4, 6]);
    expect(anyCidrsOverlap(v4, v6)).toBe(false);
    expect(anyCidrContains(parseAnyCidr("0.0.0.0/0")!, v4)).toBe(true);
    expect(formatAnyCidr(parseAnyCidr("2001:DB8::/32")!)).toBe("2001:db8::/32");
  });

  it.each([
    ["203.0.113.5/24", "203.0.113.0/24"],
    ["2001:db8::1/32", "2001:db8::/32"],
    ["203.0.113.0/24", undefined],
    ["203.0.113.5", undefined],
    ["nonsense/8", undefined],
  ])("names the network of %j, whose host bits are set: %j", (text, network) => {
    expect(networkOfHostCidr(text)).toBe(network);
  });
});
