// The all-ports audit: every source endpoint, every queried protocol and port, every destination at once.
// Endpoints that must get the same answer (see Engine.classKey) are computed once; each then gets its
// own copy of the class's entries with its own addresses filled in.
//
// At quota scale the result holds ~10^5 entries and ~10^6 paths, so what they are built from is shared
// wherever the values are equal: CIDR lists by IP set, paths by (outcome, CIDR list), labels by cell.
// Results are plain JSON-ready objects, never mutated after they are built, so sharing is invisible in
// the output.
import { isDeepStrictEqual } from "node:util";
import {
  formatIp,
  IntervalSet,
  IPV4_ALL,
  IPV6_ALL,
  PacketSet,
  PORT_ALL,
  PROTO,
  protocolName,
  toCidrs,
  V4_OFFSET,
} from "../netset/index.js";
import { SOURCE_OWNER, type Endpoint, type NetworkModel, type UnplacedSource } from "../model/types.js";
import { Engine, ownAddresses, type AuditParts } from "../graph/propagate.js";
import { auditMatrix, cellParts, type Cell, type CellPart } from "../graph/matrix.js";
import { OwnAddresses } from "../graph/hairpin.js";
import { SOURCE_IPV6, type Outcome, type Piece } from "../graph/outcome.js";
import type { ExitKind } from "../model/types.js";
import { AskedMissing, someOf } from "../model/missing.js";
import { ascending } from "../model/order.js";
import type { AuditEntry, AuditPath, AuditResult, AuditSource } from "./result.js";
import { SCHEMA_VERSION, VERSION } from "./version.js";

export interface AuditOptions {
  /** protocol x port (IP dimension full). */
  ports: PacketSet;
  portsText: string;
  /** Destination addresses, and how the user named them ("internet" or their CIDRs). */
  dest: IntervalSet;
  destText: string;
  /** Only these endpoints (default: all). */
  sources?: Endpoint[];
  /** How the user chose them (--vpc, --cluster), for the result to say what it covers. */
  scope?: { vpcs?: string[] | undefined; cluster?: string | undefined };
  /**
   * The source interfaces of the scope the input tells too little of to audit (see Selection; default:
   * the model's, when `sources` is not given), for the result to say it does not cover them.
   */
  unaudited?: readonly UnplacedSource[];
  /**
   * Leave each source's own network's address blocks out of its destinations: for `--dest internet`,
   * where a VPC's public IPv6 (or public IPv4) block would otherwise count as the internet, though the
   * local route keeps it inside.
   */
  ownNetworkExcluded?: boolean;
}

const ICMPV4_ONLY = IntervalSet.point(BigInt(PROTO.ICMP));
const ICMPV6_ONLY = IntervalSet.point(BigInt(PROTO.ICMPV6));

/**
 * The packets an audit asks about: `ports` to `dest`, without ICMP to IPv6 destinations and ICMPv6 to
 * IPv4 ones (each family has its own ICMP; an IPv4 ICMP packet to an IPv6 address is not one a host
 * sends, and reporting its fate would only mislead).
 */
export function auditQuery(ports: PacketSet, dest: IntervalSet): PacketSet {
  return withoutForeignIcmp(ports.restrictIps(dest));
}

/** `packets` without ICMP to IPv6 addresses and ICMPv6 to IPv4 ones (see auditQuery). */
export function withoutForeignIcmp(packets: PacketSet): PacketSet {
  return packets
    .subtract(PacketSet.cube(ICMPV4_ONLY, PORT_ALL, IPV6_ALL))
    .subtract(PacketSet.cube(ICMPV6_ONLY, PORT_ALL, IPV4_ALL));
}

/** A cell's protocol and ports as an entry names them (see EntryParts.label). */
interface Label extends Pick<AuditEntry, "protocol" | "ports" | "portRange"> {
  /** Its replies go to the client's ports (see clientPortsNote). */
  ported: boolean;
}
/** What of a cell's entry its parts decide: all but the source, its protocol and ports and the notes. */
type Body = Omit<AuditEntry, "source" | "notes" | "protocol" | "ports" | "portRange">;

/** CIDR text of a set (the minimal exact cover, see toCidrs). */
export function cidrsOf(ips: IntervalSet): string[] {
  return toCidrs(ips);
}

/**
 * CIDR lists of the run's IP sets, one list object per distinct set: looked up by object first (its
 * id(); the same set objects recur across sources), then by value. Lists are assembled from
 * per-range lists (toCidrs works range by range, and IntervalSet stores ranges cut where the IPv4
 * block starts, as CIDRs are), which also gives the value lookup its hash: the sequence of its
 * ranges' numbers, each distinct range numbered once (a hash of a few bounds only made thousands of
 * these sets collide); a hash hit is confirmed with equals.
 */
class CidrText {
  private readonly byObject = new Map<number, string[]>();
  private readonly byValue = new Map<number, { ips: IntervalSet; cidrs: string[] }[]>();
  /** Per-range lists: IPv4 ranges by their number bounds, others by their bigint bounds. */
  private readonly byV4Range = new Map<number, Map<number, RangeText>>();
  private readonly byRange = new Map<bigint, Map<bigint, RangeText>>();
  private nextRange = 0;
  private readonly scratch: RangeText[] = [];

