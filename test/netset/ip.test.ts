import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  IPV4_ALL,
  IPV6_ALL,
  IP_ALL,
  IntervalSet,
  NetsetInputError,
  PRIVATE_IPV4,
  PUBLIC_INTERNET,
  V4_OFFSET,
  cidrSet,
  formatIp,
  formatIpSet,
  isV4,
  parseCidr,
  parseIp,
  toCidrs,
} from "../../src/netset/index.js";

const V6_MAX = (1n << 128n) - 1n;
const V4_MAX = V4_OFFSET + 0xffffffffn;

describe("parseIp / formatIp", () => {
  it.each<[string, bigint, string]>([
    // text, axis value, canonical text
    ["0.0.0.0", V4_OFFSET, "0.0.0.0"],
    ["10.0.0.1", V4_OFFSET + 0x0a000001n, "10.0.0.1"],
    ["255.255.255.255", V4_MAX, "255.255.255.255"],
    [" 8.8.8.8 ", V4_OFFSET + 0x08080808n, "8.8.8.8"],
    ["::", 0n, "::"],
    ["::1", 1n, "::1"],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", V6_MAX, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["2001:DB8:0:0:0:0:0:1", 0x20010db8000000000000000000000001n, "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", 0x20010db8000000000001000000000001n, "2001:db8::1:0:0:1"],
    ["2606:4700::1111", 0x26064700000000000000000000001111n, "2606:4700::1111"],
    // IPv4-mapped text stays IPv6 (no family conversion); printed in RFC 5952 mixed notation.
    ["::ffff:1.2.3.4", 0xffff01020304n, "::ffff:1.2.3.4"],
    ["::ffff:102:304", 0xffff01020304n, "::ffff:1.2.3.4"],
    // Deprecated IPv4-compatible form is ::0102:0304, NOT the mapped address (ipaddr.js quirk).
    ["::1.2.3.4", 0x01020304n, "::102:304"],
    ["0::1.2.3.4", 0x01020304n, "::102:304"],
    ["64:ff9b::8.8.8.8", 0x0064ff9b000000000000000008080808n, "64:ff9b::808:808"],
  ])("%s", (text, value, canonical) => {
    expect(parseIp(text)).toBe(value);
    expect(formatIp(value)).toBe(canonical);
    expect(parseIp(canonical)).toBe(value);
  });

  it.each([
    "",
    " ",
    "10.0.0.256",
    "10.0.0",
    "10.1",
    "167772161",
    "0x0a.0.0.1",
    "010.0.0.1",
    "1.2.3.4.5",
    "1.2.3.-4",
    "a.b.c.d",
    "10.0.0.0/8",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "12345::",
    "fe80::1%eth0",
    "::ffff:1.2.3",
    "::ffff:01.2.3.4",
    "::ffff:0x1.2.3.4",
    "::ffff:1.2.3.256",
    ":::",
    "g::1",
    "localhost",
  ])("rejects %j", (text) => {
    expect(() => parseIp(text)).toThrow(NetsetInputError);
    expect(() => parseIp(text)).toThrow(`not an IP address: ${JSON.stringify(text)}`);
    try {
      parseIp(text);
    } catch (e) {
      expect((e as NetsetInputError).input).toBe(text);
    }
  });

  it("isV4 and out-of-axis values", () => {
    expect(isV4(parseIp("1.2.3.4"))).toBe(true);
    expect(isV4(parseIp("::1.2.3.4"))).toBe(false);
    expect(isV4(parseIp("::ffff:1.2.3.4"))).toBe(false);
    expect(() => formatIp(-1n)).toThrow(RangeError);
    expect(() => formatIp(V4_MAX + 1n)).toThrow(RangeError);
  });
});

