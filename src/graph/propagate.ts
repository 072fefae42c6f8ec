// Propagation of packet sets from a source endpoint through its filters, its subnet's route table, subnet
// boundaries (stateless filters both ways) and gateways (translations) to the exits. The result is a
// partition of the queried packets into pieces, each with one typed outcome and the hops that led to it.
//
// Audit mode (detail=false) shares work: what happens after an endpoint's own filters depends only on its
// subnet, the NACL-relevant class of its address and whether it has a public IP, so that part is computed
// once per class over the whole query and then cut down to each endpoint's allowed packets (by
// fromEndpoint, or by the audit matrix itself: see auditParts). Steps that many legs repeat with the same
// inputs (a route table's split, a boundary crossing, the local services, a security group's rules cut
// down to what the endpoint sends) are kept too, keyed by everything they depend on; packet sets are
// immutable, so they are keyed by object.
//
// Subnet boundary crossings (network ACLs both ways) live in boundaries.ts, route table splits in
// routing.ts, what decides at an internet gateway besides routing in internet-edge.ts; this file walks
// the legs: the source's own filters, routes, local delivery to the destination host, and gateways
// (internet, NAT, other exits).
import {
  formatIp,
  ICMP_PROTOCOLS,
  IntervalSet,
  IPV4_ALL,
  IPV6_ALL,
  PacketSet,
  parseCidr,
  PUBLIC_INTERNET,
  V4_OFFSET,
} from "../netset/index.js";
import {
  targetLabel,
  type Endpoint,
  type Filter,
  type Gateway,
  type LocalService,
  type NatGateway,
  type NetworkModel,
  type Rule,
  type RuleRef,
  type Subnet,
  SOURCE_OWNER,
} from "../model/types.js";
import { cached, innerList, innerMap, innerWeakMap } from "../model/maps.js";
import { egressUnion, egressUnionWithin, evalUnion, type FilterSplit } from "./filters.js";
import {
  allowedInDoubt,
  blocked,
  hopAt,
  mergePieces,
  piece,
  prependHops,
  reach,
  restrictPieces,
  SOURCE_IPV6,
  SOURCE_PUBLIC_IP_RE,
  sourcePublicIp,
  unknown,
  withoutLeaves,
  type Hop,
  type Outcome,
  type Piece,
} from "./outcome.js";
import {
  Boundaries,
  unionOf,
  type Crossing,
  type LegAddresses,
  type Pass,
  settleHeld,
  undecidedPieces,
} from "./boundaries.js";
import { InternetEdge } from "./internet-edge.js";
import { ReplyRoutes } from "./reply-routes.js";
import { EXPECTS_REPLY, ICMP_QUERY_REQUESTS } from "./returns.js";
import { RouteSplits } from "./routing.js";
import { PeerAtoms } from "./peer-atoms.js";

const NO_SERVICES: readonly LocalService[] = [];

/**
 * An endpoint's own addresses: its private IPv4 and IPv6 ones and the prefixes delegated to it. What is
 * sent to them stays on the host: no filter or route applies.
 */
export function ownAddresses(ep: Endpoint): IntervalSet {
  const own = IntervalSet.fromRanges([...ep.privateIps, ...ep.ipv6].map((ip) => [ip, ip] as const));
  return ep.prefixes ? own.union(ep.prefixes) : own;
}

/**
 * What becomes of the packets a platform service would answer: allowed to it, or, when the service is
 * turned off or may be, blocked or unknown by the setting that decides.
 */
function servedPiece(s: LocalService, served: PacketSet): Piece {
  const off = s.off;
  if (off?.verdict === "blocked")
    return blocked(served, off.ref, off.reason, [hopAt(off.ref, "drop", "turned off")]);
  const hops = [hopAt(s.ref, "exit", s.label)];
  if (off) return unknown(served, off.reason, hops, off.missing);
  return piece(
    served,
    reach(
      "allowed",
      "cloud-service",
      `${s.label}: answered by the platform itself; security groups and network ACLs do not apply`,
    ),
    hops,
  );
}

/** The well-known NAT64 prefix: a NAT gateway translates IPv6 packets to it into IPv4 (RFC 6052). */
export const NAT64_PREFIX = parseCidr("64:ff9b::/96");
/** NAT64 moves 64:ff9b::a.b.c.d to the IPv4 address a.b.c.d: this far along the IP axis. */
export const NAT64_TO_V4 = V4_OFFSET - NAT64_PREFIX.min()!;
const ICMPV6 = IntervalSet.point(58n);
/** What NAT64 carries on unchanged but for the addresses: TCP and UDP. */
const NAT64_PROTOCOLS = IntervalSet.fromRanges([
  [6n, 6n],
  [17n, 17n],
]);

export interface EngineOptions {
  /** Attribute allowed packets to individual rules and compute each source exactly (traces). */
  detail: boolean;
  /**
   * Audit mode: the packets of interest; shared results are computed over this set once, so every
   * query must lie inside it.
   */
  universe?: PacketSet;
}

interface Leg extends LegAddresses {
  /** The NAT gateway this leg leaves from, if any. */
  nat: NatGateway | null;
  /** The originating endpoint's own leg: its public and IPv6 addresses are resolved per endpoint. */
  origin: boolean;
  visited: readonly string[];
}

/** See Engine.natPlan: `on`, where anything goes on through the gateway. */
interface NatPlan {
  stop: Piece[];
  on?: { translated: PacketSet; untracked: PacketSet; ok64: PacketSet; natSubnet: Subnet; natLeg: Leg };
}

/** See Engine.auditParts. */
export interface AuditParts {
  pieces: Piece[];
  downstream: { within: PacketSet; pieces: Piece[] }[];
}

export class Engine {
  private readonly memo = new Map<string, Piece[]>();
  /** Audit mode: forwardKey per leg object (a leg asks for it at every step it shares). */
  private readonly forwardKeys = new WeakMap<Leg, string>();
  /** Audit mode: what a NAT gateway makes of a leg's packets before their replies count (see natPlan). */
  private readonly natPlans = new Map<string, WeakMap<PacketSet, NatPlan>>();
  /** Audit mode: the way on beyond a NAT gateway of what entered its subnet (see throughNat). */
  private readonly natBeyond = new Map<string, WeakMap<PacketSet, Piece[]>>();
  /** Audit mode: see sharedWithin. */
  private readonly sharedWithinCache = new WeakMap<Piece[], Map<string, Piece[]>>();
  private readonly unionWithin = new Map<PacketSet, Map<Filter, PacketSet>>();
  private readonly splits: RouteSplits;
  private readonly replies: ReplyRoutes;
  private readonly familyCache = new WeakMap<PacketSet, { v4: PacketSet; v6: PacketSet }>();
  private readonly servicesCache = new WeakMap<
    readonly LocalService[],
    WeakMap<PacketSet, { rest: PacketSet; pieces: Piece[] }>
  >();
  /** Numbers for endpoints' own service lists, for classKey (lists are shared by identity). */
  private readonly serviceListIds = new Map<readonly LocalService[], number>();
  private readonly atoms: PeerAtoms;
  /** What shared legs are computed over: opts.universe and its NAT64 image (see the constructor). */
  private readonly universe: PacketSet;
  private readonly bounds: Boundaries;
  private readonly edge: InternetEdge;
  private readonly subnetsByNetwork = new Map<string, Subnet[]>();
  /** The endpoints of each subnet with their addresses: destinations whose own filters apply. */
  private readonly hostsBySubnet = new Map<string, { ep: Endpoint; ips: IntervalSet }[]>();
  /** All of a subnet's host addresses (see hostsBySubnet). */
  private readonly hostIpsBySubnet = new Map<string, IntervalSet>();

