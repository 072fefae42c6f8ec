// An independent reference for the reachability engine (src/graph/propagate.ts): the outcome of ONE
// concrete packet, computed by walking the model step by step. It is written for clarity, not speed, from
// the written semantics only (see the numbered steps below), and deliberately shares no code with the
// engine: from src it uses the model types, point membership of PacketSet / IntervalSet, formatIp and
// PUBLIC_INTERNET.
//
// A packet is (proto, port, dst) sent by an endpoint. The port is the destination port for tcp/udp/sctp,
// type*256+code for icmp/icmpv6 and meaningless (any value, e.g. 0) for other protocols. dst is on the
// netset IP axis (IPv4 a encoded as 2^128 + a).
import type { BlockedBy, Verdict } from "../../src/graph/outcome.js";
import type {
  Endpoint,
  ExitKind,
  Filter,
  Gateway,
  NatGateway,
  NetworkModel,
  Route,
  Rule,
  RuleRef,
  Subnet,
} from "../../src/model/types.js";
import { formatIp, parseCidr, PUBLIC_INTERNET, type IntervalSet } from "../../src/netset/index.js";

/** Unique local addresses (RFC 4193): never routed on the internet. */
const ULA = parseCidr("fc00::/7");

export interface Packet {
  proto: number;
  port: number;
  dst: bigint;
}

export interface RefOutcome {
  verdict: Verdict;
  exit: ExitKind | null;
  egressIp: string | null;
  blockedBy: BlockedBy | null;
  /**
   * Where the packet surely leaves, and as which address, when only its replies are stopped or in
   * doubt (see Outcome.leaves in src/graph/outcome.ts); absent otherwise.
   */
  leaves?: { exit: ExitKind; egressIp: string | null };
  /** Why, in a few words (for failure messages and statistics; not compared). */
  why?: string;
}

const TWO_128 = 1n << 128n;
const TCP = 6;
const UDP = 17;
const SCTP = 132;
const ICMP = 1;
const ICMPV6 = 58;
/** 64:ff9b::/96, the NAT64 prefix: its first address and size. */
const NAT64_FIRST = 0x64ff9bn << 96n;
const inNat64 = (dst: bigint): boolean => dst >= NAT64_FIRST && dst < NAT64_FIRST + (1n << 32n);

function isV4(ip: bigint): boolean {
  return ip >= TWO_128;
}

// ---------------------------------------------------------------------------------------------------------
// Outcome constructors. `null` from a step means "passed, go on".

function blocked(why: string, resource: string, kind: string, rule: string | null): RefOutcome {
  return noteTrail({
    verdict: "blocked",
    exit: null,
    egressIp: null,
    blockedBy: { resource, kind, rule },
    why,
  });
}

function blockedByRef(why: string, ref: RuleRef): RefOutcome {
  return blocked(why, ref.resource, ref.kind, ref.rule);
}

function blockedByGateway(why: string, g: Gateway): RefOutcome {
  return blocked(why, g.id, g.ref.kind, null);
}

function unknown(why: string, exit: ExitKind | null = null): RefOutcome {
  return noteTrail({ verdict: "unknown", exit, egressIp: null, blockedBy: null, why });
}

function allowed(why: string, exit: ExitKind, egressIp: string | null): RefOutcome {
  return noteTrail({ verdict: "allowed", exit, egressIp, blockedBy: null, why });
}

/**
 * Where a packet whose way on ends in `beyond` surely leaves: beyond's exit if it is allowed, else
 * what beyond says (a verdict decided by the replies alone).
 */
export function leavesOf(beyond: RefOutcome): RefOutcome["leaves"] {
  if (beyond.verdict !== "allowed") return beyond.leaves;
  return beyond.exit === null ? undefined : { exit: beyond.exit, egressIp: beyond.egressIp };
}

/** `o` (decided by the replies of a packet whose way on ends in `beyond`), saying where it leaves. */
export function leaving(o: RefOutcome, beyond: RefOutcome): RefOutcome {
  const leaves = leavesOf(beyond);
  if (leaves === undefined) return o;
  const out = { ...o, leaves };
  const at = trailAt.get(o);
  if (at !== undefined) trailAt.set(out, at);
  return out;
}

