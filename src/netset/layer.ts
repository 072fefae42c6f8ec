// Internal machinery of the canonical hypercube set (not re-exported from index.ts).
//
// A Layer over one dimension maps values of this dimension to sets over the remaining dimensions
// ("subs"). PacketSet uses Layer<Layer<IntervalSet>>: protocol -> port -> IP set.
//
// Canonical form, maintained by every operation: a list of RUNS [lo, hi] -> sub, where
//  - runs are sorted, lo <= hi, and do not overlap;
//  - subs are non-empty;
//  - two runs that touch (hi + 1 === next lo) have structurally different subs (else they would
//    be one run).
// That is exactly the list of maximal intervals of constant slice, so every point set has one
// structure: structural equality (and key()) is set equality. (Runs that do not touch may have
// equal subs.) The same information grouped by sub, {key: all values with that slice, sub}, is
// available as `entries` (built on demand): cubes() and the canonical-form tests read it.
//
// Binary operations sweep both operands' runs together, cutting the axis into elementary intervals
// on which both sides are constant, apply the operation to the two subs (recursively, memoized per
// pair of sub objects), drop empty results, and join touching intervals with equal result subs.
// Work is proportional to the number of ranges, never to the number of values. The runs are the
// stored form because the sweeps read them directly: building grouped entries for every
// intermediate result, and flattening them again for the next sweep, was most of the allocation.
//
// Layer keys only ever cover the protocol (0..255) and port (0..65535) dimensions, so they are
// stored as plain-number ranges (NumKey): BigInt arithmetic allocates on every +1/-1 and was the
// main cost of the sweep. The IP dimension, which needs 129 bits, is always a leaf IntervalSet.
//
// Equal subs are found by identity, then structural equality (and, to group many entries, a cached
// 32-bit structural hash), never through key() strings: keys of IP sets are long, and hashing freshly
// built strings dominated the run time. key() strings are built lazily, only for callers that ask.

import { mix } from "./hash.js";
import { IntervalSet, type Range } from "./interval-set.js";

/** What a Layer needs from the sets one dimension further down. */
export interface SetLike<S> {
  isEmpty(): boolean;
  key(): string;
  /** Structural hash consistent with equals. */
  hash(): number;
  equals(o: S): boolean;
  union(o: S): S;
  intersect(o: S): S;
  subtract(o: S): S;
  isSubsetOf(o: S): boolean;
  overlaps(o: S): boolean;
}

/**
 * Canonical ranges over a small non-negative integer dimension, flattened as
 * [lo0, hi0, lo1, hi1, ...]: sorted, lo <= hi, consecutive ranges neither overlap nor touch.
 * Immutable; the IntervalSet view is built on demand and cached.
 */
export class NumKey {
  readonly b: readonly number[];
  private _set: IntervalSet | undefined;
  private _hash: number | undefined;
  private _los: readonly number[] | undefined;
  private _his: readonly number[] | undefined;

  /** `b` must be canonical and is adopted, not copied. */
  constructor(b: readonly number[], set?: IntervalSet) {
    this.b = b;
    this._set = set;
  }

  /** Converts an IntervalSet whose values must lie in 0..max (else RangeError naming `what`). */
  static fromSet(set: IntervalSet, max: number, what: string): NumKey {
    const lo = set.min();
    const hi = set.max();
    if (lo !== undefined && hi !== undefined && (lo < 0n || hi > BigInt(max))) {
      throw new RangeError(`${what} must lie in 0..${max}, got ${set.toString()}`);
    }
    const b: number[] = [];
    for (const r of set.ranges) b.push(Number(r[0]), Number(r[1]));
    return new NumKey(exact(b), set);
  }

  static range(lo: number, hi: number): NumKey {
    return new NumKey([lo, hi]);
  }

  /** The ranges' lower bounds, ascending (built on first use, then shared: never modify). */
  get los(): readonly number[] {
    if (this._los === undefined) {
      const n = this.b.length >> 1;
      const lo = new Array<number>(n);
      for (let k = 0; k < n; k++) lo[k] = this.b[2 * k]!;
      this._los = lo;
    }
    return this._los;
  }

  /** The ranges' upper bounds, ascending (as los). */
  get his(): readonly number[] {
    if (this._his === undefined) {
      const n = this.b.length >> 1;
      const hi = new Array<number>(n);
      for (let k = 0; k < n; k++) hi[k] = this.b[2 * k + 1]!;
      this._his = hi;
    }
    return this._his;
  }

