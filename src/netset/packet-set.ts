// PacketSet: an exact set of packets over protocol (0..255) x port (0..65535) x destination IP
// (the shared v6/v4 axis of ip.ts), stored as a CANONICAL HYPERCUBE SET (the idea of np-guard's
// CanonicalHypercubeSet).
//
// Structure. A Layer over one dimension is a list of entries {key, sub}: `key` is an IntervalSet
// of values of this dimension and `sub` is the set over the remaining dimensions that every value
// in `key` maps to. The protocol layer's subs are port layers; the port layer's subs are plain
// IntervalSets of IPs.
//
// Canonical form, maintained by every operation:
//  - keys are non-empty and pairwise disjoint, subs are non-empty;
//  - no two entries have equal subs (their keys are merged into one entry);
//  - entries are ordered by key minimum.
// A layer is thus exactly the partition of "values with a non-empty slice" by slice, so every
// point set has one structure, and key() strings (built bottom-up and cached) compare sets.
//
// Binary operations sweep both operands' key ranges together, cutting the axis into elementary
// intervals where both sides are constant, apply the operation to the two subs (recursively,
// memoized per pair of sub objects), drop empty results, and regroup intervals with equal result
// subs. Work is proportional to the number of ranges, never to the number of values: the
// universe has 256 * 65536 * (2^128 + 2^32) points.
//
// Equal subs are found through a cached 32-bit structural hash plus structural equality, not
// through key() strings: keys of IP sets are long, and hashing freshly concatenated strings
// dominated the run time. key() is still canonical and built lazily for callers that want it.

import { mix } from "./hash.js";
import { IntervalSet, type Range } from "./interval-set.js";
import { IP_ALL, formatIpSet } from "./ip.js";
import { ICMP_PROTOCOLS, PORT_ALL, PROTO_ALL, protocolName } from "./protocol-numbers.js";

/** What a Layer needs from the sets one dimension further down. */
interface SetLike<S> {
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

interface Entry<S> {
  readonly key: IntervalSet;
  readonly sub: S;
}

const UNION = 0;
const INTERSECT = 1;
const SUBTRACT = 2;
type Op = typeof UNION | typeof INTERSECT | typeof SUBTRACT;

/** Every key range of a layer, sorted by start: the input of the sweep. */
interface Flat<S> {
  readonly lo: readonly bigint[];
  readonly hi: readonly bigint[];
  readonly sub: readonly S[];
}

class Layer<S extends SetLike<S>> implements SetLike<Layer<S>> {
  readonly entries: readonly Entry<S>[];
  private _key: string | undefined;
  private _hash: number | undefined;
  private _flat: Flat<S> | undefined;

  /** `entries` must already be canonical (see the file comment). */
  constructor(entries: readonly Entry<S>[]) {
    this.entries = entries;
  }