  constructor(
    readonly model: NetworkModel,
    readonly opts: EngineOptions,
  ) {
    // Shared legs are computed over the universe, and NAT64 sends packets on to the IPv4 addresses
    // inside 64:ff9b::/96: those addresses belong to it too.
    const u = opts.universe;
    this.universe =
      u === undefined
        ? PacketSet.ALL
        : u.union(u.restrictIps(NAT64_PREFIX).restrictProtocols(NAT64_PROTOCOLS).shiftIps(NAT64_TO_V4));
    for (const s of model.subnets.values()) innerList(this.subnetsByNetwork, s.networkId).push(s);
    for (const ep of model.endpoints) {
      const points = [...ep.privateIps, ...ep.ipv6].map((ip) => [ip, ip] as const);
      const ips = IntervalSet.fromRanges(points).union(ep.prefixes ?? IntervalSet.EMPTY);
      if (!ips.isEmpty()) innerList(this.hostsBySubnet, ep.subnetId).push({ ep, ips });
    }
    for (const [id, hosts] of this.hostsBySubnet)
      this.hostIpsBySubnet.set(id, IntervalSet.unionAll(hosts.map((h) => h.ips)));
    // Sources that every boundary rule treats alike share results (see classKey).
    const rules: (readonly Rule[])[] = [];
    for (const s of model.subnets.values())
      for (const id of s.boundaryFilterIds) {
        const f = model.filters.get(id);
        if (f) rules.push(f.egress, f.ingress);
      }
    this.atoms = new PeerAtoms(rules);
    this.bounds = new Boundaries(model, opts.detail);
    this.edge = new InternetEdge(model, opts.detail);
    this.splits = new RouteSplits(opts.detail);
    this.replies = new ReplyRoutes(model);
  }

  /**
   * Endpoints that get identical answers up to their own addresses: same subnet, filters, address
   * families, NACL class of their addresses, public-IP presence and ephemeral ports. The filters in the
   * endpoint's own order: results name its security groups in that order (providers list them in a
   * fixed one: AWS's by id).
   */
  classKey(ep: Endpoint): string {
    const src4 = ep.privateIps[0];
    const src6 = ep.ipv6[0];
    return [
      ep.subnetId,
      ep.filterIds.join(","),
      this.sourceKey(src4 ?? null, src6 ?? null, this.model.subnets.get(ep.subnetId)?.networkId ?? null),
      ep.ephemeralPorts.key(),
      this.serviceListId(ep),
    ].join("|");
  }

  /** "" for an endpoint that sees its network's services, else a number per list object. */
  private serviceListId(ep: Endpoint): string {
    if (ep.services === undefined) return "";
    let id = this.serviceListIds.get(ep.services);
    if (id === undefined) this.serviceListIds.set(ep.services, (id = this.serviceListIds.size));
    return `s${id}`;
  }

  /** The platform services an endpoint's packets meet first: its own view of them, else its network's. */
  private servicesOf(ep: Endpoint): readonly LocalService[] {
    return ep.services ?? this.model.networks.get(ep.networkId)?.services ?? NO_SERVICES;
  }

  /**
   * What a source's own addresses decide of a shared result: the NACL class of each (see PeerAtoms)
   * and what the internet edge decides by them (see InternetEdge.addressKey; `networkId`: its
   * subnet's network). Endpoint classes and origin legs both key on it, so they tell sources apart
   * alike.
   */
  private sourceKey(src4: bigint | null, src6: bigint | null, networkId: string | null): string {
    return [
      src4 === null ? "-" : this.atoms.atomOf(src4),
      src6 === null ? "-" : this.atoms.atomOf(src6),
      this.edge.addressKey(src4, src6, networkId),
      this.replies.addressKey(src4),
      this.replies.addressKey(src6),
    ].join("|");
  }

  /**
   * Whether every address of [lo, hi] (an IPv6 prefix delegated to an interface of network
   * `networkId`, its pods' addresses) gets the answers address `ip` gets (the interface's own, which
   * the audit computes from): nothing that looks at a source's address (a rule's address set, a
   * route, a private or unannounced block) starts or ends inside the range, and the range's addresses
   * have `ip`'s source key (see sourceKey).
   */
  treatsAlike(networkId: string, ip: bigint, lo: bigint, hi: bigint): boolean {
    if (this.atoms.atomOf(lo) !== this.atoms.atomOf(hi)) return false;
    const cuts = (set: IntervalSet): boolean =>
      set.ranges.some(([a, b]) => (a > lo && a <= hi) || (b >= lo && b < hi));
    for (const t of this.model.routeTables.values()) if (t.routes.some((r) => cuts(r.dest))) return false;
    for (const n of this.model.networks.values()) if (n.privateIpv6?.some((b) => cuts(b.ips))) return false;
    if (this.model.unannounced.some((u) => cuts(u.ips))) return false;
    return this.sourceKey(null, ip, networkId) === this.sourceKey(null, lo, networkId);
  }

  /** The public IPv4 address an internet gateway of the network gives `ip`, if any (for reports). */
  publicIpOf(networkId: string, ip: bigint): bigint | undefined {
    return this.edge.publicIpOf(networkId, ip);
  }

  /** Whether the input disagrees on the public IPv4 address of `ip` (for audits, see InternetEdge). */
  publicIpInDoubt(networkId: string, ip: bigint): boolean {
    return this.edge.publicIpInDoubt(networkId, ip);
  }

  /**
   * All outcomes for `query` (protocol x port x destination) sent by `ep`. In audit mode the result may
   * hold source-address placeholders (sourcePublicIp(gateway), SOURCE_IPV6): see resolveSource.
   */
  fromEndpoint(ep: Endpoint, query: PacketSet): Piece[] {
    const w = this.walk(ep, query);
    const pieces = w.pieces;
    for (const d of w.downstream) {
      const down = this.opts.detail ? d.pieces : restrictPieces(d.pieces, d.within);
      for (const x of prependHops(down, d.hops)) pieces.push(x);
    }
    return pieces;
  }

  /**
   * fromEndpoint for audits, which never report hops, in two parts: the pieces decided before the
   * shared downstream walk, then per set of packets that passed the endpoint's own filters the shared
   * downstream pieces as they are, NOT yet cut down to that set (the matrix cuts them while it sweeps,
   * which saves building every cut-down piece). Their outcomes keep the hops from the endpoint's
   * subnet on, without the endpoint's own filter hops in front, and stay the same objects for every
   * endpoint that shares them, so results built from them can be shared too. Audit mode only.
   */
  auditParts(ep: Endpoint, query: PacketSet): AuditParts {
    if (this.opts.detail) throw new Error("auditParts needs an engine in audit mode");
    const w = this.walk(ep, query);
    return {
      pieces: w.pieces,
      downstream: w.downstream.map((d) => ({ within: d.within, pieces: d.pieces })),
    };
  }

