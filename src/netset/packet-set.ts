// PacketSet: an exact set of packets over protocol (0..255) x port (0..65535) x destination IP
// (the shared v6/v4 axis of ip.ts), stored as a CANONICAL HYPERCUBE SET (the idea of np-guard's
// CanonicalHypercubeSet): a protocol layer whose entries map protocol sets to port layers, whose
// entries map port sets to IP IntervalSets. See layer.ts for the canonical form and the
// algorithms. Because the form is canonical, two PacketSets are equal iff their structures are
// equal, and key() strings compare sets.
//
// Nothing here enumerates values: the universe has 256 * 65536 * (2^128 + 2^32) points.

import { IntervalSet, type Range } from "./interval-set.js";
import { Boxes, unionOfBoxes } from "./boxes.js";
import { IP_ALL, formatIpSet } from "./ip.js";
import { Layer, NumKey, type Entry } from "./layer.js";
import { ICMP_PROTOCOLS, PORT_ALL, PROTO_ALL, protocolName } from "./protocol-numbers.js";

type PortLayer = Layer<IntervalSet>;
type ProtoLayer = Layer<PortLayer>;

/**
 * A set's slice at one protocol: its port ranges [lo[k], hi[k]] in ascending order, each with the
 * IP set it maps to. Shared with the set's cached structure: never modify.
 */
export interface PortRuns {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly sub: readonly IntervalSet[];
}

/** A box given by number bounds: protocols [pLo, pHi] x ports [qLo, qHi] x ips (see PacketSet.ofBoxes). */
export interface Box {
  readonly pLo: number;
  readonly pHi: number;
  readonly qLo: number;
  readonly qHi: number;
  readonly ips: IntervalSet;
}

/** One canonical cube: protocols x ports x ips. */
export interface Cube {
  readonly protocols: IntervalSet;
  readonly ports: IntervalSet;
  readonly ips: IntervalSet;
}

const PROTO_MAX = 255;
const PORT_MAX = 65535;
const PORT_KEY_ALL = new NumKey([0, PORT_MAX], PORT_ALL);
const PROTO_KEY_ALL = new NumKey([0, PROTO_MAX], PROTO_ALL);

function portLayerOf(ports: NumKey, ips: IntervalSet): PortLayer {
  return Layer.single(ports, ips);
}

function checkIps(ips: IntervalSet): void {
  if (!ips.isSubsetOf(IP_ALL))
    throw new RangeError(`ips must lie on the IP axis (see ip.ts), got ${ips.toString()}`);
}

export class PacketSet {
  static readonly EMPTY: PacketSet = new PacketSet(Layer.empty<PortLayer>());
  static readonly ALL: PacketSet = PacketSet.cube(PROTO_ALL, PORT_ALL, IP_ALL);

  private readonly _root: ProtoLayer;
  /** ips(), built on first use (sets are immutable; the engine asks the same few sets over and over). */
  private _ips: IntervalSet | undefined;

  private constructor(root: ProtoLayer) {
    this._root = root;
  }

  /**
   * protocols x ports x ips; EMPTY if any factor is empty. Values outside the dimensions
   * (protocols 0..255, ports 0..65535, the IP axis 0 .. 2^128 + 2^32 - 1) throw a RangeError:
   * they would be points outside ALL, which breaks complement().
   */
  static cube(protocols: IntervalSet, ports: IntervalSet, ips: IntervalSet): PacketSet {
    if (protocols.isEmpty() || ports.isEmpty() || ips.isEmpty()) return PacketSet.EMPTY;
    const pk = protocols === PROTO_ALL ? PROTO_KEY_ALL : NumKey.fromSet(protocols, PROTO_MAX, "protocols");
    const qk = ports === PORT_ALL ? PORT_KEY_ALL : NumKey.fromSet(ports, PORT_MAX, "ports");
    checkIps(ips);
    return new PacketSet(Layer.single(pk, portLayerOf(qk, ips)));
  }

