import { it } from "vitest";
import { Engine } from "../../src/graph/propagate.js";
import { emptyModel, type NetworkModel } from "../../src/model/types.js";
import {
  IntervalSet,
  PacketSet,
  parseCidr,
  parseIp,
  PROTO_ALL,
  PORT_ALL,
  IP_ALL,
} from "../../src/netset/index.js";

function model(rules: { ips: string; unresolved: boolean; protos?: IntervalSet }[]): NetworkModel {
  const m = emptyModel("t");
  m.networks.set("vpc-1", { id: "vpc-1", kind: "vpc", cidrs: parseCidr("10.0.0.0/24") });
  m.subnets.set("subnet-0", {
    id: "subnet-0",
    networkId: "vpc-1",
    cidrs: parseCidr("10.0.0.0/26"),
    routeTableId: "rtb-0",
    boundaryFilterIds: [],
  });
  m.routeTables.set("rtb-0", {
    id: "rtb-0",
    networkId: "vpc-1",
    routes: [
      {
        dest: parseCidr("10.0.0.0/24"),
        prefixLength: 24,
        preference: 0,
        target: { kind: "local", networkId: "vpc-1" },
        ref: { resource: "rtb-0", kind: "route-table", rule: "local" },
      },
    ],
  });
  m.filters.set("sg-1", {
    id: "sg-1",
    kind: "security-group",
    semantics: "union",
    stateful: true,
    ingress: [],
    defaultRef: { resource: "sg-1", kind: "security-group", rule: null },
    egress: rules.map((r, i) => ({
      match: PacketSet.cube(r.protos ?? PROTO_ALL, PORT_ALL, parseCidr(r.ips)),
      action: "allow" as const,
      ref: { resource: "sg-1", kind: "security-group", rule: String(i) },
      ...(r.unresolved ? { unresolved: "x" } : {}),
    })),
  });
  m.endpoints.push({
    id: "eni-1",
    kind: "network-interface",
    networkId: "vpc-1",
    subnetId: "subnet-0",
    privateIps: [parseIp("10.0.0.4")],
    ipv6: [],
    filterIds: ["sg-1"],
    ephemeralPorts: IntervalSet.range(1n, 3n),
  });
  return m;
}
function show(name: string, m: NetworkModel, query: PacketSet) {
  for (const detail of [true, false]) {
    const e = new Engine(m, detail ? { detail } : { detail, universe: query });
    const ps = e.resolveSource(m.endpoints[0]!, e.fromEndpoint(m.endpoints[0]!, query));
    console.log(
      name,
      detail ? "detail" : "audit",
      ps
        .map(
          (p) =>
            `${p.packets.toString()} => ${p.outcome.verdict} ${JSON.stringify(p.outcome.blockedBy)} ${p.outcome.reason}`,
        )
        .join("\n   "),
    );
  }
}
it("probe", () => {
  const q = PacketSet.cube(IntervalSet.point(6n), IntervalSet.range(0n, 15n), parseCidr("10.0.0.0/24"));
  show("A1 only unresolved allow-all", model([{ ips: "10.0.0.0/26", unresolved: true }]), q);
  show(
    "A2 unresolved + unrelated resolved",
    model([
      { ips: "10.0.0.0/26", unresolved: true },
      { ips: "8.8.8.8/32", unresolved: false },
    ]),
    q,
  );
  const q2 = PacketSet.cube(
    IntervalSet.point(6n),
    IntervalSet.range(0n, 15n),
    IP_ALL.intersect(parseCidr("10.0.0.0/24")),
  );
  show("A3 query ips whole", model([{ ips: "10.0.0.0/24", unresolved: true }]), q2);
  show("A4 unresolved covers all ips", model([{ ips: "0.0.0.0/0", unresolved: true }]), q);
});
