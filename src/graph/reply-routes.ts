// Replies are routed by the route table of the subnet that sends them: a NAT gateway's answers to its
// clients by the NAT gateway's subnet's table, a destination host's answers by its own subnet's table.
// AWS lets a table take a whole subnet's block away from the local route (to a firewall endpoint, an
// appliance's interface: the Network Firewall "internet gateway and NAT gateway" architecture puts
// exactly such a route in the NAT gateway's subnet), so the replies may not come straight back: to a
// blackhole the connection cannot work, elsewhere what becomes of them is not analysed. Packets that
// expect no reply (one-way ICMP) are not affected, nor is a path blocked anyway; one unknown anyway
// is blocked by a blackhole only (its answers are lost either way). Within one subnet no route table
// is consulted. A replier whose subnet's route table could not be read (or is not in the data) may send
// the replies anywhere: what would be allowed is unknown.
import { IntervalSet, IP_ALL, IPV4_ALL, IPV6_ALL } from "../netset/index.js";
import { targetLabel, type NetworkModel, type Route, type RouteTable, type Subnet } from "../model/types.js";
import type { Hop, Outcome, Piece } from "./outcome.js";
import { allowedInDoubt, blockedByOf, leavesOf } from "./outcome.js";
import { EXPECTS_REPLY } from "./returns.js";
import { routeFor, routesInOrder } from "./routing.js";

export class ReplyRoutes {
  /** Route tables of subnets that take some of their network's addresses elsewhere, with those addresses. */
  private readonly divertable = new Map<string, { table: RouteTable; ips: IntervalSet }>();

  constructor(private readonly model: NetworkModel) {
    for (const subnet of model.subnets.values()) {
      const table = this.tableOf(subnet);
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

  /**
   * Why `subnet`'s route table cannot route replies as read: it could not be read, or is not in the
   * data (a stand-in, say); undefined when it can.
   */
  private unread(subnet: Subnet): { resource: string; why: string } | undefined {
    const id = subnet.routeTableId;
    const table = id === null ? undefined : this.model.routeTables.get(id);
    if (table === undefined)
      return {
        resource: id ?? subnet.id,
        why: `the route table of ${subnet.id} (${id ?? "none associated"}) is not in the data`,
      };
    return table.unknown === undefined ? undefined : { resource: table.id, why: table.unknown };
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
   * `pieces` (what reached `replier`, in `replierSubnet`, from a client in `clientSubnet` whose
   * addresses are `client4` and `client6`) with the ones whose replies that subnet's table does not
   * route straight back made blocked or unknown (see the top of this file).
   */
  apply(
    replier: string,
    replierSubnet: Subnet,
    clientSubnet: Subnet,
    client4: bigint | null,
    client6: bigint | null,
    pieces: Piece[],
  ): Piece[] {
    if (replierSubnet.id === clientSubnet.id) return pieces;
    const unread = this.unread(replierSubnet);
    // What would be allowed, of what expects a reply, is unknown: the table may take the client's
    // address from the local route. (The packets did leave; what becomes of the answers is not known.)
    if (unread !== undefined)
      return allowedInDoubt(
        pieces,
        EXPECTS_REPLY,
        `replies from ${replier} to the source are routed by the route table of its subnet, which could not be read (${unread.why})`,
        {
          resource: unread.resource,
          kind: "route-table",
          action: "drop",
          rule: null,
          detail: "replies: not read",
        },
        true,
      );
    const table = this.tableOf(replierSubnet);
    const ips = table ? this.divertable.get(table.id)?.ips : undefined;
    if (!table || !ips) return pieces;
    // Replies go back to the client's address of the packets' family.
    const routes: { r: Route; family: IntervalSet }[] = [];
    for (const [client, family] of [
      [client4, IPV4_ALL],
      [client6, IPV6_ALL],
    ] as const) {
      const r = client !== null && ips.contains(client) ? routeFor(table, client) : undefined;
      if (r && r.target.kind !== "local") routes.push({ r, family });
    }
    if (routes.length === 0) return pieces;
    const out: Piece[] = [];
    for (const x of pieces) {
      // A request dropped on its way gets no answer: its drop decides. One whose fate further on is
      // not known gets its answers blackholed all the same (blocked); where they are sent elsewhere,
      // its own doubt stands.
      const blackholesOnly = x.outcome.verdict === "unknown";
      if (x.outcome.verdict === "blocked") {
        out.push(x);
        continue;
      }
      let rest = x.packets;
      for (const { r, family } of routes) {
        if (blackholesOnly && r.target.kind !== "blackhole") continue;
        const hit = rest.restrictIps(family).intersect(EXPECTS_REPLY);
        if (hit.isEmpty()) continue;
        rest = rest.subtract(hit);
        out.push({ packets: hit, outcome: diverted(replier, table, r, x.outcome) });
      }
      if (!rest.isEmpty()) out.push({ packets: rest, outcome: x.outcome });
    }
    return out;
  }
}

/** What becomes of an outcome whose replies route `r` of `table` takes elsewhere. */
function diverted(replier: string, table: RouteTable, r: Route, o: Outcome): Outcome {
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
  // The packets leave (if they surely did: o is allowed, or in doubt only about its replies).
  const leaves = leavesOf(o);
  if (t.kind === "blackhole")
    return {
      verdict: "blocked",
      exit: null,
      egressIp: null,
      blockedBy: blockedByOf(r.ref),
      reason: `replies from ${replier} to the source are routed by ${table.id}, the route table of its subnet, into a blackhole (route ${route})`,
      hops: hops(hop("drop", "replies: blackhole")),
      ...(leaves && { leaves }),
    };
  return {
    verdict: "unknown",
    // The packets did leave; what becomes of the answers is not known.
    exit: o.exit,
    egressIp: null,
    blockedBy: null,
    ...(leaves && { leaves }),
    reason:
      `replies from ${replier} to the source are routed by ${table.id}, the route table of its subnet, ` +
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
