// The input's own addresses on the internet: its interfaces' public and Elastic IPs and IPv6 addresses
// (and the IPv6 prefixes delegated to them), its NAT gateways' Elastic IPs. Packets to one of them
// leave through an internet gateway like any others, then come back in: to a NAT gateway, which takes
// no connection it did not start, or through the destination's internet gateway to its subnet's
// network ACL and its security groups, which decide whether they get in (followed for an interface's
// public IPv4 address; an IPv6 one, in another VPC, is unknown). A trace to such an address must not
// end at "reaches the internet": an interface whose groups let nothing in would read as reached.
//
// Only traces ask this (see runTrace). An audit answers for its destinations as the internet: every
// public address, among which a handful of the input's own would cut every answer into pieces, each
// of whose address lists would then spell out the internet around them.
import {
  formatIp,
  IntervalSet,
  IPV6_ALL,
  PacketSet,
  parseIp,
  PORT_ALL,
  PROTO,
  PROTO_ALL,
} from "../netset/index.js";
import { NAT64_PREFIX, NAT64_TO_V4 } from "./propagate.js";
import type { Endpoint, InternetGateway, NatGateway, NetworkModel, Rule, RuleRef } from "../model/types.js";
import { evalFirstMatch, evalUnion, specializeRules, type FilterSplit } from "./filters.js";
import { blocked, hopAt, piece, reach, ruleLabel, type Hop, type Outcome, type Piece } from "./outcome.js";
import { EXPECTS_REPLY } from "./returns.js";
import { routeFor } from "./routing.js";

/** One of the input's own addresses (or delegated prefixes) on the internet. */
interface Target {
  ips: IntervalSet;
  /** What becomes of `packets` to it, which reached the internet as outcome `reached` says. */
  fate: (packets: PacketSet, reached: Outcome) => Piece[];
}

export class OwnAddresses {
  private readonly targets: Target[] = [];
  /** Every target's addresses: most packets miss them all. */
  private readonly all: IntervalSet;

  constructor(model: NetworkModel) {
    const owners = new Map<string, Endpoint>();
    for (const ep of model.endpoints) for (const ip of ep.privateIps) owners.set(`${ep.networkId}|${ip}`, ep);
    // A NAT gateway's Elastic IPs: the internet gateway maps its private address to the primary one;
    // with several, the gateway lists them all.
    const nats = new Map<string, NatGateway>();
    for (const g of model.gateways.values()) {
      if (g.kind !== "nat") continue;
      const network = model.subnets.get(g.subnetId)?.networkId;
      if (network !== undefined) nats.set(`${network}|${g.privateIp}`, g);
      for (const pub of g.publicIps ?? []) this.targets.push(natTarget(g, pub));
    }
    for (const g of model.gateways.values()) {
      if (g.kind !== "internet" || g.networkId === null) continue;
      for (const [priv, pub] of g.publicIpOf) {
        const nat = nats.get(`${g.networkId}|${priv}`);
        if (nat?.publicIps) continue;
        if (nat) {
          this.targets.push(natTarget(nat, pub));
          continue;
        }
        const owner = owners.get(`${g.networkId}|${priv}`);
        const what = `${formatIp(pub)} is the public IP of ${owner?.id ?? formatIp(priv)}`;
        this.targets.push({
          ips: IntervalSet.point(pub),
          fate: owner
            ? (packets, o) => inbound({ model, g, owner, shift: priv - pub, packets, o, what })
            : notFollowed(what, { id: formatIp(priv), kind: "address" }),
        });
      }
    }
    // Public IPs the input names for its interfaces that no gateway translates to now (one in doubt,
    // or whose gateway is not attached): whose they are, and what lets traffic in, is not known.
    const mapped = IntervalSet.unionAll(this.targets.map((t) => t.ips));
    for (const [pub, who] of model.namedPublicIps ?? [])
      if (!mapped.contains(pub))
        this.targets.push({
          ips: IntervalSet.point(pub),
          fate: notFollowed(
            `${formatIp(pub)} is named as a public IP of ${who}`,
            { id: who, kind: who.startsWith("eni-") ? "eni" : "address" },
            "whether it is still its, and what lets the packets in, cannot be told (its public IP is in doubt, or its internet gateway is not attached)",
          ),
        });
    // IPv6 addresses are not translated: an interface's own, or one of a prefix delegated to it, is
    // where it is reached from the internet.
    for (const ep of model.endpoints) {
      const v6 = IntervalSet.fromRanges(ep.ipv6.map((ip) => [ip, ip] as const)).union(
        ep.prefixes?.intersect(IPV6_ALL) ?? IntervalSet.EMPTY,
      );
      if (!v6.isEmpty()) this.targets.push({ ips: v6, fate: notFollowed(`the address is ${ep.id}'s`, ep) });
    }
    this.all = IntervalSet.unionAll(this.targets.map((t) => t.ips));
  }

