// A NAT gateway's answers to its clients are routed by the route table of the NAT gateway's own subnet.
// AWS lets that table take a whole subnet's CIDR away from the local route (to a firewall endpoint, an
// appliance's interface: the Network Firewall "internet gateway and NAT gateway" architecture does
// exactly this), so the replies may not come straight back: to a blackhole the connection cannot work,
// elsewhere what becomes of them is not analysed. Packets that expect no reply (one-way ICMP) are not
// affected, and only what would otherwise be allowed is: a path blocked or unknown beyond the NAT
// gateway stays so.
import { IntervalSet, IP_ALL } from "../netset/index.js";
import {
  targetLabel,
  type NatGateway,
  type NetworkModel,
  type Route,
  type RouteTable,
  type Subnet,
} from "../model/types.js";
import type { Hop, Outcome, Piece } from "./outcome.js";
import { blockedByOf } from "./outcome.js";
import { EXPECTS_REPLY } from "./returns.js";
import { routeFor, routesInOrder } from "./routing.js";

export class NatReplies {
  /** Route tables of NAT gateways' subnets that take some of their network's addresses elsewhere. */
  private readonly divertable = new Map<string, { table: RouteTable; ips: IntervalSet }>();

  constructor(private readonly model: NetworkModel) {
    for (const g of model.gateways.values()) {
      if (g.kind !== "nat") continue;
      const table = this.tableOf(model.subnets.get(g.subnetId));
      if (!table || this.divertable.has(table.id)) continue;
      // The addresses of its network that a route other than local wins (usually none: 0.0.0.0/0
      // loses to the local route), so that most sources' keys need no lookup at all.
      let rest = model.networks.get(table.networkId)?.cidrs ?? IP_ALL;
      let ips = IntervalSet.EMPTY;
      for (const r of routesInOrder(table)) {
        const won = rest.intersect(r.dest);
        if (won.isEmpty()) continue;
        if (r.target.kind !== "local") ips = ips.union(won);
        rest = rest.subtract(won);
      }
      if (!ips.isEmpty()) this.divertable.set(table.id, { table, ips });
    }
  }

  private tableOf(subnet: Subnet | undefined): RouteTable | undefined {
    const id = subnet?.routeTableId;
    const table = id === null || id === undefined ? undefined : this.model.routeTables.get(id);
    return table?.unknown === undefined ? table : undefined;
  }

  /** Which route of each such table takes replies to `ip`: part of what a shared result depends on. */
  addressKey(ip: bigint | null): string {
    if (ip === null) return "-";
    let out = "";
    for (const { table, ips } of this.divertable.values())
      if (ips.contains(ip)) out += `${table.id}>${table.routes.indexOf(routeFor(table, ip)!)};`;
    return out;
  }

  /**
   * `pieces` (what `g`, in `natSubnet`, sent on for a client at `client` in `clientSubnet`) with the
   * allowed ones whose replies its subnet's table does not route straight back blocked or unknown.
   */
  apply(
    g: NatGateway,
    natSubnet: Subnet,
    clientSubnet: Subnet,
    client: bigint | null,
    pieces: Piece[],
  ): Piece[] {
    // Within one subnet no route table is consulted.
    if (client === null || natSubnet.id === clientSubnet.id) return pieces;
    const table = this.tableOf(natSubnet);
    if (!table || !this.divertable.get(table.id)?.ips.contains(client)) return pieces;
    const r = routeFor(table, client);
    if (!r || r.target.kind === "local") return pieces;
    const out: Piece[] = [];
    for (const x of pieces) {
      const expects = x.outcome.verdict === "allowed" ? x.packets.intersect(EXPECTS_REPLY) : null;
      if (expects === null || expects.isEmpty()) {
        out.push(x);
        continue;
      }
      const rest = x.packets.subtract(expects);
      if (!rest.isEmpty()) out.push({ packets: rest, outcome: x.outcome });
      out.push({ packets: expects, outcome: diverted(g, table, r, x.outcome) });
    }
    return out;
  }
}

/** What becomes of an allowed outcome whose replies route `r` of `table` takes elsewhere. */
function diverted(g: NatGateway, table: RouteTable, r: Route, o: Outcome): Outcome {
  const t = r.target;
  const route = r.ref.rule ?? "";
  const hop = (action: Hop["action"], detail: string): Hop => ({
    resource: table.id,
    kind: "route-table",
    action,
    rule: r.ref.rule,
    detail,
  });
  const hops = (h: Hop): Hop[] => [...o.hops, h];
  if (t.kind === "blackhole")
    return {
      verdict: "blocked",
      exit: null,
      egressIp: null,
      blockedBy: blockedByOf(r.ref),
      reason: `replies from ${g.id} to the source are routed by ${table.id}, the route table of its subnet, into a blackhole (route ${route})`,
      hops: hops(hop("drop", "replies: blackhole")),
    };
  return {
    verdict: "unknown",
    // The packets did leave; what becomes of the answers is not known.
    exit: o.exit,
    egressIp: null,
    blockedBy: null,
    reason:
      `replies from ${g.id} to the source are routed by ${table.id}, the route table of its subnet, ` +
      (t.kind === "undecided"
        ? `by route ${route}: ${t.why}`
        : `to ${targetLabel(t)} (route ${route}): what that does with them is not analysed`),
    hops: hops(
      t.kind === "undecided"
        ? hop("drop", "replies: not known")
        : hop("forward", `replies -> ${targetLabel(t)}`),
    ),
  };
}