  get set(): IntervalSet {
    if (this._set === undefined) {
      const rs: Range[] = [];
      for (let k = 0; k < this.b.length; k += 2) rs.push([BigInt(this.b[k]!), BigInt(this.b[k + 1]!)]);
      this._set = IntervalSet.fromRanges(rs);
    }
    return this._set;
  }

  isEmpty(): boolean {
    return this.b.length === 0;
  }

  min(): number {
    return this.b[0]!;
  }

  hash(): number {
    if (this._hash === undefined) {
      let h = mix(0x3c6ef372, this.b.length);
      for (let k = 0; k < this.b.length; k++) h = mix(h, this.b[k]!);
      this._hash = h;
    }
    return this._hash;
  }

  equals(o: NumKey): boolean {
    if (this === o) return true;
    const a = this.b;
    const c = o.b;
    if (a.length !== c.length) return false;
    for (let k = 0; k < a.length; k++) if (a[k] !== c[k]) return false;
    return true;
  }

  /** Same format as IntervalSet.key(): hex "lo-hi" (or "lo" for a point), comma-separated. */
  key(): string {
    let s = "";
    for (let k = 0; k < this.b.length; k += 2) {
      const lo = this.b[k]!;
      const hi = this.b[k + 1]!;
      if (k > 0) s += ",";
      s += lo === hi ? lo.toString(16) : `${lo.toString(16)}-${hi.toString(16)}`;
    }
    return s;
  }

  /** Number of values shared with `o` (two-pointer walk over both range lists). */
  overlapSize(o: NumKey): number {
    const a = this.b;
    const c = o.b;
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < a.length && j < c.length) {
      const lo = a[i]! > c[j]! ? a[i]! : c[j]!;
      const hi = a[i + 1]! < c[j + 1]! ? a[i + 1]! : c[j + 1]!;
      if (lo <= hi) n += hi - lo + 1;
      if (a[i + 1]! < c[j + 1]!) i += 2;
      else j += 2;
    }
    return n;
  }

  size(): number {
    let n = 0;
    for (let k = 0; k < this.b.length; k += 2) n += this.b[k + 1]! - this.b[k]! + 1;
    return n;
  }
}

export interface Entry<S> {
  readonly key: NumKey;
  readonly sub: S;
}

const UNION = 0;
const INTERSECT = 1;
const SUBTRACT = 2;
type Op = typeof UNION | typeof INTERSECT | typeof SUBTRACT;

export class Layer<S extends SetLike<S>> implements SetLike<Layer<S>> {
  /** Run k is [lo[k], hi[k]] -> sub[k]; see the file comment for the canonical form. */
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly sub: readonly S[];
  private _entries: readonly Entry<S>[] | undefined;
  private _key: string | undefined;
  private _hash: number | undefined;

  /** The runs must already be canonical; the arrays are adopted, not copied. */
  private constructor(lo: readonly number[], hi: readonly number[], sub: readonly S[]) {
    this.lo = lo;
    this.hi = hi;
    this.sub = sub;
  }

  /** The empty layer (one shared object: it holds nothing a caller could tell apart). */
  static empty<S extends SetLike<S>>(): Layer<S> {
    // It has no runs, so no sub of any type: the one object serves every S.
    return EMPTY_LAYER;
  }

  /** One run per range of `key`, all mapping to `sub` (non-empty). */
  static single<S extends SetLike<S>>(key: NumKey, sub: S): Layer<S> {
    // The ranges of a NumKey never touch, so these runs are canonical. The run bounds are the key's
    // own (shared by every layer made from it: a model holds ~10^5 of these, mostly from a few keys).
    const n = key.b.length >> 1;
    return new Layer(key.los, key.his, n === 1 ? [sub] : new Array<S>(n).fill(sub));
  }

  /**
   * Ranges [lo[k], hi[k]] (sorted, not touching: e.g. an intersection of two canonical range lists),
   * all mapping to `sub` (non-empty). The arrays are adopted.
   */
  static uniform<S extends SetLike<S>>(lo: number[], hi: number[], sub: S): Layer<S> {
    if (lo.length === 0) return Layer.empty<S>();
    return new Layer(exact(lo), exact(hi), new Array<S>(lo.length).fill(sub));
  }

  /** The one sub object every run maps to, if that is so (then the layer is one entry); else undefined. */
  uniformSub(): S | undefined {
    const s0 = this.sub[0];
    for (let k = 1; k < this.sub.length; k++) if (this.sub[k] !== s0) return undefined;
    return s0;
  }