  private walk(
    ep: Endpoint,
    query: PacketSet,
  ): { pieces: Piece[]; downstream: { within: PacketSet; pieces: Piece[]; hops: Hop[] }[] } {
    const src4 = ep.privateIps[0] ?? null;
    const src6 = ep.ipv6[0] ?? null;
    const pieces: Piece[] = [];
    const downstream: { within: PacketSet; pieces: Piece[]; hops: Hop[] }[] = [];
    let live = PacketSet.EMPTY;
    const { v4, v6 } = this.families(query);
    const self: RuleRef = { resource: ep.id, kind: ep.kind, rule: null };
    // Every outcome shows at least the hop where it was decided.
    const atSource = (detail: string): Hop[] => [
      { resource: ep.id, kind: ep.kind, action: "drop", rule: null, detail },
    ];
    if (!v4.isEmpty()) {
      if (src4 === null)
        pieces.push(blocked(v4, self, `${ep.id} has no private IPv4 address`, atSource("no IPv4 address")));
      else live = live.union(v4);
    }
    if (!v6.isEmpty()) {
      if (src6 === null)
        pieces.push(blocked(v6, self, `${ep.id} has no IPv6 address`, atSource("no IPv6 address")));
      else live = live.union(v6);
    }
    // To the interface's own address (one of its own, or of a prefix delegated to it): the host
    // delivers it to itself. (An audit's classes share results only among sources that ask about none
    // of their own addresses, see ownAddresses.)
    // (Most sources ask about none of them: testing that is much cheaper than cutting the set down.)
    const ownIps = ownAddresses(ep);
    const own = ownIps.overlaps(live.ips()) ? live.restrictIps(ownIps) : PacketSet.EMPTY;
    if (!own.isEmpty()) {
      live = live.subtract(own);
      pieces.push(
        piece(
          own,
          reach(
            "allowed",
            "private",
            `${ep.id}'s own address: the host delivers it to itself, no filter or route applies`,
          ),
          [{ resource: ep.id, kind: ep.kind, action: "exit", rule: null, detail: "own address" }],
        ),
      );
    }
    const subnet = this.model.subnets.get(ep.subnetId);
    if (!subnet) {
      // Named as "the source's": an audit gives this outcome to every source of the class.
      if (!live.isEmpty())
        pieces.push(
          unknown(live, `the source's subnet ${ep.subnetId} is not in the data`, [
            { resource: ep.subnetId, kind: "subnet", action: "drop", rule: null, detail: "not in the data" },
          ]),
        );
      return { pieces, downstream };
    }
    live = this.localServices(ep, live, pieces);
    const { pass, stop, held } = this.endpointFilters(ep, live);
    pieces.push(...stop);
    const leg: Leg = {
      subnet,
      src4,
      src6,
      ephemeral: ep.ephemeralPorts,
      nat: null,
      origin: true,
      visited: [],
    };
    for (const p of pass) {
      if (p.set.isEmpty()) continue;
      // Detail mode walks exactly these packets; audit mode takes the shared result over the universe.
      const down = this.opts.detail ? this.computeRouteFrom(leg, p.set) : this.shared(leg);
      downstream.push({ within: p.set, pieces: down, hops: p.hops });
    }
    // Packets the source's own filters may or may not let out: blocked where their way on is blocked
    // for sure, unknown (the filters' doubt) where it is not. Cut down here, per source: rare.
    for (const h of held ?? []) {
      const down = this.opts.detail
        ? this.computeRouteFrom(leg, h.packets)
        : this.sharedWithin(this.shared(leg), h.packets);
      // (Whether they leave at all is what is in doubt: no exit.)
      for (const x of settleHeld(down, [h], false)) pieces.push(x);
    }
    return { pieces, downstream };
  }

  /**
   * restrictPieces(shared, set) for a shared leg's pieces, kept per list and set. The set is keyed by
   * its canonical key, not by object: the sources whose groups leave the same packets in doubt (a rule
   * naming a prefix list the input lacks, in groups many sources have) each make their own equal set.
   */
  private sharedWithin(shared: Piece[], set: PacketSet): Piece[] {
    return cached(
      cached(this.sharedWithinCache, shared, () => new Map<string, Piece[]>()),
      set.key(),
      () => restrictPieces(shared, set),
    );
  }

  /** `query` split by address family; the audit asks with the same few query objects over and over. */
  private families(query: PacketSet): { v4: PacketSet; v6: PacketSet } {
    let f = this.familyCache.get(query);
    if (!f) {
      f = { v4: query.restrictIps(IPV4_ALL), v6: query.restrictIps(IPV6_ALL) };
      this.familyCache.set(query, f);
    }
    return f;
  }

  /**
   * Packets to the platform's own services (resolver, metadata) are answered before any filter.
   * What that takes depends only on the service list (the network's, or the endpoint's own view of
   * it) and the packets, so audit mode computes it once per list and packet set (immutable, by
   * object) and hands out the same pieces.
   */
  private localServices(ep: Endpoint, live: PacketSet, pieces: Piece[]): PacketSet {
    const services = this.servicesOf(ep);
    if (this.opts.detail) return this.localServicesNow(services, live, pieces);
    let byLive = this.servicesCache.get(services);
    if (!byLive) this.servicesCache.set(services, (byLive = new WeakMap()));
    let r = byLive.get(live);
    if (!r) {
      const served: Piece[] = [];
      r = { rest: this.localServicesNow(services, live, served), pieces: served };
      byLive.set(live, r);
    }
    for (const p of r.pieces) pieces.push(p);
    return r.rest;
  }

  private localServicesNow(services: readonly LocalService[], live: PacketSet, pieces: Piece[]): PacketSet {
    for (const s of services) {
      const part = live.restrictIps(s.ips);
      if (part.isEmpty()) continue;
      live = live.subtract(part);
      const served = part.intersect(s.serves);
      if (!served.isEmpty()) pieces.push(servedPiece(s, served));
      const rest = part.subtract(served);
      if (!rest.isEmpty())
        pieces.push(
          blocked(rest, s.ref, `${s.label} answers only ${s.servesText}`, [
            hopAt(s.ref, "drop", "not served"),
          ]),
        );
    }
    return live;
  }

  /** The endpoint's own filters on what it sends. */
  private endpointFilters(ep: Endpoint, set: PacketSet): Crossing {
    return this.ownFilters(
      ep,
      set,
      "outbound",
      (f) => f.egress,
      (unions, defaultRef) => {
        // Audit mode: each group's union is cut down to `set` itself (see egressUnionIn), so it lies
        // inside the one packet set evaluated here and evalUnion need not intersect them again.
        const union = PacketSet.unionAll(unions.map((f) => this.egressUnionIn(f, set)));
        // Detail mode attributes packets to rules; audit mode needs only the unresolved ones (undecided).
        const rules = this.opts.detail
          ? unions.flatMap((f) => f.egress)
          : unions.flatMap((f) => this.unresolvedEgress(f));
        return evalUnion(rules, union, defaultRef, set, this.opts.detail, !this.opts.detail);
      },
    );
  }

  /**
   * A destination host's own filters on what arrives at it from the leg's source: their inbound rules,
   * whose peer is that source (so they are specialized to its address, as a subnet's inbound rules are).
   */
  private hostInbound(ep: Pick<Endpoint, "id" | "filterIds">, set: PacketSet, leg: Leg): Crossing {
    return this.ownFilters(
      ep,
      set,
      "inbound",
      (f) => this.bounds.specialized(f, "in", leg),
      (unions, defaultRef) => {
        const rules = unions.flatMap((f) => this.bounds.specialized(f, "in", leg));
        return evalUnion(rules, unionOf(rules), defaultRef, set, this.opts.detail);
      },
    );
  }