  /**
   * Which of the input's own addresses lie in `ips` (an audit's destinations): those of 64:ff9b::/96
   * too, as the IPv4 addresses a NAT gateway sends them on to (NAT64).
   */
  within(ips: IntervalSet): IntervalSet {
    const nat64 = PacketSet.cube(PROTO_ALL, PORT_ALL, ips.intersect(NAT64_PREFIX))
      .shiftIps(NAT64_TO_V4)
      .ips();
    return this.all.intersect(ips.union(nat64));
  }

  /**
   * `pieces` with those that reach the internet cut where they go to the input's own addresses, which
   * get those addresses' fates. Packets a NAT gateway sends on from 64:ff9b::a.b.c.d (NAT64) go to
   * a.b.c.d: looked up there.
   */
  comeBack(pieces: readonly Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const p of pieces) {
      const o = p.outcome;
      if (o.verdict !== "allowed" || o.exit !== "internet") {
        out.push(p);
        continue;
      }
      const nat64 = p.packets.restrictIps(NAT64_PREFIX);
      out.push(...this.cut(p.packets.subtract(nat64), o));
      for (const x of this.cut(nat64.shiftIps(NAT64_TO_V4), o))
        out.push({ packets: x.packets.shiftIps(-NAT64_TO_V4), outcome: x.outcome });
    }
    return out;
  }

  /** `packets`, which reached the internet as `o` says, cut by the targets they go to. */
  private cut(packets: PacketSet, o: Outcome): Piece[] {
    if (packets.isEmpty()) return [];
    if (!packets.ips().overlaps(this.all)) return [{ packets, outcome: o }];
    const out: Piece[] = [];
    let rest = packets;
    for (const t of this.targets) {
      const hit = rest.restrictIps(t.ips);
      if (hit.isEmpty()) continue;
      rest = rest.subtract(hit);
      out.push(...t.fate(hit, o));
    }
    if (!rest.isEmpty()) out.push({ packets: rest, outcome: o });
    return out;
  }
}

/** An Elastic IP of NAT gateway `g`: it drops what comes to it unasked. */
function natTarget(g: NatGateway, pub: bigint): Target {
  const reason = `${formatIp(pub)} is an Elastic IP of NAT gateway ${g.id}, which takes no connection it did not start: what comes to it unasked is dropped`;
  return {
    ips: IntervalSet.point(pub),
    fate: (packets, o) => {
      const ref: RuleRef = { resource: g.id, kind: g.ref.kind, rule: null };
      return [
        blocked(packets, ref, `${reason} (the packets leave ${asWhat(o)})`, [
          ...o.hops,
          hopAt(ref, "drop", "unsolicited inbound"),
        ]),
      ];
    },
  };
}

/**
 * How packets that reached the internet (`o`) left: as what address. (Not as Outcome.leaves, which
 * says the replies alone are what is stopped or in doubt.)
 */
function asWhat(o: Outcome): string {
  return o.egressIp === null ? "through the internet" : `as ${o.egressIp}`;
}

/**
 * Packets to an address whose way back in is not followed (`why`, else: what lets them in is the
 * owner's gateway, network ACL and security groups): they leave, and whether they get in is unknown.
 */
function notFollowed(
  what: string,
  owner: { id: string; kind: string },
  why = "its network's internet gateway, its subnet's network ACL and its security groups decide whether they get in, which this version does not follow",
): (packets: PacketSet, o: Outcome) => Piece[] {
  const at: RuleRef = { resource: owner.id, kind: owner.kind, rule: null };
  return (packets, o) => [
    piece(
      packets,
      reach(
        "unknown",
        "internet",
        `${what} in the input: the packets leave ${asWhat(o)} and come back in to it, where ${why}`,
      ),
      [...o.hops, hopAt(at, "drop", "back in from the internet: not followed")],
    ),
  ];
}

/** The client ports replies may go to: every range a sender or NAT gateway picks from lies in it. */
const CLIENT_PORTS = IntervalSet.range(1024n, 65535n);
const TCP_UDP = IntervalSet.point(BigInt(PROTO.TCP)).union(IntervalSet.point(BigInt(PROTO.UDP)));