  /**
   * Canonicalizes entries whose keys are pairwise disjoint (but possibly empty, unsorted or with
   * equal subs): drops empty keys/subs and joins touching ranges with equal subs.
   */
  static fromDisjoint<S extends SetLike<S>>(pairs: readonly Entry<S>[]): Layer<S> {
    const items: { lo: number; hi: number; sub: S }[] = [];
    for (const { key, sub } of pairs) {
      if (sub.isEmpty()) continue;
      for (let k = 0; k < key.b.length; k += 2) items.push({ lo: key.b[k]!, hi: key.b[k + 1]!, sub });
    }
    items.sort((x, y) => x.lo - y.lo);
    const b = new RunBuilder<S>(Layer.empty<S>(), undefined, items.length);
    for (const x of items) b.push(x.lo, x.hi, x.sub);
    return b.build();
  }

  isEmpty(): boolean {
    return this.lo.length === 0;
  }

  /**
   * The runs grouped by equal sub: {key: every value mapping to sub, sub}, ordered by key minimum,
   * no two with equal subs. Built on first use, then cached.
   */
  get entries(): readonly Entry<S>[] {
    if (this._entries === undefined) {
      const groups = new SubGroups<S>();
      for (let k = 0; k < this.lo.length; k++) {
        const g = groups.get(this.sub[k]!);
        g.b.push(this.lo[k]!, this.hi[k]!);
      }
      // Runs come sorted, so each group's ranges are sorted and groups appear in order of their
      // minimum; ranges of one group never touch (a touching neighbour has a different sub).
      this._entries = groups.list.map((g) => ({ key: new NumKey(exact(g.b)), sub: g.sub }));
    }
    return this._entries;
  }

  /**
   * "<lo>-<hi>{<sub key>}" per run ("<lo>{...}" for a single value), in hex, concatenated. Range
   * bounds contain no braces, so the nesting is unambiguous and equal strings mean equal canonical
   * structures, i.e. equal sets.
   */
  key(): string {
    if (this._key === undefined) {
      let s = "";
      for (let k = 0; k < this.lo.length; k++) {
        const lo = this.lo[k]!;
        const hi = this.hi[k]!;
        s += lo === hi ? lo.toString(16) : `${lo.toString(16)}-${hi.toString(16)}`;
        s += `{${this.sub[k]!.key()}}`;
      }
      this._key = s;
    }
    return this._key;
  }

  hash(): number {
    if (this._hash === undefined) {
      let h = mix(0x6a09e667, this.lo.length);
      for (let k = 0; k < this.lo.length; k++)
        h = mix(mix(mix(h, this.lo[k]!), this.hi[k]!), this.sub[k]!.hash());
      this._hash = h;
    }
    return this._hash;
  }

  equals(o: Layer<S>): boolean {
    if (this === o) return true;
    const n = this.lo.length;
    if (n !== o.lo.length) return false;
    // Hashes are compared only when both are already known: computing one walks every IP range
    // (with BigInt arithmetic), which costs more than the structural walk below, and that walk
    // usually stops at the first run.
    if (this._hash !== undefined && o._hash !== undefined && this._hash !== o._hash) return false;
    for (let k = 0; k < n; k++) {
      if (this.lo[k] !== o.lo[k] || this.hi[k] !== o.hi[k]) return false;
      const x = this.sub[k]!;
      const y = o.sub[k]!;
      if (x !== y && !x.equals(y)) return false;
    }
    return true;
  }

