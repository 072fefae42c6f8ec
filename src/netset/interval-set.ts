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
  private _id: number | undefined;

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

  /**
   * Union of many sets, merged pairwise as a balanced tree (each merge is linear; folding left
   * would re-merge the growing result once per input). Like union(), returns an input when the
   * union equals it.
   */
  static unionAll(sets: readonly IntervalSet[]): IntervalSet {
    if (sets.length === 0) return IntervalSet.EMPTY;
    let level = sets;
    while (level.length > 1) {
      const next: IntervalSet[] = [];
      for (let k = 0; k < level.length; k += 2) {
        const y = level[k + 1];
        next.push(y === undefined ? level[k]! : level[k]!.union(y));
      }
      level = next;
    }
    return level[0]!;
  }

  /**
   * A number unique to this object (not to its value), assigned on first use: lets callers key
   * caches by set object without a WeakMap.
   */
  id(): number {
    return (this._id ??= nextId++);
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
    return this._memoized(UNIONS, o, (x) => this._union(x));
  }

  /**
   * Runs `op` through the pair cache when the operands are large enough for it to pay. Sets are
   * immutable and a hit matches both operands exactly, so a cached result is the exact answer.
   */
  private _memoized(table: PairCache, o: IntervalSet, op: (o: IntervalSet) => IntervalSet): IntervalSet {
    if (this._ranges.length + o._ranges.length < MEMO_MIN_RANGES) return op(o);
    const hit = table.get(this, o);
    if (hit !== undefined) return hit;
    const r = op(o);
    table.set(this, o, r);
    return r;
  }

  private _union(o: IntervalSet): IntervalSet {
    const a = this._ranges;
    const b = o._ranges;
    const out = BUF;
    let n = 0;
    let i = 0;
    let j = 0;
    // The range being built: it started as `first` and has grown to curHi.
    let first: Range | undefined;
    let curHi = 0n;
    while (i < a.length || j < b.length) {
      // Take whichever next range starts first; the output is then built in ascending order.
      let r: Range;
      if (j >= b.length || (i < a.length && a[i]![0] <= b[j]![0])) r = a[i++]!;
      else r = b[j++]!;
      if (first === undefined) {
        first = r;
        curHi = r[1];
      } else if (r[0] <= curHi || r[0] === curHi + 1n) {
        // Overlapping or touching: extend (this is what keeps the result canonical).
        if (r[1] > curHi) curHi = r[1];
      } else {
        out[n++] = curHi === first[1] ? first : [first[0], curHi];
        first = r;
        curHi = r[1];
      }
    }
    out[n++] = curHi === first![1] ? first! : [first![0], curHi];
    return this._reuse(n, o);
  }

  intersect(o: IntervalSet): IntervalSet {
    if (this === o) return this;
    if (this.isEmpty() || o.isEmpty()) return IntervalSet.EMPTY;
    return this._memoized(INTERSECTIONS, o, (x) => this._intersect(x));
  }

  private _intersect(o: IntervalSet): IntervalSet {
    // Disjoint hulls (e.g. an IPv4 set and an IPv6 set) cannot meet.
    if (this.max()! < o.min()! || o.max()! < this.min()!) return IntervalSet.EMPTY;
    const a = this._ranges;
    const b = o._ranges;
    const out = BUF;
    let n = 0;
    let i = 0;
    let j = 0;
    // A few ranges against many (a CIDR against the public internet): skip to where the first
    // small range starts by binary search instead of walking the long list from its start.
    if (a.length <= 2 && b.length > 16) j = firstEndingAtOrAfter(b, a[0]![0]);
    else if (b.length <= 2 && a.length > 16) i = firstEndingAtOrAfter(a, b[0]![0]);
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lo = x[0] > y[0] ? x[0] : y[0];
      const hi = x[1] < y[1] ? x[1] : y[1];
      if (lo <= hi) out[n++] = lo === x[0] && hi === x[1] ? x : lo === y[0] && hi === y[1] ? y : [lo, hi];
      // Advance the range that ends first; the other may still overlap the next one.
      if (x[1] < y[1]) i++;
      else j++;
    }
    // Pieces of two canonical sets are separated by gaps of the inputs, so `out` is canonical.
    return n === 0 ? IntervalSet.EMPTY : this._reuse(n, o);
  }

  subtract(o: IntervalSet): IntervalSet {
    if (this === o) return IntervalSet.EMPTY;
    if (this.isEmpty() || o.isEmpty()) return this;
    return this._memoized(DIFFERENCES, o, (x) => this._subtract(x));
  }

  private _subtract(o: IntervalSet): IntervalSet {
    const a = this._ranges;
    const b = o._ranges;
    const out = BUF;
    let n = 0;
    let j = 0;
    for (const x of a) {
      let lo = x[0];
      const hi = x[1];
      // Skip holes that end before this range starts. Holes are not consumed past that point:
      // one hole may also cut the next range of `this`.
      while (j < b.length && b[j]![1] < lo) j++;
      for (let k = j; lo <= hi && k < b.length && b[k]![0] <= hi; k++) {
        const y = b[k]!;
        if (y[0] > lo) out[n++] = [lo, y[0] - 1n];
        lo = y[1] + 1n; // y[1] >= lo here, so lo only moves forward
      }
      if (lo <= hi) out[n++] = lo === x[0] ? x : [lo, hi];
    }
    return n === 0 ? IntervalSet.EMPTY : this._reuse(n, o);
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
   * The result of an operation, built in BUF[0..n): an existing operand when the result is
   * structurally identical to it, else a new set owning a copy of those ranges. Keeping object
   * identity lets callers short-circuit on `===` and reuse already computed keys, which matters for
   * the product set, where equal subsets are merged.
   */
  private _reuse(n: number, o: IntervalSet): IntervalSet {
    if (samePrefix(BUF, n, this._ranges)) return this;
    if (samePrefix(BUF, n, o._ranges)) return o;
    return new IntervalSet(BUF.slice(0, n));
  }
}