/** Packets on their way back in to an interface's public IP (see inbound). */
interface Arrival {
  model: NetworkModel;
  g: InternetGateway;
  owner: Endpoint;
  /** Added to their destination, it is the owner's private address. */
  shift: bigint;
  packets: PacketSet;
  /** How they reached the internet. */
  o: Outcome;
  /** "a.b.c.d is the public IP of eni-x": what the reasons start with. */
  what: string;
}

/**
 * Packets (`packets`, which reached the internet as `o` says, sent as its egress IP) to `owner`'s
 * public IP, which internet gateway `g` of its network translates to its private address (`shift`
 * added): they come back in through `g`, and the owner's subnet's network ACLs (both ways: the replies
 * leave by them), its security groups (which see the sender's public address: a rule naming a group
 * matches its members' private addresses only) and the route its subnet gives the replies decide.
 * Allowed where all of that surely lets the exchange through, blocked where a rule surely stops it;
 * what this does not follow (a gateway route table, VPC Block Public Access, the answers to protocols
 * other than TCP and UDP, replies an ACL lets out on only some client ports, replies routed elsewhere,
 * rules in doubt) is unknown. ICMP messages that expect no answer, let in, are delivered.
 */
function inbound(a: Arrival): Piece[] {
  const { model, owner, o, what } = a;
  const sent = o.egressIp === null || o.egressIp.startsWith("{") ? undefined : parseIp(o.egressIp);
  // A NAT gateway with several Elastic IPs spreads connections over them all (o names the primary):
  // each may be the one the owner's rules see.
  const spread =
    sent === undefined
      ? undefined
      : [...model.gateways.values()].find((x) => x.kind === "nat" && x.publicIps?.includes(sent));
  const senders = spread?.kind === "nat" ? spread.publicIps! : [sent];
  const [first, ...others] = senders.map((from) => inboundFrom(a, from));
  if (others.length === 0) return first!;
  // Where what they get differs, whether a connection gets in depends on the address it leaves as.
  const out: Piece[] = [];
  for (const p of first!) {
    let differs = PacketSet.EMPTY;
    for (const r of others)
      for (const q of r)
        if (q.outcome.verdict !== p.outcome.verdict && q.packets.overlaps(p.packets))
          differs = differs.union(q.packets.intersect(p.packets));
    const same = p.packets.subtract(differs);
    if (!same.isEmpty()) out.push({ packets: same, outcome: p.outcome });
    if (!differs.isEmpty())
      out.push(
        ...notFollowed(
          what,
          owner,
          `what gets in depends on the address it comes from, and ${spread!.id} spreads connections over its Elastic IPs ${senders.map((x) => formatIp(x!)).join(", ")}: its rules let in some of them and not others`,
        )(differs, o),
      );
  }
  return out;
}

