// Greedy minimization of a failing differential case: removes endpoints, filter references, rules,
// routes, boundary filters, NAT/public-IP entries and subnets one at a time for as long as the same packet
// still gets the same kind of disagreement. The result is a small model for a bug report.
import type { Filter, NetworkModel, RouteTable, Subnet } from "../../src/model/types.js";
import { IntervalSet, type PacketSet } from "../../src/netset/index.js";
import { engineOutcome, formatOutcome, refMode, type Mode } from "./compare.js";
import { formatModel, formatPacket } from "./random-network.js";
import { referenceOutcome, type Packet, type RefOutcome } from "./reference.js";

export interface Case {
  model: NetworkModel;
  endpoint: string;
  packet: Packet;
  mode: Mode;
  query: PacketSet;
  resolveDetail?: boolean;
}

function cloneFilter(f: Filter): Filter {
  return { ...f, egress: [...f.egress], ingress: [...f.ingress] };
}

export function cloneModel(m: NetworkModel): NetworkModel {
  return {
    ...m,
    networks: new Map(m.networks),
    subnets: new Map(
      [...m.subnets].map(([k, s]): [string, Subnet] => [
        k,
        { ...s, boundaryFilterIds: [...s.boundaryFilterIds] },
      ]),
    ),
    routeTables: new Map(
      [...m.routeTables].map(([k, t]): [string, RouteTable] => [k, { ...t, routes: [...t.routes] }]),
    ),
    filters: new Map([...m.filters].map(([k, f]) => [k, cloneFilter(f)])),
    gateways: new Map(
      [...m.gateways].map(([k, g]) => [
        k,
        g.kind === "internet" ? { ...g, publicIpOf: new Map(g.publicIpOf) } : { ...g },
      ]),
    ),
    endpoints: m.endpoints.map((e) => ({
      ...e,
      filterIds: [...e.filterIds],
      privateIps: [...e.privateIps],
      ipv6: [...e.ipv6],
    })),
    unknowns: [...m.unknowns],
    warnings: [...m.warnings],
  };
}

function signature(o: RefOutcome | string): string {
  if (typeof o === "string") return o.split("\n")[0] ?? o;
  return `${o.verdict}/${o.exit ?? "-"}/${o.egressIp === null ? "-" : "ip"}/${o.blockedBy === null ? "-" : o.blockedBy.kind}`;
}

/** The disagreement on the case's packet, as a signature; undefined when engine and reference agree. */
function disagreement(c: Case): string | undefined {
  const ep = c.model.endpoints.find((e) => e.id === c.endpoint);
  if (ep === undefined) return undefined;
  const ref = referenceOutcome(c.model, ep, c.packet, refMode(c.mode));
  const got = engineOutcome(c.model, ep, c.packet, c.mode, {
    query: c.query,
    resolveDetail: c.resolveDetail ?? true,
  });
  const same =
    typeof got !== "string" &&
    got.verdict === ref.verdict &&
    got.exit === ref.exit &&
    got.egressIp === ref.egressIp &&
    JSON.stringify(got.blockedBy) === JSON.stringify(ref.blockedBy);
  return same ? undefined : `${signature(got)} vs ${signature(ref)}`;
}

/** Every one-step simplification of the model. */
function* candidates(m: NetworkModel, keepEndpoint: string): Generator<NetworkModel> {
  const edit = (f: (x: NetworkModel) => void): NetworkModel => {
    const c = cloneModel(m);
    f(c);
    return c;
  };
  for (const e of m.endpoints) {
    if (e.id !== keepEndpoint) yield edit((c) => (c.endpoints = c.endpoints.filter((x) => x.id !== e.id)));
  }
  for (const [i, e] of m.endpoints.entries()) {
    for (let k = 0; k < e.filterIds.length; k++) yield edit((c) => c.endpoints[i]!.filterIds.splice(k, 1));
    if (e.ephemeralPorts.size() > 1n) {
      const lo = e.ephemeralPorts.min()!;
      yield edit((c) => (c.endpoints[i]!.ephemeralPorts = IntervalSet.point(lo)));
    }
  }
  for (const [id, f] of m.filters) {
    for (let k = 0; k < f.egress.length; k++) yield edit((c) => c.filters.get(id)!.egress.splice(k, 1));
    for (let k = 0; k < f.ingress.length; k++) yield edit((c) => c.filters.get(id)!.ingress.splice(k, 1));
  }
  for (const [id, t] of m.routeTables) {
    for (let k = 0; k < t.routes.length; k++) yield edit((c) => c.routeTables.get(id)!.routes.splice(k, 1));
  }
  for (const [id, s] of m.subnets) {
    for (let k = 0; k < s.boundaryFilterIds.length; k++)
      yield edit((c) => c.subnets.get(id)!.boundaryFilterIds.splice(k, 1));
    yield edit((c) => c.subnets.delete(id));
  }
  for (const [id, g] of m.gateways) {
    yield edit((c) => c.gateways.delete(id));
    if (g.kind === "internet") {
      for (const k of g.publicIpOf.keys()) {
        yield edit((c) => {
          const x = c.gateways.get(id);
          if (x?.kind === "internet") x.publicIpOf.delete(k);
        });
      }
    }
    if (g.kind === "nat" && g.ephemeralPorts.size() > 1n) {
      const lo = g.ephemeralPorts.min()!;
      yield edit((c) => {
        const x = c.gateways.get(id);
        if (x?.kind === "nat") x.ephemeralPorts = IntervalSet.point(lo);
      });
    }
  }
  // Unreferenced things (no effect on the outcome, but shorter reports).
  const usedFilters = new Set([
    ...m.endpoints.flatMap((e) => e.filterIds),
    ...[...m.subnets.values()].flatMap((s) => s.boundaryFilterIds),
  ]);
  for (const id of m.filters.keys()) if (!usedFilters.has(id)) yield edit((c) => c.filters.delete(id));
  const usedTables = new Set([...m.subnets.values()].map((s) => s.routeTableId));
  for (const id of m.routeTables.keys()) if (!usedTables.has(id)) yield edit((c) => c.routeTables.delete(id));
}

/** The case as text: the model, the packet and both answers. */
export function formatCase(c: Case): string {
  const ep = c.model.endpoints.find((e) => e.id === c.endpoint);
  if (ep === undefined) return `endpoint ${c.endpoint} is gone`;
  const got = engineOutcome(c.model, ep, c.packet, c.mode, {
    query: c.query,
    resolveDetail: c.resolveDetail ?? true,
  });
  return [
    formatModel(c.model),
    `packet [${c.mode}] ${c.endpoint}: ${formatPacket(c.packet)}`,
    `    engine:    ${formatOutcome(got)}`,
    `    reference: ${formatOutcome(referenceOutcome(c.model, ep, c.packet, refMode(c.mode)))}`,
  ].join("\n");
}

/** Greedily simplifies a failing case; returns it unchanged when it does not fail. */
export function minimizeCase(c: Case, maxSteps = 2000): Case {
  const target = disagreement(c);
  if (target === undefined) return c;
  let cur = c;
  let steps = 0;
  let progress = true;
  while (progress && steps < maxSteps) {
    progress = false;
    for (const model of candidates(cur.model, cur.endpoint)) {
      steps++;
      const next = { ...cur, model };
      if (disagreement(next) === target) {
        cur = next;
        progress = true;
        break;
      }
    }
  }
  return cur;
}