  /**
   * An endpoint's own filters in one direction: the allow-union ones combined (security groups; a
   * packet passes if any of their rules allows it, `evalUnions` splits `set` by them), then the others
   * in order (`rules` gives a filter's rules for the direction). Endpoint filters are stateful.
   */
  private ownFilters(
    ep: Pick<Endpoint, "id" | "filterIds">,
    set: PacketSet,
    direction: "outbound" | "inbound",
    rules: (f: Filter) => readonly Rule[],
    evalUnions: (unions: Filter[], defaultRef: RuleRef) => FilterSplit,
  ): Crossing {
    const filters: Filter[] = [];
    for (const id of ep.filterIds) {
      const f = this.model.filters.get(id);
      // Outbound these are the source's own, and an audit shares the outcome among a class's sources.
      const on = direction === "inbound" ? ep.id : "the source";
      const why = f ? f.unknown : `filter ${id} on ${on} is not in the data`;
      if (why !== undefined) {
        const hop: Hop = {
          resource: id,
          kind: f?.kind ?? "filter",
          action: "drop",
          rule: null,
          detail: "not read",
        };
        return { pass: [], stop: set.isEmpty() ? [] : [unknown(set, why, [hop])] };
      }
      filters.push(f!);
    }
    const unions = filters.filter((f) => f.semantics === "union");
    let current: Pass[] = [{ set, hops: [] }];
    const stop: Piece[] = [];
    let held: Piece[] | undefined;
    if (unions.length > 0) {
      const ids = unions.map((f) => f.id).join(", ");
      const kind = unions[0]!.kind;
      const split = evalUnions(unions, {
        resource: ids,
        kind,
        rule: null,
        ...(unions.length > 1 ? { resources: unions.map((f) => f.id) } : {}),
      });
      current = [];
      const undecided = undecidedPieces(split.undecided, ids, kind, direction);
      // What only a rule in doubt might let out may or may not leave: held, so that a drop further on
      // (certain either way) decides, and only what would get through is unknown (see walk). Only
      // where the groups are the last of the source's own filters.
      if (direction === "outbound" && unions.length === filters.length) held = undecided;
      else stop.push(...undecided);
      for (const d of split.denied)
        stop.push(
          // Inbound: the destination host's groups, which the reader may not know by id.
          blocked(
            d.set,
            d.ref,
            `no ${direction} rule of ${ids}${direction === "inbound" ? ` on ${ep.id}` : ""} allows it`,
            [{ resource: ids, kind, action: "deny", rule: null, detail: `no ${direction} rule matches` }],
          ),
        );
      for (const a of split.allowed)
        current.push({
          set: a.set,
          hops: [
            {
              resource: a.ref.resource,
              kind,
              action: "allow",
              rule: a.ref.rule,
              detail: a.ref.description ?? "allowed",
            },
            // Any one rule suffices: the others that allow it too, so that revoking the first alone
            // is not read as closing it.
            ...(a.also ?? []).map((o): Hop => ({
              resource: o.resource,
              kind,
              action: "allow",
              rule: o.rule,
              detail: `also: ${o.description ?? "allowed"}`,
            })),
          ],
        });
    }
    for (const f of filters.filter((x) => x.semantics !== "union")) {
      const next: Pass[] = [];
      for (const c of current) {
        const r = this.bounds.applyForward(f, rules(f), c.set, direction);
        stop.push(...prependHops(r.stop, c.hops));
        for (const p of r.pass) next.push({ set: p.set, hops: [...c.hops, ...p.hops] });
      }
      current = next;
    }
    return held?.length ? { pass: current, stop, held } : { pass: current, stop };
  }

  /**
   * The packets a union filter's egress rules allow; in audit mode, only those within `within` (the
   * packets the endpoint sends: the query of its address families, a handful of set objects per run),
   * cut down once per filter and set: evalUnion then gives the same split on smaller sets, and an
   * IPv4-only source never carries the groups' IPv6 rules along.
   */
  private egressUnionIn(f: Filter, within: PacketSet): PacketSet {
    if (this.opts.detail) return egressUnion(f);
    const unions = innerMap(this.unionWithin, within);
    let u = unions.get(f);
    if (u === undefined) {
      u = egressUnionWithin(f, within);
      unions.set(f, u);
    }
    return u;
  }

  private readonly unresolvedCache = new WeakMap<Filter, Rule[]>();

  /** A filter's egress rules with unresolved peers (usually none). */
  private unresolvedEgress(f: Filter): Rule[] {
    let r = this.unresolvedCache.get(f);
    if (!r) this.unresolvedCache.set(f, (r = f.egress.filter((x) => x.unresolved)));
    return r;
  }

  /** A function replacing the per-endpoint placeholders of shared results with `ep`'s addresses. */
  sourceFixer(ep: Endpoint): (s: string) => string {
    const src4 = ep.privateIps[0];
    const v6 = ep.ipv6[0] !== undefined ? formatIp(ep.ipv6[0]) : "(none)";
    return (s: string): string =>
      s
        .replace(SOURCE_PUBLIC_IP_RE, (_, gid: string) => {
          const g = this.model.gateways.get(gid);
          const p = g?.kind === "internet" && src4 !== undefined ? g.publicIpOf.get(src4) : undefined;
          return p === undefined ? "(none)" : formatIp(p);
        })
        .replaceAll(SOURCE_IPV6, v6)
        .replaceAll(SOURCE_OWNER, ep.ownerId ?? ep.id);
  }

  /** Replaces the per-endpoint placeholders of shared results with this endpoint's addresses and owner. */
  resolveSource(ep: Endpoint, pieces: Piece[]): Piece[] {
    const fix = this.sourceFixer(ep);
    return pieces.map((p) => {
      const o = p.outcome;
      if (
        !o.egressIp?.startsWith("{") &&
        !o.leaves?.egressIp?.startsWith("{") &&
        o.blockedBy?.resource !== SOURCE_OWNER &&
        !o.hops.some((h) => h.detail.includes("{source-") || h.resource === SOURCE_OWNER)
      )
        return p;
      return {
        packets: p.packets,
        outcome: {
          ...o,
          egressIp: o.egressIp === null ? null : fix(o.egressIp),
          ...(o.leaves && {
            leaves: { ...o.leaves, egressIp: o.leaves.egressIp === null ? null : fix(o.leaves.egressIp) },
          }),
          blockedBy: o.blockedBy === null ? null : { ...o.blockedBy, resource: fix(o.blockedBy.resource) },
          hops: o.hops.map((h) => ({ ...h, resource: fix(h.resource), detail: fix(h.detail) })),
        },
      };
    });
  }

  private legKey(leg: Leg): string {
    return `${this.forwardKey(leg)}|${leg.ephemeral.key()}`;
  }

