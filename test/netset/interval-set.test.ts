import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntervalSet } from "../../src/netset/index.js";

const s = (...ranges: [number, number][]) =>
  IntervalSet.fromRanges(ranges.map(([lo, hi]) => [BigInt(lo), BigInt(hi)] as const));
const plain = (x: IntervalSet) => x.ranges.map(([lo, hi]) => [Number(lo), Number(hi)]);

describe("IntervalSet construction", () => {
  it.each<[string, [number, number][], number[][]]>([
    ["empty input", [], []],
    ["single point", [[5, 5]], [[5, 5]]],
    ["drops lo > hi", [[5, 4]], []],
    [
      "drops only the inverted one",
      [
        [5, 4],
        [1, 2],
      ],
      [[1, 2]],
    ],
    [
      "touching merge",
      [
        [1, 3],
        [4, 5],
      ],
      [[1, 5]],
    ],
    [
      "touching merge, reversed input",
      [
        [4, 5],
        [1, 3],
      ],
      [[1, 5]],
    ],
    [
      "overlap merge",
      [
        [1, 4],
        [3, 8],
      ],
      [[1, 8]],
    ],
    [
      "containment",
      [
        [1, 10],
        [3, 4],
      ],
      [[1, 10]],
    ],
    [
      "duplicate",
      [
        [2, 2],
        [2, 2],
      ],
      [[2, 2]],
    ],
    [
      "gap of one stays split",
      [
        [1, 3],
        [5, 6],
      ],
      [
        [1, 3],
        [5, 6],
      ],
    ],
    [
      "unsorted chain",
      [
        [7, 7],
        [1, 1],
        [3, 3],
        [2, 2],
        [5, 6],
      ],
      [
        [1, 3],
        [5, 7],
      ],
    ],
    [
      "points bridging",
      [
        [1, 1],
        [3, 3],
        [2, 2],
      ],
      [[1, 3]],
    ],
  ])("%s", (_name, input, expected) => {
    expect(plain(s(...input))).toEqual(expected);
  });

  it("range/point/EMPTY", () => {
    expect(IntervalSet.range(3n, 2n).isEmpty()).toBe(true);
    expect(IntervalSet.range(3n, 3n).equals(IntervalSet.point(3n))).toBe(true);
    expect(IntervalSet.EMPTY.isEmpty()).toBe(true);
    expect(IntervalSet.EMPTY.size()).toBe(0n);
    expect(IntervalSet.EMPTY.min()).toBeUndefined();
    expect(IntervalSet.EMPTY.max()).toBeUndefined();
    expect(IntervalSet.EMPTY.key()).toBe("");
  });

  it("does not alias the caller's tuples", () => {
    const r: [bigint, bigint] = [1n, 5n];
    const x = IntervalSet.fromRanges([r]);
    r[1] = 9n;
    expect(x.ranges).toEqual([[1n, 5n]]);
  });

  it("works with values beyond 2^64", () => {
    const big = 1n << 128n;
    const x = IntervalSet.range(big - 1n, big + 10n);
    expect(x.size()).toBe(12n);
    expect(x.contains(big)).toBe(true);
    expect(x.contains(big + 11n)).toBe(false);
    expect(x.union(IntervalSet.point(big + 11n)).ranges).toEqual([[big - 1n, big + 11n]]);
  });
});