  of(ips: IntervalSet): string[] {
    let c = this.byObject.get(ips.id());
    if (c) return c;
    // The stored ranges in axis order: the bigint ones below 2^128 (IPv6), the IPv4 offsets, then any
    // bigint ones above (none on the IP axis).
    const ranges = this.scratch;
    ranges.length = 0;
    const big = ips.storedBig;
    const num = ips.storedNumbers;
    let i = 0;
    for (; i < big.length && big[i]![0] < V4_OFFSET; i++) ranges.push(this.ofRange(big[i]![0], big[i]![1]));
    for (let k = 0; k < num.length; k += 2) ranges.push(this.ofV4Range(num[k]!, num[k + 1]!));
    for (; i < big.length; i++) ranges.push(this.ofRange(big[i]![0], big[i]![1]));
    let h = ranges.length;
    for (const r of ranges) h = mix(h, r.id);
    h &= 0x3fffffff; // a small-integer map key
    let bucket = this.byValue.get(h);
    for (const e of bucket ?? []) if (e.ips.equals(ips)) c = e.cidrs;
    if (!c) {
      c = ranges.length === 1 ? ranges[0]!.cidrs : ([] as string[]).concat(...ranges.map((r) => r.cidrs));
      if (!bucket) this.byValue.set(h, (bucket = []));
      bucket.push({ ips, cidrs: c });
    }
    this.byObject.set(ips.id(), c);
    return c;
  }

  private ofRange(lo: bigint, hi: bigint): RangeText {
    let m = this.byRange.get(lo);
    if (!m) this.byRange.set(lo, (m = new Map<bigint, RangeText>()));
    let t = m.get(hi);
    if (!t) m.set(hi, (t = { id: this.nextRange++, cidrs: toCidrs(IntervalSet.range(lo, hi)) }));
    return t;
  }

  /** An IPv4 range, as offsets from V4_OFFSET. */
  private ofV4Range(lo: number, hi: number): RangeText {
    let m = this.byV4Range.get(lo);
    if (!m) this.byV4Range.set(lo, (m = new Map<number, RangeText>()));
    let t = m.get(hi);
    if (!t) {
      const set = IntervalSet.range(V4_OFFSET + BigInt(lo), V4_OFFSET + BigInt(hi));
      m.set(hi, (t = { id: this.nextRange++, cidrs: toCidrs(set) }));
    }
    return t;
  }
}

interface RangeText {
  id: number;
  cidrs: string[];
}

/** What the entries of one run share: CIDR lists, paths, labels and small arrays, by value. */
class EntryParts {
  readonly cidrs = new CidrText();
  /** Paths by outcome object, then by CIDR list object (each list object stands for one IP set). */
  private readonly paths = new Map<Outcome, Map<string[], AuditPath>>();
  /**
   * Labels by protocol bounds (p0 * 256 + p1), then low port, then high port: every key a small
   * integer (one number for all four bounds needs 48 bits, and a map keyed by such numbers boxes and
   * hashes a heap number on every lookup).
   */
  private readonly labels = new Map<number, Map<number, Map<number, Label>>>();
  private readonly lists = new Map<string, string[]>();
  private readonly singles = new Map<string, string[]>();
  private readonly none: string[] = [];

  /** Bodies by cell parts (see body()): hash -> [signature, body]. */
  private readonly bodies = new Map<number, { sig: number[]; body: MadeBody }[]>();
  private readonly outcomeIds = new Map<Outcome, number>();
  private readonly sharedIds = new WeakMap<readonly Piece[], number[]>();
  private readonly scratch: number[] = [];

  /** familySize of the run's IP sets, by object id (the same set objects recur across entries). */
  private readonly sizes = new Map<number, FamilySize>();

  /** A NAT gateway's primary Elastic IP -> all of them, for gateways with several (see NatGateway). */
  private readonly spread = new Map<string, string[]>();

  constructor(model: NetworkModel) {
    for (const g of model.gateways.values())
      if (g.kind === "nat" && g.publicIps)
        this.spread.set(formatIp(g.publicIps[0]!), g.publicIps.map(formatIp));
  }

  sizeOf(ips: IntervalSet): FamilySize {
    let s = this.sizes.get(ips.id());
    if (!s) this.sizes.set(ips.id(), (s = familySize(ips)));
    return s;
  }

  /** The addresses a destination may see for a path's egress IP: a NAT gateway's every Elastic IP. */
  egressOf(egressIp: string): readonly string[] {
    return this.spread.get(egressIp) ?? [egressIp];
  }

