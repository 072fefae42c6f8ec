// IPv4 CIDRs in the common spelling are read in plain numbers (ip.ts strictV4Cidr) into sets built
// without BigInts (IntervalSet.windowRange), one set per block: the same sets as the general path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntervalSet, parseCidr, V4_OFFSET } from "../../src/netset/index.js";

const MAX = 2 ** 53 - 1;

describe("IntervalSet.windowRange", () => {
  it("is range() of the offsets from 2^128, built from numbers", () => {
    const offset = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 }),
      fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 32, MAX - 1, MAX),
      fc.double({ min: 0, max: MAX, noNaN: true }).map(Math.floor),
    );
    fc.assert(
      fc.property(offset, offset, (lo, hi) => {
        const want = IntervalSet.range(V4_OFFSET + BigInt(lo), V4_OFFSET + BigInt(hi));
        const got = IntervalSet.windowRange(lo, hi);
        expect(got.equals(want)).toBe(true);
        expect(got.key()).toBe(want.key());
        expect(got.hash()).toBe(want.hash());
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    [-1, 5],
    [0, 2 ** 53],
    [0.5, 3],
    [0, Number.NaN],
  ])("refuses offsets outside the window or not integers: %s, %s", (lo, hi) => {
    expect(() => IntervalSet.windowRange(lo, hi)).toThrow(RangeError);
  });
});

describe("IPv4 CIDR blocks", () => {
  it("one set per block, whatever host bits the text has", () => {
    const a = parseCidr("10.1.2.3/8");
    expect(parseCidr("10.0.0.0/8")).toBe(a);
    expect(parseCidr("10.255.255.255/8")).toBe(a);
    expect(a.equals(IntervalSet.range(V4_OFFSET + (10n << 24n), V4_OFFSET + (11n << 24n) - 1n))).toBe(true);
    // Another prefix length at the same first address is another block.
    expect(parseCidr("10.0.0.0/9")).not.toBe(a);
    expect(parseCidr("10.0.0.0/9").equals(a)).toBe(false);
  });

  it("addresses at and above 2^31 (negative as 32-bit keys) are their own blocks", () => {
    const high = parseCidr("200.1.2.0/24");
    const top = parseCidr("255.255.255.255/32");
    expect(high).toBe(parseCidr("200.1.2.77/24"));
    expect(toRange(high)).toEqual([0xc8010200, 0xc80102ff]);
    expect(toRange(top)).toEqual([0xffffffff, 0xffffffff]);
    expect(toRange(parseCidr("0.0.0.0/0"))).toEqual([0, 0xffffffff]);
    expect(toRange(parseCidr("128.0.0.0/1"))).toEqual([0x80000000, 0xffffffff]);
  });
});

/** The one range of an IPv4 set, as offsets. */
function toRange(s: IntervalSet): number[] {
  expect(s.ranges.length).toBe(1);
  return s.ranges[0]!.map((v) => Number(v - V4_OFFSET));
}
