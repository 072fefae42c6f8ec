// A small hand-written network for table tests of the reference (and of the engine on the same cases).
//
//   vpc-1 10.0.0.0/24 + 2600:1f00::/56
//   subnet-pub  10.0.0.0/26   2600:1f00::/64     rtb-pub:  local, 0.0.0.0/0 -> igw-1, ::/0 -> igw-1   acl-pub
//   subnet-priv 10.0.0.64/26  2600:1f00:0:1::/64 rtb-priv: local, 0.0.0.0/0 -> nat-1,
//                                                          192.168.1.0/30 -> tgw-1                    acl-priv
//   nat-1: public NAT in subnet-pub, 10.0.0.10, tcp/udp/icmp, ephemeral ports 20-21
//   igw-1: 10.0.0.4 -> 54.0.0.1, 10.0.0.10 -> 54.0.0.10
//   tgw-1: exit "vpn" (reaches not set)
//   eni-pub  10.0.0.4 + 2600:1f00::4 in subnet-pub, sg-all, ephemeral ports 3-6
//   eni-priv 10.0.0.68 in subnet-priv, sg-all, ephemeral ports 3-6
// Both NACLs are first-match, stateless, and allow everything both ways (rule 100) until a case changes them.
import type { Filter, NatGateway, NetworkModel, Route, RouteTarget, Rule } from "../../src/model/types.js";
import { emptyModel } from "../../src/model/types.js";
import {
  IntervalSet,
  IP_ALL,
  PacketSet,
  parseCidr,
  parseIp,
  PORT_ALL,
  PROTO_ALL,
} from "../../src/netset/index.js";
import type { Packet } from "./reference.js";

export const ip = parseIp;
const p = (n: number): IntervalSet => IntervalSet.point(BigInt(n));
const r = (lo: number, hi: number): IntervalSet => IntervalSet.range(BigInt(lo), BigInt(hi));

/** tcp/udp/... packet; ICMP ports are type*256+code. */
export function pkt(proto: number, port: number, dst: string): Packet {
  return { proto, port, dst: parseIp(dst) };
}

/** A rule matching protocols x ports x peer CIDR. */
export function rule(
  filter: Filter,
  dir: "out" | "in",
  n: number,
  action: "allow" | "deny",
  protos: IntervalSet,
  ports: IntervalSet,
  peer: string,
): Rule {
  return {
    match: PacketSet.cube(protos, ports, peer === "any" ? IP_ALL : parseCidr(peer)),
    action,
    ref: { resource: filter.id, kind: filter.kind, rule: `${dir}-${n}` },
  };
}

export const TCP = p(6);
export const UDP = p(17);
export const ICMP = p(1);
export const ALL_PROTOS = PROTO_ALL;
export const ALL_PORTS = PORT_ALL;
export const ports = r;
export const icmpType = (t: number): IntervalSet => r(t * 256, t * 256 + 255);

function nacl(id: string): Filter {
  const f: Filter = {
    id,
    kind: "network-acl",
    semantics: "first-match",
    stateful: false,
    egress: [],
    ingress: [],
    defaultRef: { resource: id, kind: "network-acl", rule: "*" },
  };
  f.egress.push(rule(f, "out", 100, "allow", PROTO_ALL, PORT_ALL, "any"));
  f.ingress.push(rule(f, "in", 100, "allow", PROTO_ALL, PORT_ALL, "any"));
  return f;
}

export function securityGroup(id: string): Filter {
  return {
    id,
    kind: "security-group",
    semantics: "union",
    stateful: true,
    egress: [],
    ingress: [],
    defaultRef: { resource: id, kind: "security-group", rule: null },
  };
}

export function route(
  table: string,
  cidr: string,
  target: RouteTarget,
  preference = 0,
  prefixLength?: number,
): Route {
  return {
    dest: parseCidr(cidr),
    prefixLength: prefixLength ?? Number(cidr.slice(cidr.indexOf("/") + 1)),
    preference,
    target,
    ref: { resource: table, kind: "route-table", rule: cidr },
  };
}

export const LOCAL: RouteTarget = { kind: "local", networkId: "vpc-1" };
export const via = (gatewayId: string): RouteTarget => ({ kind: "gateway", gatewayId });