  /**
   * The body of a cell's entry (see Body). A cell's entry depends only on its protocol and port ranges
   * (its label, see label) and on its parts' outcomes and IP sets, and all of it but the label on the
   * parts alone. So cells with the same outcome and IP set objects share one body, worked out once,
   * and an entry is assembled from a body and a label only when a source's copy is made (see
   * withAddresses). At quota scale ~1.8 * 10^5 cells have only ~2.6 * 10^4 distinct part lists:
   * endpoints of one subnet meet the same shared outcomes and, through the set algebra's memo, the
   * same IP set objects, and rows of other ports often have the same parts. The body's signature is
   * each part's outcome and IP set identities (`outcomeIds`: see outcomeIdsOf), compared in full on
   * every hit: exact, since the objects are immutable.
   */
  body(cell: Cell, outcomeIds: readonly number[]): MadeBody {
    const n = this.signature(cell, outcomeIds);
    const sig = this.scratch;
    let h = 0x2545f491;
    for (let k = 0; k < n; k++) h = mix(h, sig[k]!);
    h &= 0x3fffffff; // a small-integer map key
    let bucket = this.bodies.get(h);
    if (bucket) for (const e of bucket) if (sameNumbers(e.sig, sig, n)) return e.body;
    const body = madeBodyOf(bodyOf(cell, this));
    if (!bucket) this.bodies.set(h, (bucket = []));
    bucket.push({ sig: sig.slice(0, n), body });
    return body;
  }

  /**
   * Writes each of the cell's parts' outcome id and IP set id to the scratch array (whose length is
   * left alone: shrinking and regrowing it would reallocate); returns how many it wrote.
   */
  private signature(cell: Cell, outcomeIds: readonly number[]): number {
    const sig = this.scratch;
    const idx = cell.idx;
    const ips = cell.ips;
    for (let k = 0; k < idx.length; k++) {
      sig[2 * k] = outcomeIds[idx[k]!]!;
      sig[2 * k + 1] = ips[k]!.id();
    }
    return 2 * idx.length;
  }

  /** Ids of the outcomes of a matrix's input pieces, by piece index (see CellPart.index). */
  outcomeIdsOf(parts: AuditParts): number[] {
    const ids = parts.pieces.map((p) => this.idOf(p.outcome));
    for (const d of parts.downstream) for (const id of this.idsOfShared(d.pieces)) ids.push(id);
    return ids;
  }

  /** Ids of a shared downstream piece list's outcomes, once per list (lists are never modified). */
  private idsOfShared(pieces: readonly Piece[]): number[] {
    let ids = this.sharedIds.get(pieces);
    if (!ids) this.sharedIds.set(pieces, (ids = pieces.map((p) => this.idOf(p.outcome))));
    return ids;
  }

  private idOf(o: Outcome): number {
    let id = this.outcomeIds.get(o);
    if (id === undefined) this.outcomeIds.set(o, (id = this.outcomeIds.size));
    return id;
  }

  path(o: Outcome, destinations: string[]): AuditPath {
    let m = this.paths.get(o);
    if (!m) this.paths.set(o, (m = new Map<string[], AuditPath>()));
    let p = m.get(destinations);
    if (!p) {
      p = {
        verdict: o.verdict,
        destinations,
        exit: o.exit,
        egressIp: o.egressIp,
        ...(o.leaves && {
          leaves: {
            ...o.leaves,
            egressIps:
              o.leaves.egressIp === null ? this.none : this.list([...this.egressOf(o.leaves.egressIp)]),
          },
        }),
        blockedBy: o.blockedBy,
        reason: o.reason,
      };
      m.set(destinations, p);
    }
    return p;
  }

  /** protocol, ports and portRange of a cell, one object per distinct four bounds (see labels). */
  label(cell: Cell): Label {
    // (Indexed, not destructured: this runs for every cell.)
    const p0 = cell.protocols[0];
    const p1 = cell.protocols[1];
    const lo = cell.ports[0];
    const hi = cell.ports[1];
    let byLo = this.labels.get(p0 * 256 + p1);
    if (!byLo) this.labels.set(p0 * 256 + p1, (byLo = new Map<number, Map<number, Label>>()));
    let byHi = byLo.get(lo);
    if (!byHi) byLo.set(lo, (byHi = new Map<number, Label>()));
    let l = byHi.get(hi);
    if (!l) {
      const protocol = p0 === p1 ? protocolName(p0) : `${p0}-${p1}`;
      l = {
        protocol,
        ports: portsLabel(p0, p1, lo, hi),
        portRange: usesPorts(p0, p1) ? { from: lo, to: hi } : null,
        ported: WITH_PORTS.has(protocol),
      };
      byHi.set(hi, l);
    }
    return l;
  }

  /** One array object per distinct list of strings (exits, egress IPs). */
  list<T extends string>(xs: T[]): T[] {
    // Most lists are empty or hold one string: those need no key to build.
    if (xs.length === 0) return this.none as T[];
    if (xs.length === 1) {
      const one = this.singles.get(xs[0]!);
      if (one) return one as T[];
      this.singles.set(xs[0]!, xs);
      return xs;
    }
    const key = xs.join("\u0000");
    const l = this.lists.get(key);
    if (!l) this.lists.set(key, xs);
    // The key only finds the candidate: strings containing the separator could collide.
    else if (l.length === xs.length && l.every((x, i) => x === xs[i])) return l as T[];
    return xs;
  }
}

