// IntervalSet: an immutable, canonical set of bigints.
//
// Representation: sorted, pairwise disjoint, NON-TOUCHING inclusive ranges [lo, hi]. "Non-touching"
// means that for consecutive ranges a and b, b.lo > a.hi + 1; [1,3] and [4,5] are always stored as
// [1,5]. Because of that invariant every point set has exactly one representation, so structural
// equality is set equality and `key()` can be compared instead of the sets.
//
// Every operation is a linear merge over the range lists. Nothing ever iterates over the values
// inside a range: the sets in this project are things like 0.0.0.0/0, ::/0 (2^128 values) or all
// 65536 ports, so enumeration would be both wrong-headed and unbounded.

import { hashBigint, mix } from "./hash.js";

/** One inclusive range [lo, hi] with lo <= hi. */
export type Range = readonly [bigint, bigint];

export class IntervalSet {
  static readonly EMPTY: IntervalSet = new IntervalSet([]);

  // Canonical ranges, see the invariant above. Never mutated after construction.
  private readonly _ranges: readonly Range[];
  // Cached canonical key and hash; computed on first use because most intermediate sets never
  // need them.
  private _key: string | undefined;
  private _hash: number | undefined;
  private _size: bigint | undefined;

  /** Callers must pass canonical ranges; every public factory normalizes first. */
  private constructor(ranges: readonly Range[]) {
    this._ranges = ranges;
  }

  /** [lo, hi]; empty when lo > hi. */
  static range(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet([[lo, hi]]);
  }

  static point(v: bigint): IntervalSet {
    return new IntervalSet([[v, v]]);
  }

  /**
   * Normalizes arbitrary ranges: drops lo > hi, sorts, merges overlapping and touching ranges.
   * Already sorted input (the common case inside the library) skips the sort, so it is linear.
   * The result owns fresh range tuples: the caller's arrays may be mutated afterwards.
   */
  static fromRanges(ranges: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const items: Range[] = [];
    let sorted = true;
    for (const r of ranges) {
      if (r[0] > r[1]) continue;
      const last = items[items.length - 1];
      if (last !== undefined && r[0] < last[0]) sorted = false;
      items.push(r);
    }
    if (items.length === 0) return IntervalSet.EMPTY;
    if (!sorted) items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Range[] = [];
    let curLo = items[0]![0];
    let curHi = items[0]![1];
    for (let i = 1; i < items.length; i++) {
      const r = items[i]!;
      if (r[0] <= curHi + 1n) {
        if (r[1] > curHi) curHi = r[1];
      } else {
        out.push([curLo, curHi]);
        curLo = r[0];
        curHi = r[1];
      }
    }
    out.push([curLo, curHi]);
    return new IntervalSet(out);
  }

  get ranges(): readonly Range[] {
    return this._ranges;
  }

  isEmpty(): boolean {
    return this._ranges.length === 0;
  }

  /** Number of values in the set (not the number of ranges). */
  size(): bigint {
    if (this._size === undefined) {
      let n = 0n;
      for (const [lo, hi] of this._ranges) n += hi - lo + 1n;
      this._size = n;
    }
    return this._size;
  }

  min(): bigint | undefined {
    return this._ranges[0]?.[0];
  }

  max(): bigint | undefined {
    return this._ranges[this._ranges.length - 1]?.[1];
  }