  /**
   * Everything of a leg that its packets' way depends on but its ephemeral ports, which only the reply
   * checks of stateless filters read (a crossing's held pieces, keyed by its own key). Legs of one
   * subnet whose sources pick their ports from different ranges (Linux, Windows, a Kubernetes node)
   * differ only there, and share the steps keyed by this (see throughNat).
   */
  private forwardKey(leg: Leg): string {
    let key = this.forwardKeys.get(leg);
    if (key === undefined) {
      // An origin leg is shared by the sources its addresses' key does not tell apart; a leg from a NAT
      // gateway has that gateway's exact address.
      key = [
        leg.subnet.id,
        leg.origin
          ? `o${this.sourceKey(leg.src4, leg.src6, leg.subnet.networkId)}`
          : `${leg.src4 ?? "-"}|${leg.src6 ?? "-"}`,
        leg.nat?.id ?? "-",
        leg.visited.join(","),
      ].join("|");
      this.forwardKeys.set(leg, key);
    }
    return key;
  }

  /**
   * Audit mode: `compute()`, a step of `leg` over `set` that its ephemeral ports do not change (`site`
   * names the step and what else it depends on), kept per forward key and set object (immutable).
   * Detail mode computes it each time.
   */
  private forwardStep<T>(
    cache: Map<string, WeakMap<PacketSet, T>>,
    leg: Leg,
    site: string,
    set: PacketSet,
    compute: () => T,
  ): T {
    if (this.opts.detail) return compute();
    return cached(innerWeakMap(cache, `${this.forwardKey(leg)}|${site}`), set, compute);
  }

  private routeFrom(leg: Leg, set: PacketSet): Piece[] {
    if (set.isEmpty()) return [];
    if (this.opts.detail) return this.computeRouteFrom(leg, set);
    return restrictPieces(this.shared(leg), set);
  }

  /** Audit mode: everything from `leg` on, over the whole universe, computed once per leg class. */
  private shared(leg: Leg): Piece[] {
    const key = this.legKey(leg);
    let full = this.memo.get(key);
    if (!full) {
      full = mergePieces(this.computeRouteFrom(leg, this.universe));
      this.memo.set(key, full);
    }
    return full;
  }

  private computeRouteFrom(leg: Leg, set: PacketSet): Piece[] {
    const rtId = leg.subnet.routeTableId;
    const rt = rtId === null ? undefined : this.model.routeTables.get(rtId);
    const unread = (resource: string, why: string): Piece[] => [
      unknown(set, why, [{ resource, kind: "route-table", action: "drop", rule: null, detail: "not read" }]),
    ];
    if (!rt)
      return unread(
        rtId ?? leg.subnet.id,
        `the route table of ${leg.subnet.id} (${rtId ?? "none associated"}) is not in the data`,
      );
    if (rt.unknown) return unread(rt.id, rt.unknown);
    const { routed, unrouted, byTarget: grouped, toGateways } = this.splits.of(rt, set);
    // What leaves for any gateway crosses the subnet's boundary the same way whichever gateway it is
    // routed to: one crossing for all of it, cut down per gateway (cheaper than one per gateway).
    let leaving: Crossing | undefined;
    const crossOut = (part: PacketSet): Crossing =>
      this.bounds.restricted((leaving ??= this.bounds.crossOut(leg, toGateways)), part);
    const pieces: Piece[] = [];
    if (!unrouted.isEmpty())
      pieces.push(
        blocked(
          unrouted,
          { resource: rt.id, kind: "route-table", rule: null },
          `no route in ${rt.id} matches the destination`,
          [{ resource: rt.id, kind: "route-table", action: "drop", rule: null, detail: "no matching route" }],
        ),
      );
    for (const { route, set: part, count } of this.opts.detail
      ? routed.map((r) => ({ ...r, count: 1 }))
      : grouped) {
      const t = route.target;
      const rule = count === 1 ? route.ref.rule : null;
      const hop: Hop = {
        resource: rt.id,
        kind: "route-table",
        action: t.kind === "blackhole" || t.kind === "undecided" ? "drop" : "forward",
        rule,
        detail: `${count === 1 ? (rule ?? "route") : `${count} routes`} -> ${targetLabel(t)}`,
      };
      if (t.kind === "undecided") {
        pieces.push(unknown(part, `route ${route.ref.rule ?? ""} in ${rt.id}: ${t.why}`, [hop]));
      } else if (t.kind === "blackhole") {
        const why =
          t.why ??
          (t.targetId
            ? `its target ${t.targetId} is not available (deleted, or detached from the VPC)`
            : "it has no usable target");
        pieces.push(
          blocked(part, route.ref, `route ${route.ref.rule ?? ""} in ${rt.id} is a blackhole: ${why}`, [hop]),
        );
      } else if (t.kind === "local") {
        pieces.push(...prependHops(this.deliverLocal(leg, part, t.networkId), [hop]));
      } else {
        pieces.push(...prependHops(this.toGateway(leg, part, t.gatewayId, crossOut), [hop]));
      }
    }
    return pieces;
  }

  /**
   * Packets that reached subnet `dst` (`hops` ends with its "delivered" hop): a cloud service's address
   * there (an interface endpoint), a host in the input, which its own inbound filters must let in, or an
   * address no host in the input has (`arrive`).
   */
  private arrivals(
    leg: Leg,
    dst: Subnet,
    set: PacketSet,
    arrive: Omit<Outcome, "hops">,
    hops: Hop[],
  ): Piece[] {
    const pieces: Piece[] = [];
    let rest = set;
    const before = hops.slice(0, -1);
    for (const s of dst.serviceAddresses ?? []) {
      const part = rest.restrictIps(s.ips);
      if (part.isEmpty()) continue;
      rest = rest.subtract(part);
      const reached = `reaches ${s.label} in ${dst.id}`;
      const exit: Hop = {
        resource: s.ref.resource,
        kind: s.ref.kind,
        action: "exit",
        rule: null,
        detail: s.label,
      };
      // What answers there may not (an endpoint AWS is changing, say): unknown, but in a trace only
      // for what its own filters let in (what they refuse is refused either way).
      const doubt = s.inDoubt && {
        ...reach("unknown", null, `${reached}: ${s.inDoubt.reason}`),
        ...(s.inDoubt.missing && { missing: s.inDoubt.missing }),
      };
      if (doubt && !(this.opts.detail && s.interface)) pieces.push(piece(part, doubt, before));
      else if (!s.interface)
        pieces.push(
          unknown(part, `${reached}; the input does not say which security groups it has`, before, s.missing),
        );
      else if (!this.opts.detail)
        pieces.push(
          piece(
            part,
            reach(
              "unknown",
              "cloud-service",
              `${reached}: the audit does not evaluate its own security groups (a trace of the flow does)`,
            ),
            hops,
          ),
        );
      else
        pieces.push(
          ...this.letIn(leg, s.interface, part, before, {
            outcome: doubt || reach("allowed", "cloud-service", reached),
            hop: exit,
          }),
        );
    }
    if (!this.opts.detail) {
      // An audit asks for every source and destination at once: sources times hosts answers, each its
      // own path, would not fit in any report. It says the hosts' filters decide; a trace evaluates them.
      const part = rest.restrictIps(this.hostIpsBySubnet.get(dst.id) ?? IntervalSet.EMPTY);
      if (!part.isEmpty()) {
        rest = rest.subtract(part);
        pieces.push(
          piece(
            part,
            reach(
              "unknown",
              "private",
              `reaches a host in ${dst.id}: the audit does not evaluate destination hosts' own inbound filters (a trace of the flow does)`,
            ),
            hops,
          ),
        );
      }
    } else {
      const dests = rest.ips();
      for (const { ep, ips } of this.hostsBySubnet.get(dst.id) ?? []) {
        if (!ips.overlaps(dests)) continue;
        const part = rest.restrictIps(ips);
        if (part.isEmpty()) continue;
        rest = rest.subtract(part);
        pieces.push(
          ...this.letIn(leg, ep, part, before, {
            outcome: reach("allowed", "private", `delivered to ${ep.id} in ${dst.id}`),
            hop: { resource: ep.id, kind: ep.kind, action: "exit", rule: null, detail: "delivered" },
          }),
        );
      }
    }
    if (!rest.isEmpty()) pieces.push(piece(rest, arrive, hops));
    return pieces;
  }