  /** The sub that value v maps to, by binary search; undefined when v has an empty slice. */
  find(v: number): S | undefined {
    let a = 0;
    let b = this.lo.length - 1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      if (v < this.lo[m]!) b = m - 1;
      else if (v > this.hi[m]!) a = m + 1;
      else return this.sub[m];
    }
    return undefined;
  }

  union(o: Layer<S>): Layer<S> {
    if (this === o || o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    return combine(this, o, UNION);
  }

  intersect(o: Layer<S>): Layer<S> {
    if (this === o || this.isEmpty()) return this;
    if (o.isEmpty()) return o;
    return combine(this, o, INTERSECT);
  }

  subtract(o: Layer<S>): Layer<S> {
    if (this.isEmpty() || o.isEmpty()) return this;
    if (this === o) return Layer.empty<S>();
    return combine(this, o, SUBTRACT);
  }

  /** Sweep without building anything: every run of this must lie under o with a subset sub. */
  isSubsetOf(o: Layer<S>): boolean {
    if (this === o || this.isEmpty()) return true;
    let j = 0;
    for (let i = 0; i < this.lo.length; i++) {
      let lo = this.lo[i]!;
      const hi = this.hi[i]!;
      const sub = this.sub[i]!;
      while (j < o.lo.length && o.hi[j]! < lo) j++;
      // Walk o's runs covering [lo, hi]; any gap means a point of this is missing from o.
      for (let k = j; lo <= hi; k++) {
        if (k >= o.lo.length || o.lo[k]! > lo) return false;
        const bs = o.sub[k]!;
        if (bs !== sub && !sub.isSubsetOf(bs)) return false;
        lo = o.hi[k]! + 1;
      }
    }
    return true;
  }

  overlaps(o: Layer<S>): boolean {
    if (this.isEmpty() || o.isEmpty()) return false;
    if (this === o) return true;
    let i = 0;
    let j = 0;
    while (i < this.lo.length && j < o.lo.length) {
      if (this.hi[i]! < o.lo[j]!) i++;
      else if (o.hi[j]! < this.lo[i]!) j++;
      else {
        const x = this.sub[i]!;
        const y = o.sub[j]!;
        if (x === y || x.overlaps(y)) return true;
        if (this.hi[i]! < o.hi[j]!) i++;
        else j++;
      }
    }
    return false;
  }

  /** Adopts runs built by RunBuilder (canonical by construction). */
  static fromRuns<S extends SetLike<S>>(lo: number[], hi: number[], sub: S[]): Layer<S> {
    return new Layer(lo, hi, sub);
  }
}

const EMPTY_LAYER: Layer<never> = Layer.fromRuns<never>([], [], []);

/**
 * `xs` at its exact size. An array grown by push keeps spare capacity (room for 17 elements after
 * the first push), which set structures that live as long as the model would carry for nothing:
 * a one-range key took three times its size.
 */
export function exact<T>(xs: T[]): T[] {
  return xs.slice();
}

/**
 * Collects runs in ascending order and keeps them canonical: a run touching the previous one with an
 * equal sub extends it. Empty subs must not be pushed.
 *
 * Results often equal an operand (a set cut down to a superset, a union with a subset), and callers
 * then get that operand back (identity lets them short-circuit later). So the builder first only
 * follows the operands: while the runs finished so far are exactly the first runs of `a` (or `b`),
 * with the same sub objects, nothing is allocated; arrays are made (and that prefix copied) only when
 * the result departs from both. The last run stays pending until the next one shows whether it
 * extends.
 */
class RunBuilder<S extends SetLike<S>> {
  private pLo = 0;
  private pHi = 0;
  private pSub: S | undefined;
  /** Finished runs, and whether they are still the first runs of a / b. */
  private n = 0;
  private followsA: boolean;
  private followsB: boolean;
  private lo: number[] | undefined;
  private hi: number[] | undefined;
  private sub: S[] | undefined;

  constructor(
    private readonly a: Layer<S>,
    private readonly b: Layer<S> | undefined,
    /** Upper bound of the result's run count (exceeding it only costs a regrowth). */
    private readonly capacity: number,
  ) {
    this.followsA = true;
    this.followsB = b !== undefined;
  }

  push(lo: number, hi: number, sub: S): void {
    const last = this.pSub;
    if (last !== undefined) {
      if (this.pHi + 1 === lo && (last === sub || last.equals(sub))) {
        this.pHi = hi;
        return;
      }
      this.finish(this.pLo, this.pHi, last);
    }
    this.pLo = lo;
    this.pHi = hi;
    this.pSub = sub;
  }

  private finish(lo: number, hi: number, sub: S): void {
    const k = this.n;
    if (this.lo === undefined) {
      const a = this.a;
      const b = this.b;
      const wasA = this.followsA;
      const wasB = this.followsB;
      if (wasA && !(k < a.lo.length && a.lo[k] === lo && a.hi[k] === hi && a.sub[k] === sub))
        this.followsA = false;
      if (wasB && !(k < b!.lo.length && b!.lo[k] === lo && b!.hi[k] === hi && b!.sub[k] === sub))
        this.followsB = false;
      if (this.followsA || this.followsB) {
        this.n = k + 1;
        return;
      }
      // The result departs from the last operand it followed: its first k runs are that operand's.
      this.materialize(wasA ? a : b!, k);
    }
    this.lo![k] = lo;
    this.hi![k] = hi;
    this.sub![k] = sub;
    this.n = k + 1;
  }