function ruleMatches(rule: Rule, proto: number, port: number, peer: bigint): boolean {
  return rule.match.contains(proto, port, peer);
}

// ---------------------------------------------------------------------------------------------------------
// Filter decisions.

interface Decision {
  allow: boolean;
  ref: RuleRef;
  /** The deciding rule's match is in doubt: the packet is undecided. */
  unresolved?: string;
  /** Position of the deciding rule in its list; the filter's default decides "after every rule". */
  order: number;
}

/** First matching rule decides; no match: the filter's default (deny). */
function firstMatch(f: Filter, rules: readonly Rule[], proto: number, port: number, peer: bigint): Decision {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (ruleMatches(rule, proto, port, peer))
      return { allow: rule.action === "allow", ref: rule.ref, order: i, unresolved: rule.unresolved };
  }
  return { allow: false, ref: f.defaultRef, order: Number.POSITIVE_INFINITY };
}

/**
 * Union semantics: any matching allow rule passes, and the first of them (in rule order) is named, as
 * a trace names it (requests and replies alike); where only rules whose match is in doubt might allow,
 * the first of those leaves it undecided; otherwise the default (deny). Deny rules count for nothing.
 */
function anyAllow(f: Filter, rules: readonly Rule[], proto: number, port: number, peer: bigint): Decision {
  let doubt: Decision | undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.action !== "allow" || !ruleMatches(rule, proto, port, peer)) continue;
    if (rule.unresolved === undefined) return { allow: true, ref: rule.ref, order: i };
    doubt ??= { allow: true, ref: rule.ref, order: i, unresolved: rule.unresolved };
  }
  return doubt ?? { allow: false, ref: f.defaultRef, order: Number.POSITIVE_INFINITY };
}

/** A filter's decision on a packet, by its semantics. */
function decide(f: Filter, rules: readonly Rule[], proto: number, port: number, peer: bigint): Decision {
  return f.semantics === "union"
    ? anyAllow(f, rules, proto, port, peer)
    : firstMatch(f, rules, proto, port, peer);
}

/** Every value of a small IntervalSet (ephemeral ports). */
function valuesOf(set: IntervalSet): number[] {
  const out: number[] = [];
  for (const [lo, hi] of set.ranges) {
    if (hi - lo > 4096n) throw new Error(`reference: refusing to enumerate ${set.toString()}`);
    for (let v = lo; v <= hi; v++) out.push(Number(v));
  }
  return out;
}

/** "protocol:request type" -> reply type: ICMP echo, timestamp, information, address mask; ICMPv6 echo. */
const ICMP_REPLY_TYPE: Record<string, number> = {
  "1:8": 0,
  "1:13": 14,
  "1:15": 16,
  "1:17": 18,
  "58:128": 129,
};

/**
 * The replies a stateless filter must pass for a packet, as reply "ports" (same protocol, peer as in the
 * forward check). An empty list: the packet expects no reply.
 */
export function repliesOf(proto: number, port: number, ephemeral: IntervalSet): number[] {
  if (proto === TCP || proto === UDP || proto === SCTP) return valuesOf(ephemeral);
  if (proto === ICMP || proto === ICMPV6) {
    const reply = ICMP_REPLY_TYPE[`${proto}:${port >> 8}`];
    return reply === undefined ? [] : [reply * 256]; // a query -> its reply (code 0); other messages: none
  }
  return [0]; // no port dimension: one reply, every port value is the same packet
}

// ---------------------------------------------------------------------------------------------------------
// Step 3: the endpoint's own filters (stateful, no return check). The same filters judge what arrives at
// an endpoint that is the destination (step 5), by their inbound rules, whose peer is the source.

