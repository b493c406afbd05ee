/** Specification of the IPv4 CIDR arithmetic in src/config/cidr.ts. */
import { Cidr, cidrContains, cidrsOverlap, deriveSubnetCidrs, formatCidr, parseCidr } from "../src/config/cidr";

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