/** `inbound`, for packets sent from public address `from` (undefined: not known). */
function inboundFrom(a: Arrival, from: bigint | undefined): Piece[] {
  const { model, g, owner, shift, packets, o, what } = a;
  const unknownFor = (set: PacketSet, why: string): Piece[] =>
    set.isEmpty() ? [] : notFollowed(what, owner, why)(set, o);
  const sender = from === undefined ? "the sender" : formatIp(from);
  const subnet = model.subnets.get(owner.subnetId);
  const table = subnet?.routeTableId ? model.routeTables.get(subnet.routeTableId) : undefined;
  const acls = (subnet?.boundaryFilterIds ?? []).map((id) => model.filters.get(id));
  const groups = owner.filterIds.map((id) => model.filters.get(id));
  if (
    from === undefined ||
    table === undefined ||
    table.unknown !== undefined ||
    [...acls, ...groups].some((f) => f === undefined || f.unknown !== undefined) ||
    acls.some((f) => f!.semantics !== "first-match") ||
    groups.some((f) => f!.semantics !== "union")
  )
    return unknownFor(packets, `what lets them in to ${owner.id} is not known`);
  if (owner.stopped !== undefined || owner.unattached !== undefined)
    return unknownFor(packets, `${owner.id} is not running or not attached`);
  if (g.ingressTableId !== undefined || model.networks.get(owner.networkId)?.internetBlock !== undefined)
    return unknownFor(
      packets,
      `what comes in through ${g.id} meets a gateway route table or VPC Block Public Access, which this version does not follow back in`,
    );
  const out: Piece[] = [];
  // Their destination as it arrives: the owner's private address.
  let live = packets.shiftIps(shift);
  const hops: Hop[] = [...o.hops];
  const delivered = (set: PacketSet, how: string): Piece => ({
    packets: set.shiftIps(-shift),
    outcome: {
      ...o,
      reason: `${o.reason}; ${what}, which lets it in through ${g.id} (${how})`,
      hops: [
        ...hops,
        hopAt(
          { resource: owner.id, kind: owner.kind, rule: null },
          "exit",
          `delivered as ${formatIp(set.ips().min()!)}`,
        ),
      ],
    },
  });
  const stopAt = (split: FilterSplit, reason: (ref: string) => string): void => {
    for (const d of split.denied)
      out.push(
        blocked(
          d.set.shiftIps(-shift),
          d.ref,
          `${what}, but ${reason(ruleLabel(d.ref))} (the packets leave ${asWhat(o)})`,
          [...hops, hopAt(d.ref, "deny", `inbound from ${sender}`)],
        ),
      );
    for (const u of split.undecided) out.push(...unknownFor(u.set.shiftIps(-shift), u.reason));
    live = PacketSet.unionAll(split.allowed.map((a) => a.set));
    const first = split.allowed[0]?.ref;
    if (first) hops.push(hopAt(first, "allow", `inbound from ${sender}`));
  };
  // In through the subnet's network ACLs, then the owner's security groups, each seeing the sender.
  for (const f of acls) {
    stopAt(
      evalFirstMatch(specializeRules(f!.ingress, from, null), f!.defaultRef, live),
      (ref) => `${ref} denies it inbound from ${sender}`,
    );
    if (live.isEmpty()) return out;
  }
  const rules: Rule[] = groups.flatMap((f) => specializeRules(f!.ingress, from, null));
  const allowed = PacketSet.unionAll(
    rules.filter((r) => r.action === "allow" && !r.unresolved).map((r) => r.match),
  );
  const ids = groups.map((f) => f!.id).join(", ");
  stopAt(
    evalUnion(
      rules,
      allowed,
      { resource: ids, kind: groups[0]?.kind ?? "security-group", rule: null },
      live,
      true,
    ),
    () => `no inbound rule of ${ids} on ${owner.id} allows it from ${sender}`,
  );
  if (live.isEmpty()) return out;
  // Protocols other than TCP and UDP, let in: ICMP messages that expect no answer are delivered; what
  // answers the others (an echo request's reply, GRE) is not followed back out. (What the network ACL
  // or the groups refuse of them is blocked above, whatever the protocol.)
  const other = live.subtract(live.restrictProtocols(TCP_UDP));
  if (!other.isEmpty()) {
    const oneWay = other.subtract(EXPECTS_REPLY);
    if (!oneWay.isEmpty())
      out.push(
        delivered(
          oneWay,
          `its network ACL and security groups allow it from ${sender}; it expects no answer`,
        ),
      );
    out.push(
      ...unknownFor(
        other.subtract(oneWay).shiftIps(-shift),
        `${owner.id}'s network ACL and security groups let them in from ${sender}, but what answers protocols other than TCP and UDP is not followed back out`,
      ),
    );
    live = live.restrictProtocols(TCP_UDP);
    if (live.isEmpty()) return out;
  }
  // The replies: out through the subnet's network ACLs to the sender's client port (whichever it
  // picked), and routed back through the gateway they came in by.
  const replies = PacketSet.cube(live.protocols(), CLIENT_PORTS, IntervalSet.point(live.ips().min()!));
  for (const f of acls) {
    const split = evalFirstMatch(specializeRules(f!.egress, from, null), f!.defaultRef, replies);
    if (PacketSet.unionAll(split.allowed.map((a) => a.set)).equals(replies)) continue;
    // Every reply denied: no exchange completes, whichever client port.
    const denier = split.denied[0]?.ref;
    if (split.allowed.length === 0 && split.undecided.length === 0 && denier)
      return [
        ...out,
        blocked(
          live.shiftIps(-shift),
          denier,
          `${what}, but ${ruleLabel(denier)} denies its replies to ${sender} (the packets leave ${asWhat(o)})`,
          [...hops, hopAt(denier, "deny", `outbound replies to ${sender}`)],
        ),
      ];
    return [
      ...out,
      ...unknownFor(
        live.shiftIps(-shift),
        `${f!.id} does not surely let the replies out to every client port 1024-65535 of ${sender}`,
      ),
    ];
  }
  const back = routeFor(table, from);
  if (back?.target.kind !== "gateway" || back.target.gatewayId !== g.id)
    return [
      ...out,
      ...unknownFor(
        live.shiftIps(-shift),
        `${table.id} does not route the replies to ${sender} back through ${g.id}`,
      ),
    ];
  out.push(
    delivered(
      live,
      `its network ACL and security groups allow it from ${sender}, and the replies go back the same way`,
    ),
  );
  return out;
}