  /** Binary search over the ranges: O(log n). */
  contains(v: bigint): boolean {
    const rs = this._ranges;
    let a = 0;
    let b = rs.length - 1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      const r = rs[m]!;
      if (v < r[0]) b = m - 1;
      else if (v > r[1]) a = m + 1;
      else return true;
    }
    return false;
  }

  /**
   * Canonical string, equal iff the sets are equal (the representation is unique). Hex keeps keys
   * of 129-bit IP values short; single points omit the "-hi" part. Never contains "{", "}" or "|",
   * which lets the product set nest these keys unambiguously.
   */
  key(): string {
    if (this._key === undefined) {
      let s = "";
      for (let i = 0; i < this._ranges.length; i++) {
        const [lo, hi] = this._ranges[i]!;
        if (i > 0) s += ",";
        s += lo === hi ? lo.toString(16) : `${lo.toString(16)}-${hi.toString(16)}`;
      }
      this._key = s;
    }
    return this._key;
  }

  /**
   * 32-bit structural hash, consistent with equals (equal sets, equal hashes). Cached. Used by the
   * product set to group equal subsets without building key strings, which for IP sets are long.
   */
  hash(): number {
    if (this._hash === undefined) {
      const rs = this._ranges;
      let h = mix(0x2545f491, rs.length);
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i]!;
        h = hashBigint(hashBigint(h, r[0]), r[1]);
      }
      this._hash = h;
    }
    return this._hash;
  }

  equals(o: IntervalSet): boolean {
    if (this === o) return true;
    const a = this._ranges;
    const b = o._ranges;
    if (a.length !== b.length) return false;
    if (this._hash !== undefined && o._hash !== undefined && this._hash !== o._hash) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x[0] !== y[0] || x[1] !== y[1]) return false;
    }
    return true;
  }

  union(o: IntervalSet): IntervalSet {
    if (this === o || o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    const a = this._ranges;
    const b = o._ranges;
    const out: Range[] = [];
    let i = 0;
    let j = 0;
    let curLo = 0n;
    let curHi = 0n;
    let open = false;
    while (i < a.length || j < b.length) {
      // Take whichever next range starts first; the output is then built in ascending order.
      let r: Range;
      if (j >= b.length || (i < a.length && a[i]![0] <= b[j]![0])) r = a[i++]!;
      else r = b[j++]!;
      if (!open) {
        curLo = r[0];
        curHi = r[1];
        open = true;
      } else if (r[0] <= curHi + 1n) {
        // Overlapping or touching: extend (this is what keeps the result canonical).
        if (r[1] > curHi) curHi = r[1];
      } else {
        out.push([curLo, curHi]);
        curLo = r[0];
        curHi = r[1];
      }
    }
    out.push([curLo, curHi]);
    return this._reuse(out, o);
  }

  intersect(o: IntervalSet): IntervalSet {
    if (this === o) return this;
    if (this.isEmpty() || o.isEmpty()) return IntervalSet.EMPTY;
    const a = this._ranges;
    const b = o._ranges;
    const out: Range[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lo = x[0] > y[0] ? x[0] : y[0];
      const hi = x[1] < y[1] ? x[1] : y[1];
      if (lo <= hi) out.push(lo === x[0] && hi === x[1] ? x : lo === y[0] && hi === y[1] ? y : [lo, hi]);
      // Advance the range that ends first; the other may still overlap the next one.
      if (x[1] < y[1]) i++;
      else j++;
    }
    // Pieces of two canonical sets are separated by gaps of the inputs, so `out` is canonical.
    return out.length === 0 ? IntervalSet.EMPTY : this._reuse(out, o);
  }

  subtract(o: IntervalSet): IntervalSet {
    if (this === o) return IntervalSet.EMPTY;
    if (this.isEmpty() || o.isEmpty()) return this;
    const a = this._ranges;
    const b = o._ranges;
    const out: Range[] = [];
    let j = 0;
    for (const x of a) {
      let lo = x[0];
      const hi = x[1];
      // Skip holes that end before this range starts. Holes are not consumed past that point:
      // one hole may also cut the next range of `this`.
      while (j < b.length && b[j]![1] < lo) j++;
      for (let k = j; lo <= hi && k < b.length && b[k]![0] <= hi; k++) {
        const y = b[k]!;
        if (y[0] > lo) out.push([lo, y[0] - 1n]);
        lo = y[1] + 1n; // y[1] >= lo here, so lo only moves forward
      }
      if (lo <= hi) out.push(lo === x[0] ? x : [lo, hi]);
    }
    return out.length === 0 ? IntervalSet.EMPTY : this._reuse(out, o);
  }

  /** [lo, hi] minus this. */
  complement(lo: bigint, hi: bigint): IntervalSet {
    return IntervalSet.range(lo, hi).subtract(this);
  }

  isSubsetOf(o: IntervalSet): boolean {
    if (this === o || this.isEmpty()) return true;
    const a = this._ranges;
    const b = o._ranges;
    let j = 0;
    for (const x of a) {
      while (j < b.length && b[j]![1] < x[0]) j++;
      const y = b[j];
      // Ranges of `o` never touch, so x must fit inside a single range of o.
      if (y === undefined || y[0] > x[0] || y[1] < x[1]) return false;
    }
    return true;
  }

  overlaps(o: IntervalSet): boolean {
    if (this.isEmpty() || o.isEmpty()) return false;
    if (this === o) return true;
    const a = this._ranges;
    const b = o._ranges;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      if (x[1] < y[0]) i++;
      else if (y[1] < x[0]) j++;
      else return true;
    }
    return false;
  }

  toString(): string {
    if (this.isEmpty()) return "{}";
    return `{${this._ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}..${hi}`)).join(", ")}}`;
  }

  /**
   * Returns an existing operand when the result is structurally identical to it. Keeping object
   * identity lets callers short-circuit on `===` and reuse already computed keys, which matters
   * for the product set, where equal subsets are merged by key.
   */
  private _reuse(out: Range[], o: IntervalSet): IntervalSet {
    if (sameRanges(out, this._ranges)) return this;
    if (sameRanges(out, o._ranges)) return o;
    return new IntervalSet(out);
  }
}

function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x[0] !== y[0] || x[1] !== y[1])) return false;
  }
  return true;
}
