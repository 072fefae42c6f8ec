// IntervalSet: an immutable, canonical set of bigints.
//
// Representation: sorted, pairwise disjoint, NON-TOUCHING inclusive ranges [lo, hi]. "Non-touching"
// means that for consecutive ranges a and b, b.lo > a.hi + 1; [1,3] and [4,5] are always stored as
// [1,5]. Because of that invariant every point set has exactly one representation, so structural
// equality is set equality and `key()` can be compared instead of the sets.
//
// Every operation is a linear merge over the range lists (range-lists.ts). Nothing ever iterates over
// the values inside a range: the sets in this project are things like 0.0.0.0/0, ::/0 (2^128 values)
// or all 65536 ports, so enumeration would be both wrong-headed and unbounded.
//
// Storage: values in the WINDOW [2^128, 2^128 + 2^53) - where ip.ts puts IPv4 - are kept as plain
// numbers (offsets from 2^128, flattened [lo, hi, ...]); all other values as bigint ranges. Most sets
// the audit handles are IPv4 sets, and number ranges cost a fraction of bigint ones to merge and to
// keep (no BigInt per bound, one array per set). A range that crosses a window edge is stored cut at
// the edge; that cut is fixed, so the stored form is still unique per set, and `ranges` shows the
// ranges joined again.

import { hashBigint, mix } from "./hash.js";
import {
  bigContains,
  bigIntersect,
  bigIsSubset,
  bigOverlaps,
  bigSubtract,
  bigUnion,
  NO_NUMBERS,
  NO_RANGES,
  numContains,
  numIntersect,
  numIsSubset,
  numOverlaps,
  numSubtract,
  numUnion,
  type Range,
} from "./range-lists.js";

export type { Range };

/** First value stored as a number (offset 0): where IPv4 starts on the IP axis (ip.ts). */
const WINDOW_LO = 1n << 128n;
/** Numbers are exact below 2^53; from here on values are bigint ranges again. */
const WINDOW_SPAN = 2 ** 53;
const WINDOW_HI = WINDOW_LO + BigInt(WINDOW_SPAN);

export class IntervalSet {
  static readonly EMPTY: IntervalSet = new IntervalSet(NO_RANGES, NO_NUMBERS);

  // Canonical ranges outside the window and, flattened, inside it (offsets from WINDOW_LO); see the
  // invariant above. Never mutated after construction.
  private readonly _big: readonly Range[];
  private readonly _num: readonly number[];
  // Cached joined ranges, canonical key, hash, size; computed on first use because most intermediate
  // sets never need them.
  private _ranges: readonly Range[] | undefined;
  private _key: string | undefined;
  private _hash: number | undefined;
  private _size: bigint | undefined;
  /** Of _size, the values in the window (see windowSize). */
  private _windowSize: number | undefined;
  private _id: number | undefined;

  /** Callers must pass canonical lists, cut at the window edges; every public factory does. */
  private constructor(big: readonly Range[], num: readonly number[]) {
    this._big = big;
    this._num = num;
  }

  /** [lo, hi]; empty when lo > hi. */
  static range(lo: bigint, hi: bigint): IntervalSet {
    if (lo > hi) return IntervalSet.EMPTY;
    // Entirely inside or entirely outside the window: the common cases, built directly.
    if (lo >= WINDOW_LO && hi < WINDOW_HI)
      return new IntervalSet(NO_RANGES, [Number(lo - WINDOW_LO), Number(hi - WINDOW_LO)]);
    if (hi < WINDOW_LO || lo >= WINDOW_HI) return new IntervalSet([[lo, hi]], NO_NUMBERS);
    return IntervalSet.fromRanges([[lo, hi]]);
  }

