// Longest-prefix-match routing over packet sets: a route table splits the packets by the route that wins.
import { PacketSet } from "../netset/index.js";
import type { Route, RouteTable } from "../model/types.js";

export interface Routed {
  route: Route;
  set: PacketSet;
}

const sortedCache = new WeakMap<RouteTable, Route[]>();

/**
 * Routes in decision order: longer prefix first, then higher preference; a provider whose ties have
 * no order the input records says so with an `undecided` route (see RouteTarget).
 */
export function routesInOrder(table: RouteTable): Route[] {
  let sorted = sortedCache.get(table);
  if (!sorted) {
    sorted = [...table.routes].sort((a, b) => b.prefixLength - a.prefixLength || b.preference - a.preference);
    sortedCache.set(table, sorted);
  }
  return sorted;
}

/** The route that wins for one address, if any. */
export function routeFor(table: RouteTable, addr: bigint): Route | undefined {
  return routesInOrder(table).find((r) => r.dest.contains(addr));
}

/** Splits `input` by winning route; `unrouted` is what no route matches. */
export function routeSplit(table: RouteTable, input: PacketSet): { routed: Routed[]; unrouted: PacketSet } {
  const routed: Routed[] = [];
  // A route decides by destination address alone: the addresses each route wins are worked out on
  // the input's addresses (interval sets), and the packets cut down once per winning route, instead
  // of cutting and subtracting packet sets route by route.
  let rest = input.ips();
  for (const route of routesInOrder(table)) {
    if (rest.isEmpty()) break;
    const won = rest.intersect(route.dest);
    if (won.isEmpty()) continue;
    rest = rest.subtract(won);
    routed.push({ route, set: input.restrictIps(won) });
  }
  return { routed, unrouted: rest.isEmpty() ? PacketSet.EMPTY : input.restrictIps(rest) };
}

export interface RouteSplit {
  routed: Routed[];
  unrouted: PacketSet;
  /** Audit mode: `routed` grouped by next hop (see byTarget). */
  byTarget: { route: Route; set: PacketSet; count: number }[];
  /** Everything routed to a gateway. */
  toGateways: PacketSet;
}

/** Route table splits, kept per table and packet set: many legs leave one subnet with the same packets. */
export class RouteSplits {
  private readonly cache = new Map<RouteTable, WeakMap<PacketSet, RouteSplit>>();

  /** `detail` (traces) keeps every route on its own; audits group routes by next hop (byTarget). */
  constructor(private readonly detail: boolean) {}

  /** `rt`'s split of `set` (cached: route tables and packet sets are immutable). */
  of(rt: RouteTable, set: PacketSet): RouteSplit {
    let bySet = this.cache.get(rt);
    if (!bySet) this.cache.set(rt, (bySet = new WeakMap()));
    let r = bySet.get(set);
    if (!r) {
      const { routed, unrouted } = routeSplit(rt, set);
      r = {
        routed,
        unrouted,
        byTarget: this.detail ? [] : byTarget(routed),
        toGateways: PacketSet.unionAll(
          routed.filter((x) => x.route.target.kind === "gateway").map((x) => x.set),
        ),
      };
      bySet.set(set, r);
    }
    return r;
  }
}

/**
 * Audit mode: routes to the same next hop lead to the same outcomes, so their packets travel on together
 * (a hundred routes to one transit gateway are one walk, not a hundred). Blackholes and undecided
 * routes stay per route: each is its own deciding rule.
 */
function byTarget(routed: Routed[]): { route: Route; set: PacketSet; count: number }[] {
  const groups = new Map<string, { route: Route; sets: PacketSet[] }>();
  const out: { route: Route; set: PacketSet; count: number }[] = [];
  for (const r of routed) {
    const t = r.route.target;
    if (t.kind === "blackhole" || t.kind === "undecided") {
      out.push({ route: r.route, set: r.set, count: 1 });
      continue;
    }
    const k = t.kind === "local" ? `local:${t.networkId}` : `gw:${t.gatewayId}`;
    const g = groups.get(k);
    if (g) g.sets.push(r.set);
    else groups.set(k, { route: r.route, sets: [r.set] });
  }
  for (const g of groups.values())
    out.push({ route: g.route, set: PacketSet.unionAll(g.sets), count: g.sets.length });
  return out;
}