  private materialize(from: Layer<S>, k: number): void {
    const cap = Math.max(this.capacity, k + 1);
    this.lo = new Array<number>(cap);
    this.hi = new Array<number>(cap);
    this.sub = new Array<S>(cap);
    for (let j = 0; j < k; j++) {
      this.lo[j] = from.lo[j]!;
      this.hi[j] = from.hi[j]!;
      this.sub[j] = from.sub[j]!;
    }
  }

  build(): Layer<S> {
    if (this.pSub !== undefined) {
      this.finish(this.pLo, this.pHi, this.pSub);
      this.pSub = undefined;
    }
    const n = this.n;
    if (this.lo === undefined) {
      // Still following an operand: equal to it, or to a prefix of it.
      if (this.followsA && n === this.a.lo.length) return this.a;
      if (this.followsB && n === this.b!.lo.length) return this.b!;
      if (n === 0) return Layer.empty<S>();
      this.materialize(this.followsA ? this.a : this.b!, n);
    }
    // Copied out at their exact size: the arrays were allocated for the largest possible result.
    return Layer.fromRuns(this.lo!.slice(0, n), this.hi!.slice(0, n), this.sub!.slice(0, n));
  }
}

interface Group<S> {
  readonly sub: S;
  /** Flattened ranges [lo, hi, lo, hi, ...] collected for this sub. */
  readonly b: number[];
}

/**
 * Groups by equal sub: by object identity first (the same sub object recurs often), then by
 * structural equality. Groups are listed in order of creation. Small group counts (the common
 * case) are scanned linearly, which beats creating a hash map; past LINEAR_GROUPS a map by
 * structural hash (confirmed with equals) takes over.
 */
class SubGroups<S extends SetLike<S>> {
  readonly list: Group<S>[] = [];
  private _byHash: Map<number, Group<S> | Group<S>[]> | undefined;

  get(sub: S): Group<S> {
    const list = this.list;
    const n = list.length;
    // Recent groups are the likeliest hits: runs with one sub tend to be adjacent.
    for (let k = n - 1; k >= 0 && k >= n - 4; k--) if (list[k]!.sub === sub) return list[k]!;
    let g: Group<S> | undefined;
    if (this._byHash === undefined && n <= LINEAR_GROUPS) {
      for (let k = 0; k < n; k++) {
        const x = list[k]!;
        if (x.sub === sub || x.sub.equals(sub)) return x;
      }
      g = { sub, b: [] };
      list.push(g);
      return g;
    }
    const h = sub.hash();
    const byHash = (this._byHash ??= indexByHash(list));
    const bucket = byHash.get(h);
    if (bucket !== undefined) {
      if (Array.isArray(bucket)) g = bucket.find((x) => x.sub === sub || x.sub.equals(sub));
      else if (bucket.sub === sub || bucket.sub.equals(sub)) g = bucket;
    }
    if (g !== undefined) return g;
    g = { sub, b: [] };
    list.push(g);
    addByHash(byHash, h, g);
    return g;
  }
}

const LINEAR_GROUPS = 12;

function indexByHash<S extends SetLike<S>>(list: readonly Group<S>[]): Map<number, Group<S> | Group<S>[]> {
  const m = new Map<number, Group<S> | Group<S>[]>();
  for (const g of list) addByHash(m, g.sub.hash(), g);
  return m;
}

function addByHash<S>(m: Map<number, Group<S> | Group<S>[]>, h: number, g: Group<S>): void {
  const bucket = m.get(h);
  if (bucket === undefined) m.set(h, g);
  else if (Array.isArray(bucket)) bucket.push(g);
  else m.set(h, [bucket, g]);
}

/**
 * Memo of one operation's sub results per (sub of a, sub of b): one run of a usually meets the same
 * run of b on several elementary intervals, and the sub operation is the expensive part. Pairs are
 * keyed by object identity (subs are immutable). The last pair is checked first (runs of one pair
 * are common); the first few pairs live in fields and only more than that need a map, so most
 * operations allocate nothing here beyond this object.
 */
class PairResults<S extends SetLike<S>> {
  private lastX: S | undefined;
  private lastY: S | undefined;
  private lastR: S | null = null;
  private x0: S | undefined;
  private y0: S | undefined;
  private r0: S | null = null;
  private x1: S | undefined;
  private y1: S | undefined;
  private r1: S | null = null;
  private x2: S | undefined;
  private y2: S | undefined;
  private r2: S | null = null;
  private map: Map<S, Map<S, S | null>> | undefined;

