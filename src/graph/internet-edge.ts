// The internet edge: what decides, besides routing, whether packets that leave through an internet
// (or egress-only) gateway make a connection. They may be stopped on the way out (an account-wide block
// on internet gateway traffic), or leave from an address no answer comes back to (an IPv6 block the
// network does not advertise, a public address the internet does not route back to the cloud), or
// their answers may be diverted on the way back in (a gateway route table). Each of these depends on
// the source's own addresses, so the audit's shared results key on them too (addressKey).
import { formatIp, isV4, parseCidr, type PacketSet } from "../netset/index.js";
import type { Gateway, NatGateway, NetworkModel, Subnet } from "../model/types.js";
import { blocked, hopAt, piece, reach, unknown, type Hop, type Piece } from "./outcome.js";
import { routeFor } from "./routing.js";

/** Unique local addresses (RFC 4193): never routed on the internet. */
const ULA = parseCidr("fc00::/7");

/** What of a leg the edge decides on: where it sends from. */
export interface EdgeLeg {
  subnet: Subnet;
  /** The NAT gateway the leg leaves from, if any. */
  nat: NatGateway | null;
  /** The originating endpoint's own leg (its addresses are filled in per endpoint in audit mode). */
  origin: boolean;
}

export class InternetEdge {
  /** `detail`: traces (results name the source's own addresses), else audits (shared results). */
  constructor(
    private readonly model: NetworkModel,
    private readonly detail: boolean,
  ) {}

  /**
   * What of a source's addresses the edge's answers depend on: the internet gateways that map its
   * IPv4 address (and whether the internet routes that public address back), where gateway route
   * tables send replies to each address, and the block that keeps its IPv6 address off the internet,
   * if any (of its subnet's network `networkId`).
   */
  addressKey(src4: bigint | null, src6: bigint | null, networkId: string | null): string {
    return [
      src4 === null ? "-" : this.mappedBy(src4),
      src4 === null ? "-" : this.replyRouting(src4),
      src6 === null ? "-" : this.replyRouting(src6),
      src6 === null || networkId === null ? "-" : (this.privateBlockOf(networkId, src6)?.cidr ?? "-"),
      src6 === null ? "-" : this.unannouncedAt(src6),
    ].join("|");
  }

  /**
   * What becomes of packets `set` (to public destinations) that `leg` sends through internet or
   * egress-only gateway `g`, besides reaching the internet: blocked or unknown, with `hops` so far
   * and the deciding one; null when nothing at the edge stops them. `replyTo`: the private address
   * answers come back to; `publics`: the public addresses the packets may leave from (the source's
   * own, or each Elastic IP of the NAT gateway sending them). `expectsReply`: false for packets that
   * expect no answer (one-way ICMP), which only a block on the traffic itself can stop: the checks on
   * the way back do not concern them. `egressIp`: the address they leave as, for a decision on their
   * replies alone to say (see Outcome.leaves).
   */
  decide(
    g: Gateway,
    leg: EdgeLeg,
    replyTo: bigint | null,
    publics: readonly bigint[],
    egressIp: string,
    set: PacketSet,
    hops: Hop[],
    expectsReply = true,
  ): Piece | null {
    const block = this.internetBlock(g, leg, set, hops);
    if (block || !expectsReply) return block;
    return (
      this.privateSource(g, leg, replyTo, set, hops) ??
      this.unannouncedSource(g, leg, publics, set, hops) ??
      this.divertedReplies(g, replyTo, egressIp, set, hops)
    );
  }

  /**
   * The block of network `networkId` that keeps address `ip` off the internet, if any (see
   * Network.privateIpv6): what answers a source there does not reach it. None for IPv4 addresses,
   * whose way out is a translation.
   */
  private privateBlockOf(networkId: string, ip: bigint): { cidr: string; unread?: string } | undefined {
    if (ULA.contains(ip)) return { cidr: "fc00::/7" };
    return this.model.networks.get(networkId)?.privateIpv6?.find((b) => b.ips.contains(ip));
  }

