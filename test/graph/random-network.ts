// Random small but valid NetworkModels for the differential test of the reachability engine, over a tiny
// packet universe that a reference can enumerate packet by packet.
//
// Everything random goes through `Rand.int`, so the same builder runs from fast-check's fc.gen() (with
// shrinking: every choice shrinks towards its minimum, which is the simplest option) or from a plain seed.
//
// Layout: one VPC "vpc-1" with 10.0.0.0/24 (and, in some models, 2600:1f00::/56, which is public internet
// space so that IPv6 exits can be allowed); subnet i is 10.0.0.(64i)/26 (and 2600:1f00:0:i::/64). In
// subnet i, endpoint k has host address .(64i + 4 + k) (::4+k) and sometimes a secondary .(64i + 12 + k),
// NAT gateway j has .(64i + 8 + j). Some models add a second network "vnet-2" (192.168.1.0/24) with one
// subnet (192.168.1.0/31) that "local" routes can deliver to. Rare choices produce the model's unknowns:
// missing or unreadable filters, route tables and subnets, missing gateways, unusable NATs.
import fc, { type GeneratorValue } from "fast-check";
import type {
  Endpoint,
  ExitGateway,
  Filter,
  InternetBlock,
  NatGateway,
  NetworkModel,
  Route,
  RouteTable,
  RouteTarget,
  Rule,
  RuleRef,
  Subnet,
} from "../../src/model/types.js";
import { emptyModel } from "../../src/model/types.js";
import {
  cidrSet,
  formatIp,
  formatIpSet,
  IntervalSet,
  IP_ALL,
  IPV4_ALL,
  IPV6_ALL,
  PacketSet,
  parseCidr,
  parseIp,
  PORT_ALL,
  PROTO_ALL,
} from "../../src/netset/index.js";
import type { Packet } from "./reference.js";

// ---------------------------------------------------------------------------------------------------------
// Randomness.

export interface Rand {
  /** Uniform integer in [min, max]; shrinks towards min. */
  int(min: number, max: number): number;
}

export function randFromGen(g: GeneratorValue): Rand {
  return { int: (min, max) => g(fc.integer, { min, max }) };
}