function ownFilters(
  model: NetworkModel,
  ep: Endpoint,
  dir: "outbound" | "inbound",
  peer: bigint,
  pkt: Packet,
): (RefOutcome & { mayPass?: true }) | null {
  const filters: Filter[] = [];
  for (const id of ep.filterIds) {
    const f = model.filters.get(id);
    if (f === undefined || f.unknown !== undefined)
      return unknown(`endpoint filter ${id} missing or unreadable`);
    filters.push(f);
  }
  const { proto, port } = pkt;
  const rulesOf = (f: Filter): readonly Rule[] => (dir === "outbound" ? f.egress : f.ingress);
  const unions = filters.filter((f) => f.semantics === "union");
  if (unions.length > 0) {
    const allowedByResolved = unions.some((f) =>
      rulesOf(f).some(
        (r) => r.action === "allow" && r.unresolved === undefined && ruleMatches(r, proto, port, peer),
      ),
    );
    if (!allowedByResolved) {
      const maybe = unions.some((f) =>
        rulesOf(f).some((r) => r.unresolved !== undefined && ruleMatches(r, proto, port, peer)),
      );
      // Outbound, with nothing else of the source's after them: it may leave or not, so what becomes of
      // it further on is asked too (see referenceOutcome).
      if (maybe)
        return {
          ...unknown(`${dir}: only an unresolved rule matches`),
          ...(dir === "outbound" && unions.length === filters.length ? { mayPass: true } : {}),
        };
      return blocked(
        `no ${dir} union rule allows`,
        unions.map((f) => f.id).join(", "),
        unions[0]!.kind,
        null,
      );
    }
  }
  for (const f of filters) {
    if (f.semantics !== "first-match") continue;
    const d = firstMatch(f, rulesOf(f), proto, port, peer);
    if (d.unresolved !== undefined) return unknown(`endpoint first-match filter, ${dir}: undecided`);
    if (!d.allow) return blockedByRef(`endpoint first-match filter, ${dir}`, d.ref);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Step 4: routing legs and subnet boundaries.

interface Leg {
  subnet: Subnet;
  /** The source address of the dst's family (the NAT's private IPv4 after translation). */
  src: bigint;
  ephemeral: IntervalSet;
  nat: NatGateway | null;
  origin: boolean;
  /** NAT gateways already passed on this path. */
  visited: readonly string[];
  /** The NATs passed, as text ("nat-1 -> "), for `why`. */
  path: string;
  /** The answer an audit gives (see step 5), else a trace's. */
  audit: boolean;
}

/**
 * Crossing `subnet`'s boundary: "out" (leaving it towards dst) or "in" (entering it, from the leg's source).
 * The forward packet is judged by egress rules (out, peer = dst) or ingress rules (in, peer = source): a
 * filter that stops it decides (`stop`). The replies of a stateless filter are judged by the other
 * direction's rules with the same peer; a filter that stops them (every reply denied: blocked; some, or
 * one undecided: unknown) does not decide yet: the packet goes on, and `held` lists those outcomes in
 * the order the replies meet them (the later filter first), for `settle` once the rest is known.
 */
function crossBoundary(
  model: NetworkModel,
  subnet: Subnet,
  dir: "out" | "in",
  leg: Leg,
  pkt: Packet,
): { stop: RefOutcome } | { held: RefOutcome[] } {
  const { proto, port } = pkt;
  const peer = dir === "out" ? pkt.dst : leg.src;
  const held: RefOutcome[] = [];
  const stop = (o: RefOutcome) => ({ stop: settle(o, held) });
  for (const id of subnet.boundaryFilterIds) {
    const f = model.filters.get(id);
    if (f === undefined || f.unknown !== undefined)
      return stop(unknown(`boundary filter ${id} missing or unreadable`));
    const forwardRules = dir === "out" ? f.egress : f.ingress;
    const replyRules = dir === "out" ? f.ingress : f.egress;
    const fwd = decide(f, forwardRules, proto, port, peer);
    if (fwd.unresolved !== undefined) return stop(unknown(`${dir} of ${subnet.id}: forward undecided`));
    if (!fwd.allow) return stop(blockedByRef(`${dir} of ${subnet.id}: forward denied`, fwd.ref));
    if (f.stateful) continue;
    const decisions = repliesOf(proto, port, leg.ephemeral).map((replyPort) =>
      decide(f, replyRules, proto, replyPort, peer),
    );
    const denied = decisions.filter((d) => !d.allow);
    recordReplies(f, dir, decisions);
    // A reply the filter cannot decide: the connection is not surely blocked, nor surely working.
    if (decisions.some((d) => d.unresolved !== undefined))
      held.unshift(unknown(`${dir} of ${subnet.id}: a reply undecided`));
    else if (denied.length === 0)
      continue; // every reply passes (or none is expected)
    else if (denied.length < decisions.length)
      held.unshift(unknown(`${dir} of ${subnet.id}: some replies denied`)); // some replies pass, some do not
    else {
      let first = denied[0]!;
      for (const d of denied) if (d.order < first.order) first = d;
      held.unshift(blockedByRef(`${dir} of ${subnet.id}: every reply denied`, first.ref));
    }
  }
  return { held };
}

/**
 * The rules that decided replies at each stateless filter a packet crossed, in the order it crossed them
 * (each filter's in rule order, once each): "acl-1 in allow 100" (`in`: the crossing's direction). Set by
 * replyRulesOf while it walks one packet; a trace lists the same rules in its reply hops. `none`: no
 * reply passed that filter (a trace names the first denying rule in the hop that blocks there, not among
 * the reply hops).
 */
let replyTrail: { rule: string; none: boolean }[] | null = null;

function recordReplies(f: Filter, dir: "out" | "in", decisions: readonly Decision[]): void {
  if (replyTrail === null || decisions.length === 0) return;
  const byOrder = new Map<number, Decision>();
  for (const d of decisions) if (d.unresolved === undefined) byOrder.set(d.order, d);
  const none = decisions.every((d) => !d.allow && d.unresolved === undefined);
  for (const d of [...byOrder.values()].sort((a, b) => a.order - b.order))
    replyTrail.push({ rule: `${f.id} ${dir} ${d.allow ? "allow" : "deny"} ${d.ref.rule ?? "-"}`, none });
}

/** How far the trail went when an outcome was made (see replyRulesOf); the whole walk without it. */
const trailAt = new WeakMap<RefOutcome, number>();

function noteTrail<T extends RefOutcome>(o: T): T {
  if (replyTrail !== null) trailAt.set(o, replyTrail.length);
  return o;
}

/**
 * referenceOutcome for a trace, with the rules that decided the packet's replies (see replyTrail) at
 * the stateless filters on the way the trace shows: up to where it ends (a block or doubt at a filter
 * names what came before it and that filter's), the whole way for an allowed trace or a doubt about the
 * answers of packets that leave. Filters where no reply passes are left out (see replyTrail).
 */
export function replyRulesOf(
  model: NetworkModel,
  ep: Endpoint,
  pkt: Packet,
): { outcome: RefOutcome; replyRules: string[] } {
  replyTrail = [];
  try {
    const outcome = referenceOutcome(model, ep, pkt);
    const upTo = trailAt.get(outcome) ?? replyTrail.length;
    const replyRules = replyTrail
      .slice(0, upTo)
      .filter((e) => !e.none)
      .map((e) => e.rule);
    return { outcome, replyRules };
  } finally {
    replyTrail = null;
  }
}

/**
 * The outcome of a packet whose replies `held` stops (see crossBoundary), once the rest of its way is
 * known (`beyond`): dropped on the way, it never gets a reply and the drop decides; otherwise each held
 * outcome in turn, in the order the replies meet them, decides unless a block already has.
 */
export function settle(beyond: RefOutcome, held: readonly RefOutcome[], keepExit = true): RefOutcome {
  let r = beyond;
  // A doubt about the answers keeps the exit the packets leave by; a doubt or a block of them says
  // where the packets surely leave.
  for (const h of held)
    if (r.verdict === "blocked") {
      // Where whether the packet leaves at all is in doubt, a block does not say it leaves.
      if (!keepExit && r.leaves !== undefined) {
        const { leaves: _, ...unsure } = r;
        const at = trailAt.get(r);
        if (at !== undefined) trailAt.set(unsure, at);
        r = unsure;
      }
    } else {
      if (!keepExit) r = h;
      else if (h.verdict === "unknown" && r.exit !== null) {
        // A trace shows the whole way such packets went (see replyRulesOf).
        const kept = { ...leaving(h, r), exit: r.exit };
        const at = trailAt.get(r);
        if (at !== undefined) trailAt.set(kept, at);
        r = kept;
      } else r = leaving(h, r);
    }
  return r;
}

/** Longest prefix, then higher preference, then the first in the table. */
function lookup(routes: readonly Route[], dst: bigint): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (!r.dest.contains(dst)) continue;
    if (
      best === undefined ||
      r.prefixLength > best.prefixLength ||
      (r.prefixLength === best.prefixLength && r.preference > best.preference)
    ) {
      best = r;
    }
  }
  return best;
}

