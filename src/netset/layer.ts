// Internal machinery of the canonical hypercube set (not re-exported from index.ts).
//
// A Layer over one dimension is a list of entries {key, sub}: `key` is a set of values of this
// dimension and `sub` is the set over the remaining dimensions that every value in `key` maps to.
// PacketSet uses Layer<Layer<IntervalSet>>: protocol -> port -> IP set.
//
// Canonical form, maintained by every operation:
//  - keys are non-empty and pairwise disjoint, subs are non-empty;
//  - no two entries have equal subs (their keys are merged into one entry);
//  - entries are ordered by key minimum.
// A layer is thus exactly the partition of "values with a non-empty slice" by slice, so every
// point set has one structure: structural equality (and key()) is set equality.
//
// Binary operations sweep both operands' key ranges together, cutting the axis into elementary
// intervals on which both sides are constant, apply the operation to the two subs (recursively,
// memoized per pair of sub objects), drop empty results, and regroup intervals with equal result
// subs. Work is proportional to the number of ranges, never to the number of values.
//
// Layer keys only ever cover the protocol (0..255) and port (0..65535) dimensions, so they are
// stored as plain-number ranges (NumKey): BigInt arithmetic allocates on every +1/-1 and was the
// main cost of the sweep. The IP dimension, which needs 129 bits, is always a leaf IntervalSet.
//
// Equal subs are found through a cached 32-bit structural hash confirmed by structural equality,
// not through key() strings: keys of IP sets are long, and hashing freshly built strings
// dominated the run time. key() strings are built lazily, only for callers that ask.

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
    return new NumKey(b, set);
  }

  static range(lo: number, hi: number): NumKey {
    return new NumKey([lo, hi]);
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

/** Every key range of a layer, sorted by start: the input of the sweeps. */
interface Flat<S> {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly sub: readonly S[];
}

export class Layer<S extends SetLike<S>> implements SetLike<Layer<S>> {
  readonly entries: readonly Entry<S>[];
  private _key: string | undefined;
  private _hash: number | undefined;
  private _flat: Flat<S> | undefined;

  /** `entries` must already be canonical (see the file comment). */
  constructor(entries: readonly Entry<S>[]) {
    this.entries = entries;
  }

  /**
   * Canonicalizes entries whose keys are pairwise disjoint (but possibly empty, unsorted or with
   * equal subs): drops empty keys/subs and merges entries with equal subs.
   */
  static fromDisjoint<S extends SetLike<S>>(pairs: readonly Entry<S>[]): Layer<S> {
    const groups = new SubGroups<S>();
    for (const { key, sub } of pairs) {
      if (key.isEmpty() || sub.isEmpty()) continue;
      const g = groups.get(sub);
      for (const v of key.b) g.b.push(v);
    }
    const entries: Entry<S>[] = groups.list.map((g) => ({ key: new NumKey(canonicalize(g.b)), sub: g.sub }));
    entries.sort((x, y) => x.key.min() - y.key.min());
    return new Layer(entries);
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * "<key>{<sub key>}" per entry, concatenated. Range keys contain no braces, so the nesting is
   * unambiguous and equal strings mean equal canonical structures, i.e. equal sets.
   */
  key(): string {
    if (this._key === undefined) {
      let s = "";
      for (const e of this.entries) s += `${e.key.key()}{${e.sub.key()}}`;
      this._key = s;
    }
    return this._key;
  }

  hash(): number {
    if (this._hash === undefined) {
      let h = mix(0x6a09e667, this.entries.length);
      for (const e of this.entries) h = mix(mix(h, e.key.hash()), e.sub.hash());
      this._hash = h;
    }
    return this._hash;
  }

  equals(o: Layer<S>): boolean {
    if (this === o) return true;
    const a = this.entries;
    const b = o.entries;
    if (a.length !== b.length || this.hash() !== o.hash()) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (!x.key.equals(y.key) || (x.sub !== y.sub && !x.sub.equals(y.sub))) return false;
    }
    return true;
  }

  flat(): Flat<S> {
    if (this._flat === undefined) {
      const es = this.entries;
      if (es.length === 1 && es[0]!.key.b.length === 2) {
        const e = es[0]!;
        this._flat = { lo: [e.key.b[0]!], hi: [e.key.b[1]!], sub: [e.sub] };
      } else {
        const items: { lo: number; hi: number; sub: S }[] = [];
        for (const e of es)
          for (let k = 0; k < e.key.b.length; k += 2)
            items.push({ lo: e.key.b[k]!, hi: e.key.b[k + 1]!, sub: e.sub });
        if (es.length > 1) items.sort((x, y) => x.lo - y.lo);
        this._flat = { lo: items.map((x) => x.lo), hi: items.map((x) => x.hi), sub: items.map((x) => x.sub) };
      }
    }
    return this._flat;
  }

  /** The sub that value v maps to, by binary search; undefined when v has an empty slice. */
  find(v: number): S | undefined {
    const f = this.flat();
    let a = 0;
    let b = f.lo.length - 1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      if (v < f.lo[m]!) b = m - 1;
      else if (v > f.hi[m]!) a = m + 1;
      else return f.sub[m];
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
    if (this === o) return new Layer<S>([]);
    return combine(this, o, SUBTRACT);
  }

  /** Sweep without building anything: every piece of this must lie under o with a subset sub. */
  isSubsetOf(o: Layer<S>): boolean {
    if (this === o || this.isEmpty()) return true;
    const fa = this.flat();
    const fb = o.flat();
    let j = 0;
    for (let i = 0; i < fa.lo.length; i++) {
      let lo = fa.lo[i]!;
      const hi = fa.hi[i]!;
      const sub = fa.sub[i]!;
      while (j < fb.lo.length && fb.hi[j]! < lo) j++;
      // Walk o's ranges covering [lo, hi]; any gap means a point of this is missing from o.
      for (let k = j; lo <= hi; k++) {
        if (k >= fb.lo.length || fb.lo[k]! > lo) return false;
        const bs = fb.sub[k]!;
        if (bs !== sub && !sub.isSubsetOf(bs)) return false;
        lo = fb.hi[k]! + 1;
      }
    }
    return true;
  }

  overlaps(o: Layer<S>): boolean {
    if (this.isEmpty() || o.isEmpty()) return false;
    if (this === o) return true;
    const fa = this.flat();
    const fb = o.flat();
    let i = 0;
    let j = 0;
    while (i < fa.lo.length && j < fb.lo.length) {
      if (fa.hi[i]! < fb.lo[j]!) i++;
      else if (fb.hi[j]! < fa.lo[i]!) j++;
      else {
        const x = fa.sub[i]!;
        const y = fb.sub[j]!;
        if (x === y || x.overlaps(y)) return true;
        if (fa.hi[i]! < fb.hi[j]!) i++;
        else j++;
      }
    }
    return false;
  }
}

/** Sorts flattened ranges by start and merges overlapping/touching ones. */
function canonicalize(b: number[]): number[] {
  const n = b.length / 2;
  const idx = Array.from({ length: n }, (_, k) => k);
  idx.sort((x, y) => b[2 * x]! - b[2 * y]!);
  const out: number[] = [];
  for (const k of idx) {
    const lo = b[2 * k]!;
    const hi = b[2 * k + 1]!;
    const last = out.length - 1;
    if (out.length > 0 && lo <= out[last]! + 1) {
      if (hi > out[last]!) out[last] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

interface Group<S> {
  readonly sub: S;
  /** Flattened ranges [lo, hi, lo, hi, ...] collected for this sub. */
  readonly b: number[];
}

/**
 * Groups by equal sub: by object identity first (the same sub object recurs often), then by
 * structural hash confirmed with equals. Groups are listed in order of creation. Small group
 * counts (the common case) are scanned linearly, which beats creating a hash map per operation.
 */
class SubGroups<S extends SetLike<S>> {
  readonly list: Group<S>[] = [];
  private _byHash: Map<number, Group<S> | Group<S>[]> | undefined;

  get(sub: S): Group<S> {
    const list = this.list;
    const n = list.length;
    // Recent groups are the likeliest hits: pieces with one sub tend to be adjacent.
    for (let k = n - 1; k >= 0 && k >= n - 4; k--) if (list[k]!.sub === sub) return list[k]!;
    const h = sub.hash();
    let g: Group<S> | undefined;
    if (this._byHash === undefined && n <= LINEAR_GROUPS) {
      for (let k = 0; k < n; k++) {
        const x = list[k]!;
        if (x.sub === sub || (x.sub.hash() === h && x.sub.equals(sub))) return x;
      }
    } else {
      const byHash = (this._byHash ??= indexByHash(list));
      const bucket = byHash.get(h);
      if (bucket !== undefined) {
        if (Array.isArray(bucket)) g = bucket.find((x) => x.sub === sub || x.sub.equals(sub));
        else if (bucket.sub === sub || bucket.sub.equals(sub)) g = bucket;
      }
      if (g !== undefined) return g;
    }
    g = { sub, b: [] };
    list.push(g);
    if (this._byHash !== undefined) addByHash(this._byHash, h, g);
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

/** Whether the groups describe exactly layer x's entries (to hand back the existing object). */
function sameAs<S extends SetLike<S>>(gs: readonly Group<S>[], x: Layer<S>): boolean {
  if (gs.length !== x.entries.length) return false;
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]!;
    const e = x.entries[i]!;
    if (g.sub !== e.sub) return false;
    const kb = e.key.b;
    if (g.b.length !== kb.length) return false;
    for (let k = 0; k < kb.length; k++) if (g.b[k] !== kb[k]) return false;
  }
  return true;
}

function combine<S extends SetLike<S>>(a: Layer<S>, b: Layer<S>, op: Op): Layer<S> {
  const fa = a.flat();
  const fb = b.flat();
  const na = fa.lo.length;
  const nb = fb.lo.length;
  const groups = new SubGroups<S>();
  // Pieces arrive in ascending order, so groups are created in order of their minimum (the
  // canonical entry order) and each group's ranges come sorted; touching pieces are joined here.
  const add = (lo: number, hi: number, sub: S) => {
    const rb = groups.get(sub).b;
    const n = rb.length;
    if (n > 0 && rb[n - 1]! + 1 === lo) rb[n - 1] = hi;
    else rb.push(lo, hi);
  };
  // Memo per (sub of a, sub of b): one entry of a usually meets the same entry of b on several
  // elementary intervals, and the sub operation is the expensive part.
  let memo: Map<S, Map<S, S | null>> | undefined;
  const apply = (x: S, y: S): S | null => {
    if (x === y) return op === SUBTRACT ? null : x;
    memo ??= new Map();
    let m = memo.get(x);
    if (m === undefined) {
      m = new Map();
      memo.set(x, m);
    }
    let r = m.get(y);
    if (r === undefined) {
      const v = op === UNION ? x.union(y) : op === INTERSECT ? x.intersect(y) : x.subtract(y);
      r = v.isEmpty() ? null : v;
      m.set(y, r);
    }
    return r;
  };

  let i = 0;
  let j = 0;
  // Start of the not yet processed part of a's i-th range / b's j-th range.
  let aLo = na > 0 ? fa.lo[0]! : 0;
  let bLo = nb > 0 ? fb.lo[0]! : 0;
  while (i < na && j < nb) {
    const aHi = fa.hi[i]!;
    const bHi = fb.hi[j]!;
    if (aLo < bLo) {
      // Only a is present up to min(aHi, bLo - 1).
      const end = aHi < bLo ? aHi : bLo - 1;
      if (op !== INTERSECT) add(aLo, end, fa.sub[i]!);
      if (end === aHi) {
        if (++i < na) aLo = fa.lo[i]!;
      } else aLo = end + 1;
    } else if (bLo < aLo) {
      // Only b is present up to min(bHi, aLo - 1).
      const end = bHi < aLo ? bHi : aLo - 1;
      if (op === UNION) add(bLo, end, fb.sub[j]!);
      if (end === bHi) {
        if (++j < nb) bLo = fb.lo[j]!;
      } else bLo = end + 1;
    } else {
      // Both present from aLo == bLo up to the nearer end.
      const end = aHi < bHi ? aHi : bHi;
      const r = apply(fa.sub[i]!, fb.sub[j]!);
      if (r !== null) add(aLo, end, r);
      if (end === aHi) {
        if (++i < na) aLo = fa.lo[i]!;
      } else aLo = end + 1;
      if (end === bHi) {
        if (++j < nb) bLo = fb.lo[j]!;
      } else bLo = end + 1;
    }
  }
  if (op !== INTERSECT) {
    for (; i < na; i++) {
      add(aLo, fa.hi[i]!, fa.sub[i]!);
      if (i + 1 < na) aLo = fa.lo[i + 1]!;
    }
  }
  if (op === UNION) {
    for (; j < nb; j++) {
      add(bLo, fb.hi[j]!, fb.sub[j]!);
      if (j + 1 < nb) bLo = fb.lo[j + 1]!;
    }
  }
  const gs = groups.list;
  if (sameAs(gs, a)) return a;
  if (sameAs(gs, b)) return b;
  return new Layer(gs.map((g) => ({ key: new NumKey(g.b), sub: g.sub })));
}