/** The index of the first range of `rs` that ends at or after v (rs.length if none). */
function firstEndingAtOrAfter(rs: readonly Range[], v: bigint): number {
  let lo = 0;
  let hi = rs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rs[mid]![1] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Scratch output of union / intersect / subtract (they never run inside one another): the result is
 * copied out at its exact size, instead of growing a fresh array push by push.
 */
const BUF: Range[] = [];

function samePrefix(buf: readonly Range[], n: number, b: readonly Range[]): boolean {
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const x = buf[i]!;
    const y = b[i]!;
    if (x !== y && (x[0] !== y[0] || x[1] !== y[1])) return false;
  }
  return true;
}

/**
 * Recent results of one binary operation by operand identity: sets are immutable, so a pair of
 * objects always has the same result, and a hit is always the exact answer. The same large sets (the
 * public internet, a rule's CIDR, the slices of shared downstream results) meet again and again, and
 * a shared result object also lets later operations short-circuit on `===`.
 *
 * A fixed-size direct-mapped table keyed by the operands' ids: a lookup is a hash and two number
 * comparisons and allocates nothing, a newer pair simply takes over a slot, and what the table keeps
 * alive is bounded (the results; operands are held by id only).
 */
class PairCache {
  private readonly left: Float64Array;
  private readonly right: Float64Array;
  private readonly results: (IntervalSet | undefined)[];
  private readonly mask: number;

  constructor(bits: number) {
    const n = 1 << bits;
    this.left = new Float64Array(n).fill(-1);
    this.right = new Float64Array(n).fill(-1);
    this.results = new Array<IntervalSet | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul((b | 0) + 0x7f4a7c15, 0x85ebca77)) & this.mask;
  }

  get(a: IntervalSet, b: IntervalSet): IntervalSet | undefined {
    const x = a.id();
    const y = b.id();
    const k = this.slot(x, y);
    return this.left[k] === x && this.right[k] === y ? this.results[k] : undefined;
  }

  set(a: IntervalSet, b: IntervalSet, r: IntervalSet): void {
    const x = a.id();
    const y = b.id();
    const k = this.slot(x, y);
    this.left[k] = x;
    this.right[k] = y;
    this.results[k] = r;
  }
}

/** Operations on fewer ranges than this are cheaper than a cache lookup. */
const MEMO_MIN_RANGES = 8;
const UNIONS = new PairCache(15);
const INTERSECTIONS = new PairCache(17);
const DIFFERENCES = new PairCache(15);

let nextId = 0;