function route(model: NetworkModel, leg: Leg, pkt: Packet): RefOutcome {
  const S = leg.subnet;
  if (S.routeTableId === null) return unknown(`${S.id} has no route table`);
  const table = model.routeTables.get(S.routeTableId);
  if (table === undefined || table.unknown !== undefined)
    return unknown(`route table of ${S.id} missing or unreadable`);
  const r = lookup(table.routes, pkt.dst);
  if (r === undefined) return blocked("no route", table.id, "route-table", null);
  const t = r.target;
  switch (t.kind) {
    case "blackhole":
      return blockedByRef("blackhole route", r.ref);
    case "local":
      return deliverLocal(model, leg, pkt, t.networkId);
    case "gateway":
      return viaGateway(model, leg, pkt, t.gatewayId);
    case "undecided":
      return unknown("routes tie");
  }
}

function deliverLocal(model: NetworkModel, leg: Leg, pkt: Packet, networkId: string): RefOutcome {
  let D: Subnet | undefined;
  for (const s of model.subnets.values()) {
    if (s.networkId === networkId && s.cidrs.contains(pkt.dst)) {
      D = s;
      break;
    }
  }
  if (D === undefined)
    return blocked("no subnet holds dst", networkId, model.networks.get(networkId)?.kind ?? "network", null);
  if (D.id === leg.subnet.id) return repliesRouted(model, D, leg, pkt, arrive(model, leg, pkt, D));
  // The replies meet D's routing, then D's boundary, then the source subnet's.
  const out = crossBoundary(model, leg.subnet, "out", leg, pkt);
  if ("stop" in out) return out.stop;
  const inn = crossBoundary(model, D, "in", leg, pkt);
  if ("stop" in inn) return settle(inn.stop, out.held);
  return settle(settle(repliesRouted(model, D, leg, pkt, arrive(model, leg, pkt, D)), inn.held), out.held);
}