export function handModel(): NetworkModel {
  const m = emptyModel("hand");
  m.networks.set("vpc-1", {
    id: "vpc-1",
    kind: "vpc",
    cidrs: parseCidr("10.0.0.0/24").union(parseCidr("2600:1f00::/56")),
  });
  m.subnets.set("subnet-pub", {
    id: "subnet-pub",
    networkId: "vpc-1",
    cidrs: parseCidr("10.0.0.0/26").union(parseCidr("2600:1f00::/64")),
    routeTableId: "rtb-pub",
    boundaryFilterIds: ["acl-pub"],
  });
  m.subnets.set("subnet-priv", {
    id: "subnet-priv",
    networkId: "vpc-1",
    cidrs: parseCidr("10.0.0.64/26").union(parseCidr("2600:1f00:0:1::/64")),
    routeTableId: "rtb-priv",
    boundaryFilterIds: ["acl-priv"],
  });
  m.routeTables.set("rtb-pub", {
    id: "rtb-pub",
    networkId: "vpc-1",
    routes: [
      route("rtb-pub", "10.0.0.0/24", LOCAL),
      route("rtb-pub", "2600:1f00::/56", LOCAL),
      route("rtb-pub", "0.0.0.0/0", via("igw-1")),
      route("rtb-pub", "::/0", via("igw-1")),
    ],
  });
  m.routeTables.set("rtb-priv", {
    id: "rtb-priv",
    networkId: "vpc-1",
    routes: [
      route("rtb-priv", "10.0.0.0/24", LOCAL),
      route("rtb-priv", "2600:1f00::/56", LOCAL),
      route("rtb-priv", "0.0.0.0/0", via("nat-1")),
      route("rtb-priv", "192.168.1.0/30", via("tgw-1")),
    ],
  });
  m.filters.set("acl-pub", nacl("acl-pub"));
  m.filters.set("acl-priv", nacl("acl-priv"));
  const sg = securityGroup("sg-all");
  sg.egress.push(rule(sg, "out", 1, "allow", PROTO_ALL, PORT_ALL, "any"));
  m.filters.set("sg-all", sg);
  m.gateways.set("igw-1", {
    id: "igw-1",
    kind: "internet",
    networkId: "vpc-1",
    ref: { resource: "igw-1", kind: "internet-gateway", rule: null },
    publicIpOf: new Map([
      [ip("10.0.0.4"), ip("54.0.0.1")],
      [ip("10.0.0.10"), ip("54.0.0.10")],
    ]),
  });
  const nat: NatGateway = {
    id: "nat-1",
    kind: "nat",
    networkId: "vpc-1",
    ref: { resource: "nat-1", kind: "nat-gateway", rule: null },
    subnetId: "subnet-pub",
    privateIp: ip("10.0.0.10"),
    connectivity: "public",
    protocols: IntervalSet.fromRanges([
      [1n, 1n],
      [6n, 6n],
      [17n, 17n],
    ]),
    ephemeralPorts: r(20, 21),
  };
  m.gateways.set("nat-1", nat);
  m.gateways.set("tgw-1", {
    id: "tgw-1",
    kind: "exit",
    networkId: "vpc-1",
    ref: { resource: "tgw-1", kind: "transit-gateway", rule: null },
    exit: "vpn",
    label: "transit gateway",
  });
  m.endpoints.push(
    {
      id: "eni-pub",
      kind: "network-interface",
      networkId: "vpc-1",
      subnetId: "subnet-pub",
      privateIps: [ip("10.0.0.4")],
      ipv6: [ip("2600:1f00::4")],
      filterIds: ["sg-all"],
      ephemeralPorts: r(3, 6),
    },
    {
      id: "eni-priv",
      kind: "network-interface",
      networkId: "vpc-1",
      subnetId: "subnet-priv",
      privateIps: [ip("10.0.0.68")],
      ipv6: [],
      filterIds: ["sg-all"],
      ephemeralPorts: r(3, 6),
    },
  );
  return m;
}

export function filterOf(m: NetworkModel, id: string): Filter {
  const f = m.filters.get(id);
  if (f === undefined) throw new Error(`no filter ${id}`);
  return f;
}

export function natOf(m: NetworkModel, id: string): NatGateway {
  const g = m.gateways.get(id);
  if (g?.kind !== "nat") throw new Error(`no NAT ${id}`);
  return g;
}

/** The query holding exactly one packet (every port for a port-less protocol). */
export function singlePacketQuery(x: Packet): PacketSet {
  const portless = x.proto !== 1 && x.proto !== 6 && x.proto !== 17 && x.proto !== 58 && x.proto !== 132;
  return PacketSet.cube(p(x.proto), portless ? PORT_ALL : p(x.port), IntervalSet.point(x.dst));
}