  /**
   * cube(protocols, ports, ·) for many IP sets: the protocol and port keys are built once (on the
   * first call that needs them, so every call checks and throws exactly as cube would).
   */
  static cubesOver(protocols: IntervalSet, ports: IntervalSet): (ips: IntervalSet) => PacketSet {
    let pk: NumKey | undefined;
    let qk: NumKey | undefined;
    return (ips) => {
      if (protocols.isEmpty() || ports.isEmpty() || ips.isEmpty()) return PacketSet.EMPTY;
      pk ??= protocols === PROTO_ALL ? PROTO_KEY_ALL : NumKey.fromSet(protocols, PROTO_MAX, "protocols");
      qk ??= ports === PORT_ALL ? PORT_KEY_ALL : NumKey.fromSet(ports, PORT_MAX, "ports");
      checkIps(ips);
      return new PacketSet(Layer.single(pk, portLayerOf(qk, ips)));
    };
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

  /**
   * (the union of `sets`) ∩ `within`, without building any set but the result: each input box is cut
   * down to each box of `within` (intersection distributes over union), then all are joined in one
   * sweep per axis (boxes.ts; unionAll instead merges pairwise). For unions of many rules of which `within` keeps a small part (a security
   * group's rules cut down to the packets an audit asks about).
   */
  static unionWithin(sets: Iterable<PacketSet>, within: PacketSet): PacketSet {
    const w = new Boxes();
    within._addBoxes(w);
    const boxes = new Boxes();
    const list: PacketSet[] = [];
    for (const s of sets) {
      if (s.isEmpty()) continue;
      list.push(s);
      const root = s._root;
      for (let k = 0; k < root.lo.length; k++) {
        const pLo = root.lo[k]!;
        const pHi = root.hi[k]!;
        const ports = root.sub[k]!;
        for (let x = 0; x < w.size; x++) {
          const cpLo = pLo > w.pLo[x]! ? pLo : w.pLo[x]!;
          const cpHi = pHi < w.pHi[x]! ? pHi : w.pHi[x]!;
          if (cpLo > cpHi) continue;
          for (let j = 0; j < ports.lo.length; j++) {
            const qLo = ports.lo[j]! > w.qLo[x]! ? ports.lo[j]! : w.qLo[x]!;
            const qHi = ports.hi[j]! < w.qHi[x]! ? ports.hi[j]! : w.qHi[x]!;
            if (qLo > qHi) continue;
            // Every box cut down to box x of `within` lies inside it: one that keeps all of its IP set
            // holds every other such box's there, and a union where it is is its IP set (Boxes.top).
            // Boxes of different boxes of `within` never meet (those are disjoint in protocol x port).
            const wIps = w.ips[x]!;
            const ips = ports.sub[j]!.intersect(wIps);
            boxes.add(cpLo, cpHi, qLo, qHi, ips, ips === wIps || ips.equals(wIps));
          }
        }
      }
    }
    list.push(within);
    return PacketSet._ofBoxes(boxes, list);
  }

  /**
   * The union of `boxes` (they may overlap), built in one sweep (see boxes.ts) instead of a union per
   * box. Boxes with an empty side are skipped; bounds outside the dimensions (protocols 0..255, ports
   * 0..65535, the IP axis) throw a RangeError, as cube does.
   */
  static ofBoxes(boxes: Iterable<Box>): PacketSet {
    const b = new Boxes();
    for (const x of boxes) {
      if (x.pLo > x.pHi || x.qLo > x.qHi || x.ips.isEmpty()) continue;
      if (!(Number.isInteger(x.pLo) && Number.isInteger(x.pHi) && x.pLo >= 0 && x.pHi <= PROTO_MAX))
        throw new RangeError(`protocols must lie in 0..${PROTO_MAX}, got ${x.pLo}..${x.pHi}`);
      if (!(Number.isInteger(x.qLo) && Number.isInteger(x.qHi) && x.qLo >= 0 && x.qHi <= PORT_MAX))
        throw new RangeError(`ports must lie in 0..${PORT_MAX}, got ${x.qLo}..${x.qHi}`);
      checkIps(x.ips);
      b.add(x.pLo, x.pHi, x.qLo, x.qHi, x.ips);
    }
    return PacketSet._ofBoxes(b, []);
  }

  /**
   * Calls `f` for each protocol run of the canonical form, in ascending order: every protocol in
   * [lo, hi] has the slice `ports` (shared with the set's structure: never modify).
   */
  eachProtocolRun(f: (lo: number, hi: number, ports: PortRuns) => void): void {
    const root = this._root;
    for (let k = 0; k < root.lo.length; k++) f(root.lo[k]!, root.hi[k]!, root.sub[k]!);
  }

  /** Appends one box per (protocol run, port run) of this set. */
  private _addBoxes(b: Boxes): void {
    const root = this._root;
    for (let k = 0; k < root.lo.length; k++) {
      const ports = root.sub[k]!;
      for (let j = 0; j < ports.lo.length; j++)
        b.add(root.lo[k]!, root.hi[k]!, ports.lo[j]!, ports.hi[j]!, ports.sub[j]!);
    }
  }

  /** The union of `boxes`: one of `candidates` when it equals that set, else a new set. */
  private static _ofBoxes(boxes: Boxes, candidates: readonly PacketSet[]): PacketSet {
    if (boxes.size === 0) return PacketSet.EMPTY;
    const root = unionOfBoxes(boxes);
    for (const c of candidates) if (c._root.lo.length === root.lo.length && c._root.equals(root)) return c;
    return new PacketSet(root);
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
    const top = this._root;
    if (top.lo.length !== 1 || top.lo[0] !== 0 || top.hi[0] !== PROTO_MAX) return false;
    const ports = top.sub[0]!;
    return (
      ports.lo.length === 1 && ports.lo[0] === 0 && ports.hi[0] === PORT_MAX && ports.sub[0]!.equals(IP_ALL)
    );
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
    return this._cubeIntersect(o) ?? this._wrap(this._root.intersect(o._root), o);
  }

  /**
   * Two cubes meet in a cube: each factor is the intersection of the two factors. Rules, restrictions
   * (restrictIps ...) and the audit's universe are single cubes, and this is much cheaper than the
   * general sweep. Undefined when either set is not (visibly) a single cube.
   */
  private _cubeIntersect(o: PacketSet): PacketSet | undefined {
    const a = this._root;
    const b = o._root;
    const ap = a.uniformSub();
    const bp = b.uniformSub();
    if (ap === undefined || bp === undefined) return undefined;
    const ai = ap.uniformSub();
    const bi = bp.uniformSub();
    if (ai === undefined || bi === undefined) return undefined;
    const ips = ai.intersect(bi);
    if (ips.isEmpty()) return PacketSet.EMPTY;
    const [pLo, pHi] = meet(a.lo, a.hi, b.lo, b.hi);
    if (pLo.length === 0) return PacketSet.EMPTY;
    const [qLo, qHi] = meet(ap.lo, ap.hi, bp.lo, bp.hi);
    if (qLo.length === 0) return PacketSet.EMPTY;
    // An operand comes back when nothing of it was cut (callers short-circuit on identity).
    if (ips === ai && same(pLo, pHi, a) && same(qLo, qHi, ap)) return this;
    if (ips === bi && same(pLo, pHi, b) && same(qLo, qHi, bp)) return o;
    return new PacketSet(Layer.uniform(pLo, pHi, Layer.uniform(qLo, qHi, ips)));
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

  /** Point membership: O(log) per dimension. Non-integer protocol or port numbers are never members. */
  contains(proto: number, port: number, ip: bigint): boolean {
    if (!Number.isInteger(proto) || !Number.isInteger(port)) return false;
    return this._root.find(proto)?.find(port)?.contains(ip) ?? false;
  }

  /**
   * The canonical entries flattened into cubes, ordered by protocol-key minimum then port-key
   * minimum. The cubes are pairwise disjoint and their union is the set.
   */
  *cubes(): Generator<Cube> {
    for (const pe of this._root.entries) {
      for (const e of pe.sub.entries) yield { protocols: pe.key.set, ports: e.key.set, ips: e.sub };
    }
  }

  /**
   * Appends where the set's slice may change along the protocol axis: the start and end + 1 of
   * every protocol range of its canonical form, in ascending order (with repeats where ranges
   * touch).
   * Between two consecutive cuts every protocol has the same slice (see portRunsAt).
   */
  pushProtocolCuts(out: number[]): void {
    const f = this._root;
    for (let k = 0; k < f.lo.length; k++) out.push(f.lo[k]!, f.hi[k]! + 1);
  }

  /**
   * The IP set of the packets with protocol `proto` and port `port` (binary search per dimension), or
   * undefined when there are none. Shared with the set's structure.
   */
  ipsAt(proto: number, port: number): IntervalSet | undefined {
    return this._root.find(proto)?.find(port);
  }

  /** The slice at protocol `proto` (binary search), or undefined when no packet has that protocol. */
  portRunsAt(proto: number): PortRuns | undefined {
    return this._root.find(proto);
  }

  /**
   * Whether the set meets the cube [pLo, pHi] x [qLo, qHi] x ips (number bounds on the protocol
   * and port axes), without building the cube.
   */
  overlapsCube(pLo: number, pHi: number, qLo: number, qHi: number, ips: IntervalSet): boolean {
    const f = this._root;
    for (let k = 0; k < f.lo.length; k++) {
      if (f.hi[k]! < pLo || f.lo[k]! > pHi) continue;
      const g = f.sub[k]!;
      for (let j = 0; j < g.lo.length; j++) {
        if (g.hi[j]! < qLo || g.lo[j]! > qHi) continue;
        if (g.sub[j]!.overlaps(ips)) return true;
      }
    }
    return false;
  }

  /** Projection onto destination IPs: every IP that some packet of the set goes to. */
  ips(): IntervalSet {
    if (this._ips === undefined) {
      const subs: IntervalSet[] = [];
      for (const pe of this._root.entries) for (const e of pe.sub.entries) subs.push(e.sub);
      this._ips = IntervalSet.unionAll(subs);
    }
    return this._ips;
  }

  /** Projection onto protocols: every protocol that some packet of the set uses. */
  protocols(): IntervalSet {
    const ranges: Range[] = [];
    for (const pe of this._root.entries) for (const r of pe.key.set.ranges) ranges.push(r);
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
      if (only !== undefined && only.key.equals(PORT_KEY_ALL)) {
        pairs.push(pe); // already port-independent
        continue;
      }
      const ips = IntervalSet.unionAll(pe.sub.entries.map((e) => e.sub));
      pairs.push({ key: pe.key, sub: portLayerOf(PORT_KEY_ALL, ips) });
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
    const w = NumKey.fromSet(within, PORT_MAX, "within");
    const total = w.size();
    const pairs: Entry<PortLayer>[] = [];
    for (const pe of this._root.entries) {
      let acc: IntervalSet | undefined;
      let covered = 0;
      for (const e of pe.sub.entries) {
        const part = e.key.overlapSize(w);
        if (part === 0) continue;
        covered += part; // port keys are disjoint, so overlap sizes add up
        acc = acc === undefined ? e.sub : acc.intersect(e.sub);
        if (acc.isEmpty()) break;
      }
      if (acc !== undefined && !acc.isEmpty() && covered === total) {
        pairs.push({ key: pe.key, sub: portLayerOf(PORT_KEY_ALL, acc) });
      }
    }
    return this._wrap(Layer.fromDisjoint(pairs));
  }

  /** this ∩ (all protocols x ports x all IPs). */
  restrictPorts(ports: IntervalSet): PacketSet {
    return this.intersect(restriction(PORT_CUBES, ports, () => PacketSet.cube(PROTO_ALL, ports, IP_ALL)));
  }

  /** this ∩ (protocols x all ports x all IPs). */
  restrictProtocols(protocols: IntervalSet): PacketSet {
    return this.intersect(
      restriction(PROTOCOL_CUBES, protocols, () => PacketSet.cube(protocols, PORT_ALL, IP_ALL)),
    );
  }

  /** this ∩ (all protocols x all ports x ips). */
  /**
   * Every packet with its IP moved by `delta` (a translation between address blocks, e.g. NAT64's
   * 64:ff9b::/96 and IPv4). A shift keeps distinct IP sets distinct, so the layers keep their runs and
   * stay canonical. RangeError if an address would leave the IP axis.
   */
  shiftIps(delta: bigint): PacketSet {
    if (delta === 0n || this.isEmpty()) return this;
    const ips = this.ips();
    const lo = ips.min()! + delta;
    const hi = ips.max()! + delta;
    if (lo < IP_ALL.min()! || hi > IP_ALL.max()!)
      throw new RangeError(`shifting ${ips.toString()} by ${delta} leaves the IP axis`);
    const shifted = new Map<IntervalSet, IntervalSet>();
    const shift = (s: IntervalSet): IntervalSet => {
      let t = shifted.get(s);
      if (!t) shifted.set(s, (t = IntervalSet.fromRanges(s.ranges.map(([a, b]) => [a + delta, b + delta]))));
      return t;
    };
    const root = this._root;
    return new PacketSet(
      Layer.fromRuns(
        [...root.lo],
        [...root.hi],
        root.sub.map((ports) => Layer.fromRuns([...ports.lo], [...ports.hi], ports.sub.map(shift))),
      ),
    );
  }

  restrictIps(ips: IntervalSet): PacketSet {
    return this.intersect(restriction(IP_CUBES, ips, () => PacketSet.cube(PROTO_ALL, PORT_ALL, ips)));
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

/**
 * The cubes the restrict* methods intersect with, per IntervalSet object: the same few sets (address
 * families, route destinations, protocol groups) are restricted to over and over, and building the
 * cube (its keys, the IP axis check) cost more than the intersection itself. Sets are immutable, so a
 * cube kept for a set object is always the right one; a WeakMap lets unused ones go.
 */
const PORT_CUBES = new WeakMap<IntervalSet, PacketSet>();
const PROTOCOL_CUBES = new WeakMap<IntervalSet, PacketSet>();
const IP_CUBES = new WeakMap<IntervalSet, PacketSet>();

function restriction(
  cache: WeakMap<IntervalSet, PacketSet>,
  set: IntervalSet,
  make: () => PacketSet,
): PacketSet {
  let c = cache.get(set);
  if (c === undefined) cache.set(set, (c = make()));
  return c;
}

/** The intersection of two canonical range lists (as lo / hi arrays). Its ranges never touch. */
function meet(
  aLo: readonly number[],
  aHi: readonly number[],
  bLo: readonly number[],
  bHi: readonly number[],
): [number[], number[]] {
  const lo: number[] = [];
  const hi: number[] = [];
  let i = 0;
  let j = 0;
  while (i < aLo.length && j < bLo.length) {
    const l = aLo[i]! > bLo[j]! ? aLo[i]! : bLo[j]!;
    const h = aHi[i]! < bHi[j]! ? aHi[i]! : bHi[j]!;
    if (l <= h) {
      lo.push(l);
      hi.push(h);
    }
    if (aHi[i]! < bHi[j]!) i++;
    else j++;
  }
  return [lo, hi];
}

function same(
  lo: readonly number[],
  hi: readonly number[],
  x: { lo: readonly number[]; hi: readonly number[] },
) {
  if (lo.length !== x.lo.length) return false;
  for (let k = 0; k < lo.length; k++) if (lo[k] !== x.lo[k] || hi[k] !== x.hi[k]) return false;
  return true;
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