  static point(v: bigint): IntervalSet {
    return IntervalSet.range(v, v);
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
    const big: Range[] = [];
    const num: number[] = [];
    // Cuts a joined range at the window edges into the two stores.
    const put = (lo: bigint, hi: bigint): void => {
      if (lo < WINDOW_LO) big.push([lo, hi < WINDOW_LO ? hi : WINDOW_LO - 1n]);
      if (hi >= WINDOW_LO && lo < WINDOW_HI)
        num.push(
          lo > WINDOW_LO ? Number(lo - WINDOW_LO) : 0,
          hi < WINDOW_HI ? Number(hi - WINDOW_LO) : WINDOW_SPAN - 1,
        );
      if (hi >= WINDOW_HI) big.push([lo > WINDOW_HI ? lo : WINDOW_HI, hi]);
    };
    let curLo = items[0]![0];
    let curHi = items[0]![1];
    for (let i = 1; i < items.length; i++) {
      const r = items[i]!;
      if (r[0] <= curHi + 1n) {
        if (r[1] > curHi) curHi = r[1];
      } else {
        put(curLo, curHi);
        curLo = r[0];
        curHi = r[1];
      }
    }
    put(curLo, curHi);
    // Copies at the exact size: arrays grown by push keep spare room (see layer.ts exact()).
    return new IntervalSet(
      big.length === 0 ? NO_RANGES : big.slice(),
      num.length === 0 ? NO_NUMBERS : num.slice(),
    );
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

  /** The canonical ranges (joined across the window edges), in ascending order. */
  get ranges(): readonly Range[] {
    if (this._ranges === undefined) {
      const out: Range[] = [];
      this.eachRange((lo, hi) => out.push([lo, hi]));
      this._ranges = out;
    }
    return this._ranges;
  }

  /** Calls f for each canonical range in ascending order, without building the `ranges` list. */
  eachRange(f: (lo: bigint, hi: bigint) => void): void {
    const big = this._big;
    const num = this._num;
    let i = 0;
    // Pending range: joined with the next piece when they touch at a window edge.
    let pLo: bigint | undefined;
    let pHi = 0n;
    const emit = (lo: bigint, hi: bigint): void => {
      if (pLo !== undefined && pHi + 1n === lo) {
        pHi = hi;
        return;
      }
      if (pLo !== undefined) f(pLo, pHi);
      pLo = lo;
      pHi = hi;
    };
    for (; i < big.length && big[i]![0] < WINDOW_LO; i++) emit(big[i]![0], big[i]![1]);
    for (let k = 0; k < num.length; k += 2)
      emit(WINDOW_LO + BigInt(num[k]!), WINDOW_LO + BigInt(num[k + 1]!));
    for (; i < big.length; i++) emit(big[i]![0], big[i]![1]);
    if (pLo !== undefined) f(pLo, pHi);
  }

  /**
   * The stored form itself, for netset-aware callers on hot paths (CIDR text): the ranges outside the
   * window as bigints, ascending (those below 2^128 first), a range crossing an edge cut there. Never
   * modify.
   */
  get storedBig(): readonly Range[] {
    return this._big;
  }

  /** The stored ranges inside the window, flattened [lo, hi, ...] as offsets from 2^128. Never modify. */
  get storedNumbers(): readonly number[] {
    return this._num;
  }

  /** How many stored ranges the set has (the cost of an operation on it). */
  rangeCount(): number {
    return this._big.length + (this._num.length >> 1);
  }

  isEmpty(): boolean {
    return this._big.length === 0 && this._num.length === 0;
  }

  /** Number of values in the set (not the number of ranges). */
  size(): bigint {
    if (this._size === undefined) {
      let n = 0n;
      for (const [lo, hi] of this._big) n += hi - lo + 1n;
      this._size = n + BigInt(this.windowSize());
    }
    return this._size;
  }

  /** Number of values in [2^128, 2^128 + 2^53): for a set of addresses, its IPv4 ones. */
  private windowSize(): number {
    if (this._windowSize === undefined) {
      // Ranges inside the window are disjoint within 2^53 values, so this sum is exact.
      let m = 0;
      for (let k = 0; k < this._num.length; k += 2) m += this._num[k + 1]! - this._num[k]! + 1;
      this._windowSize = m;
    }
    return this._windowSize;
  }

  /**
   * Number of values from 2^128 on (for a set of addresses: its IPv4 ones, which live there; the rest,
   * size() minus this, are its IPv6 ones). Cached: as cheap as size() once either was asked.
   */
  sizeFrom128(): bigint {
    let n = BigInt(this.windowSize());
    // Ranges above the window come last in the sorted list.
    for (let k = this._big.length - 1; k >= 0 && this._big[k]![0] >= WINDOW_HI; k--)
      n += this._big[k]![1] - this._big[k]![0] + 1n;
    return n;
  }

  min(): bigint | undefined {
    const b = this._big[0];
    if (b !== undefined && b[0] < WINDOW_LO) return b[0];
    if (this._num.length > 0) return WINDOW_LO + BigInt(this._num[0]!);
    return b?.[0];
  }

  /**
   * Orders non-empty sets by their lowest value, as comparing min() would, without building the
   * bigint min() makes of a value kept as a number (sorting by min() built two per comparison).
   */
  compareMin(o: IntervalSet): number {
    const a = this._minPlace();
    const b = o._minPlace();
    if (a !== b) return a - b;
    if (a === 1) return this._num[0]! - o._num[0]!;
    const x = this._big[0]![0];
    const y = o._big[0]![0];
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /** Where min() is kept: 0 a bigint below the window, 1 a number in it, 2 a bigint above it. */
  private _minPlace(): number {
    const b = this._big[0];
    if (b !== undefined && b[0] < WINDOW_LO) return 0;
    return this._num.length > 0 ? 1 : 2;
  }

  max(): bigint | undefined {
    const b = this._big[this._big.length - 1];
    if (b !== undefined && b[1] >= WINDOW_HI) return b[1];
    if (this._num.length > 0) return WINDOW_LO + BigInt(this._num[this._num.length - 1]!);
    return b?.[1];
  }

  /** Binary search over the ranges: O(log n). */
  contains(v: bigint): boolean {
    if (v >= WINDOW_LO && v < WINDOW_HI) return numContains(this._num, Number(v - WINDOW_LO));
    return bigContains(this._big, v);
  }

  /**
   * Canonical string, equal iff the sets are equal (the representation is unique). Hex keeps keys
   * of 129-bit IP values short; single points omit the "-hi" part. Never contains "{", "}" or "|",
   * which lets the product set nest these keys unambiguously.
   */
  key(): string {
    if (this._key === undefined) {
      let s = "";
      this.eachRange((lo, hi) => {
        if (s !== "") s += ",";
        s += lo === hi ? lo.toString(16) : `${lo.toString(16)}-${hi.toString(16)}`;
      });
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
      const rs = this._big;
      let h = mix(0x2545f491, rs.length);
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i]!;
        h = hashBigint(hashBigint(h, r[0]), r[1]);
      }
      const ns = this._num;
      h = mix(h, ns.length);
      // Offsets are below 2^53: the low 32 bits and the rest each fit a 32-bit mix.
      for (let k = 0; k < ns.length; k++) h = mix(mix(h, ns[k]! | 0), (ns[k]! / 4294967296) | 0);
      this._hash = h;
    }
    return this._hash;
  }