/** Whether `a` is exactly b[0..n). */
function sameNumbers(a: readonly number[], b: readonly number[], n: number): boolean {
  if (a.length !== n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** One round of a multiplicative 32-bit mix, for the body hash. */
function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/**
 * A body with what each source's copy of it needs, worked out once per body (classes share bodies, and
 * a source's copy is made for every source): whether it holds placeholders to fill in.
 */
interface MadeBody {
  b: Body;
  /** Its egress IPs name the source's own address (see namesSourceIp). */
  sourceIp: boolean;
  /** Its rules name the source's instance (see namesOwner). */
  owner: boolean;
}

function madeBodyOf(b: Body): MadeBody {
  return { b, sourceIp: namesSourceIp(b), owner: namesOwner(b) };
}

/** What the sources of one class get (see Engine.classKey). */
interface Class {
  /** Entry k is labels[k] with bodies[k]: one per cell. */
  labels: Label[];
  bodies: MadeBody[];
  /** Their outcomes that data the input lacks decides (see AskedMissing). */
  lacking: Outcome[];
}

export function runAudit(model: NetworkModel, opts: AuditOptions): AuditResult {
  const query = auditQuery(opts.ports, opts.dest);
  const engine = new Engine(model, { detail: false, universe: query });
  const parts = new EntryParts(model);
  const classes = new Map<string, Class>();
  const queries = new Map<string, PacketSet>();
  const results: AuditEntry[] = [];
  const counts = { allowed: 0, partial: 0, blocked: 0, unknown: 0 };
  const asked = new AskedMissing(model);
  const unaudited = opts.unaudited ?? (opts.sources ? [] : (model.unplaced ?? []));
  const cluster = opts.scope?.cluster;
  // Each such interface has its own entry; this one says they are the cluster's, so that an audit of
  // "its nodes" is not read as one of all of them.
  if (cluster !== undefined && unaudited.length > 0) {
    const total = (opts.sources?.length ?? 0) + unaudited.length;
    const ids = someOf(
      unaudited.map((u) => u.id),
      5,
    );
    asked.add({
      resource: cluster,
      message:
        unaudited.length === total
          ? total === 1
            ? `the only node of cluster ${cluster}, ${ids}, could not be audited: the input tells too little of it (see its own entry)`
            : `none of the ${total} nodes of cluster ${cluster} could be audited, ${ids}: the input tells too little of them (see their own entries)`
          : `${unaudited.length} of the ${total} nodes of cluster ${cluster} could not be audited, ${ids}: the input tells too little of them (see their own entries); the audit covers the other ${total - unaudited.length}`,
    });
  }
  const warnings = [...model.warnings];
  // Destinations named on purpose that are the input's own addresses on the internet: a trace follows
  // them back in (see OwnAddresses); the audit answers for them as for the internet, saying so. (Not
  // for the internet as a whole, in which every account's own public IPs lie.)
  if (opts.destText !== "internet") {
    const own = new OwnAddresses(model).within(opts.dest);
    if (!own.isEmpty())
      warnings.push({
        resource: "--dest",
        message: `the destinations include addresses of the input's own interfaces or NAT gateways on the internet (${someOf(cidrsOf(own), 5)}): what reaches them is answered as for the internet (whether it gets out); whether it gets back in to them is decided by their own security groups and network ACLs, or refused by the NAT gateway: trace one (--dst) to see`,
      });
  }
  const prefixesOf = new Map<string, IntervalSet>();
  /**
   * The IPv6 prefixes delegated to `ep` (its pods' addresses) that the answers the audit works out for
   * it hold for: those every rule, route and address block treats as it treats the address they are
   * worked out for (the interface's first own IPv6 address, else the lowest such prefix's first; see
   * Engine.treatsAlike). The others are not listed among its egress IPs, and a warning says so: their
   * pods may get other answers, which `trace --src` a pod's address gives.
   */
  const auditedPrefixes = (ep: Endpoint): IntervalSet => {
    const all = ipv6PrefixesOf(ep);
    if (all.isEmpty()) return all;
    let ok = prefixesOf.get(ep.id);
    if (ok) return ok;
    ok = IntervalSet.EMPTY;
    let from = ep.ipv6[0];
    for (const [lo, hi] of all.ranges) {
      const base = from ?? lo;
      if (engine.treatsAlike(ep.networkId, base, lo, hi)) {
        from = base;
        ok = ok.union(IntervalSet.range(lo, hi));
      } else
        warnings.push({
          resource: ep.id,
          message: `the IPv6 prefix ${cidrsOf(IntervalSet.range(lo, hi)).join(", ")} delegated to it (its pods' addresses) is not treated ${from === undefined ? "alike throughout" : `as ${formatIp(from)} (the address its answers are worked out for) is`} by the rules, routes or address blocks that look at a source's address (one of them starts or ends inside it, or sets them apart): its pods' IPv6 answers may differ from the interface's, so it is not listed among its egress IPs; trace a pod's address (--src) for its answer`,
        });
    }
    prefixesOf.set(ep.id, ok);
    return ok;
  };
  /** What the audit asks of source `ep`. */
  const queryOf = (ep: Endpoint): PacketSet => {
    // IPv6 destinations do not apply to a source without an IPv6 address (of its own or in a prefix
    // delegated to it), and vice versa.
    const v6 = ep.ipv6.length > 0 || !auditedPrefixes(ep).isEmpty();
    const families = `${ep.privateIps.length > 0 ? 4 : ""}${v6 ? 6 : ""}`;
    const network = opts.ownNetworkExcluded ? model.networks.get(ep.networkId) : undefined;
    const queryKey = network ? `${families}|${network.id}` : families;
    let q = queries.get(queryKey);
    if (!q) {
      let own = IntervalSet.EMPTY;
      if (ep.privateIps.length > 0) own = own.union(IPV4_ALL);
      if (v6) own = own.union(IPV6_ALL);
      if (network) own = own.subtract(network.cidrs);
      queries.set(queryKey, (q = query.restrictIps(own)));
    }
    return q;
  };
  const queryIps = new Map<PacketSet, IntervalSet>();
  /** A class's entries, and the outcomes of them that data the input lacks decides (see AskedMissing). */
  const classOf = (source: Endpoint): Class => {
    // A source that asks about its own addresses gets its own answer to them (the host delivers
    // them to itself), so it is a class of its own.
    const q = queryOf(source);
    const ep = ipv6Sender(source, auditedPrefixes(source));
    let ips = queryIps.get(q);
    if (ips === undefined) queryIps.set(q, (ips = q.ips()));
    const own = ownAddresses(ep);
    const key = own.overlaps(ips) ? `${engine.classKey(ep)}|own ${ep.id} ${own.key()}` : engine.classKey(ep);
    let c = classes.get(key);
    if (!c) {
      const pieces = engine.auditParts(ep, q);
      const ids = parts.outcomeIdsOf(pieces);
      const cells = auditMatrix(pieces);
      const lacking = new Set<Outcome>();
      for (const cell of cells)
        for (const i of cell.idx) if (cell.outcomes[i]!.missing) lacking.add(cell.outcomes[i]!);
      c = {
        labels: cells.map((cell) => parts.label(cell)),
        bodies: cells.map((cell) => parts.body(cell, ids)),
        lacking: [...lacking],
      };
      classes.set(key, c);
    }
    return c;
  };
  let sources = 0;
  const emit = (ep: Endpoint, { labels, bodies, lacking }: Class): void => {
    sources++;
    asked.reached(ep, lacking);
    const source = sourceOf(engine, ep);
    const fix = engine.sourceFixer(ep);
    const v6 = ipv6Senders(ep, fix, auditedPrefixes(ep));
    const portsNote = clientPortsNote(ep);
    const withNote = portsNote === undefined ? NO_NOTES : [portsNote];
    for (let k = 0; k < labels.length; k++) {
      const label = labels[k]!;
      const body = bodies[k]!;
      results.push(withAddresses(source, label, body, fix, v6, label.ported ? withNote : NO_NOTES));
      counts[body.b.verdict]++;
    }
  };
  for (const ep of opts.sources ?? model.endpoints) {
    emit(ep, classOf(ep));
    const others = publicAddressSenders(engine, ep);
    if (others.length === 0) continue;
    // Another address's entries are given where they differ from the interface's own to IPv4
    // destinations (it sends IPv6 from the same address the interface does): in value, since other
    // addresses are other classes; where they name the source's public IP (a placeholder), they show
    // another egress IP.
    // (A MadeBody's flags follow from its body: comparing them compares the bodies.)
    const own = classOf(ipv4Only(ep, ep.privateIps));
    for (const other of others) {
      const theirs = classOf(other);
      if (
        !isDeepStrictEqual(theirs.labels, own.labels) ||
        !isDeepStrictEqual(theirs.bodies, own.bodies) ||
        theirs.bodies.some((b) => b.sourceIp)
      )
        emit(other, theirs);
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "egress-audit", version: VERSION },
    provider: model.provider,
    query: {
      ports: opts.portsText,
      destinations: opts.destText,
      destinationCidrs: cidrsOf(opts.dest),
      ownNetworkExcluded: opts.ownNetworkExcluded ?? false,
      vpcs: opts.scope?.vpcs && opts.scope.vpcs.length > 0 ? opts.scope.vpcs : null,
      cluster: opts.scope?.cluster ?? null,
    },
    summary: {
      sources,
      // What an auditor must not take for "nothing else gets out": the input's interfaces the scope left out.
      leftOut: model.endpoints.length - (opts.sources ?? model.endpoints).length,
      notAudited: unaudited.map((u) => u.id),
      results: results.length,
      ...counts,
    },
    results,
    warnings,
    unknowns: asked.unknowns(),
  };
}

/**
 * The interface sending from each of its other IPv4 addresses that has a public IP of its own (an
 * Elastic IP on a secondary address), one per public IP, or one the input disagrees on: a host may
 * send from any of its addresses, and from such a one its packets leave as that public IP, or get out
 * where the primary address (which the interface's own entries send from) has no public IP and
 * cannot. Addresses without one are not repeated: they get out only as the primary does (through a
 * NAT gateway), or not at all directly (and a pod's address, behind the VPC CNI's source NAT, leaves
 * as the primary's). These senders send IPv4 only: the interface's own entries give its IPv6. In
 * address order: AWS lists an interface's addresses in no promised order, and the report must not
 * follow it.
 */
function publicAddressSenders(engine: Engine, ep: Endpoint): Endpoint[] {
  const primary = ep.privateIps[0];
  if (primary === undefined || ep.privateIps.length < 2) return [];
  const own = engine.publicIpOf(ep.networkId, primary);
  const seen = new Set<bigint>();
  const out: Endpoint[] = [];
  for (const ip of ep.privateIps.slice(1).sort(ascending)) {
    const pub = engine.publicIpOf(ep.networkId, ip);
    if (pub === undefined ? !engine.publicIpInDoubt(ep.networkId, ip) : pub === own || seen.has(pub))
      continue;
    if (pub !== undefined) seen.add(pub);
    out.push(ipv4Only(ep, [ip, ...ep.privateIps.filter((x) => x !== ip)]));
  }
  return out;
}

/**
 * `ep` sending IPv4 only, from `privateIps` (the first first): without its IPv6 addresses and the IPv6
 * prefixes delegated to it (see publicAddressSenders).
 */
function ipv4Only(ep: Endpoint, privateIps: bigint[]): Endpoint {
  const v4 = ep.prefixes?.intersect(IPV4_ALL);
  const { prefixes: _, ...rest } = ep;
  return { ...rest, privateIps, ipv6: [], ...(v4 === undefined || v4.isEmpty() ? {} : { prefixes: v4 }) };
}

/** The IPv6 addresses delegated to `ep` (prefix delegation: its pods' addresses in EKS IPv6 mode). */
export function ipv6PrefixesOf(ep: Endpoint): IntervalSet {
  return ep.prefixes?.intersect(IPV6_ALL) ?? IntervalSet.EMPTY;
}

/**
 * Whom the engine computes `ep`'s entries for. An interface with an IPv6 prefix delegated to it but no
 * IPv6 address of its own (AWS allows it: CreateNetworkInterface takes a count of IPv6 prefixes
 * without one of addresses) sends IPv6 only from the prefix (its pods do): the engine, which sends
 * from an endpoint's first IPv6 address, is given the prefix's first address as the one it sends
 * from. That address is never reported: the entries' placeholder for it (SOURCE_IPV6) is filled in
 * with the prefix (see ipv6Senders); a trace names it, saying why. Other endpoints as they are.
 */
export function ipv6Sender(ep: Endpoint, prefixes: IntervalSet = ipv6PrefixesOf(ep)): Endpoint {
  if (ep.ipv6.length > 0) return ep;
  const first = prefixes.min();
  return first === undefined ? ep : { ...ep, ipv6: [first] };
}

function sourceOf(engine: Engine, ep: Endpoint): AuditSource {
  const src4 = ep.privateIps[0];
  const pub = src4 === undefined ? undefined : engine.publicIpOf(ep.networkId, src4);
  return {
    id: ep.id,
    kind: ep.kind,
    name: ep.name ?? null,
    owner: ep.ownerId ?? null,
    network: ep.networkId,
    subnet: ep.subnetId,
    privateIp: src4 === undefined ? null : formatIp(src4),
    ipv6: ep.ipv6[0] === undefined ? null : formatIp(ep.ipv6[0]),
    publicIp: pub === undefined ? null : formatIp(pub),
    ...(ep.unattached !== undefined ? { unattached: ep.unattached } : {}),
    ...(ep.stopped !== undefined ? { stopped: ep.stopped } : {}),
  };
}

/**
 * The addresses a source's IPv6 packets may leave from: each of its IPv6 addresses (a host may send
 * from any, and each leaves through the internet or egress-only gateway as itself, so an allowlist at
 * the destination needs them all), the first one first, then in address order (AWS lists them in no
 * promised order); then the IPv6 prefixes delegated to it, as CIDRs in address order: each of their
 * addresses may be a pod's (EKS IPv6 mode), and a pod's IPv6 packets leave as its own address, not
 * translated (the VPC CNI translates pods' IPv4 only). The first is the one a path names: the first
 * own address, else (an interface with a prefix but no address of its own) the first prefix.
 */
function ipv6Senders(ep: Endpoint, fix: (s: string) => string, prefixes: IntervalSet): readonly string[] {
  const own = ep.ipv6.length === 0 ? [] : [ep.ipv6[0]!, ...ep.ipv6.slice(1).sort(ascending)].map(formatIp);
  const all = [...own, ...cidrsOf(prefixes)];
  return all.length === 0 ? [fix(SOURCE_IPV6)] : all;
}

/**
 * Whether a body's egress IPs hold a placeholder for the source's own address (see sourceFixer):
 * its allowed parts', or where a path's packets leave though their replies are stopped or in doubt.
 */
function namesSourceIp(t: Body): boolean {
  return (
    t.egressIps.some((ip) => ip.startsWith("{")) || t.paths.some((p) => p.leaves?.egressIp?.startsWith("{"))
  );
}

/** Whether a body's rules name the source's own instance (a placeholder, see sourceFixer). */
function namesOwner(t: Body): boolean {
  return (
    t.blockedBy?.resource === SOURCE_OWNER || t.paths.some((p) => p.blockedBy?.resource === SOURCE_OWNER)
  );
}

/** `b` with the source's instance filled in where it names it. */
function ownerFilled(b: AuditEntry["blockedBy"], fix: (s: string) => string): AuditEntry["blockedBy"] {
  return b?.resource === SOURCE_OWNER ? { ...b, resource: fix(b.resource) } : b;
}

/**
 * One source's entry: a cell's label and body with the source in front and the body's placeholders
 * filled in with this endpoint's addresses and instance (where it names them), copying only what
 * changes. Fields in the order of AuditEntry.
 */
function withAddresses(
  source: AuditSource,
  label: Label,
  { b: t, sourceIp, owner }: MadeBody,
  fix: (s: string) => string,
  v6: readonly string[],
  notes: readonly string[],
): AuditEntry {
  let egressIps = t.egressIps;
  let paths = t.paths;
  let blockedBy = t.blockedBy;
  if (sourceIp) {
    // A filled-in placeholder may equal an address the list already has (a source whose public IP is
    // also a NAT gateway's), and the list names each address once. The source's own IPv6 address is
    // each of them and its delegated prefixes (see ipv6Senders); a path names the first.
    const sendersAs = (ips: readonly string[]): string[] => [
      ...new Set(ips.flatMap((ip) => (ip === SOURCE_IPV6 ? v6 : [fix(ip)]))),
    ];
    egressIps = sendersAs(egressIps);
    // A path names the first sender (the prefix, where the interface has no IPv6 address of its own).
    const one = (ip: string | null): string | null =>
      ip?.startsWith("{") ? (ip === SOURCE_IPV6 ? v6[0]! : fix(ip)) : ip;
    paths = paths.map((p) => {
      const egressIp = one(p.egressIp);
      const leaves =
        p.leaves && p.leaves.egressIp !== one(p.leaves.egressIp)
          ? { ...p.leaves, egressIp: one(p.leaves.egressIp), egressIps: sendersAs(p.leaves.egressIps) }
          : p.leaves;
      return egressIp === p.egressIp && leaves === p.leaves
        ? p
        : { ...p, egressIp, ...(leaves && { leaves }) };
    });
  }
  if (owner) {
    blockedBy = ownerFilled(blockedBy, fix);
    paths = paths.map((p) =>
      p.blockedBy?.resource === SOURCE_OWNER ? { ...p, blockedBy: ownerFilled(p.blockedBy, fix) } : p,
    );
  }
  return {
    source,
    protocol: label.protocol,
    ports: label.ports,
    portRange: label.portRange,
    verdict: t.verdict,
    reachable: t.reachable,
    exits: t.exits,
    egressIps,
    blockedBy,
    reason: t.reason,
    paths,
    notes: notes as string[],
  };
}

const NO_NOTES: readonly string[] = [];
/** The rows whose replies go to the client's ports (see clientPortsNote). */
const WITH_PORTS = new Set(["tcp", "udp", "sctp"]);

/**
 * Why a source's replies are checked on 1024-65535 whatever its OS, where that is so: a Kubernetes
 * node, whose pods' traffic leaving the VPC its network plugin translates to the node's address with a
 * source port Linux picks from 1024-65535 (see the AWS converter's ephemeralPorts). Undefined for
 * other sources.
 */
export function clientPortsNote(ep: Endpoint): string | undefined {
  const cluster = ep.clusters?.[0];
  if (cluster === undefined) return undefined;
  return `replies are checked on ports 1024-65535: ${ep.id} is an interface of a node of Kubernetes cluster ${cluster}, whose pods' IPv4 traffic leaving the VPC the VPC CNI translates to the node's address with a source port Linux picks from 1024-65535 (SNAT --random-fully, the default unless AWS_VPC_K8S_CNI_RANDOMIZESNAT=none); its pods' own ports (inside the VPC, over IPv6) lie in that range too`;
}

/** How many IPv4 and IPv6 destinations a set of addresses holds. */
interface FamilySize {
  /** Exact as a number: at most 2^32. */
  v4: number;
  v6: bigint;
  /** v6 as a number, rounded (see largest). */
  v6f: number;
}

function familySize(ips: IntervalSet): FamilySize {
  const v4 = ips.sizeFrom128();
  const v6 = ips.size() - v4;
  return { v4: Number(v4), v6, v6f: Number(v6) };
}

/**
 * Which of an entry's parts not allowed (`candidates`, indices in `parts`) to name: the largest, by
 * the share of its family's destinations each covers, summed over both families, so that IPv6's far
 * larger numbers do not make its part the one named whenever the two families are decided by
 * different rules; of equal shares, the one with more of IPv4's, then the first (parts are in address
 * order).
 *
 * The shares a4/t4 + a6/t6 are compared exactly. In floating point each is within 1e-15 of its value
 * (a few roundings of numbers below 2), so shares further apart than 1e-12 compare correctly so; closer
 * ones are compared over their common denominator in bigints (a family asked nothing counts 0).
 */
function largest(candidates: readonly number[], sizes: readonly FamilySize[]): number {
  let t4 = 0;
  let t6 = 0n;
  for (const s of sizes) {
    t4 += s.v4;
    t6 += s.v6;
  }
  const t6f = Number(t6);
  const approx = (x: FamilySize): number => (t4 > 0 ? x.v4 / t4 : 0) + (t6 > 0n ? x.v6f / t6f : 0);
  const exact = (x: FamilySize): bigint =>
    (t4 > 0 ? BigInt(x.v4) * (t6 > 0n ? t6 : 1n) : 0n) + (t6 > 0n ? x.v6 * (t4 > 0 ? BigInt(t4) : 1n) : 0n);
  let m = candidates[0]!;
  let best = approx(sizes[m]!);
  for (const k of candidates) {
    const a = sizes[k]!;
    const b = sizes[m]!;
    const f = approx(a);
    let larger: boolean;
    if (Math.abs(f - best) > 1e-12) larger = f > best;
    else if (a.v4 === b.v4 && a.v6 === b.v6) larger = false;
    else {
      const ea = exact(a);
      const eb = exact(b);
      larger = ea !== eb ? ea > eb : a.v4 > b.v4;
    }
    if (larger) {
      m = k;
      best = f;
    }
  }
  return m;
}

/** The body of a cell's entry: all of it but its protocol and ports, which only its parts decide. */
function bodyOf(cell: Cell, shared: EntryParts): Body {
  // Paths in address order: the walk's order follows the input's (the order AWS happened to list
  // subnets or routes in), and a nightly job comparing reports must not see that as a change. The
  // parts are disjoint, so their lowest addresses differ.
  const parts = cellParts(cell).sort((a, b) => a.ips.compareMin(b.ips));
  const paths = new Array<AuditPath>(parts.length);
  const allowedIps: IntervalSet[] = [];
  const exits: ExitKind[] = [];
  const egressIps: string[] = [];
  // The part to name first: the largest that is not allowed (see largest); for an entry that is
  // unknown, the largest unknown part, since that is why it is unknown.
  let main: CellPart | undefined;
  let mainUnknown: CellPart | undefined;
  /** Indices in `parts` of those not allowed. */
  const notAllowed: number[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const o = part.outcome;
    paths[k] = shared.path(o, shared.cidrs.of(part.ips));
    if (o.verdict === "allowed") {
      allowedIps.push(part.ips);
      if (o.exit !== null && !exits.includes(o.exit)) exits.push(o.exit);
      if (o.egressIp !== null)
        for (const ip of shared.egressOf(o.egressIp)) if (!egressIps.includes(ip)) egressIps.push(ip);
      continue;
    }
    notAllowed.push(k);
  }
  if (notAllowed.length === 1) {
    main = parts[notAllowed[0]!];
    if (main!.outcome.verdict === "unknown") mainUnknown = main;
  } else if (notAllowed.length > 1) {
    const sizes = parts.map((p) => shared.sizeOf(p.ips));
    main = parts[largest(notAllowed, sizes)];
    const unknowns = notAllowed.filter((k) => parts[k]!.outcome.verdict === "unknown");
    if (unknowns.length > 0) mainUnknown = parts[largest(unknowns, sizes)];
  }
  const verdict: AuditEntry["verdict"] =
    notAllowed.length === 0
      ? "allowed"
      : allowedIps.length > 0
        ? "partial"
        : mainUnknown
          ? "unknown"
          : "blocked";
  if (verdict === "unknown") main = mainUnknown;
  const reachable = IntervalSet.unionAll(allowedIps);
  return {
    verdict,
    reachable: shared.cidrs.of(reachable),
    exits: shared.list(exits),
    egressIps: shared.list(egressIps),
    blockedBy: main?.outcome.blockedBy ?? null,
    reason: main ? main.outcome.reason : null,
    paths,
  };
}

const PORTED = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.SCTP, PROTO.ICMP, PROTO.ICMPV6]);

function usesPorts(p0: number, p1: number): boolean {
  return p0 === p1 && PORTED.has(p0);
}

/** "443", "1024-65535", "*"; for ICMP "type 8", "type 3 code 4", "types 0-7". */
export function portsLabel(p0: number, p1: number, lo: number, hi: number): string {
  if (!usesPorts(p0, p1) || (lo === 0 && hi === 65535)) return "*";
  if (p0 === PROTO.ICMP || p0 === PROTO.ICMPV6) {
    const [t0, c0, t1, c1] = [lo >> 8, lo & 255, hi >> 8, hi & 255];
    if (c0 === 0 && c1 === 255) return t0 === t1 ? `type ${t0}` : `types ${t0}-${t1}`;
    if (t0 === t1) return c0 === c1 ? `type ${t0} code ${c0}` : `type ${t0} codes ${c0}-${c1}`;
    return `type ${t0} code ${c0} - type ${t1} code ${c1}`;
  }
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}