  /**
   * Packets through internet gateway `g` from an address (`replyTo`, the one replies come back to) in
   * a block the network does not advertise on the internet: they may leave, but no answer finds its
   * way back, so no connection is made. Null for others.
   */
  private privateSource(
    g: Gateway,
    leg: EdgeLeg,
    replyTo: bigint | null,
    set: PacketSet,
    hops: Hop[],
  ): Piece | null {
    if (replyTo === null) return null;
    const networkId = leg.subnet.networkId;
    // Whether the network advertises an IPv6 block on the internet only its own description says.
    const net = this.model.networks.get(networkId);
    const unread = isV4(replyTo) ? undefined : net?.unread;
    if (unread !== undefined)
      return unknown(
        set,
        `whether the internet can answer the source's IPv6 address is not known: ${unread}`,
        [...hops, { resource: networkId, kind: net!.kind, action: "drop", rule: null, detail: "not read" }],
      );
    const block = this.privateBlockOf(networkId, replyTo);
    if (!block) return null;
    const kind = this.model.networks.get(networkId)?.kind ?? "network";
    const ref = { resource: networkId, kind, rule: block.cidr };
    if (block.unread !== undefined)
      return unknown(
        set,
        `whether the internet can answer the source's IPv6 address is not known: ${block.unread}`,
        [...hops, hopAt(ref, "drop", `${block.cidr}: whether it is advertised on the internet is not known`)],
      );
    return blocked(
      set,
      ref,
      `the source's IPv6 address is in ${block.cidr}, which ${networkId} does not advertise on the internet: nothing there can answer it (a resource with a public address has to relay it)`,
      [...hops, hopAt(ref, "drop", `not advertised on the internet: no answer comes back through ${g.id}`)],
    );
  }

  /**
   * Which route of each internet gateway's gateway route table takes replies to `ip` (see
   * divertedReplies): part of what a shared result depends on.
   */
  private replyRouting(ip: bigint): string {
    let out = "";
    for (const g of this.model.gateways.values()) {
      if (g.kind !== "internet" || g.ingressTableId === undefined) continue;
      const rt = this.model.routeTables.get(g.ingressTableId);
      out += `${g.id}>${rt ? rt.routes.indexOf(routeFor(rt, ip)!) : "?"};`;
    }
    return out;
  }

  /**
   * Replies from the internet come back through internet gateway `g` to `addr` (the source's private
   * address after the gateway translates back). A gateway route table may send them elsewhere than
   * the VPC's local delivery, say to an inspection appliance: then whether the connection works is
   * not known (or, to a blackhole, it does not). Null when they come straight back. Either way the
   * packets left, as `egressIp` (see Outcome.leaves).
   */
  private divertedReplies(
    g: Gateway,
    addr: bigint | null,
    egressIp: string,
    set: PacketSet,
    hops: Hop[],
  ): Piece | null {
    if (g.kind !== "internet" || g.ingressTableId === undefined || addr === null) return null;
    const rt = this.model.routeTables.get(g.ingressTableId);
    const hop = (action: Hop["action"], rule: string | null, detail: string): Hop[] => [
      ...hops,
      { resource: g.ingressTableId!, kind: "route-table", action, rule, detail },
    ];
    const left = (p: Piece): Piece => ({
      packets: p.packets,
      outcome: { ...p.outcome, leaves: { exit: "internet", egressIp } },
    });
    if (!rt || rt.unknown)
      return left(
        unknown(
          set,
          `replies come back through ${g.id}, whose gateway route table ${g.ingressTableId} could not be read${rt?.unknown ? ` (${rt.unknown})` : ""}`,
          hop("drop", null, "replies: not read"),
        ),
      );
    const r = routeFor(rt, addr);
    if (!r || r.target.kind === "local") return null;
    if (r.target.kind === "blackhole")
      return left(
        blocked(
          set,
          r.ref,
          `replies come back through ${g.id}, whose gateway route table ${rt.id} drops them (route ${r.ref.rule ?? ""} is a blackhole)`,
          hop("drop", r.ref.rule, "replies: blackhole"),
        ),
      );
    // The packets did leave for the internet; what becomes of the answers is not known.
    const t = r.target;
    const route = r.ref.rule ?? "";
    return left(
      piece(
        set,
        reach(
          "unknown",
          "internet",
          `replies from the internet come back through ${g.id}, whose gateway route table ${rt.id} ` +
            (t.kind === "undecided"
              ? `routes them by route ${route}: ${t.why}`
              : `sends them (route ${route}) to ${t.gatewayId}: what that does with them is not analysed`),
        ),
        t.kind === "undecided"
          ? hop("drop", r.ref.rule, "replies: not known")
          : hop("forward", r.ref.rule, `replies -> ${t.gatewayId}`),
      ),
    );
  }