  /**
   * Packets at an interface (`hops`: the way there): what its own filters let in reaches it (`reached`:
   * the outcome and the last hop), the rest stops there.
   */
  private letIn(
    leg: Leg,
    host: Pick<Endpoint, "id" | "filterIds">,
    set: PacketSet,
    hops: Hop[],
    reached: { outcome: Omit<Outcome, "hops">; hop: Hop },
  ): Piece[] {
    const inbound = this.hostInbound(host, set, leg);
    const pieces = [...prependHops(inbound.stop, hops)];
    for (const p of inbound.pass)
      pieces.push(piece(p.set, reached.outcome, [...hops, ...p.hops, reached.hop]));
    return pieces;
  }

  /** A destination inside the network: delivered to its subnet across both subnets' boundaries. */
  private deliverLocal(leg: Leg, set: PacketSet, networkId: string): Piece[] {
    const pieces: Piece[] = [];
    let rest = set;
    // Every destination address of the set: a subnet outside it gets nothing, and testing that is
    // much cheaper than cutting the set down to the subnet (networks have hundreds of subnets).
    const dests = set.ips();
    for (const dst of this.subnetsByNetwork.get(networkId) ?? []) {
      if (!dst.cidrs.overlaps(dests)) continue;
      const part = rest.restrictIps(dst.cidrs);
      if (part.isEmpty()) continue;
      rest = rest.subtract(part);
      // Whether anything answers at an address that is no source interface's cannot be told.
      const arrive: Omit<Outcome, "hops"> = reach(
        "unknown",
        "private",
        `reaches subnet ${dst.id} at an address no audited interface has (free, AWS-managed like a NAT gateway's, or missing from the input): what answers there is not analysed`,
      );
      const deliverHop: Hop = {
        resource: dst.id,
        kind: "subnet",
        action: "exit",
        rule: null,
        detail: "delivered",
      };
      if (dst.id === leg.subnet.id) {
        pieces.push(...this.arrivals(leg, dst, part, arrive, [deliverHop]));
        continue;
      }
      // Replies meet the destination's subnet routing, then its boundary, then the source's: settled in
      // that order (see settleHeld).
      const out = this.bounds.crossOut(leg, part);
      const beyondOut = [...out.stop];
      for (const p of out.pass) {
        const inn = this.bounds.crossIn(dst, leg, p.set);
        const beyondIn = [...prependHops(inn.stop, p.hops)];
        for (const q of inn.pass) {
          const there = this.arrivals(leg, dst, q.set, arrive, [...p.hops, ...q.hops, deliverHop]);
          beyondIn.push(...this.replies.apply("the destination", dst, leg.subnet, leg.src4, leg.src6, there));
        }
        beyondOut.push(
          ...settleHeld(beyondIn, inn.held && prependHops(inn.held, p.hops), true, this.opts.detail),
        );
      }
      pieces.push(...settleHeld(beyondOut, out.held, true, this.opts.detail));
    }
    if (!rest.isEmpty()) {
      const net = this.model.networks.get(networkId);
      pieces.push(
        blocked(
          rest,
          { resource: networkId, kind: net?.kind ?? "network", rule: null },
          `no subnet of ${networkId} contains the destination`,
          [
            {
              resource: networkId,
              kind: net?.kind ?? "network",
              action: "drop",
              rule: null,
              detail: "no subnet has this address",
            },
          ],
        ),
      );
    }
    return pieces;
  }

  /** `crossOut` gives the crossing of the leg's subnet boundary of a part of the packets. */
  private toGateway(
    leg: Leg,
    set: PacketSet,
    gatewayId: string,
    crossOut: (part: PacketSet) => Crossing,
  ): Piece[] {
    const g = this.model.gateways.get(gatewayId);
    if (!g) return [unknown(set, `route target ${gatewayId} is not in the data`)];
    // A NAT gateway or an appliance in the sender's own subnet is reached without crossing the subnet
    // boundary: no network ACL applies (they act only on traffic entering or leaving a subnet).
    const sameSubnet = (g.kind === "nat" || g.kind === "exit") && g.subnetId === leg.subnet.id;
    const out: Crossing = sameSubnet ? { pass: [{ set, hops: [] }], stop: [] } : crossOut(set);
    const pieces = [...out.stop];
    for (const p of out.pass) pieces.push(...prependHops(this.atGateway(leg, p.set, g), p.hops));
    return settleHeld(pieces, out.held, true, this.opts.detail);
  }

