// The performance paths of the set algebra must never change an answer: the per-object memo of
// IntervalSet operations, unionAll, the number-based slice accessors of PacketSet that the audit
// matrix sweeps, and the strict dotted-quad reader in front of ipaddr.js.
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { IntervalSet, PacketSet, parseIp, V4_OFFSET } from "../../src/netset/index.js";

const N = 60;
const runs = { numRuns: 300 };

/** Sets over 0..N with many short ranges, so that operations on them take the memoized path. */
const setArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: 3 })), { maxLength: 24 })
  .map((xs) => IntervalSet.fromRanges(xs.map(([lo, len]) => [BigInt(lo), BigInt(lo + len)] as const)));

function members(s: IntervalSet): number[] {
  const out: number[] = [];
  for (let v = 0; v <= N + 3; v++) if (s.contains(BigInt(v))) out.push(v);
  return out;
}

describe("IntervalSet memo and unionAll", () => {
  // The second round of each pair is answered from the memo (when the sets are large enough to be
  // memoized): both rounds must give the right set.
  it("repeated operations give the right set", () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const ma = new Set(members(a));
        const mb = new Set(members(b));
        for (let round = 0; round < 2; round++) {
          const u = a.union(b);
          const i = a.intersect(b);
          const d = a.subtract(b);
          expect(members(u)).toEqual([...new Set([...ma, ...mb])].sort((x, y) => x - y));
          expect(members(i)).toEqual([...ma].filter((v) => mb.has(v)));
          expect(members(d)).toEqual([...ma].filter((v) => !mb.has(v)));
        }
      }),
      runs,
    );
  });

  it("a few ranges against many (the binary-search start) intersect right", () => {
    const few = fc
      .array(fc.tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: 20 })), {
        minLength: 1,
        maxLength: 2,
      })
      .map((xs) => IntervalSet.fromRanges(xs.map(([lo, len]) => [BigInt(lo), BigInt(lo + len)] as const)));
    // Every other value of 0..N: N / 2 single-value ranges.
    const many = IntervalSet.fromRanges(
      Array.from({ length: N / 2 + 1 }, (_, k) => [BigInt(2 * k), BigInt(2 * k)] as const),
    );
    fc.assert(
      fc.property(few, (a) => {
        const even = new Set(members(many));
        const want = members(a).filter((v) => even.has(v));
        expect(members(a.intersect(many))).toEqual(want);
        expect(members(many.intersect(a))).toEqual(want);
      }),
      runs,
    );
  });

  it("unionAll is the union of its inputs", () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 7 }), (sets) => {
        const want = sets.reduce((u, s) => u.union(s), IntervalSet.EMPTY);
        expect(IntervalSet.unionAll(sets).equals(want)).toBe(true);
      }),
      runs,
    );
  });

  it("id() is stable per object and distinct between objects, equal or not", () => {
    const a = IntervalSet.range(1n, 5n);
    const b = IntervalSet.range(1n, 5n);
    expect(a.id()).toBe(a.id());
    expect(a.id()).not.toBe(b.id());
  });
});

// PacketSets over protocols 0..7, ports 0..15, IPs 0..N.
const cubeArb = fc.record({
  p: fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 })),
  q: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 6 })),
  ips: setArb,
});
const packetArb = fc
  .array(cubeArb, { maxLength: 6 })
  .map((cs) =>
    PacketSet.unionAll(
      cs.map(({ p, q, ips }) =>
        PacketSet.cube(
          IntervalSet.range(BigInt(p[0]), BigInt(Math.min(7, p[0] + p[1]))),
          IntervalSet.range(BigInt(q[0]), BigInt(Math.min(15, q[0] + q[1]))),
          ips,
        ),
      ),
    ),
  );