  /**
   * An account-wide block on internet gateway traffic (AWS VPC Block Public Access) on what the leg
   * sends through gateway `g`: decided by the leg's subnet (the source's, or a NAT gateway's) and its
   * network, and whether a NAT gateway or an egress-only gateway carries it. Null when it passes.
   */
  private internetBlock(g: Gateway, leg: EdgeLeg, set: PacketSet, hops: Hop[]): Piece | null {
    const b = this.model.networks.get(leg.subnet.networkId)?.internetBlock;
    if (!b) return null;
    const hop = (action: Hop["action"], detail: string): Hop[] => [...hops, hopAt(b.ref, action, detail)];
    if (b.unknown) return unknown(set, b.unknown, hop("drop", "not read"));
    if (b.changing) return unknown(set, b.changing, hop("drop", "being changed"));
    // Ingress-only blocking lets out what NAT gateways and egress-only gateways send.
    if (b.mode === "ingress" && (leg.nat !== null || g.kind === "egress-only-internet")) return null;
    const ids = [leg.subnet.id, leg.subnet.networkId];
    const passes = (m: "bidirectional" | "egress" | undefined): boolean =>
      m === "bidirectional" || (m === "egress" && b.mode === "bidirectional");
    if (ids.some((id) => passes(b.exempt.get(id)))) return null;
    const pending = ids.find((id) => b.pending.has(id));
    if (pending !== undefined)
      return unknown(
        set,
        `VPC Block Public Access (${b.ref.rule}) blocks it unless the exclusion for ${pending}, now ${b.pending.get(pending)}, lets it out`,
        hop("drop", `exclusion for ${pending}: ${b.pending.get(pending)}`),
      );
    if (b.exclusionsUnknown) return unknown(set, b.exclusionsUnknown, hop("drop", "exclusions not read"));
    const who = leg.nat ? `${leg.nat.id} in ${leg.subnet.id}` : leg.subnet.id;
    return blocked(
      set,
      b.ref,
      `VPC Block Public Access (${b.ref.rule}) blocks ${g.id} traffic from ${who}: no exclusion for the subnet or ${leg.subnet.networkId} lets it out`,
      hop("deny", "blocked by VPC Block Public Access"),
    );
  }

  /** The internet gateways that give `ip` a public address: part of what a shared result depends on. */
  private mappedBy(ip: bigint): string {
    let out = "";
    for (const g of this.model.gateways.values()) {
      if (g.kind !== "internet") continue;
      const pub = g.publicIpOf.get(ip);
      // With the range its public address is in, if the internet may not route that back.
      if (pub !== undefined) out += `${g.id}:${this.unannouncedAt(pub)},`;
      // (The reason names the address: sources in doubt share nothing.)
      else if (g.publicIpInDoubt?.has(ip)) out += `${g.id}:?${ip},`;
    }
    return out;
  }

  /** The index of the first of model.unannounced that holds public address `ip`; -1 if none does. */
  private unannouncedAt(ip: bigint): number {
    return this.model.unannounced.findIndex((r) => r.ips.contains(ip));
  }

  /**
   * Packets through internet gateway `g` from public addresses (`publics`: the source's own, or each
   * Elastic IP of the NAT gateway that sends them) the internet may not route back to the cloud
   * (model.unannounced): they may leave, but no answer comes back. Blocked when none of the addresses
   * is routed back; unknown when that cannot be told, or when only some are (a NAT gateway spreads
   * connections over its Elastic IPs). Null when all are.
   */
  private unannouncedSource(
    g: Gateway,
    leg: EdgeLeg,
    publics: readonly bigint[],
    set: PacketSet,
    hops: Hop[],
  ): Piece | null {
    const ranges = publics.map((ip) => this.model.unannounced.find((r) => r.ips.contains(ip)));
    const first = ranges.findIndex((r) => r !== undefined);
    if (first === -1) return null;
    const r = ranges[first]!;
    const drop = (detail: string): Hop[] => [...hops, hopAt(r.ref, "drop", detail)];
    // A shared (audit) result stands for every source of its class: it names no source's address.
    const ip = leg.origin && !this.detail ? "the source's public address" : formatIp(publics[first]!);
    if (ranges.every((x) => x?.verdict === "blocked"))
      return blocked(
        set,
        r.ref,
        `${r.reason}; ${ip} is in it, so what leaves through ${g.id} from there gets no answer`,
        drop(`${ip}: no answer comes back through ${g.id}`),
      );
    const spread =
      publics.length > 1
        ? `connections leave from one of ${publics.map(formatIp).join(", ")}; for those from ${ip}: `
        : "";
    // A range of one address (an Elastic IP's) is named by its reason already.
    const inIt = r.ips.size() === 1n ? "" : `; ${ip} is in it`;
    return unknown(set, `${spread}${r.reason}${inIt}`, drop(`${ip}: answers may not come back`));
  }

  /** Whether the input disagrees on the public IPv4 address of `ip` (see InternetGateway.publicIpInDoubt). */
  publicIpInDoubt(networkId: string, ip: bigint): boolean {
    for (const g of this.model.gateways.values())
      if (g.kind === "internet" && g.networkId === networkId && g.publicIpInDoubt?.has(ip)) return true;
    return false;
  }

  /** The public IPv4 address an internet gateway of the network gives `ip`, if any (for reports). */
  publicIpOf(networkId: string, ip: bigint): bigint | undefined {
    for (const g of this.model.gateways.values()) {
      if (g.kind !== "internet" || g.networkId !== networkId) continue;
      const p = g.publicIpOf.get(ip);
      if (p !== undefined) return p;
    }
    return undefined;
  }
}