  /**
   * Canonicalizes entries whose keys are pairwise disjoint (not necessarily non-empty, sorted or
   * with distinct subs): drops empty keys/subs and merges entries with equal subs.
   */
  static fromDisjoint<S extends SetLike<S>>(pairs: readonly Entry<S>[]): Layer<S> {
    const groups = new SubGroups<S>();
    for (const { key, sub } of pairs) {
      if (key.isEmpty() || sub.isEmpty()) continue;
      const g = groups.get(sub);
      for (const r of key.ranges) g.ranges.push(r);
    }
    const entries: Entry<S>[] = [];
    for (const g of groups.list) entries.push({ key: IntervalSet.fromRanges(g.ranges), sub: g.sub });
    entries.sort((a, b) => {
      const x = a.key.min()!;
      const y = b.key.min()!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return new Layer(entries);
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * "<key>{<sub key>}" per entry, concatenated. IntervalSet keys contain no braces, so the nesting
   * is unambiguous and equal strings mean equal canonical structures, i.e. equal sets.
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
      const items: { lo: bigint; hi: bigint; sub: S }[] = [];
      for (const e of this.entries) for (const [lo, hi] of e.key.ranges) items.push({ lo, hi, sub: e.sub });
      if (this.entries.length > 1) items.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
      this._flat = { lo: items.map((x) => x.lo), hi: items.map((x) => x.hi), sub: items.map((x) => x.sub) };
    }
    return this._flat;
  }

  /** The sub that value v maps to, by binary search; undefined when v has an empty slice. */
  find(v: bigint): S | undefined {
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

  /** Sweep without building anything: every A piece must lie under B with a subset sub. */
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
      // Walk B's ranges covering [lo, hi]; any gap means a point of A is missing from B.
      for (let k = j; lo <= hi; k++) {
        if (k >= fb.lo.length || fb.lo[k]! > lo) return false;
        const bs = fb.sub[k]!;
        if (bs !== sub && !sub.isSubsetOf(bs)) return false;
        lo = fb.hi[k]! + 1n;
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

interface Group<S> {
  readonly sub: S;
  readonly ranges: Range[];
}

/**
 * Groups by equal sub: by object identity first (the same sub object recurs often), then by
 * structural hash, confirmed with equals. Groups are listed in order of creation. Small group
 * counts (the common case) are scanned linearly, which beats creating hash maps per operation.
 */
class SubGroups<S extends SetLike<S>> {
  readonly list: Group<S>[] = [];
  private _byHash: Map<number, Group<S> | Group<S>[]> | undefined;

  get(sub: S): Group<S> {
    const list = this.list;
    const n = list.length;
    // Recent groups are the likeliest hits: pieces of one sub tend to be adjacent.
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
    g = { sub, ranges: [] };
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

/** Collects result pieces (in ascending order) grouped by equal sub, then builds the layer. */
class Grouper<S extends SetLike<S>> {
  private readonly _groups = new SubGroups<S>();

  add(lo: bigint, hi: bigint, sub: S): void {
    const rs = this._groups.get(sub).ranges;
    const last = rs[rs.length - 1];
    if (last !== undefined && last[1] + 1n === lo) rs[rs.length - 1] = [last[0], hi];
    else rs.push([lo, hi]);
  }

  /**
   * Pieces arrive in ascending order, so groups are created in order of their minimum (the
   * canonical entry order) and each group's ranges are sorted; fromRanges is then linear.
   */
  build(a: Layer<S>, b: Layer<S>): Layer<S> {
    const gs = this._groups.list;
    if (sameAs(gs, a)) return a;
    if (sameAs(gs, b)) return b;
    return new Layer(gs.map((g) => ({ key: IntervalSet.fromRanges(g.ranges), sub: g.sub })));
  }
}

/** Whether the groups describe exactly layer x's entries (to hand back the existing object). */
function sameAs<S extends SetLike<S>>(gs: readonly Group<S>[], x: Layer<S>): boolean {
  if (gs.length !== x.entries.length) return false;
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]!;
    const e = x.entries[i]!;
    if (g.sub !== e.sub) return false;
    const rs = e.key.ranges;
    if (g.ranges.length !== rs.length) return false;
    for (let k = 0; k < rs.length; k++) {
      const p = g.ranges[k]!;
      const q = rs[k]!;
      if (p[0] !== q[0] || p[1] !== q[1]) return false;
    }
  }
  return true;
}

function combine<S extends SetLike<S>>(a: Layer<S>, b: Layer<S>, op: Op): Layer<S> {
  const fa = a.flat();
  const fb = b.flat();
  const na = fa.lo.length;
  const nb = fb.lo.length;
  const out = new Grouper<S>();
  // Memo per (sub of a, sub of b): one entry of a usually meets the same entry of b on many
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
  let aLo = na > 0 ? fa.lo[0]! : 0n;
  let bLo = nb > 0 ? fb.lo[0]! : 0n;
  while (i < na && j < nb) {
    const aHi = fa.hi[i]!;
    const bHi = fb.hi[j]!;
    if (aLo < bLo) {
      // Only a is present up to min(aHi, bLo - 1).
      const end = aHi < bLo ? aHi : bLo - 1n;
      if (op !== INTERSECT) out.add(aLo, end, fa.sub[i]!);
      if (end === aHi) {
        if (++i < na) aLo = fa.lo[i]!;
      } else aLo = end + 1n;
    } else if (bLo < aLo) {
      // Only b is present up to min(bHi, aLo - 1).
      const end = bHi < aLo ? bHi : aLo - 1n;
      if (op === UNION) out.add(bLo, end, fb.sub[j]!);
      if (end === bHi) {
        if (++j < nb) bLo = fb.lo[j]!;
      } else bLo = end + 1n;
    } else {
      // Both present from aLo == bLo up to the nearer end.
      const end = aHi < bHi ? aHi : bHi;
      const r = apply(fa.sub[i]!, fb.sub[j]!);
      if (r !== null) out.add(aLo, end, r);
      if (end === aHi) {
        if (++i < na) aLo = fa.lo[i]!;
      } else aLo = end + 1n;
      if (end === bHi) {
        if (++j < nb) bLo = fb.lo[j]!;
      } else bLo = end + 1n;
    }
  }
  if (op !== INTERSECT) {
    for (; i < na; i++) {
      out.add(aLo, fa.hi[i]!, fa.sub[i]!);
      if (i + 1 < na) aLo = fa.lo[i + 1]!;
    }
  }
  if (op === UNION) {
    for (; j < nb; j++) {
      out.add(bLo, fb.hi[j]!, fb.sub[j]!);
      if (j + 1 < nb) bLo = fb.lo[j + 1]!;
    }
  }
  return out.build(a, b);
}

type PortLayer = Layer<IntervalSet>;
type ProtoLayer = Layer<PortLayer>;

/** One canonical cube: protocols x ports x ips. */
export interface Cube {
  readonly protocols: IntervalSet;
  readonly ports: IntervalSet;
  readonly ips: IntervalSet;
}

function portLayerOf(ports: IntervalSet, ips: IntervalSet): PortLayer {
  return new Layer([{ key: ports, sub: ips }]);
}

export class PacketSet {
  static readonly EMPTY: PacketSet = new PacketSet(new Layer<PortLayer>([]));
  static readonly ALL: PacketSet = PacketSet.cube(PROTO_ALL, PORT_ALL, IP_ALL);

  private readonly _root: ProtoLayer;

  private constructor(root: ProtoLayer) {
    this._root = root;
  }

  /** protocols x ports x ips; EMPTY if any factor is empty. */
  static cube(protocols: IntervalSet, ports: IntervalSet, ips: IntervalSet): PacketSet {
    if (protocols.isEmpty() || ports.isEmpty() || ips.isEmpty()) return PacketSet.EMPTY;
    return new PacketSet(new Layer([{ key: protocols, sub: portLayerOf(ports, ips) }]));
  }

  /** Like cube, with omitted dimensions full. */
  static of(parts: { protocols?: IntervalSet; ports?: IntervalSet; ips?: IntervalSet }): PacketSet {
    return PacketSet.cube(parts.protocols ?? PROTO_ALL, parts.ports ?? PORT_ALL, parts.ips ?? IP_ALL);
  }

  /**
   * Union of many sets, combined pairwise as a balanced tree: folding left would re-merge the
   * growing accumulator once per input.
   */
  static unionAll(sets: Iterable<PacketSet>): PacketSet {
    let level = [...sets];
    if (level.length === 0) return PacketSet.EMPTY;
    while (level.length > 1) {
      const next: PacketSet[] = [];
      for (let k = 0; k < level.length; k += 2) {
        const x = level[k]!;
        const y = level[k + 1];
        next.push(y === undefined ? x : x.union(y));
      }
      level = next;
    }
    return level[0]!;
  }

  private _wrap(root: ProtoLayer, o?: PacketSet): PacketSet {
    if (root === this._root) return this;
    if (o !== undefined && root === o._root) return o;
    if (root.isEmpty()) return PacketSet.EMPTY;
    return new PacketSet(root);
  }

  /** O(1): ALL has exactly one canonical shape. */
  private _isAll(): boolean {
    if (this === PacketSet.ALL) return true;
    const top = this._root.entries;
    if (top.length !== 1 || !top[0]!.key.equals(PROTO_ALL)) return false;
    const ports = top[0]!.sub.entries;
    return ports.length === 1 && ports[0]!.key.equals(PORT_ALL) && ports[0]!.sub.equals(IP_ALL);
  }

  isEmpty(): boolean {
    return this._root.isEmpty();
  }

  /** Canonical string: equal iff the sets are equal. Built on first use, then cached. */
  key(): string {
    return this._root.key();
  }

  /**
   * 32-bit structural hash, consistent with equals; cached. For hash maps of sets without
   * building key() strings.
   */
  hash(): number {
    return this._root.hash();
  }

  /** Structural comparison of the canonical forms (hash first), i.e. set equality. */
  equals(o: PacketSet): boolean {
    return this === o || this._root.equals(o._root);
  }

  union(o: PacketSet): PacketSet {
    if (this === o || o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    if (this._isAll()) return this;
    if (o._isAll()) return o;
    if (this._root.equals(o._root)) return this;
    return this._wrap(this._root.union(o._root), o);
  }

  intersect(o: PacketSet): PacketSet {
    if (this === o || this.isEmpty()) return this;
    if (o.isEmpty()) return o;
    if (this._isAll()) return o;
    if (o._isAll()) return this;
    if (this._root.equals(o._root)) return this;
    return this._wrap(this._root.intersect(o._root), o);
  }

  subtract(o: PacketSet): PacketSet {
    if (this === o || this.isEmpty()) return PacketSet.EMPTY;
    if (o.isEmpty()) return this;
    if (o._isAll() || this._root.equals(o._root)) return PacketSet.EMPTY;
    return this._wrap(this._root.subtract(o._root), o);
  }

  /** ALL minus this. */
  complement(): PacketSet {
    return PacketSet.ALL.subtract(this);
  }

  isSubsetOf(o: PacketSet): boolean {
    if (this === o || this.isEmpty() || o._isAll()) return true;
    return this._root.isSubsetOf(o._root);
  }

  overlaps(o: PacketSet): boolean {
    return this._root.overlaps(o._root);
  }

  /** Point membership: O(log) per dimension. */
  contains(proto: number, port: number, ip: bigint): boolean {
    return this._root.find(BigInt(proto))?.find(BigInt(port))?.contains(ip) ?? false;
  }

  /**
   * The canonical entries flattened into cubes, ordered by protocol-key minimum then port-key
   * minimum. The cubes are pairwise disjoint and their union is the set.
   */
  *cubes(): Generator<Cube> {
    for (const pe of this._root.entries) {
      for (const e of pe.sub.entries) yield { protocols: pe.key, ports: e.key, ips: e.sub };
    }
  }

  /** Projection onto destination IPs: every IP that some packet of the set goes to. */
  ips(): IntervalSet {
    const ranges: Range[] = [];
    for (const pe of this._root.entries) for (const e of pe.sub.entries) ranges.push(...e.sub.ranges);
    return IntervalSet.fromRanges(ranges);
  }

  /** Projection onto protocols: every protocol that some packet of the set uses. */
  protocols(): IntervalSet {
    const ranges: Range[] = [];
    for (const pe of this._root.entries) ranges.push(...pe.key.ranges);
    return IntervalSet.fromRanges(ranges);
  }

  /**
   * Cylindrification over the port dimension: {(p, any port, ip) | exists port: (p, port, ip) in
   * this}. Per protocol entry, the IP sets of all its port entries are unioned.
   */
  existsPort(): PacketSet {
    const pairs: Entry<PortLayer>[] = [];
    let changed = false;
    for (const pe of this._root.entries) {
      const only = pe.sub.entries.length === 1 ? pe.sub.entries[0] : undefined;
      if (only !== undefined && only.key.equals(PORT_ALL)) {
        pairs.push(pe); // already port-independent
        continue;
      }
      const ranges: Range[] = [];
      for (const e of pe.sub.entries) ranges.push(...e.sub.ranges);
      pairs.push({ key: pe.key, sub: portLayerOf(PORT_ALL, IntervalSet.fromRanges(ranges)) });
      changed = true;
    }
    return changed ? this._wrap(Layer.fromDisjoint(pairs)) : this;
  }

  /**
   * {(p, any port, ip) | for all port in within: (p, port, ip) in this}, i.e. the complement of
   * existsPort(complement ∩ (all x within x all)). Used for stateless return traffic: "every
   * ephemeral port must pass". Per protocol entry, the IP sets of the port entries meeting
   * `within` are intersected, and the result is empty unless those entries cover all of `within`
   * (an uncovered port has an empty IP slice). An empty `within` yields ALL (vacuous truth).
   */
  forallPort(within: IntervalSet): PacketSet {
    if (within.isEmpty()) return PacketSet.ALL;
    const total = within.size();
    const pairs: Entry<PortLayer>[] = [];
    for (const pe of this._root.entries) {
      let acc: IntervalSet | undefined;
      let covered = 0n;
      for (const e of pe.sub.entries) {
        const part = e.key.intersect(within);
        if (part.isEmpty()) continue;
        covered += part.size(); // port keys are disjoint, so sizes add up
        acc = acc === undefined ? e.sub : acc.intersect(e.sub);
        if (acc.isEmpty()) break;
      }
      if (acc !== undefined && !acc.isEmpty() && covered === total) {
        pairs.push({ key: pe.key, sub: portLayerOf(PORT_ALL, acc) });
      }
    }
    return this._wrap(Layer.fromDisjoint(pairs));
  }

  /** this ∩ (all protocols x ports x all IPs). */
  restrictPorts(ports: IntervalSet): PacketSet {
    return this.intersect(PacketSet.cube(PROTO_ALL, ports, IP_ALL));
  }

  /** this ∩ (protocols x all ports x all IPs). */
  restrictProtocols(protocols: IntervalSet): PacketSet {
    return this.intersect(PacketSet.cube(protocols, PORT_ALL, IP_ALL));
  }

  /** this ∩ (all protocols x all ports x ips). */
  restrictIps(ips: IntervalSet): PacketSet {
    return this.intersect(PacketSet.cube(PROTO_ALL, PORT_ALL, ips));
  }

  /**
   * Fixed, deterministic human form. Format:
   *  - the empty set prints "none";
   *  - otherwise one clause per canonical cube (cubes() order), joined by "; ", each
   *    "<protocols> <ports> -> <ips>":
   *    - protocols: "all" when all 256; else ranges joined by ",", a single protocol by name
   *      (tcp, udp, sctp, icmp, icmpv6, else its number), a longer range as "a-b" in numbers;
   *    - ports: "*" when all 0..65535; else for tcp/udp/sctp/other protocols the ranges as "443"
   *      or "1024-65535" joined by ","; for icmp/icmpv6 the type/code items "type 8 code 0",
   *      "type 8" (any code), "type 3-5" (whole types), "type 3 code 1-4", joined by ", ";
   *    - ips: formatIpSet ("any", "none", or CIDRs joined by ", ").
   *  - A cube whose protocols mix icmp/icmpv6 with other protocols and whose ports are not "*"
   *    is printed as two clauses (the two readings of the port dimension differ), in order of
   *    their smallest protocol.
   * Example: "tcp 443 -> any; udp 53 -> 10.0.0.0/8; icmp type 8 -> 0.0.0.0/0".
   */
  toString(): string {
    if (this.isEmpty()) return "none";
    const clauses: string[] = [];
    for (const { protocols, ports, ips } of this.cubes()) {
      const ipText = formatIpSet(ips);
      if (ports.equals(PORT_ALL)) {
        clauses.push(`${formatProtocols(protocols)} * -> ${ipText}`);
        continue;
      }
      const icmp = protocols.intersect(ICMP_PROTOCOLS);
      const other = protocols.subtract(ICMP_PROTOCOLS);
      const parts: [IntervalSet, string][] = [];
      if (!other.isEmpty()) parts.push([other, formatPorts(ports)]);
      if (!icmp.isEmpty()) parts.push([icmp, formatIcmp(ports)]);
      parts.sort((x, y) => (x[0].min()! < y[0].min()! ? -1 : 1));
      for (const [ps, portText] of parts) clauses.push(`${formatProtocols(ps)} ${portText} -> ${ipText}`);
    }
    return clauses.join("; ");
  }
}

function formatProtocols(set: IntervalSet): string {
  if (set.equals(PROTO_ALL)) return "all";
  return set.ranges.map(([lo, hi]) => (lo === hi ? protocolName(Number(lo)) : `${lo}-${hi}`)).join(",");
}

function formatPorts(set: IntervalSet): string {
  return set.ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(",");
}

/** Port-dimension ranges read as ICMP type * 256 + code. */
function formatIcmp(set: IntervalSet): string {
  const items: string[] = [];
  const codes = (t: bigint, c1: bigint, c2: bigint) =>
    items.push(c1 === c2 ? `type ${t} code ${c1}` : `type ${t} code ${c1}-${c2}`);
  const types = (t1: bigint, t2: bigint) => items.push(t1 === t2 ? `type ${t1}` : `type ${t1}-${t2}`);
  for (const [lo, hi] of set.ranges) {
    const tLo = lo >> 8n;
    const cLo = lo & 255n;
    const tHi = hi >> 8n;
    const cHi = hi & 255n;
    if (tLo === tHi) {
      if (cLo === 0n && cHi === 255n) types(tLo, tLo);
      else codes(tLo, cLo, cHi);
      continue;
    }
    // Partial first type, whole middle types, partial last type.
    let first = tLo;
    if (cLo !== 0n) {
      codes(tLo, cLo, 255n);
      first = tLo + 1n;
    }
    let last = tHi;
    if (cHi !== 255n) last = tHi - 1n;
    if (first <= last) types(first, last);
    if (cHi !== 255n) codes(tHi, 0n, cHi);
  }
  return items.join(", ");
}