describe("IntervalSet operations (tables)", () => {
  const A = s([1, 3], [7, 9], [15, 15]);
  it.each<[string, IntervalSet, IntervalSet, number[][], number[][], number[][]]>([
    // name, a, b, a∪b, a∩b, a\b
    ["with empty", A, IntervalSet.EMPTY, plain(A), [], plain(A)],
    ["empty with", IntervalSet.EMPTY, A, plain(A), [], []],
    ["self", A, A, plain(A), plain(A), []],
    ["adjacent left/right", s([1, 3]), s([4, 6]), [[1, 6]], [], [[1, 3]]],
    ["adjacent right/left", s([4, 6]), s([1, 3]), [[1, 6]], [], [[4, 6]]],
    [
      "hole filled by union",
      A,
      s([4, 6]),
      [
        [1, 9],
        [15, 15],
      ],
      [],
      plain(A),
    ],
    [
      "partial overlaps",
      A,
      s([2, 8]),
      [
        [1, 9],
        [15, 15],
      ],
      [
        [2, 3],
        [7, 8],
      ],
      [
        [1, 1],
        [9, 9],
        [15, 15],
      ],
    ],
    ["b spans everything", A, s([0, 20]), [[0, 20]], plain(A), []],
    [
      "point removal splits",
      s([1, 9]),
      s([5, 5]),
      [[1, 9]],
      [[5, 5]],
      [
        [1, 4],
        [6, 9],
      ],
    ],
    [
      "edges removed",
      s([1, 9]),
      s([1, 1], [9, 9]),
      [[1, 9]],
      [
        [1, 1],
        [9, 9],
      ],
      [[2, 8]],
    ],
    [
      "one hole cuts two ranges",
      s([1, 3], [5, 8]),
      s([3, 5]),
      [[1, 8]],
      [
        [3, 3],
        [5, 5],
      ],
      [
        [1, 2],
        [6, 8],
      ],
    ],
    [
      "disjoint interleaved",
      s([1, 1], [5, 5]),
      s([3, 3], [7, 7]),
      [
        [1, 1],
        [3, 3],
        [5, 5],
        [7, 7],
      ],
      [],
      [
        [1, 1],
        [5, 5],
      ],
    ],
    ["single points equal", s([4, 4]), s([4, 4]), [[4, 4]], [[4, 4]], []],
  ])("%s", (_name, a, b, u, i, d) => {
    expect(plain(a.union(b))).toEqual(u);
    expect(plain(a.intersect(b))).toEqual(i);
    expect(plain(a.subtract(b))).toEqual(d);
    expect(a.overlaps(b)).toBe(i.length > 0);
  });

  it("complement, subset, contains, size, min/max", () => {
    expect(plain(A.complement(0n, 20n))).toEqual([
      [0, 0],
      [4, 6],
      [10, 14],
      [16, 20],
    ]);
    expect(plain(A.complement(2n, 8n))).toEqual([[4, 6]]);
    expect(A.complement(1n, 3n).isEmpty()).toBe(true);
    expect(IntervalSet.EMPTY.complement(0n, 65535n).ranges).toEqual([[0n, 65535n]]);
    expect(s([2, 3]).isSubsetOf(A)).toBe(true);
    expect(s([3, 4]).isSubsetOf(A)).toBe(false);
    expect(s([1, 9]).isSubsetOf(s([1, 3], [4, 9]))).toBe(true); // canonical merge makes this one range
    expect(IntervalSet.EMPTY.isSubsetOf(IntervalSet.EMPTY)).toBe(true);
    expect(A.isSubsetOf(IntervalSet.EMPTY)).toBe(false);
    expect([0, 1, 3, 4, 7, 9, 10, 15, 16].map((v) => A.contains(BigInt(v)))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(A.size()).toBe(7n);
    expect(A.min()).toBe(1n);
    expect(A.max()).toBe(15n);
  });

  it("key and equals", () => {
    expect(s([1, 3], [4, 5]).key()).toBe(s([1, 5]).key());
    expect(s([1, 5]).equals(s([4, 5], [1, 3]))).toBe(true);
    expect(s([1, 5]).key()).not.toBe(s([1, 4]).key());
    expect(s([16, 16]).key()).toBe("10");
    expect(s([1, 2], [16, 31]).key()).toBe("1-2,10-1f");
    expect(s([1, 12]).key()).not.toBe(s([1, 1], [2, 2]).key());
  });
});

// ---- property tests against a brute-force model on 0..40 ----
// The model's values are placed on the axis at `base + v`: at 0, and straddling each edge of the window
// that IntervalSet stores as plain numbers (2^128 .. 2^128 + 2^53, where IPv4 lives), so ranges cut at
// an edge are exercised too.

const N = 40;
const WINDOW_LO = 1n << 128n;
const WINDOW_HI = WINDOW_LO + (1n << 53n);
const rangeArb = fc.tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: N }));