describe("PacketSet slice accessors", () => {
  it("portRunsAt and pushProtocolCuts describe exactly the set", () => {
    fc.assert(
      fc.property(packetArb, (s) => {
        const cuts: number[] = [];
        s.pushProtocolCuts(cuts);
        for (let k = 1; k < cuts.length; k++) expect(cuts[k]! >= cuts[k - 1]!).toBe(true);
        for (let p = 0; p <= 8; p++) {
          const r = s.portRunsAt(p);
          for (let q = 0; q <= 16; q++) {
            let sub: IntervalSet | undefined;
            for (let k = 0; r && k < r.lo.length; k++) if (r.lo[k]! <= q && q <= r.hi[k]!) sub = r.sub[k];
            for (let v = 0; v <= N + 3; v++)
              expect(sub?.contains(BigInt(v)) ?? false).toBe(s.contains(p, q, BigInt(v)));
          }
          // Between two cuts the slice does not change.
          if (p > 0 && !cuts.includes(p)) expect(r).toBe(s.portRunsAt(p - 1));
        }
      }),
      runs,
    );
  });

  it("overlapsCube agrees with overlaps of the built cube", () => {
    fc.assert(
      fc.property(packetArb, cubeArb, (s, c) => {
        const [pLo, pHi] = [c.p[0], Math.min(7, c.p[0] + c.p[1])];
        const [qLo, qHi] = [c.q[0], Math.min(15, c.q[0] + c.q[1])];
        const cube = PacketSet.cube(
          IntervalSet.range(BigInt(pLo), BigInt(pHi)),
          IntervalSet.range(BigInt(qLo), BigInt(qHi)),
          c.ips,
        );
        expect(s.overlapsCube(pLo, pHi, qLo, qHi, c.ips)).toBe(s.overlaps(cube));
      }),
      runs,
    );
  });
});

describe("intersection short cuts", () => {
  // IPv4 addresses are kept as numbers, everything else as bigints: a set of each kind, and sets with
  // both, must meet exactly where their values do (small sets go by binary search, not the pair cache).
  const v4 = (a: number, b: number) => IntervalSet.range(V4_OFFSET + BigInt(a), V4_OFFSET + BigInt(b));
  const v6 = (a: number, b: number) => IntervalSet.range(BigInt(a), BigInt(b));
  const mixedArb = fc
    .array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: 3 })), {
      maxLength: 12,
    })
    .map((xs) => IntervalSet.unionAll(xs.map(([four, lo, len]) => (four ? v4 : v6)(lo, lo + len))));
  const values = (s: IntervalSet): string[] => {
    const out: string[] = [];
    for (let v = 0; v <= N + 3; v++) {
      if (s.contains(BigInt(v))) out.push(`6:${v}`);
      if (s.contains(V4_OFFSET + BigInt(v))) out.push(`4:${v}`);
    }
    return out;
  };

  it("sets of either kind of value, or both, intersect right", () => {
    fc.assert(
      fc.property(mixedArb, mixedArb, (a, b) => {
        const inB = new Set(values(b));
        const want = values(a).filter((x) => inB.has(x));
        expect(values(a.intersect(b))).toEqual(want);
        expect(values(b.intersect(a))).toEqual(want);
      }),
      runs,
    );
  });

  it("an IPv4 set and an IPv6 set do not meet", () => {
    expect(v4(0, 100).intersect(v6(0, 100)).isEmpty()).toBe(true);
    expect(v6(0, 100).intersect(v4(0, 100)).isEmpty()).toBe(true);
  });
});