// ---------------------------------------------------------------------------------------------------------
// Step 5: at the destination. An endpoint of the subnet that has the address must let the packet in by its
// own filters' inbound rules (peer: the source, the NAT's address after a NAT); an audit does not evaluate
// them and answers unknown (exit private). At an address no endpoint has, nothing may answer: unknown.

function arrive(model: NetworkModel, leg: Leg, pkt: Packet, D: Subnet): RefOutcome {
  const host = model.endpoints.find(
    (e) =>
      e.subnetId === D.id &&
      (e.privateIps.includes(pkt.dst) ||
        e.ipv6.includes(pkt.dst) ||
        (e.prefixes?.contains(pkt.dst) ?? false)),
  );
  if (host === undefined) return unknown(`${leg.path}no interface has the address in ${D.id}`, "private");
  if (leg.audit) return unknown(`${leg.path}a host's own filters, not evaluated by audits`, "private");
  const inbound = ownFilters(model, host, "inbound", leg.src, pkt);
  if (inbound !== null) return inbound;
  return allowed(`${leg.path}delivered to ${host.id} in ${D.id}`, "private", null);
}

function viaGateway(model: NetworkModel, leg: Leg, pkt: Packet, gatewayId: string): RefOutcome {
  const g = model.gateways.get(gatewayId);
  if (g === undefined) return unknown(`gateway ${gatewayId} missing`);
  // A NAT gateway or an appliance in the sender's own subnet: no boundary is crossed to reach it.
  const inThisSubnet = (g.kind === "nat" || g.kind === "exit") && g.subnetId === leg.subnet.id;
  if (inThisSubnet) return beyondGateway(model, g, leg, pkt);
  const out = crossBoundary(model, leg.subnet, "out", leg, pkt);
  if ("stop" in out) return out.stop;
  return settle(beyondGateway(model, g, leg, pkt), out.held);
}