  private atGateway(leg: Leg, set: PacketSet, g: Gateway): Piece[] {
    const gref: RuleRef = { resource: g.id, kind: g.ref.kind, rule: null };
    switch (g.kind) {
      case "internet": {
        const pieces: Piece[] = [];
        const v4 = set.restrictIps(IPV4_ALL);
        if (!v4.isEmpty()) {
          const pub = leg.src4 === null ? undefined : g.publicIpOf.get(leg.src4);
          if (leg.nat && leg.nat.connectivity === "private") {
            pieces.push(
              blocked(
                v4,
                { resource: leg.nat.id, kind: leg.nat.ref.kind, rule: null },
                `${leg.nat.id} is a private NAT gateway: its traffic to an internet gateway is dropped`,
                [
                  {
                    resource: g.id,
                    kind: g.ref.kind,
                    action: "drop",
                    rule: null,
                    detail: "private NAT gateway traffic",
                  },
                ],
              ),
            );
          } else if (pub === undefined && leg.src4 !== null && g.publicIpInDoubt?.has(leg.src4)) {
            // Whichever public IP it has, or none, the gateway drops what is not for the internet: only
            // the rest is in doubt.
            const toInternet = v4.restrictIps(PUBLIC_INTERNET);
            if (!toInternet.isEmpty())
              pieces.push(
                unknown(toInternet, g.publicIpInDoubt.get(leg.src4)!, [
                  hopAt(gref, "drop", "public IP in doubt"),
                ]),
              );
            pieces.push(...this.unroutable(v4.subtract(toInternet), g, []));
          } else if (pub === undefined) {
            // An audit sends from each interface's primary address (shared by a class: not named); a
            // trace from the address it was given. Another address of the interface may have one.
            const who = leg.nat
              ? `${leg.nat.id} has no Elastic IP`
              : leg.origin && !this.opts.detail
                ? "the source's primary private IP has no public IPv4 address (no public IP or Elastic IP)"
                : `the source address ${leg.src4 === null ? "" : formatIp(leg.src4)} has no public IPv4 address (no public IP or Elastic IP)`;
            pieces.push(
              blocked(v4, gref, `${who}, so ${g.id} drops it`, [
                {
                  resource: g.id,
                  kind: g.ref.kind,
                  action: "drop",
                  rule: null,
                  detail: "no public IPv4 address to translate to",
                },
              ]),
            );
          } else {
            // Shared (audit) results name the gateway whose mapping applies; each endpoint fills in its own.
            const ip = leg.origin && !this.opts.detail ? sourcePublicIp(g.id) : formatIp(pub);
            pieces.push(
              ...this.exitInternet(
                v4,
                g,
                leg,
                ip,
                [
                  {
                    resource: g.id,
                    kind: g.ref.kind,
                    action: "translate",
                    rule: null,
                    detail: `source -> ${ip}`,
                  },
                ],
                leg.src4,
                leg.nat?.publicIps ?? [pub],
              ),
            );
          }
        }
        pieces.push(...this.exitIpv6(set.restrictIps(IPV6_ALL), leg, g));
        return pieces;
      }
      case "egress-only-internet": {
        const pieces: Piece[] = [];
        const v4 = set.restrictIps(IPV4_ALL);
        if (!v4.isEmpty())
          pieces.push(
            blocked(v4, gref, `${g.id} is an egress-only internet gateway: it carries IPv6 only`, [
              {
                resource: g.id,
                kind: g.ref.kind,
                action: "drop",
                rule: null,
                detail: "IPv4 on an IPv6-only gateway",
              },
            ]),
          );
        pieces.push(...this.exitIpv6(set.restrictIps(IPV6_ALL), leg, g));
        return pieces;
      }
      case "nat":
        return this.throughNat(leg, set, g);
      case "exit": {
        const hop: Hop = { resource: g.id, kind: g.ref.kind, action: "exit", rule: null, detail: g.label };
        // What it does not deliver from this network (beyond a peered VPC) it drops, whatever else.
        const delivery = g.delivery?.byNetwork.get(leg.subnet.networkId) ?? g.delivery?.otherwise;
        if (delivery?.kind === "unknown") {
          const o = reach("unknown", g.exit, `leaves through the ${g.label} ${g.id}, ${delivery.reason}`);
          return [piece(set, delivery.missing ? { ...o, missing: delivery.missing } : o, [hop])];
        }
        const pieces: Piece[] = [];
        if (delivery) {
          const within = set.restrictIps(delivery.ips);
          const beyond = set.subtract(within);
          if (!beyond.isEmpty())
            pieces.push(
              blocked(beyond, { ...gref, rule: delivery.rule }, delivery.reason, [
                {
                  ...hop,
                  action: "drop",
                  rule: delivery.rule,
                  detail: `${g.label}: beyond what it delivers`,
                },
              ]),
            );
          set = within;
          if (set.isEmpty()) return pieces;
        }
        if (g.reaches)
          pieces.push(piece(set, reach("allowed", g.exit, `reaches the ${g.label} ${g.id}`), [hop]));
        else if (g.drops)
          pieces.push(
            blocked(set, { ...gref, rule: g.drops.setting }, g.drops.reason, [
              { ...hop, action: "drop", rule: g.drops.setting },
            ]),
          );
        else {
          pieces.push(
            piece(
              set,
              reach(
                "unknown",
                g.exit,
                `leaves through the ${g.label} ${g.id}; what lies beyond it was not analysed`,
              ),
              [hop],
            ),
          );
        }
        return pieces;
      }
    }
  }

  private exitIpv6(v6: PacketSet, leg: Leg, g: Gateway): Piece[] {
    if (v6.isEmpty()) return [];
    if (leg.src6 === null)
      return [
        blocked(v6, { resource: g.id, kind: g.ref.kind, rule: null }, "the source has no IPv6 address", [
          { resource: g.id, kind: g.ref.kind, action: "drop", rule: null, detail: "no IPv6 source address" },
        ]),
      ];
    const ip = leg.origin && !this.opts.detail ? SOURCE_IPV6 : formatIp(leg.src6);
    return this.exitInternet(v6, g, leg, ip, [], leg.src6, [leg.src6]);
  }

  /**
   * `replyTo`: the private address replies return to (see divertedReplies); `publics`: the public
   * addresses the packets may leave from (see unannouncedSource).
   */
  private exitInternet(
    set: PacketSet,
    g: Gateway,
    leg: Leg,
    egressIp: string,
    hops: Hop[],
    replyTo: bigint | null,
    publics: readonly bigint[],
  ): Piece[] {
    const spread = leg.nat?.publicIps
      ? ` (${leg.nat.id} spreads connections over its Elastic IPs ${leg.nat.publicIps.map(formatIp).join(", ")})`
      : "";
    const via = leg.nat ? `${leg.nat.id} and ${g.id}${spread}` : g.id;
    const pieces: Piece[] = [];
    const pub = set.restrictIps(PUBLIC_INTERNET);
    // What expects an answer, and what does not (one-way ICMP): the edge's checks on the way back
    // concern only the first.
    const twoWay = pub.intersect(EXPECTS_REPLY);
    for (const [part, expectsReply] of [
      [twoWay, true],
      [pub.subtract(twoWay), false],
    ] as const) {
      if (part.isEmpty()) continue;
      const decided = this.edge.decide(g, leg, replyTo, publics, egressIp, part, hops, expectsReply);
      if (decided) {
        pieces.push(...this.leavingInDoubt(decided));
        continue;
      }
      // What the provider may stop on the way out that no input tells (EC2's tcp/25 restriction).
      let rest = part;
      for (const d of this.model.internetDoubts) {
        const hit = rest.intersect(d.match);
        if (hit.isEmpty()) continue;
        rest = rest.subtract(hit);
        pieces.push(
          piece(hit, reach("unknown", "internet", d.reason), [
            ...hops,
            { resource: g.id, kind: g.ref.kind, action: "drop", rule: null, detail: d.detail },
          ]),
        );
      }
      if (!rest.isEmpty())
        pieces.push(
          piece(rest, reach("allowed", "internet", `reaches the internet through ${via}`, egressIp), [
            ...hops,
            { resource: g.id, kind: g.ref.kind, action: "exit", rule: null, detail: "internet" },
          ]),
        );
    }
    pieces.push(...this.unroutable(set.subtract(pub), g, hops));
    return pieces;
  }

  /**
   * `p` (what the internet edge decided by the replies) without saying the packets leave where the
   * provider may stop them on the way out (see exitInternet): whether those leave is not known.
   */
  private leavingInDoubt(p: Piece): Piece[] {
    if (p.outcome.leaves === undefined) return [p];
    const out: Piece[] = [];
    let rest = p.packets;
    for (const d of this.model.internetDoubts) {
      const hit = rest.intersect(d.match);
      if (hit.isEmpty()) continue;
      rest = rest.subtract(hit);
      out.push({ packets: hit, outcome: withoutLeaves(p.outcome) });
    }
    if (!rest.isEmpty()) out.push({ packets: rest, outcome: p.outcome });
    return out;
  }

  /** Packets to addresses that are not on the public internet, which nothing beyond gateway `g` routes. */
  private unroutable(set: PacketSet, g: Gateway, hops: Hop[]): Piece[] {
    if (set.isEmpty()) return [];
    return [
      blocked(
        set,
        { resource: g.id, kind: g.ref.kind, rule: null },
        `the destination is not a public internet address, so nothing beyond ${g.id} routes it`,
        [
          ...hops,
          {
            resource: g.id,
            kind: g.ref.kind,
            action: "drop",
            rule: null,
            detail: "destination not routable on the internet",
          },
        ],
      ),
    ];
  }