for (const [where, base] of [
  ["0..40", 0n],
  ["across 2^128", WINDOW_LO - 20n],
  ["across 2^128 + 2^53", WINDOW_HI - 20n],
] as const) {
  const at = (v: number): bigint => base + BigInt(v);
  // Includes inverted (dropped) ranges and many touching/overlapping ones.
  const setArb = fc
    .array(rangeArb, { maxLength: 6 })
    .map((rs) => IntervalSet.fromRanges(rs.map(([a, b]) => [at(a), at(b)] as const)));

  function model(x: IntervalSet): Set<number> {
    const m = new Set<number>();
    for (const [lo, hi] of x.ranges) for (let v = Number(lo - base); v <= Number(hi - base); v++) m.add(v);
    return m;
  }
  function fromModel(m: Set<number>): IntervalSet {
    // Deliberately one point at a time in descending order: exercises normalization.
    return IntervalSet.fromRanges([...m].sort((a, b) => b - a).map((v) => [at(v), at(v)] as const));
  }
  function sameSet(a: Set<number>, b: Set<number>): boolean {
    return a.size === b.size && [...a].every((v) => b.has(v));
  }
  function isCanonical(x: IntervalSet): boolean {
    let prevHi: bigint | undefined;
    for (const [lo, hi] of x.ranges) {
      if (lo > hi) return false;
      if (prevHi !== undefined && lo <= prevHi + 1n) return false; // overlapping or touching
      prevHi = hi;
    }
    return true;
  }
  function expectSame(x: IntervalSet, m: Set<number>): void {
    expect(isCanonical(x)).toBe(true);
    expect(sameSet(model(x), m)).toBe(true);
    expect(x.key()).toBe(fromModel(m).key());
    expect(x.equals(fromModel(m))).toBe(true);
  }

  describe(`IntervalSet properties (brute-force model, ${where})`, () => {
    const runs = { numRuns: 400 };

    it("construction is canonical", () => {
      fc.assert(
        fc.property(setArb, (a) => isCanonical(a)),
        runs,
      );
    });

    it("union / intersect / subtract / complement match the model", () => {
      fc.assert(
        fc.property(setArb, setArb, (a, b) => {
          const ma = model(a);
          const mb = model(b);
          expectSame(a.union(b), new Set([...ma, ...mb]));
          expectSame(a.intersect(b), new Set([...ma].filter((v) => mb.has(v))));
          expectSame(a.subtract(b), new Set([...ma].filter((v) => !mb.has(v))));
          const all = new Set(Array.from({ length: N + 1 }, (_, v) => v));
          expectSame(a.complement(at(0), at(N)), new Set([...all].filter((v) => !ma.has(v))));
          expectSame(
            a.complement(at(5), at(20)),
            new Set([...all].filter((v) => v >= 5 && v <= 20 && !ma.has(v))),
          );
        }),
        runs,
      );
    });

    it("predicates match the model", () => {
      fc.assert(
        fc.property(setArb, setArb, fc.integer({ min: -1, max: N + 1 }), (a, b, v) => {
          const ma = model(a);
          const mb = model(b);
          expect(a.equals(b)).toBe(sameSet(ma, mb));
          expect(a.key() === b.key()).toBe(sameSet(ma, mb));
          if (sameSet(ma, mb)) expect(a.hash()).toBe(b.hash());
          expect(a.hash()).toBe(fromModel(ma).hash());
          expect(a.isSubsetOf(b)).toBe([...ma].every((x) => mb.has(x)));
          expect(a.overlaps(b)).toBe([...ma].some((x) => mb.has(x)));
          expect(a.contains(at(v))).toBe(ma.has(v));
          expect(a.size()).toBe(BigInt(ma.size));
          expect(a.isEmpty()).toBe(ma.size === 0);
          const sorted = [...ma].sort((x, y) => x - y);
          expect(a.min()).toBe(sorted.length ? at(sorted[0]!) : undefined);
          expect(a.max()).toBe(sorted.length ? at(sorted[sorted.length - 1]!) : undefined);
          if (!a.isEmpty() && !b.isEmpty())
            expect(Math.sign(a.compareMin(b))).toBe(a.min()! < b.min()! ? -1 : a.min()! > b.min()! ? 1 : 0);
        }),
        runs,
      );
    });

    it("set laws", () => {
      fc.assert(
        fc.property(setArb, setArb, setArb, (a, b, c) => {
          expect(a.union(b).equals(b.union(a))).toBe(true);
          expect(a.intersect(b).equals(b.intersect(a))).toBe(true);
          expect(
            a
              .union(b)
              .union(c)
              .equals(a.union(b.union(c))),
          ).toBe(true);
          expect(
            a
              .intersect(b)
              .intersect(c)
              .equals(a.intersect(b.intersect(c))),
          ).toBe(true);
          expect(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))).toBe(true);
          expect(a.union(b.intersect(c)).equals(a.union(b).intersect(a.union(c)))).toBe(true);
          const U = (x: IntervalSet) => x.complement(at(0), at(N));
          expect(U(a.union(b)).equals(U(a).intersect(U(b)))).toBe(true);
          expect(U(a.intersect(b)).equals(U(a).union(U(b)))).toBe(true);
          expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
          expect(a.union(a).equals(a)).toBe(true);
          expect(a.intersect(a).equals(a)).toBe(true);
          expect(U(U(a)).equals(a)).toBe(true);
          expect(a.subtract(b).union(a.intersect(b)).equals(a)).toBe(true);
        }),
        runs,
      );
    });
  });
}