/** mulberry32: for seeded runs outside fast-check. */
export function randFromSeed(seed: number): Rand {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** True with probability p; shrinks to false. */
function chance(r: Rand, p: number): boolean {
  return r.int(0, 999) >= 1000 - Math.round(p * 1000);
}

/** Shrinks to the first element. */
function pick<T>(r: Rand, xs: readonly T[]): T {
  if (xs.length === 0) throw new Error("pick from an empty list");
  return xs[r.int(0, xs.length - 1)]!;
}

/** A random subset in random order (shrinks towards the empty list). */
function someOf<T>(r: Rand, xs: readonly T[], max = xs.length): T[] {
  const pool = [...xs];
  const out: T[] = [];
  const n = r.int(0, Math.min(max, pool.length));
  for (let i = 0; i < n; i++) out.push(pool.splice(r.int(0, pool.length - 1), 1)[0]!);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Addresses and the tiny universe.

export const VPC_ID = "vpc-1";
const PEER_ID = "vnet-2";
const V4_CIDR = "10.0.0.0/24";
const V6_CIDR = "2600:1f00::/56";

export function v4Host(subnet: number, offset: number): bigint {
  return parseIp(`10.0.0.${64 * subnet + offset}`);
}

export function v6Host(subnet: number, offset: number): bigint {
  return parseIp(`2600:1f00:0:${subnet}::${offset.toString(16)}`);
}

const v4SubnetCidr = (i: number): string => `10.0.0.${64 * i}/26`;
const v6SubnetCidr = (i: number): string => `2600:1f00:0:${i}::/64`;

export const PROTOCOLS = [1, 6, 17, 47, 58] as const;
const SMALL_PORTS = IntervalSet.range(0n, 15n);
/**
 * icmp: echo reply 0:0 and 0:1, unreachable 3:0 and 3:1, echo request 8:0 and 8:1, timestamp request
 * 13:0 and its reply 14:0.
 */
const ICMP_PORTS = [0, 1, 768, 769, 2048, 2049, 13 * 256, 14 * 256];
/** icmpv6: echo request 128:0, echo reply 129:0. */
const ICMPV6_PORTS = [128 * 256, 129 * 256];

const points = (xs: readonly number[]): IntervalSet =>
  IntervalSet.fromRanges(xs.map((x) => [BigInt(x), BigInt(x)]));

/** Every destination of the universe. */
export const DESTINATIONS: readonly bigint[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((h) => parseIp(`8.8.8.${h}`)),
  parseIp("1.1.1.1"),
  ...[0, 1, 2].flatMap((i) => [4, 5, 6, 7, 8, 9].map((o) => v4Host(i, o))),
  parseIp("10.0.0.200"), // inside the VPC, in no subnet
  ...[0, 1, 2, 3].map((h) => parseIp(`192.168.1.${h}`)),
  v6Host(0, 4),
  v6Host(0, 5),
  v6Host(1, 5),
  v6Host(2, 6),
  parseIp("2600:1f00:0:ff::1"), // inside the VPC's IPv6 block, in no subnet
  parseIp("2001:4860:4860::8888"), // public
  parseIp("2001:db8::1"), // documentation: not public
  parseIp("fd00::1"), // unique local: not public
  parseIp("64:ff9b::808:808"), // NAT64 of 8.8.8.8: a NAT gateway translates it
];

/** The universe's destinations as one set (runAudit's `dest`). */
export const DST_SET = IntervalSet.fromRanges(DESTINATIONS.map((d) => [d, d]));

/** The universe's protocols and ports, every address (runAudit's `ports`). */
export const TINY_PORTS: PacketSet = PacketSet.unionAll([
  PacketSet.cube(points([6, 17]), SMALL_PORTS, IP_ALL),
  PacketSet.cube(points([1]), points(ICMP_PORTS), IP_ALL),
  PacketSet.cube(points([58]), points(ICMPV6_PORTS), IP_ALL),
  PacketSet.cube(points([47]), PORT_ALL, IP_ALL), // no port dimension: always the full range
]);

/** The query: every packet of the tiny universe, as one PacketSet. */
export const TINY_UNIVERSE: PacketSet = TINY_PORTS.restrictIps(DST_SET);

/** Every packet of TINY_UNIVERSE (port 0 stands for the port-less protocol 47). */
export const TINY_PACKETS: readonly Packet[] = (() => {
  const out: Packet[] = [];
  for (const dst of DESTINATIONS) {
    for (const proto of PROTOCOLS) {
      const ports =
        proto === 1 ? ICMP_PORTS : proto === 58 ? ICMPV6_PORTS : proto === 47 ? [0] : [...Array(16).keys()];
      for (const port of ports) out.push({ proto, port, dst });
    }
  }
  return out;
})();

// ---------------------------------------------------------------------------------------------------------
// Random rules.

const PEERS: readonly IntervalSet[] = [
  IP_ALL,
  IPV4_ALL,
  IPV6_ALL,
  parseCidr("8.8.8.0/29"),
  parseCidr("8.8.8.0/30"),
  parseCidr("8.8.8.4/31"),
  parseCidr("8.8.8.3/32"),
  parseCidr("1.1.1.1/32"),
  parseCidr(V4_CIDR),
  parseCidr("10.0.0.0/26"),
  parseCidr("10.0.0.64/26"),
  parseCidr("10.0.0.128/26"),
  IntervalSet.point(v4Host(0, 4)),
  IntervalSet.point(v4Host(1, 5)),
  IntervalSet.point(v4Host(0, 8)),
  IntervalSet.point(v4Host(1, 8)),
  parseCidr("192.168.1.0/30"),
  parseCidr("192.168.1.2/31"),
  parseCidr(V6_CIDR),
  parseCidr(v6SubnetCidr(0)),
  parseCidr(v6SubnetCidr(1)),
  parseCidr("2001:4860::/32"),
  parseCidr("2001:db8::/32"),
];

function smallPortRange(r: Rand): IntervalSet {
  const lo = r.int(0, 15);
  const hi = chance(r, 0.15) ? 65535 : r.int(lo, 15);
  return IntervalSet.range(BigInt(lo), BigInt(hi));
}

const ICMP_SPECS: readonly IntervalSet[] = [
  PORT_ALL,
  IntervalSet.range(2048n, 2303n), // type 8
  IntervalSet.point(2048n), // 8:0
  IntervalSet.range(0n, 255n), // type 0
  IntervalSet.point(0n), // 0:0
  IntervalSet.range(768n, 1023n), // type 3
  IntervalSet.point(769n), // 3:1
];
const ICMPV6_SPECS: readonly IntervalSet[] = [
  PORT_ALL,
  IntervalSet.range(128n * 256n, 128n * 256n + 255n),
  IntervalSet.range(129n * 256n, 129n * 256n + 255n),
];

/** A cube over the tiny sets; ports are full for every protocol without a port dimension. */
function randomMatch(r: Rand): PacketSet {
  const ips = pick(r, PEERS);
  const p = (n: number): IntervalSet => IntervalSet.point(BigInt(n));
  switch (r.int(0, 6)) {
    case 0:
      return PacketSet.cube(PROTO_ALL, PORT_ALL, ips);
    case 1:
      return PacketSet.cube(p(6), smallPortRange(r), ips);
    case 2:
      return PacketSet.cube(p(17), smallPortRange(r), ips);
    case 3:
      return PacketSet.cube(points([6, 17]), smallPortRange(r), ips);
    case 4:
      return PacketSet.cube(p(1), pick(r, ICMP_SPECS), ips);
    case 5:
      return PacketSet.cube(p(58), pick(r, ICMPV6_SPECS), ips);
    default:
      return PacketSet.cube(p(47), PORT_ALL, ips);
  }
}

const ALL_PACKETS = PacketSet.cube(PROTO_ALL, PORT_ALL, IP_ALL);

function ruleRef(filterId: string, kind: string, dir: "out" | "in", n: number): RuleRef {
  return { resource: filterId, kind, rule: `${dir}-${n}` };
}

/**
 * First-match rules with random actions, sometimes ending in "allow everything"; with `unresolved`,
 * now and then a rule whose match is in doubt (a port spelling AWS does not print).
 */
function firstMatchRules(
  r: Rand,
  filterId: string,
  kind: string,
  dir: "out" | "in",
  unresolved: boolean,
): Rule[] {
  const rules: Rule[] = [];
  const n = r.int(0, 5);
  for (let i = 0; i < n; i++) {
    const rule: Rule = {
      match: randomMatch(r),
      action: pick(r, ["deny", "allow"] as const),
      ref: ruleRef(filterId, kind, dir, (i + 1) * 10),
    };
    if (unresolved && chance(r, 0.15)) rule.unresolved = "ports 30 to -1 is not a range AWS accepts";
    rules.push(rule);
  }
  if (chance(r, 0.75))
    rules.push({ match: ALL_PACKETS, action: "allow", ref: ruleRef(filterId, kind, dir, 100) });
  return rules;
}

/** Allow-only rules of a union filter, sometimes (when `unresolved`) one with unresolved peers. */
function unionRules(r: Rand, filterId: string, kind: string, dir: "out" | "in", unresolved: boolean): Rule[] {
  const rules: Rule[] = [];
  if (chance(r, 0.5))
    rules.push({ match: ALL_PACKETS, action: "allow", ref: ruleRef(filterId, kind, dir, 0) });
  const n = r.int(0, 3);
  for (let i = 0; i < n; i++) {
    const rule: Rule = { match: randomMatch(r), action: "allow", ref: ruleRef(filterId, kind, dir, i + 1) };
    if (unresolved && chance(r, 0.15)) rule.unresolved = "prefix list pl-0abc is not in the input";
    rules.push(rule);
  }
  return rules;
}

function nacl(r: Rand, id: string, opts: RandomNetworkOptions): Filter {
  const kind = "network-acl";
  const union = chance(r, 0.1);
  return {
    id,
    kind,
    semantics: union ? "union" : "first-match",
    stateful: chance(r, 0.1),
    egress: union
      ? unionRules(r, id, kind, "out", opts.boundaryUnresolved === true)
      : firstMatchRules(r, id, kind, "out", opts.aclUnresolved === true),
    ingress: union
      ? unionRules(r, id, kind, "in", opts.boundaryUnresolved === true)
      : firstMatchRules(r, id, kind, "in", opts.aclUnresolved === true),
    defaultRef: { resource: id, kind, rule: "*" },
  };
}

function securityGroup(r: Rand, id: string, opts: RandomNetworkOptions): Filter {
  const kind = "security-group";
  return {
    id,
    kind,
    semantics: "union",
    stateful: true,
    egress: unionRules(r, id, kind, "out", opts.unresolved === true),
    ingress: unionRules(r, id, kind, "in", opts.unresolved === true),
    defaultRef: { resource: id, kind, rule: null },
  };
}

function endpointFirstMatch(r: Rand, id: string): Filter {
  const kind = "network-security-group";
  return {
    id,
    kind,
    semantics: "first-match",
    stateful: true,
    egress: firstMatchRules(r, id, kind, "out", false),
    ingress: firstMatchRules(r, id, kind, "in", false),
    defaultRef: { resource: id, kind, rule: "default" },
  };
}

function unreadable(id: string, kind: string): Filter {
  return {
    id,
    kind,
    semantics: kind === "security-group" ? "union" : "first-match",
    stateful: kind === "security-group",
    egress: [],
    ingress: [],
    defaultRef: { resource: id, kind, rule: null },
    unknown: `${id} could not be read`,
  };
}

function smallEphemeral(r: Rand): IntervalSet {
  const lo = r.int(0, 12);
  const hi = Math.min(15, lo + r.int(2, 5));
  return IntervalSet.range(BigInt(lo), BigInt(hi));
}

// ---------------------------------------------------------------------------------------------------------
// Routes.

interface DestChoice {
  text: string;
  dest: IntervalSet;
  prefixLength: number;
}

const cidrChoice = (text: string): DestChoice => ({
  text,
  dest: parseCidr(text),
  prefixLength: Number(text.slice(text.indexOf("/") + 1)),
});

const ROUTE_DESTS: readonly DestChoice[] = [
  cidrChoice("0.0.0.0/0"),
  cidrChoice("::/0"),
  cidrChoice("64:ff9b::/96"),
  cidrChoice("8.8.8.0/29"),
  cidrChoice("8.8.8.0/30"),
  cidrChoice("8.8.8.4/31"),
  cidrChoice("8.8.8.3/32"),
  cidrChoice("1.1.1.1/32"),
  cidrChoice("192.168.1.0/30"),
  cidrChoice("10.0.0.64/26"),
  cidrChoice(V4_CIDR),
  cidrChoice("2001:4860::/32"),
  cidrChoice("2001:db8::/32"),
  cidrChoice("2600:1f00:0:1::/64"),
  // A prefix list: several blocks, ranked by an arbitrary length.
  {
    text: "pl{8.8.8.0/31,1.1.1.1/32,192.168.1.2/31}",
    dest: cidrSet(["8.8.8.0/31", "1.1.1.1/32", "192.168.1.2/31"]),
    prefixLength: 31,
  },
];

// ---------------------------------------------------------------------------------------------------------
// The model.

/** maxEndpoints for the random tests: `n`, or FUZZ_ENDPOINTS to search with larger networks. */
export function fuzzEndpoints(n: number): number {
  return Number(process.env.FUZZ_ENDPOINTS ?? n);
}

export interface RandomNetworkOptions {
  /** Upper bound on endpoints (default 4). */
  maxEndpoints?: number;
  /** Security-group rules with `unresolved` peers (default false). */
  unresolved?: boolean;
  /**
   * Union-semantics boundary filters (rare) with `unresolved` rules (default false): as in a security
   * group, such a rule decides (unknown) only what no other rule allows, requests and replies alike.
   */
  boundaryUnresolved?: boolean;
  /**
   * First-match boundary filters (network ACLs) with `unresolved` rules (default false): packets that
   * reach such a rule, or whose replies do, are unknown.
   */
  aclUnresolved?: boolean;
  /** A gateway route table on the internet gateway that diverts replies to some sources (default false). */
  ingressRouting?: boolean;
  /** An account-wide block on internet gateway traffic with exclusions (default false). */
  internetBlock?: boolean;
  /**
   * Endpoints often repeat the previous one's subnet, filters and ephemeral ports (default false), so
   * that the audit's sharing of results between endpoints of one class is exercised; their addresses
   * and public IPs stay their own.
   */
  twins?: boolean;
  /**
   * Twins (see twins) pick their ephemeral ports from a range of their own (default false): sources of
   * one subnet that differ only there share every step of their way but the reply checks.
   */
  portTwins?: boolean;
}

export function randomNetwork(r: Rand, opts: RandomNetworkOptions = {}): NetworkModel {
  const m = emptyModel("random");
  const hasV6 = chance(r, 0.6);
  // Sometimes a second network with one subnet (192.168.1.0/31), reachable through "local" routes.
  const hasPeer = chance(r, 0.3);
  const nSubnets = r.int(1, 3);
  const subnetIds = [...Array(nSubnets).keys()].map((i) => `subnet-${i}`);

  m.networks.set(VPC_ID, {
    id: VPC_ID,
    kind: "vpc",
    cidrs: hasV6 ? cidrSet([V4_CIDR, V6_CIDR]) : parseCidr(V4_CIDR),
  });

  // Boundary filters (NACLs), possibly shared by subnets.
  const aclIds: string[] = [];
  for (let a = 0, n = r.int(1, nSubnets); a < n; a++) {
    const f = nacl(r, `acl-${a + 1}`, opts);
    m.filters.set(f.id, f);
    aclIds.push(f.id);
  }

  // Gateways.
  const igw = {
    id: "igw-1",
    kind: "internet" as const,
    networkId: VPC_ID,
    ref: { resource: "igw-1", kind: "internet-gateway", rule: null },
    publicIpOf: new Map<bigint, bigint>(),
  };
  m.gateways.set(igw.id, igw);
  let nextPublic = 1;
  const maybePublic = (ip: bigint): void => {
    if (chance(r, 0.7)) igw.publicIpOf.set(ip, parseIp(`54.0.0.${nextPublic++}`));
  };
  if (hasV6 && chance(r, 0.5)) {
    m.gateways.set("eigw-1", {
      id: "eigw-1",
      kind: "egress-only-internet",
      networkId: VPC_ID,
      ref: { resource: "eigw-1", kind: "egress-only-internet-gateway", rule: null },
    });
  }
  const natIds: string[] = [];
  for (let j = 0, n = r.int(0, 2); j < n; j++) {
    const id = `nat-${j + 1}`;
    // Usually in subnet-0, whose table (usually rtb-0) usually sends 0.0.0.0/0 to the internet gateway.
    const home = chance(r, 0.4) ? r.int(0, nSubnets - 1) : 0;
    const nat: NatGateway = {
      id,
      kind: "nat",
      networkId: VPC_ID,
      ref: { resource: id, kind: "nat-gateway", rule: null },
      subnetId: chance(r, 0.04) ? "subnet-missing" : `subnet-${home}`,
      privateIp: v4Host(home, 8 + j),
      connectivity: pick(r, ["public", "private"] as const),
      protocols: pick(r, [points([1, 6, 17]), points([6, 17]), points([6]), PROTO_ALL]),
      ephemeralPorts: smallEphemeral(r),
    };
    if (chance(r, 0.1)) nat.unusable = "state failed";
    maybePublic(nat.privateIp);
    // The second NAT gateway, when public, has a secondary Elastic IP too (decided without drawing, so
    // the networks of every seed stay as they were).
    const pub = igw.publicIpOf.get(nat.privateIp);
    if (j === 1 && pub !== undefined) nat.publicIps = [pub, parseIp(`54.1.0.${j}`)];
    m.gateways.set(id, nat);
    natIds.push(id);
  }
  if (chance(r, 0.7)) {
    const exit: ExitGateway = {
      id: "tgw-1",
      kind: "exit",
      networkId: VPC_ID,
      ref: { resource: "tgw-1", kind: "transit-gateway", rule: null },
      exit: pick(r, ["vpn", "cloud-service", "peering"] as const),
      label: "transit gateway",
    };
    if (chance(r, 0.5)) exit.reaches = true;
    // An appliance that forwards nothing (source/destination check on).
    else if (chance(r, 0.3)) exit.drops = { reason: "tgw-1 drops it", setting: "SourceDestCheck" };
    // Delivering only to some addresses from the VPC (a peering connection: the peer VPC's blocks).
    if (chance(r, 0.4))
      exit.delivery = {
        byNetwork: new Map([
          [
            VPC_ID,
            chance(r, 0.8)
              ? {
                  kind: "only" as const,
                  ips: pick(r, PEERS).union(pick(r, PEERS)),
                  reason: "beyond the peer VPC",
                  rule: "AccepterVpcInfo",
                }
              : {
                  kind: "unknown" as const,
                  reason: "which delivers only to the peer VPC's own addresses: not listed",
                },
          ],
        ]),
      };
    m.gateways.set(exit.id, exit);
  }
  const gatewayIds = [...m.gateways.keys()];

  // Route tables.
  const tableIds: string[] = [];
  for (let t = 0, n = r.int(1, nSubnets); t < n; t++) {
    const id = `rtb-${t}`;
    const routes: Route[] = [];
    const add = (d: DestChoice, target: RouteTarget, prefixLength = d.prefixLength, preference = 0): void => {
      routes.push({
        dest: d.dest,
        prefixLength,
        preference,
        target,
        ref: { resource: id, kind: "route-table", rule: `${d.text}#${routes.length}` },
      });
    };
    const local: RouteTarget = { kind: "local", networkId: VPC_ID };
    if (!chance(r, 0.05)) add(cidrChoice(V4_CIDR), local, 24, 2);
    if (hasV6 && !chance(r, 0.05)) add(cidrChoice(V6_CIDR), local, 56, 2);
    // Usually a default route, to the internet gateway, a NAT or the exit.
    if (chance(r, 0.75)) {
      const to =
        t === 0 && !chance(r, 0.2)
          ? "igw-1"
          : pick(r, ["igw-1", ...natIds, ...natIds, ...(m.gateways.has("tgw-1") ? ["tgw-1"] : [])]);
      add(cidrChoice("0.0.0.0/0"), { kind: "gateway", gatewayId: to }, 0, r.int(0, 2));
    }
    if (hasV6 && chance(r, 0.6)) {
      const to = pick(r, ["igw-1", ...(m.gateways.has("eigw-1") ? ["eigw-1"] : [])]);
      add(cidrChoice("::/0"), { kind: "gateway", gatewayId: to }, 0, r.int(0, 2));
    }
    for (let k = 0, nk = r.int(0, 4); k < nk; k++) {
      const d = pick(r, ROUTE_DESTS);
      const which = r.int(0, 4);
      const target: RouteTarget =
        which === 0
          ? { kind: "gateway", gatewayId: pick(r, gatewayIds) }
          : which === 1
            ? { kind: "blackhole", targetId: pick(r, [null, "nat-gone"]) }
            : which === 2
              ? chance(r, 0.1)
                ? { kind: "local", networkId: "vpc-peer" } // a network that is not in the model
                : hasPeer && chance(r, 0.5)
                  ? { kind: "local", networkId: PEER_ID }
                  : local
              : which === 3
                ? { kind: "gateway", gatewayId: natIds.length > 0 ? pick(r, natIds) : "igw-1" }
                : { kind: "gateway", gatewayId: chance(r, 0.3) ? "gw-missing" : "igw-1" };
      const prefixLength = chance(r, 0.2) ? r.int(0, 32) : d.prefixLength;
      add(d, target, prefixLength, r.int(0, 2));
    }
    const table: RouteTable = { id, networkId: VPC_ID, routes };
    if (chance(r, 0.04)) table.unknown = "route table could not be read";
    m.routeTables.set(id, table);
    tableIds.push(id);
  }

  // Subnets.
  let unknownAcl = false;
  subnetIds.forEach((id, i) => {
    const boundary = [pick(r, aclIds)];
    if (chance(r, 0.1)) boundary.push(pick(r, aclIds));
    if (chance(r, 0.04)) boundary.push("acl-missing");
    if (chance(r, 0.04)) {
      boundary.push("acl-unknown");
      unknownAcl = true;
    }
    const subnet: Subnet = {
      id,
      networkId: VPC_ID,
      cidrs: hasV6 ? cidrSet([v4SubnetCidr(i), v6SubnetCidr(i)]) : parseCidr(v4SubnetCidr(i)),
      routeTableId: chance(r, 0.04)
        ? null
        : chance(r, 0.04)
          ? "rtb-missing"
          : i === 0 && !chance(r, 0.3)
            ? "rtb-0"
            : pick(r, tableIds),
      boundaryFilterIds: [...new Set(boundary)],
    };
    m.subnets.set(id, subnet);
  });
  if (unknownAcl) m.filters.set("acl-unknown", unreadable("acl-unknown", "network-acl"));
  if (hasPeer) {
    m.networks.set(PEER_ID, { id: PEER_ID, kind: "vnet", cidrs: parseCidr("192.168.1.0/24") });
    m.subnets.set("subnet-peer", {
      id: "subnet-peer",
      networkId: PEER_ID,
      cidrs: parseCidr("192.168.1.0/31"),
      routeTableId: pick(r, tableIds),
      boundaryFilterIds: [pick(r, aclIds)],
    });
  }

  // Endpoint filters.
  const sgIds: string[] = [];
  for (let s = 0, n = r.int(1, 3); s < n; s++) {
    const f = securityGroup(r, `sg-${s + 1}`, opts);
    m.filters.set(f.id, f);
    sgIds.push(f.id);
  }

  // Endpoints.
  let prevHome = 0;
  for (let k = 0, n = r.int(1, opts.maxEndpoints ?? 4); k < n; k++) {
    const prev = m.endpoints[m.endpoints.length - 1];
    if (opts.twins && prev && chance(r, 0.5)) {
      const ep: Endpoint = {
        ...prev,
        id: `eni-${k + 1}`,
        privateIps: prev.privateIps.length > 0 ? [v4Host(prevHome, 4 + k)] : [],
        ipv6: prev.ipv6.length > 0 ? [v6Host(prevHome, 4 + k)] : [],
        ...(opts.portTwins ? { ephemeralPorts: smallEphemeral(r) } : {}),
      };
      for (const ip of ep.privateIps) maybePublic(ip);
      m.endpoints.push(ep);
      continue;
    }
    const home = r.int(0, nSubnets - 1);
    prevHome = home;
    const filterIds = someOf(r, sgIds);
    if (chance(r, 0.1)) {
      const nsg = endpointFirstMatch(r, `nsg-${k + 1}`);
      m.filters.set(nsg.id, nsg);
      filterIds.splice(r.int(0, filterIds.length), 0, nsg.id);
    }
    if (chance(r, 0.04)) filterIds.push("sg-missing");
    if (chance(r, 0.04)) {
      m.filters.set("sg-unknown", unreadable("sg-unknown", "security-group"));
      filterIds.splice(r.int(0, filterIds.length), 0, "sg-unknown");
    }
    const ep: Endpoint = {
      id: `eni-${k + 1}`,
      kind: "network-interface",
      networkId: VPC_ID,
      subnetId: chance(r, 0.04) ? "subnet-missing" : `subnet-${home}`,
      privateIps: chance(r, 0.9) ? [v4Host(home, 4 + k)] : [],
      ipv6: hasV6 && chance(r, 0.7) ? [v6Host(home, 4 + k)] : [],
      filterIds,
      ephemeralPorts: smallEphemeral(r),
    };
    // Sometimes secondary addresses (only the primary one is a source; it may have no public IP
    // while the secondary has one).
    if (ep.privateIps.length > 0 && chance(r, 0.2)) ep.privateIps.push(v4Host(home, 12 + k));
    if (ep.ipv6.length > 0 && chance(r, 0.2)) ep.ipv6.push(v6Host(home, 12 + k));
    for (const ip of ep.privateIps) maybePublic(ip);
    m.endpoints.push(ep);
  }
  if (opts.ingressRouting && chance(r, 0.7)) ingressTable(r, m);
  if (opts.internetBlock && chance(r, 0.7)) internetBlock(r, m, nSubnets);
  // Sometimes part of the IPv6 block is not advertised on the internet (drawn last, so that earlier
  // seeds still make the models they made before).
  if (hasV6 && chance(r, 0.2)) {
    // The whole block, one subnet's, or a few hosts of one (other providers' blocks need not align
    // with subnets: sources of one subnet may then differ).
    const i = r.int(0, nSubnets - 1);
    const cidr = pick(r, [V6_CIDR, v6SubnetCidr(i), `2600:1f00:0:${i}::4/126`]);
    m.networks.get(VPC_ID)!.privateIpv6 = [{ cidr, ips: parseCidr(cidr) }];
  }
  // Sometimes public addresses the internet may not route back (BYOIP ranges not advertised, or in
  // flux): all public IPv4 addresses, some, one, a NAT gateway's second Elastic IP, IPv6 blocks.
  if (chance(r, 0.25))
    for (let k = r.int(1, 3); k > 0; k--) {
      const i = r.int(0, nSubnets - 1);
      const cidr = pick(r, [
        "54.0.0.0/16",
        "54.0.0.0/28",
        `54.0.0.${r.int(0, 20)}/32`,
        "54.1.0.0/24",
        V6_CIDR,
        v6SubnetCidr(i),
        `2600:1f00:0:${i}::4/126`,
      ]);
      const blocked = chance(r, 0.6);
      m.unannounced.push({
        ips: parseCidr(cidr),
        verdict: blocked ? "blocked" : "unknown",
        ref: { resource: cidr, kind: "byoip-cidr", rule: blocked ? "provisioned" : "pending-advertising" },
        reason: `${cidr} is ${blocked ? "not advertised" : "in flux"}`,
      });
    }
  // Sometimes a restriction the provider may put on a port on the way to the internet (as EC2's on
  // tcp/25), on one TCP port of the universe, to some destinations or all.
  if (chance(r, 0.3))
    m.internetDoubts.push({
      match: PacketSet.cube(
        IntervalSet.point(6n),
        IntervalSet.point(BigInt(r.int(0, 15))),
        chance(r, 0.5) ? IP_ALL : parseCidr(pick(r, ["8.8.8.0/30", "2001:4860::/32", "1.0.0.0/8"])),
      ),
      reason: "a port the provider may stop",
      detail: "may be stopped",
    });
  // Sometimes a prefix delegated to an endpoint (EKS prefix mode: pods' addresses), at host offsets
  // 8-9 of its subnet (IPv4) or 6-7 (IPv6), which the universe's destinations include, when no other
  // endpoint of the subnet has an address there.
  for (const ep of m.endpoints) {
    if (!chance(r, 0.15)) continue;
    const home = Number(/^subnet-(\d+)$/.exec(ep.subnetId)?.[1] ?? -1);
    if (home < 0) continue;
    const block = chance(r, 0.6)
      ? IntervalSet.range(v4Host(home, 8), v4Host(home, 9))
      : IntervalSet.range(v6Host(home, 6), v6Host(home, 7));
    const taken = m.endpoints.some(
      (o) =>
        o.subnetId === ep.subnetId &&
        ([...o.privateIps, ...o.ipv6].some((a) => block.contains(a)) ||
          (o.prefixes?.overlaps(block) ?? false)),
    );
    if (!taken) ep.prefixes = block;
  }
  // Sometimes routes that tie where the provider's pick is not recorded (AWS: prefix lists with an
  // entry in common): a route of a table, or of the gateway route table, becomes `undecided`.
  if (chance(r, 0.15)) {
    const tables = [...m.routeTables.values()].filter((t) => t.routes.length > 0);
    if (tables.length > 0) {
      const t = pick(r, tables);
      const k = r.int(0, t.routes.length - 1);
      t.routes[k] = { ...t.routes[k]!, target: { kind: "undecided", why: "the routes tie" } };
    }
  }
  // Sometimes a NAT gateway's subnet's table takes a subnet away from the local route (AWS middlebox
  // routing: to a firewall endpoint, an appliance, a vanished target), so the NAT gateway's replies to
  // clients there may not come straight back. Drawn last: earlier seeds keep their networks.
  if (chance(r, 0.25)) {
    const nats = [...m.gateways.values()].filter((g): g is NatGateway => g.kind === "nat");
    const g = nats.length > 0 ? pick(r, nats) : undefined;
    const table = m.routeTables.get(m.subnets.get(g?.subnetId ?? "")?.routeTableId ?? "");
    if (table && table.unknown === undefined) {
      // Usually the subnet of a source outside the gateway's own, so that some of them are its clients.
      const clients = m.endpoints.filter((e) => e.subnetId !== g!.subnetId);
      const home = clients.length > 0 && chance(r, 0.8) ? pick(r, clients).subnetId : "subnet-0";
      const i = Number(home.slice("subnet-".length)) || 0;
      const d = cidrChoice(hasV6 && chance(r, 0.3) ? v6SubnetCidr(i) : v4SubnetCidr(i));
      const via = pick(r, gatewayIds);
      const target: RouteTarget = pick(r, [
        { kind: "blackhole", targetId: "eni-gone" },
        { kind: "gateway", gatewayId: via },
        { kind: "local", networkId: VPC_ID },
      ] as const);
      table.routes.push({
        dest: d.dest,
        prefixLength: d.prefixLength,
        preference: 2,
        target,
        ref: { resource: table.id, kind: "route-table", rule: `${d.text}#${table.routes.length}` },
      });
    }
  }
  // Sometimes the exit gateway is an appliance's interface in a subnet: from inside that subnet no
  // boundary is crossed to reach it. Drawn last, like the step above.
  const exitGw = m.gateways.get("tgw-1");
  if (exitGw?.kind === "exit" && chance(r, 0.3)) exitGw.subnetId = `subnet-${r.int(0, nSubnets - 1)}`;
  return m;
}

/** An account-wide block on internet gateway traffic (VPC Block Public Access) with exclusions. */
function internetBlock(r: Rand, m: NetworkModel, nSubnets: number): void {
  const net = m.networks.get(VPC_ID);
  if (!net) return;
  const mode = pick(r, ["bidirectional", "ingress"] as const);
  const block: InternetBlock = {
    mode,
    ref: {
      resource: "vpc-block-public-access/region-1",
      kind: "vpc-block-public-access",
      rule: `block-${mode}`,
    },
    exempt: new Map(),
    pending: new Map(),
  };
  for (let k = r.int(0, 2); k > 0; k--) {
    const id = chance(r, 0.8) ? `subnet-${r.int(0, nSubnets - 1)}` : VPC_ID;
    if (chance(r, 0.2)) block.pending.set(id, "create-in-progress");
    else block.exempt.set(id, pick(r, ["bidirectional", "egress"] as const));
  }
  if (chance(r, 0.05)) block.unknown = "VPC Block Public Access could not be read";
  else if (chance(r, 0.03)) block.changing = "VPC Block Public Access is being changed";
  net.internetBlock = block;
}

/**
 * A gateway route table for igw-1 (AWS "ingress routing"): local delivery for the VPC, with some
 * subnets or single hosts sent elsewhere (another gateway, a blackhole, a missing target), or
 * unreadable now and then. Replies to those sources do not come straight back.
 */
function ingressTable(r: Rand, m: NetworkModel): void {
  const igw = m.gateways.get("igw-1");
  if (igw?.kind !== "internet") return;
  const id = "rtb-edge";
  const ref = (rule: string): RuleRef => ({ resource: id, kind: "route-table", rule });
  const routes: Route[] = [
    {
      dest: parseCidr(V4_CIDR),
      prefixLength: 24,
      preference: 3,
      target: { kind: "local", networkId: VPC_ID },
      ref: ref(V4_CIDR),
    },
    {
      dest: parseCidr(V6_CIDR),
      prefixLength: 56,
      preference: 3,
      target: { kind: "local", networkId: VPC_ID },
      ref: ref(V6_CIDR),
    },
  ];
  const targets: RouteTarget[] = [
    { kind: "gateway", gatewayId: "tgw-1" },
    { kind: "gateway", gatewayId: "gw-missing" },
    { kind: "blackhole", targetId: "eni-gone" },
  ];
  for (let k = r.int(1, 3); k > 0; k--) {
    const subnet = r.int(0, 2);
    const [cidr, len] = chance(r, 0.5)
      ? [v4SubnetCidr(subnet), 26]
      : chance(r, 0.5)
        ? [`${formatIp(v4Host(subnet, r.int(4, 8)))}/32`, 32]
        : [v6SubnetCidr(subnet), 64];
    routes.push({
      dest: parseCidr(cidr),
      prefixLength: len,
      preference: 3,
      target: pick(r, targets),
      ref: ref(cidr),
    });
  }
  const table: RouteTable = { id, networkId: VPC_ID, routes };
  if (chance(r, 0.1)) table.unknown = "gateway route table could not be read";
  m.routeTables.set(id, table);
  igw.ingressTableId = id;
}

// ---------------------------------------------------------------------------------------------------------
// Printing (for failure messages).

export function formatPacket(p: Packet): string {
  const name =
    p.proto === 1
      ? "icmp"
      : p.proto === 6
        ? "tcp"
        : p.proto === 17
          ? "udp"
          : p.proto === 58
            ? "icmpv6"
            : `${p.proto}`;
  const port =
    p.proto === 1 || p.proto === 58
      ? `type ${p.port >> 8} code ${p.port & 255}`
      : p.proto === 47
        ? "*"
        : `${p.port}`;
  return `${name} ${port} -> ${formatIp(p.dst)}`;
}

function formatRule(rule: Rule): string {
  const un = rule.unresolved !== undefined ? " (unresolved)" : "";
  return `${rule.ref.rule ?? "-"}: ${rule.action} ${rule.match.toString()}${un}`;
}

function formatFilter(f: Filter): string {
  const head = `filter ${f.id} (${f.kind}, ${f.semantics}, ${f.stateful ? "stateful" : "stateless"}${f.unknown !== undefined ? ", UNKNOWN" : ""}) default ${f.defaultRef.rule ?? "-"}`;
  const rules = (dir: string, rs: Rule[]): string =>
    `\n    ${dir}: ${rs.length === 0 ? "(none)" : rs.map(formatRule).join(" | ")}`;
  return head + rules("egress ", f.egress) + rules("ingress", f.ingress);
}

function formatTarget(t: RouteTarget): string {
  return t.kind === "local"
    ? `local ${t.networkId}`
    : t.kind === "gateway"
      ? t.gatewayId
      : t.kind === "blackhole"
        ? `blackhole(${t.targetId ?? "-"})`
        : "UNDECIDED";
}

/** A compact, complete text form of a model. */
export function formatModel(m: NetworkModel): string {
  const lines: string[] = [];
  for (const n of m.networks.values()) {
    lines.push(`network ${n.id} (${n.kind}) ${formatIpSet(n.cidrs)}`);
    const b = n.internetBlock;
    if (b)
      lines.push(
        `    internet block ${b.mode}${b.unknown !== undefined ? " UNKNOWN" : ""}${b.changing !== undefined ? " CHANGING" : ""} exempt={${[...b.exempt].map(([id, x]) => `${id}:${x}`).join(", ")}} pending={${[...b.pending.keys()].join(", ")}}`,
      );
    for (const p of n.privateIpv6 ?? []) lines.push(`    private IPv6 ${p.cidr}`);
  }
  for (const u of m.unannounced) lines.push(`unannounced ${formatIpSet(u.ips)} ${u.verdict}`);
  for (const d of m.internetDoubts) lines.push(`internet doubt ${d.match.toString()}`);
  for (const s of m.subnets.values()) {
    lines.push(
      `subnet ${s.id} ${formatIpSet(s.cidrs)} table=${s.routeTableId ?? "null"} boundary=[${s.boundaryFilterIds.join(", ")}]`,
    );
  }
  for (const t of m.routeTables.values()) {
    lines.push(`table ${t.id}${t.unknown !== undefined ? " UNKNOWN" : ""}`);
    for (const rt of t.routes) {
      lines.push(
        `    ${rt.ref.rule}: ${formatIpSet(rt.dest)} len=${rt.prefixLength} pref=${rt.preference} -> ${formatTarget(rt.target)}`,
      );
    }
  }
  for (const g of m.gateways.values()) {
    switch (g.kind) {
      case "internet":
        lines.push(
          `gateway ${g.id} internet publicIpOf {${[...g.publicIpOf].map(([a, b]) => `${formatIp(a)}=>${formatIp(b)}`).join(", ")}}${g.ingressTableId ? ` ingress table ${g.ingressTableId}` : ""}`,
        );
        break;
      case "egress-only-internet":
        lines.push(`gateway ${g.id} egress-only-internet`);
        break;
      case "nat":
        lines.push(
          `gateway ${g.id} nat ${g.connectivity} in ${g.subnetId} ip=${formatIp(g.privateIp)}${g.publicIps ? ` publicIps=[${g.publicIps.map(formatIp).join(", ")}]` : ""} protocols=${g.protocols.toString()} ephemeral=${g.ephemeralPorts.toString()}${g.unusable !== undefined ? " UNUSABLE" : ""}`,
        );
        break;
      case "exit":
        lines.push(
          `gateway ${g.id} exit ${g.exit}${g.reaches === true ? " reaches" : ""}${g.drops ? ` drops (${g.drops.setting})` : ""}${[...(g.delivery?.byNetwork ?? [])].map(([from, d]) => ` delivers from ${from} ${d.kind === "only" ? `only to ${d.ips.toString()}` : "unknown"}`).join("")}`,
        );
        break;
    }
  }
  for (const f of m.filters.values()) lines.push(formatFilter(f));
  for (const e of m.endpoints) {
    lines.push(
      `endpoint ${e.id} in ${e.subnetId} v4=[${e.privateIps.map(formatIp).join(", ")}] v6=[${e.ipv6.map(formatIp).join(", ")}]${e.prefixes ? ` prefixes=${formatIpSet(e.prefixes)}` : ""} filters=[${e.filterIds.join(", ")}] ephemeral=${e.ephemeralPorts.toString()}`,
    );
  }
  return lines.join("\n");
}