  equals(o: IntervalSet): boolean {
    if (this === o) return true;
    if (this._big.length !== o._big.length || this._num.length !== o._num.length) return false;
    if (this._hash !== undefined && o._hash !== undefined && this._hash !== o._hash) return false;
    const a = this._big;
    const b = o._big;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y && (x[0] !== y[0] || x[1] !== y[1])) return false;
    }
    const m = this._num;
    const n = o._num;
    if (m !== n) for (let k = 0; k < m.length; k++) if (m[k] !== n[k]) return false;
    return true;
  }

  union(o: IntervalSet): IntervalSet {
    if (this === o || o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    return this._memoized(UNIONS, o, (x) =>
      this._of(bigUnion(this._big, x._big), numUnion(this._num, x._num), x),
    );
  }

  intersect(o: IntervalSet): IntervalSet {
    if (this === o) return this;
    // Values kept as numbers and values kept as bigints are never the same values (an IPv4 set and an
    // IPv6 one, say): nothing to merge.
    if (this._num.length === 0 ? o._big.length === 0 : this._big.length === 0 && o._num.length === 0)
      return IntervalSet.EMPTY;
    // One or two ranges against any number of them (a rule's CIDR against the public internet) are cut
    // by binary search (see range-lists.ts): cheaper than a lookup in the pair cache, which such
    // one-off pairs would only crowd.
    if (this.rangeCount() <= 2 || o.rangeCount() <= 2)
      return this._of(bigIntersect(this._big, o._big), numIntersect(this._num, o._num), o);
    return this._memoized(INTERSECTIONS, o, (x) =>
      this._of(bigIntersect(this._big, x._big), numIntersect(this._num, x._num), x),
    );
  }

  subtract(o: IntervalSet): IntervalSet {
    if (this === o) return IntervalSet.EMPTY;
    if (this.isEmpty() || o.isEmpty()) return this;
    return this._memoized(DIFFERENCES, o, (x) =>
      this._of(bigSubtract(this._big, x._big), numSubtract(this._num, x._num), x),
    );
  }

  /**
   * Runs `op` through the pair cache when the operands are large enough for it to pay. Sets are
   * immutable and a hit matches both operands exactly, so a cached result is the exact answer.
   */
  private _memoized(table: PairCache, o: IntervalSet, op: (o: IntervalSet) => IntervalSet): IntervalSet {
    if (this.rangeCount() + o.rangeCount() < MEMO_MIN_RANGES) return op(o);
    const hit = table.get(this, o);
    if (hit !== undefined) return hit;
    const r = op(o);
    table.set(this, o, r);
    return r;
  }

  /**
   * The set of these stored lists: an existing operand when both lists are that operand's (the list
   * operations hand back an operand's own list when the result equals it). Keeping object identity
   * lets callers short-circuit on `===` and reuse already computed keys, which matters for the
   * product set, where equal subsets are merged.
   */
  private _of(big: readonly Range[], num: readonly number[], o: IntervalSet): IntervalSet {
    if (big === this._big && num === this._num) return this;
    if (big === o._big && num === o._num) return o;
    if (big.length === 0 && num.length === 0) return IntervalSet.EMPTY;
    return new IntervalSet(big, num);
  }

  /** [lo, hi] minus this. */
  complement(lo: bigint, hi: bigint): IntervalSet {
    return IntervalSet.range(lo, hi).subtract(this);
  }

  isSubsetOf(o: IntervalSet): boolean {
    if (this === o || this.isEmpty()) return true;
    return bigIsSubset(this._big, o._big) && numIsSubset(this._num, o._num);
  }

  overlaps(o: IntervalSet): boolean {
    if (this.isEmpty() || o.isEmpty()) return false;
    if (this === o) return true;
    return numOverlaps(this._num, o._num) || bigOverlaps(this._big, o._big);
  }

  toString(): string {
    if (this.isEmpty()) return "{}";
    return `{${this.ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}..${hi}`)).join(", ")}}`;
  }

  /**
   * range(2^128 + lo, 2^128 + hi) from plain numbers, integers 0 <= lo, hi < 2^53 (offsets into the
   * window, where ip.ts puts IPv4): no BigInt is built, which made range() cost ~1 us a set where a
   * region's rules hold ~10^5 IPv4 CIDRs. Empty when lo > hi, as range().
   */
  static windowRange(lo: number, hi: number): IntervalSet {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi >= WINDOW_SPAN)
      throw new RangeError(`not offsets into the window [0, 2^53): ${lo}, ${hi}`);
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet(NO_RANGES, [lo, hi]);
  }
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