  constructor(private readonly op: Op) {}

  /** x op y for distinct x and y, or null when empty. */
  apply(x: S, y: S): S | null {
    if (x === this.lastX && y === this.lastY) return this.lastR;
    let r: S | null | undefined;
    if (x === this.x0 && y === this.y0) r = this.r0;
    else if (x === this.x1 && y === this.y1) r = this.r1;
    else if (x === this.x2 && y === this.y2) r = this.r2;
    else if (this.map !== undefined) r = this.map.get(x)?.get(y);
    if (r === undefined) {
      const v = this.op === UNION ? x.union(y) : this.op === INTERSECT ? x.intersect(y) : x.subtract(y);
      r = v.isEmpty() ? null : v;
      this.remember(x, y, r);
    }
    this.lastX = x;
    this.lastY = y;
    this.lastR = r;
    return r;
  }

  private remember(x: S, y: S, r: S | null): void {
    if (this.x0 === undefined) {
      this.x0 = x;
      this.y0 = y;
      this.r0 = r;
    } else if (this.x1 === undefined) {
      this.x1 = x;
      this.y1 = y;
      this.r1 = r;
    } else if (this.x2 === undefined) {
      this.x2 = x;
      this.y2 = y;
      this.r2 = r;
    } else {
      const map = (this.map ??= new Map<S, Map<S, S | null>>());
      let inner = map.get(x);
      if (inner === undefined) map.set(x, (inner = new Map<S, S | null>()));
      inner.set(y, r);
    }
  }
}

function combine<S extends SetLike<S>>(a: Layer<S>, b: Layer<S>, op: Op): Layer<S> {
  const aLo = a.lo;
  const aHi = a.hi;
  const aSub = a.sub;
  const bLo = b.lo;
  const bHi = b.hi;
  const bSub = b.sub;
  const na = aLo.length;
  const nb = bLo.length;
  // Each step of the sweep below emits at most one run, and there are fewer steps than cut points.
  const out = new RunBuilder<S>(a, b, 2 * (na + nb));
  let pairs: PairResults<S> | undefined; // created on the first pair of distinct subs

  let i = 0;
  let j = 0;
  // Start of the not yet processed part of a's i-th run / b's j-th run.
  let aStart = na > 0 ? aLo[0]! : 0;
  let bStart = nb > 0 ? bLo[0]! : 0;
  while (i < na && j < nb) {
    const aEnd = aHi[i]!;
    const bEnd = bHi[j]!;
    if (aStart < bStart) {
      // Only a is present up to min(aEnd, bStart - 1).
      const end = aEnd < bStart ? aEnd : bStart - 1;
      if (op !== INTERSECT) out.push(aStart, end, aSub[i]!);
      if (end === aEnd) {
        if (++i < na) aStart = aLo[i]!;
      } else aStart = end + 1;
    } else if (bStart < aStart) {
      // Only b is present up to min(bEnd, aStart - 1).
      const end = bEnd < aStart ? bEnd : aStart - 1;
      if (op === UNION) out.push(bStart, end, bSub[j]!);
      if (end === bEnd) {
        if (++j < nb) bStart = bLo[j]!;
      } else bStart = end + 1;
    } else {
      // Both present from aStart == bStart up to the nearer end.
      const end = aEnd < bEnd ? aEnd : bEnd;
      const x = aSub[i]!;
      const y = bSub[j]!;
      const r = x === y ? (op === SUBTRACT ? null : x) : (pairs ??= new PairResults<S>(op)).apply(x, y);
      if (r !== null) out.push(aStart, end, r);
      if (end === aEnd) {
        if (++i < na) aStart = aLo[i]!;
      } else aStart = end + 1;
      if (end === bEnd) {
        if (++j < nb) bStart = bLo[j]!;
      } else bStart = end + 1;
    }
  }
  if (op !== INTERSECT) {
    for (; i < na; i++) {
      out.push(aStart, aHi[i]!, aSub[i]!);
      if (i + 1 < na) aStart = aLo[i + 1]!;
    }
  }
  if (op === UNION) {
    for (; j < nb; j++) {
      out.push(bStart, bHi[j]!, bSub[j]!);
      if (j + 1 < nb) bStart = bLo[j + 1]!;
    }
  }
  // An operand comes back when nothing changed (see RunBuilder): callers short-circuit on identity.
  return out.build();
}
