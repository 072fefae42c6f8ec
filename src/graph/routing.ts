// Longest-prefix-match routing over packet sets: a route table splits the packets by the route that wins.
import type { PacketSet } from "../netset/index.js";
import type { Route, RouteTable } from "../model/types.js";

export interface Routed {
  route: Route;
  set: PacketSet;
}

const sortedCache = new WeakMap<RouteTable, Route[]>();

/** Routes in decision order: longer prefix first, then higher preference (static over propagated). */
export function routesInOrder(table: RouteTable): Route[] {
  let sorted = sortedCache.get(table);
  if (!sorted) {
    sorted = [...table.routes].sort((a, b) => b.prefixLength - a.prefixLength || b.preference - a.preference);
    sortedCache.set(table, sorted);
  }
  return sorted;
}

/** Splits `input` by winning route; `unrouted` is what no route matches. */
export function routeSplit(table: RouteTable, input: PacketSet): { routed: Routed[]; unrouted: PacketSet } {
  const routed: Routed[] = [];
  let remaining = input;
  for (const route of routesInOrder(table)) {
    if (remaining.isEmpty()) break;
    const m = remaining.restrictIps(route.dest);
    if (m.isEmpty()) continue;
    routed.push({ route, set: m });
    remaining = remaining.subtract(m);
  }
  return { routed, unrouted: remaining };
}