function beyondGateway(model: NetworkModel, g: Gateway, leg: Leg, pkt: Packet): RefOutcome {
  switch (g.kind) {
    case "internet":
    case "egress-only-internet":
      return toInternet(model, g, leg, pkt);
    case "exit": {
      // It delivers from the sender's network only to the addresses it names, where it names them.
      const only = g.delivery?.byNetwork.get(leg.subnet.networkId) ?? g.delivery?.otherwise;
      if (only?.kind === "unknown") return unknown(`what ${g.id} delivers is not known`, g.exit);
      if (only && !only.ips.contains(pkt.dst))
        return blocked(`${g.id} does not deliver to the destination`, g.id, g.ref.kind, only.rule);
      if (g.drops) return blocked(`${g.id} drops it`, g.id, g.ref.kind, g.drops.setting);
      return g.reaches === true
        ? allowed(`${leg.path}exit ${g.id}`, g.exit, null)
        : unknown(`exit ${g.id}`, g.exit);
    }
    case "nat":
      return throughNat(model, g, leg, pkt);
  }
}

function toInternet(model: NetworkModel, g: Gateway, leg: Leg, pkt: Packet): RefOutcome {
  let egressIp: string;
  // The public addresses it may leave from: its own, or each Elastic IP of the NAT gateway sending it.
  let publics: readonly bigint[];
  if (isV4(pkt.dst)) {
    if (g.kind !== "internet") return blockedByGateway("IPv4 to an egress-only gateway", g);
    if (leg.nat !== null && leg.nat.connectivity === "private") {
      return blocked("private NAT to the internet", leg.nat.id, leg.nat.ref.kind, null);
    }
    const pub = g.publicIpOf.get(leg.src);
    // Whatever its public IP, a destination off the internet is dropped.
    if (pub === undefined && g.kind === "internet" && g.publicIpInDoubt?.has(leg.src))
      return PUBLIC_INTERNET.contains(pkt.dst)
        ? unknown("public IPv4 in doubt")
        : blockedByGateway("dst is not public", g);
    if (pub === undefined) return blockedByGateway("no public IPv4", g);
    egressIp = formatIp(pub);
    publics = leg.nat?.publicIps ?? [pub];
  } else {
    if (leg.nat !== null) return blockedByGateway("a NAT leg has no IPv6 source", g);
    egressIp = formatIp(leg.src);
    publics = [leg.src];
  }
  if (!PUBLIC_INTERNET.contains(pkt.dst)) return blockedByGateway("dst is not public", g);
  // An account-wide block on internet gateway traffic (VPC Block Public Access), by the leg's subnet.
  const block = model.networks.get(leg.subnet.networkId)?.internetBlock;
  if (block !== undefined) {
    if (block.unknown !== undefined || block.changing !== undefined)
      return unknown("internet block unreadable or being changed");
    const carried = leg.nat !== null || g.kind === "egress-only-internet";
    if (block.mode === "bidirectional" || !carried) {
      const ids = [leg.subnet.id, leg.subnet.networkId];
      const exempt = ids.some((id) => {
        const m = block.exempt.get(id);
        return m === "bidirectional" || (m === "egress" && block.mode === "bidirectional");
      });
      if (!exempt && ids.some((id) => block.pending.has(id)))
        return unknown("internet block exclusion pending");
      if (!exempt && block.exclusionsUnknown !== undefined)
        return unknown("internet block exclusions unread");
      if (!exempt) return blockedByRef("internet block", block.ref);
    }
  }
  // What expects no answer (one-way ICMP) has left: the checks on the way back do not concern it.
  if (repliesOf(pkt.proto, pkt.port, leg.ephemeral).length === 0)
    return reached(model, g, leg, pkt, egressIp);
  // A sender in a block its network does not advertise (or a unique local address): no answer comes back.
  const net = model.networks.get(leg.subnet.networkId);
  const privateBlock = net?.privateIpv6?.find((b) => b.ips.contains(leg.src));
  if (!ULA.contains(leg.src) && privateBlock?.unread !== undefined)
    return unknown("whether the source's IPv6 block is advertised is not known");
  const unadvertised = ULA.contains(leg.src) ? "fc00::/7" : privateBlock?.cidr;
  if (unadvertised !== undefined)
    return blockedByRef("private IPv6 source", {
      resource: leg.subnet.networkId,
      kind: net?.kind ?? "network",
      rule: unadvertised,
    });
  // Public addresses the internet may not route back: blocked when none of them is, unknown otherwise.
  const ranges = publics.map((a) => model.unannounced.find((r) => r.ips.contains(a)));
  const first = ranges.find((r) => r !== undefined);
  if (first !== undefined) {
    if (ranges.every((r) => r?.verdict === "blocked")) return blockedByRef("unannounced source", first.ref);
    return unknown("unannounced source");
  }
  // Replies come back through the gateway to the sender's private address; a gateway route table may
  // send them elsewhere first (an appliance: unknown; a blackhole: blocked).
  if (g.kind === "internet" && g.ingressTableId !== undefined) {
    const table = model.routeTables.get(g.ingressTableId);
    // The packet left (unless the provider may stop it: see reached), as egressIp.
    const out = reached(model, g, leg, pkt, egressIp);
    if (table === undefined || table.unknown !== undefined)
      return leaving(unknown("gateway route table unreadable"), out);
    const r = lookup(table.routes, leg.src);
    if (r !== undefined && r.target.kind === "blackhole")
      return leaving(blockedByRef("replies blackholed", r.ref), out);
    if (r !== undefined && r.target.kind !== "local")
      return leaving(unknown("replies diverted", "internet"), out);
  }
  return reached(model, g, leg, pkt, egressIp);
}