describe("PacketSet from boxes", () => {
  const boxArb = fc
    .record({
      p: fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 })),
      q: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 6 })),
      ips: setArb,
    })
    .map(({ p, q, ips }) => ({ pLo: p[0], pHi: p[0] + p[1], qLo: q[0], qHi: q[0] + q[1], ips }));

  it("ofBoxes is the union of the boxes' cubes", () => {
    fc.assert(
      fc.property(fc.array(boxArb, { maxLength: 7 }), (boxes) => {
        const want = PacketSet.unionAll(
          boxes.map((b) =>
            PacketSet.cube(
              IntervalSet.range(BigInt(b.pLo), BigInt(b.pHi)),
              IntervalSet.range(BigInt(b.qLo), BigInt(b.qHi)),
              b.ips,
            ),
          ),
        );
        const got = PacketSet.ofBoxes(boxes);
        expect(got.equals(want)).toBe(true);
        expect(got.key()).toBe(want.key());
      }),
      runs,
    );
  });

  it("ofBoxes rejects bounds outside the dimensions", () => {
    const ips = IntervalSet.range(0n, 1n);
    expect(() => PacketSet.ofBoxes([{ pLo: 0, pHi: 256, qLo: 0, qHi: 1, ips }])).toThrow(RangeError);
    expect(() => PacketSet.ofBoxes([{ pLo: 0, pHi: 1, qLo: -1, qHi: 1, ips }])).toThrow(RangeError);
    expect(() =>
      PacketSet.ofBoxes([{ pLo: 0, pHi: 1, qLo: 0, qHi: 1, ips: IntervalSet.point(1n << 130n) }]),
    ).toThrow(RangeError);
  });

  it("eachProtocolRun lists the protocol runs with their slices", () => {
    fc.assert(
      fc.property(packetArb, (s) => {
        const boxes: { pLo: number; pHi: number; qLo: number; qHi: number; ips: IntervalSet }[] = [];
        let last = -1;
        s.eachProtocolRun((lo, hi, ports) => {
          expect(lo > last && lo <= hi).toBe(true);
          last = hi;
          expect(ports).toBe(s.portRunsAt(lo));
          for (let k = 0; k < ports.lo.length; k++)
            boxes.push({ pLo: lo, pHi: hi, qLo: ports.lo[k]!, qHi: ports.hi[k]!, ips: ports.sub[k]! });
        });
        expect(PacketSet.ofBoxes(boxes).equals(s)).toBe(true);
      }),
      runs,
    );
  });

  it("ipsAt is the IP slice at one protocol and port", () => {
    fc.assert(
      fc.property(packetArb, (s) => {
        for (let p = 0; p <= 8; p++)
          for (let q = 0; q <= 16; q++) {
            const ips = s.ipsAt(p, q);
            if (ips !== undefined) expect(ips.isEmpty()).toBe(false);
            for (let v = 0; v <= N + 3; v++)
              expect(ips?.contains(BigInt(v)) ?? false).toBe(s.contains(p, q, BigInt(v)));
          }
      }),
      runs,
    );
  });

  it("unionWithin where a rule covers all of a box of the set it is cut down to", () => {
    // The union is then that box's IP set wherever the covering rule is, whatever else meets it.
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 5 }), packetArb, (xs, w) => {
        const covering = [...xs, w.existsPort()];
        const want = PacketSet.unionAll(covering).intersect(w);
        expect(PacketSet.unionWithin(covering, w).equals(want)).toBe(true);
      }),
      runs,
    );
  });
});

describe("dotted-quad reader", () => {
  /** What the general path accepts: ipaddr.js' strict four-part decimal form. */
  const oracle = (s: string): bigint | undefined => {
    if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
    let v = 0n;
    for (const o of ipaddr.IPv4.parse(s).octets) v = (v << 8n) | BigInt(o);
    return V4_OFFSET + v;
  };
  const attempt = (s: string): bigint | undefined => {
    try {
      return parseIp(s);
    } catch {
      return undefined;
    }
  };

  it.each([
    "1.2.3.4",
    "0.0.0.0",
    "255.255.255.255",
    "01.2.3.4",
    "1.2.3.256",
    "1.2.3",
    "1.2.3.4.5",
    "1..3.4",
    "1.2.3.4.",
  ])("%s: same answer as ipaddr.js", (s) => {
    expect(attempt(s)).toBe(oracle(s));
  });

  it("agrees with ipaddr.js on random digit-and-dot strings", () => {
    const text = fc
      .array(fc.constantFrom("0", "1", "2", "5", "9", "."), { minLength: 1, maxLength: 16 })
      .map((cs) => cs.join(""));
    fc.assert(
      fc.property(text, (s) => {
        expect(attempt(s)).toBe(oracle(s));
      }),
      { numRuns: 2000 },
    );
  });
});