  private throughNat(leg: Leg, set: PacketSet, g: NatGateway): Piece[] {
    const gref: RuleRef = { resource: g.id, kind: g.ref.kind, rule: null };
    const drop = (detail: string): Hop[] => [
      { resource: g.id, kind: g.ref.kind, action: "drop", rule: null, detail },
    ];
    if (g.unusable) return [blocked(set, gref, g.unusable, drop(g.unusable))];
    if (leg.visited.includes(g.id))
      return [blocked(set, gref, `routing loop through ${g.id}`, drop("routing loop"))];
    const plan = this.forwardStep(this.natPlans, leg, g.id, set, () => this.natPlan(leg, set, g));
    const pieces = [...plan.stop];
    const on = plan.on;
    if (!on) return pieces;
    const { natSubnet, natLeg } = on;
    // The client's packets enter the NAT gateway's subnet as they were sent (IPv6 for NAT64); they
    // leave it translated. Only the replies' checks at that boundary depend on the client's ephemeral
    // ports: the way on beyond the gateway is kept per set that entered, for every range of them.
    const through = (sent: PacketSet, translate: bigint, detail: string): Piece[] => {
      if (sent.isEmpty()) return [];
      const entered: Crossing =
        natSubnet.id === leg.subnet.id
          ? { pass: [{ set: sent, hops: [] }], stop: [] }
          : this.bounds.crossIn(natSubnet, leg, sent);
      const after = [...entered.stop];
      for (const p of entered.pass) {
        const beyond = this.forwardStep(this.natBeyond, leg, `${g.id}|${translate}`, p.set, () => {
          const hop: Hop = { resource: g.id, kind: g.ref.kind, action: "translate", rule: null, detail };
          const routed = this.routeFrom(natLeg, p.set.shiftIps(translate));
          const back =
            translate === 0n
              ? routed
              : routed.map((x) => ({ packets: x.packets.shiftIps(-translate), outcome: x.outcome }));
          return prependHops(this.replies.apply(g.id, natSubnet, leg.subnet, leg.src4, leg.src6, back), [
            ...p.hops,
            hop,
          ]);
        });
        for (const x of beyond) after.push(x);
      }
      return settleHeld(after, entered.held, true, this.opts.detail);
    };
    const via = `source -> ${formatIp(g.privateIp)}, routed by ${natSubnet.id}`;
    pieces.push(
      ...allowedInDoubt(
        through(on.translated, 0n, via),
        on.untracked,
        `${g.id} maps ICMP query requests (echo, timestamp, information, address mask) to its address; other ICMP messages a NAT translates only as part of a connection it tracks (RFC 5508: an error about one of its connections, such as fragmentation needed, goes back to the host), which a message a source starts is not, and AWS does not document what its NAT gateways do with them`,
        {
          resource: g.id,
          kind: g.ref.kind,
          action: "translate",
          rule: null,
          detail: "ICMP other than a query request: whether it is translated is not documented",
        },
        false,
      ),
    );
    pieces.push(...through(on.ok64, NAT64_TO_V4, `NAT64: destination -> its IPv4 address, ${via}`));
    return pieces;
  }

  /**
   * What NAT gateway `g` makes of `set` from `leg` before the gateway's subnet boundary and the way
   * beyond it: what it does not translate or follow (`stop`) and, if anything goes on, the rest. None of
   * it depends on the leg's ephemeral ports: audit mode keeps it per forward key and set (throughNat).
   */
  private natPlan(leg: Leg, set: PacketSet, g: NatGateway): NatPlan {
    const gref: RuleRef = { resource: g.id, kind: g.ref.kind, rule: null };
    const stop: Piece[] = [];
    const notTranslated = (part: PacketSet, reason: string, detail: string): void => {
      if (!part.isEmpty())
        stop.push(
          blocked(part, gref, reason, [
            { resource: g.id, kind: g.ref.kind, action: "drop", rule: null, detail },
          ]),
        );
    };
    const notFollowed = (part: PacketSet, reason: string, detail: string): void => {
      if (!part.isEmpty())
        stop.push(
          unknown(part, reason, [
            { resource: g.id, kind: g.ref.kind, action: "translate", rule: null, detail },
          ]),
        );
    };
    // IPv6 only to the NAT64 prefix (DNS64 hands out such addresses for IPv4-only names): TCP and UDP
    // to 64:ff9b::a.b.c.d leave as IPv4 to a.b.c.d. ICMPv6 is rewritten into ICMPv4 there, which is
    // not followed: unknown.
    const v6 = set.restrictIps(IPV6_ALL);
    const nat64 = v6.restrictIps(NAT64_PREFIX);
    notTranslated(
      v6.subtract(nat64),
      `${g.id} translates IPv4, and IPv6 only to 64:ff9b::/96 (NAT64)`,
      "IPv6 packet",
    );
    const ok64 = nat64.restrictProtocols(NAT64_PROTOCOLS);
    const icmp6 = nat64.restrictProtocols(ICMPV6);
    notFollowed(
      icmp6,
      `${g.id} rewrites ICMPv6 to 64:ff9b::/96 into ICMPv4 (NAT64); that is not analysed`,
      "NAT64 ICMP (not followed)",
    );
    const v4 = set.restrictIps(IPV4_ALL);
    const translated = v4.restrictProtocols(g.protocols);
    notTranslated(
      v4.subtract(translated).union(nat64.subtract(ok64).subtract(icmp6)),
      `NAT gateways translate TCP, UDP and ICMP only`,
      "protocol not translated",
    );
    // A NAT maps an ICMP query by its Identifier (RFC 5508 REQ-1); any other ICMP message (an error, a
    // redirect, a reply, a router solicitation...) it translates only as part of a connection it
    // tracks (REQ-5: an error from inside whose embedded packet matches no mapping SHOULD be dropped;
    // REQ-11: others MAY be), and a packet a source starts belongs to none. AWS does not document what
    // its NAT gateways do with them: they are followed like the rest, so that a rule stopping them
    // anyway (the gateway subnet's ACL, a missing route) still names itself, and only what would then
    // be allowed is unknown.
    const untracked = translated.restrictProtocols(ICMP_PROTOCOLS).subtract(ICMP_QUERY_REQUESTS);
    if (translated.isEmpty() && ok64.isEmpty()) return { stop };
    const natSubnet = this.model.subnets.get(g.subnetId);
    if (!natSubnet) {
      stop.push(unknown(translated.union(ok64), `subnet ${g.subnetId} of ${g.id} is not in the data`));
      return { stop };
    }
    const natLeg: Leg = {
      subnet: natSubnet,
      src4: g.privateIp,
      src6: null,
      ephemeral: g.ephemeralPorts,
      nat: g,
      origin: false,
      visited: [...leg.visited, g.id],
    };
    return { stop, on: { translated, untracked, ok64, natSubnet, natLeg } };
  }

  /**
   * The route table's split of `set` (and, in audit mode, its grouping by next hop). In audit mode every
   * leg is routed over the same universe, so legs leaving one table share one split; the key is the
   * table and the set object (immutable).
   */
}