/** Out to the internet through `g`, unless the provider may stop it there (an internet doubt): unknown. */
function reached(model: NetworkModel, g: Gateway, leg: Leg, pkt: Packet, egressIp: string): RefOutcome {
  if (model.internetDoubts.some((d) => d.match.contains(pkt.proto, pkt.port, pkt.dst)))
    return unknown("the provider may stop it", "internet");
  return allowed(`${leg.path}internet via ${g.id}`, "internet", egressIp);
}

function throughNat(model: NetworkModel, g: NatGateway, leg: Leg, pkt: Packet): RefOutcome {
  if (g.unusable !== undefined) return blockedByGateway("NAT unusable", g);
  if (leg.visited.includes(g.id)) return blockedByGateway("NAT loop", g);
  // NAT64: TCP and UDP to 64:ff9b::a.b.c.d go on as IPv4 to a.b.c.d; ICMPv6 is rewritten (not followed).
  if (!isV4(pkt.dst)) {
    if (!inNat64(pkt.dst)) return blockedByGateway("IPv6 to a NAT", g);
    if (pkt.proto === ICMPV6) return unknown("NAT64 ICMP");
    if (pkt.proto !== TCP && pkt.proto !== UDP) return blockedByGateway("protocol not translated", g);
  } else if (!g.protocols.contains(BigInt(pkt.proto))) return blockedByGateway("protocol not translated", g);
  const N = model.subnets.get(g.subnetId);
  if (N === undefined) return unknown(`NAT subnet ${g.subnetId} missing`);
  let held: RefOutcome[] = [];
  if (N.id !== leg.subnet.id) {
    const inn = crossBoundary(model, N, "in", leg, pkt);
    if ("stop" in inn) return inn.stop;
    held = inn.held;
  }
  const next: Leg = {
    subnet: N,
    src: g.privateIp,
    ephemeral: g.ephemeralPorts,
    nat: g,
    origin: false,
    visited: [...leg.visited, g.id],
    path: `${leg.path}${g.id} -> `,
    audit: leg.audit,
  };
  const translated = isV4(pkt.dst) ? pkt : { ...pkt, dst: TWO_128 + (pkt.dst - NAT64_FIRST) };
  const result = settle(repliesRouted(model, N, leg, pkt, route(model, next, translated)), held);
  // ICMP other than a query request (an error, a reply, a redirect...) belongs to no mapping a NAT
  // tracks for the source that starts it (RFC 5508); what AWS does with it is undocumented, so what
  // would get through is unknown (what is stopped on the way is stopped by its rule).
  const untracked =
    (pkt.proto === ICMP || pkt.proto === ICMPV6) &&
    ICMP_REPLY_TYPE[`${pkt.proto}:${pkt.port >> 8}`] === undefined;
  return untracked && result.verdict === "allowed"
    ? unknown("ICMP other than a query through a NAT", result.exit)
    : result;
}