describe("parseCidr / toCidrs", () => {
  it.each<[string, bigint, bigint, string]>([
    // text, lo, hi, canonical CIDR
    ["0.0.0.0/0", V4_OFFSET, V4_MAX, "0.0.0.0/0"],
    ["::/0", 0n, V6_MAX, "::/0"],
    ["10.0.0.0/8", V4_OFFSET + 0x0a000000n, V4_OFFSET + 0x0affffffn, "10.0.0.0/8"],
    ["10.0.0.5/8", V4_OFFSET + 0x0a000000n, V4_OFFSET + 0x0affffffn, "10.0.0.0/8"], // host bits masked
    ["10.1.2.3/32", V4_OFFSET + 0x0a010203n, V4_OFFSET + 0x0a010203n, "10.1.2.3/32"],
    ["10.1.2.3", V4_OFFSET + 0x0a010203n, V4_OFFSET + 0x0a010203n, "10.1.2.3/32"], // bare address
    ["255.255.255.255/32", V4_MAX, V4_MAX, "255.255.255.255/32"],
    ["255.255.255.255/0", V4_OFFSET, V4_MAX, "0.0.0.0/0"],
    ["192.168.1.1/31", V4_OFFSET + 0xc0a80100n, V4_OFFSET + 0xc0a80101n, "192.168.1.0/31"],
    // Spellings at the edge of the plain-number fast path (ip.ts strictV4Cidr), read as the general one.
    ["10.0.0.0/08", V4_OFFSET + 0x0a000000n, V4_OFFSET + 0x0affffffn, "10.0.0.0/8"],
    ["10.1.2.3/032", V4_OFFSET + 0x0a010203n, V4_OFFSET + 0x0a010203n, "10.1.2.3/32"],
    [" 10.0.0.0/8 ", V4_OFFSET + 0x0a000000n, V4_OFFSET + 0x0affffffn, "10.0.0.0/8"],
    ["0.0.0.0/1", V4_OFFSET, V4_OFFSET + 0x7fffffffn, "0.0.0.0/1"],
    ["2001:db8::/32", 0x20010db8n << 96n, ((0x20010db8n + 1n) << 96n) - 1n, "2001:db8::/32"],
    ["2001:db8::1/32", 0x20010db8n << 96n, ((0x20010db8n + 1n) << 96n) - 1n, "2001:db8::/32"],
    ["::1/128", 1n, 1n, "::1/128"],
    ["::1", 1n, 1n, "::1/128"],
    [
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
      V6_MAX,
      V6_MAX,
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
    ],
    ["::ffff:1.2.3.4/128", 0xffff01020304n, 0xffff01020304n, "::ffff:1.2.3.4/128"], // is v6!
    ["::ffff:0:0/96", 0xffff00000000n, 0xffffffffffffn, "::ffff:0.0.0.0/96"],
    ["2000::/3", 0x2n << 124n, (0x4n << 124n) - 1n, "2000::/3"],
  ])("%s", (text, lo, hi, canonical) => {
    const set = parseCidr(text);
    expect(set.ranges).toEqual([[lo, hi]]);
    expect(toCidrs(set)).toEqual([canonical]);
    expect(parseCidr(canonical).equals(set)).toBe(true);
  });

  it("::ffff:1.2.3.4/128 is IPv6 and disjoint from 1.2.3.4/32", () => {
    const mapped = parseCidr("::ffff:1.2.3.4/128");
    expect(mapped.isSubsetOf(IPV6_ALL)).toBe(true);
    expect(mapped.overlaps(IPV4_ALL)).toBe(false);
    expect(mapped.overlaps(parseCidr("1.2.3.4/32"))).toBe(false);
    expect(parseCidr("::/0").overlaps(parseCidr("0.0.0.0/0"))).toBe(false);
  });

  it.each([
    ["10.0.0.0/33", "prefix length must be 0..32"],
    ["::/129", "prefix length must be 0..128"],
    ["10.0.0.0/", "prefix length"],
    ["10.0.0.0/-1", "prefix length"],
    ["10.0.0.0/ 8", "prefix length"],
    ["10.0.0.0/8/8", "prefix length"],
    ["10.0.0.0/0x8", "prefix length"],
    ["10.0.0.0/1000", "prefix length"],
    ["10.0.0.256/8", "bad address"],
    ["/8", "bad address"],
    ["", "bad address"],
    ["fe80::1%eth0/64", "bad address"],
    ["10/8", "bad address"],
    ["010.0.0.0/8", "bad address"],
    ["10.0.0.0.0/8", "bad address"],
    ["10.0.0/8", "bad address"],
    ["10..0.0/8", "bad address"],
    ["any", "bad address"],
  ])("rejects %j", (text, why) => {
    expect(() => parseCidr(text)).toThrow(NetsetInputError);
    expect(() => parseCidr(text)).toThrow(`not a CIDR block: ${JSON.stringify(text)}`);
    expect(() => parseCidr(text)).toThrow(why);
  });

  it("toCidrs splits ranges minimally", () => {
    const v4 = (a: string, b: string) => IntervalSet.range(parseIp(a), parseIp(b));
    expect(toCidrs(v4("10.0.0.1", "10.0.0.6"))).toEqual([
      "10.0.0.1/32",
      "10.0.0.2/31",
      "10.0.0.4/31",
      "10.0.0.6/32",
    ]);
    expect(toCidrs(v4("0.0.0.1", "255.255.255.254")).length).toBe(62);
    expect(toCidrs(v4("10.0.0.0", "10.0.1.255"))).toEqual(["10.0.0.0/23"]);
    expect(toCidrs(v4("10.0.1.0", "10.0.2.255"))).toEqual(["10.0.1.0/24", "10.0.2.0/24"]);
    expect(toCidrs(IntervalSet.range(0n, V6_MAX - 1n)).length).toBe(128);
    expect(toCidrs(IntervalSet.EMPTY)).toEqual([]);
  });

  it("toCidrs on IPv4 (number bounds) gives the same blocks as on IPv6 (bigint bounds)", () => {
    // The same range once at 2^128 + x (IPv4, stored as numbers) and once at x (IPv6, bigints):
    // the covers must have the same blocks, /n in IPv4 being /(n + 96) in IPv6.
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const v4 = toCidrs(IntervalSet.range(V4_OFFSET + BigInt(a), V4_OFFSET + BigInt(b)));
        const v6 = toCidrs(IntervalSet.range(BigInt(a), BigInt(b)));
        expect(v4.map((c) => Number(c.split("/")[1]) + 96)).toEqual(v6.map((c) => Number(c.split("/")[1])));
        expect(cidrSet(v4).equals(IntervalSet.range(V4_OFFSET + BigInt(a), V4_OFFSET + BigInt(b)))).toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });

  it("toCidrs splits a range crossing the family boundary", () => {
    const set = IntervalSet.range(V6_MAX - 1n, V4_OFFSET + 1n);
    expect(toCidrs(set)).toEqual(["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", "0.0.0.0/31"]);
    expect(toCidrs(IP_ALL)).toEqual(["::/0", "0.0.0.0/0"]);
  });

  it("cidrSet unions, formatIpSet prints the fixed form", () => {
    expect(formatIpSet(IntervalSet.EMPTY)).toBe("none");
    expect(formatIpSet(IP_ALL)).toBe("any");
    expect(formatIpSet(IPV4_ALL)).toBe("0.0.0.0/0");
    expect(formatIpSet(IPV6_ALL)).toBe("::/0");
    expect(formatIpSet(cidrSet(["0.0.0.0/0", "::/0"]))).toBe("any");
    expect(formatIpSet(cidrSet(["10.0.0.0/9", "10.128.0.0/9", "2001:db8::/32"]))).toBe(
      "2001:db8::/32, 10.0.0.0/8",
    );
    expect(formatIpSet(PRIVATE_IPV4)).toBe("10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16");
    expect(cidrSet([]).isEmpty()).toBe(true);
    expect(() => cidrSet(["10.0.0.0/8", "nope"])).toThrow('not a CIDR block: "nope"');
  });

  it("IP_ALL is the union of both families", () => {
    expect(IP_ALL.equals(IPV4_ALL.union(IPV6_ALL))).toBe(true);
    expect(IP_ALL.size()).toBe((1n << 128n) + (1n << 32n));
    expect(IPV4_ALL.size()).toBe(1n << 32n);
  });

  it("sizeFrom128 counts a set's IPv4 addresses (the rest of size() are IPv6)", () => {
    expect(IP_ALL.sizeFrom128()).toBe(1n << 32n);
    expect(IPV6_ALL.sizeFrom128()).toBe(0n);
    const mixed = cidrSet(["10.0.0.0/24", "8.8.8.8/32", "2001:db8::/120", "::/128"]);
    expect(mixed.sizeFrom128()).toBe(257n);
    expect(mixed.size() - mixed.sizeFrom128()).toBe(257n);
    // Generic sets too: values from 2^128 on, inside the number window and above it.
    const far = IntervalSet.fromRanges([
      [5n, 9n],
      [V4_OFFSET + 3n, V4_OFFSET + 4n],
      [V4_OFFSET + (1n << 60n), V4_OFFSET + (1n << 60n) + 9n],
    ]);
    expect(far.sizeFrom128()).toBe(12n);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.bigInt(0n, 1n << 130n), fc.bigInt(0n, 1n << 20n))), (xs) => {
        const set = IntervalSet.fromRanges(xs.map(([lo, n]) => [lo, lo + n] as const));
        const brute = set.ranges.reduce(
          (sum, [lo, hi]) => sum + (hi < V4_OFFSET ? 0n : hi - (lo > V4_OFFSET ? lo : V4_OFFSET) + 1n),
          0n,
        );
        expect(set.sizeFrom128()).toBe(brute);
      }),
    );
  });
});