/**
 * `beyond` once the replies are routed: whoever answers the client (a NAT gateway, a destination host)
 * sends them by its own subnet R's route table, which may take the client's subnet away from the local
 * route: a blackhole blocks what would be allowed, anything else (a table not read too) leaves it
 * unknown. Only packets that expect a reply, only across subnets.
 */
function repliesRouted(
  model: NetworkModel,
  R: Subnet,
  leg: Leg,
  pkt: Packet,
  beyond: RefOutcome,
): RefOutcome {
  if (beyond.verdict === "blocked" || R.id === leg.subnet.id) return beyond;
  if (repliesOf(pkt.proto, pkt.port, leg.ephemeral).length === 0) return beyond;
  const table = R.routeTableId === null ? undefined : model.routeTables.get(R.routeTableId);
  // A table not read (or not in the data) may take the client's address anywhere.
  if (table === undefined || table.unknown !== undefined)
    return beyond.verdict === "allowed"
      ? leaving(unknown("replies' route table unreadable", beyond.exit), beyond)
      : beyond;
  const r = lookup(table.routes, leg.src);
  if (r === undefined || r.target.kind === "local") return beyond;
  // A blackhole drops the answers whatever became of the request; elsewhere, an unknown stays one.
  if (r.target.kind === "blackhole") return leaving(blockedByRef("replies blackholed", r.ref), beyond);
  return beyond.verdict === "allowed" ? leaving(unknown("replies diverted", beyond.exit), beyond) : beyond;
}

// ---------------------------------------------------------------------------------------------------------

/** The outcome of one concrete packet sent by `ep`, as a trace or (`mode` "audit") an audit reports it. */
export function referenceOutcome(
  model: NetworkModel,
  ep: Endpoint,
  pkt: Packet,
  mode: "trace" | "audit" = "trace",
): RefOutcome {
  // 1. A source address of the destination's family.
  const src = isV4(pkt.dst) ? ep.privateIps[0] : ep.ipv6[0];
  if (src === undefined) return blocked("no source address of the family", ep.id, ep.kind, null);
  // 1b. To its own address (or one of a prefix delegated to it): the host keeps it.
  if (
    ep.privateIps.includes(pkt.dst) ||
    ep.ipv6.includes(pkt.dst) ||
    (ep.prefixes?.contains(pkt.dst) ?? false)
  )
    return allowed("own address", "private", null);
  // 2. The endpoint's subnet.
  const subnet = model.subnets.get(ep.subnetId);
  if (subnet === undefined) return unknown(`endpoint subnet ${ep.subnetId} missing`);
  // 3. Its own filters.
  const own = ownFilters(model, ep, "outbound", pkt.dst, pkt);
  if (own !== null && own.mayPass !== true) return own;
  // 4. Routing from its subnet.
  const leg: Leg = {
    subnet,
    src,
    ephemeral: ep.ephemeralPorts,
    nat: null,
    origin: true,
    visited: [],
    path: "",
    audit: mode === "audit",
  };
  if (own === null) return route(model, leg, pkt);
  // Whether the filters let it out or not, a drop further on blocks it; if not dropped, it is unknown.
  const { mayPass: _, ...doubt } = own;
  // A trace of such packets ends at the filters in doubt (see replyRulesOf): noted before the walk on.
  noteTrail(doubt);
  return settle(route(model, leg, pkt), [doubt], false);
}