describe("PUBLIC_INTERNET", () => {
  const pub = (ip: string) => PUBLIC_INTERNET.contains(parseIp(ip));
  it.each([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["2606:4700::1111", true],
    ["2a00:1450:4001::1", true],
    ["3ffe::1", true],
    ["100.63.255.255", true],
    ["100.128.0.0", true],
    ["192.0.0.9", true], // PCP anycast: globally reachable per the registry
    ["192.0.0.10", true],
    ["192.31.196.1", true],
    ["192.88.98.255", true],
    ["223.255.255.255", true],
    ["2001:1::1", true],
    ["2001:3::1", true],
    ["2001:4:112::1", true],
    ["2001:20::1", true],
    ["2001:200::1", true], // first address after 2001::/23
    ["2003::1", true],
    ["10.0.0.1", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["127.0.0.1", false],
    ["169.254.169.254", false],
    ["0.1.2.3", false],
    ["192.0.0.8", false],
    ["192.0.0.170", false],
    ["192.0.2.1", false],
    ["192.88.99.1", false],
    ["198.18.0.1", false],
    ["198.19.255.255", false],
    ["198.51.100.1", false],
    ["203.0.113.1", false],
    ["224.0.0.1", false],
    ["239.255.255.255", false],
    ["240.0.0.1", false],
    ["255.255.255.255", false],
    ["2001:db8::1", false],
    ["2001::1", false], // Teredo
    ["2001:2::1", false], // benchmarking
    ["2001:10::1", false], // deprecated ORCHID
    ["2001:1::4", false],
    ["2001:1ff:ffff::1", false],
    ["2002::1", false], // 6to4
    ["3fff::1", false], // documentation
    ["::1", false],
    ["::ffff:8.8.8.8", false], // mapped text is IPv6 outside 2000::/3
    ["fc00::1", false],
    ["fe80::1", false],
    ["ff02::1", false],
    ["4000::1", false],
  ])("%s -> %s", (ip, expected) => {
    expect(pub(ip)).toBe(expected);
  });

  it("is disjoint from RFC 1918", () => {
    expect(PUBLIC_INTERNET.overlaps(PRIVATE_IPV4)).toBe(false);
    expect(PUBLIC_INTERNET.isSubsetOf(cidrSet(["0.0.0.0/0", "2000::/3"]))).toBe(true);
  });
});

// ---- properties ----

/** Independent reference: the aligned-prefix tree decomposition of [lo, hi] (always minimal). */
function referenceBlocks(lo: bigint, hi: bigint, base: bigint, bits: number): number {
  const size = 1n << BigInt(bits);
  const end = base + size - 1n;
  if (end < lo || base > hi) return 0;
  if (lo <= base && end <= hi) return 1;
  const half = size >> 1n;
  return referenceBlocks(lo, hi, base, bits - 1) + referenceBlocks(lo, hi, base + half, bits - 1);
}

describe("CIDR properties", () => {
  const v4Raw = fc.bigInt({ min: 0n, max: 0xffffffffn });
  const v6Raw = fc.bigInt({ min: 0n, max: V6_MAX });

  it("toCidrs is an exact, minimal cover (IPv4)", () => {
    fc.assert(
      fc.property(v4Raw, v4Raw, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const set = IntervalSet.range(V4_OFFSET + lo, V4_OFFSET + hi);
        const cidrs = toCidrs(set);
        expect(cidrSet(cidrs).equals(set)).toBe(true);
        expect(cidrs.length).toBe(referenceBlocks(lo, hi, 0n, 32));
        // Each block is printed aligned: re-printing its parse gives the same text.
        for (const c of cidrs) expect(toCidrs(parseCidr(c))).toEqual([c]);
      }),
      { numRuns: 300 },
    );
  });

  it("toCidrs is an exact, minimal cover (IPv6)", () => {
    fc.assert(
      fc.property(v6Raw, v6Raw, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const set = IntervalSet.range(lo, hi);
        const cidrs = toCidrs(set);
        expect(cidrSet(cidrs).equals(set)).toBe(true);
        expect(cidrs.length).toBe(referenceBlocks(lo, hi, 0n, 128));
      }),
      { numRuns: 100 },
    );
  });

  it("parseCidr masks host bits like the network address", () => {
    fc.assert(
      fc.property(v4Raw, fc.integer({ min: 0, max: 32 }), (raw, prefix) => {
        const text = `${formatIp(V4_OFFSET + raw)}/${prefix}`;
        const set = parseCidr(text);
        const host = 32 - prefix;
        expect(set.min()).toBe(V4_OFFSET + ((raw >> BigInt(host)) << BigInt(host)));
        expect(set.size()).toBe(1n << BigInt(host));
        expect(set.contains(V4_OFFSET + raw)).toBe(true);
      }),
    );
  });

  it("formatIp / parseIp round trip on both families", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          v6Raw,
          v4Raw.map((r) => V4_OFFSET + r),
        ),
        (v) => {
          expect(parseIp(formatIp(v))).toBe(v);
        },
      ),
      { numRuns: 500 },
    );
  });
});
