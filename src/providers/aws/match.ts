// AWS protocol/port fields -> the protocol x port part of a packet set. Security group permissions and
// network ACL entries spell ports differently but mean the same dimensions.
import {
  icmpTypeCode,
  IntervalSet,
  PacketSet,
  PORT_ALL,
  PROTO,
  PROTO_ALL,
  parseProtocol,
} from "../../netset/index.js";

const named: Record<string, number> = {
  tcp: PROTO.TCP,
  udp: PROTO.UDP,
  icmp: PROTO.ICMP,
  icmpv6: PROTO.ICMPV6,
};

/** Number -> the first name above that maps to it. */
const nameOf = new Map<number, string>();
for (const [name, n] of Object.entries(named)) if (!nameOf.has(n)) nameOf.set(n, name);

/** The protocol number, or null for "all protocols" (-1). Throws NetsetInputError on junk. */
export function awsProtocol(p: string | number): number | null {
  const text = String(p).toLowerCase();
  if (text === "-1" || text === "all") return null;
  if (Object.hasOwn(named, text)) return named[text]!;
  const set = parseProtocol(text);
  return Number(set.min());
}

function portRange(from: number | undefined, to: number | undefined): IntervalSet {
  if (from === undefined || to === undefined || from < 0) return PORT_ALL;
  return IntervalSet.range(BigInt(from), BigInt(to));
}

/**
 * The protocol x port set of a rule. `a`/`b` are FromPort/ToPort for TCP/UDP, and type/code for ICMP
 * (-1 meaning all). AWS ignores ports for any other protocol: all of them match.
 */
export function protoPorts(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
  ips: IntervalSet,
): PacketSet {
  return shapeSet(ruleShape(protocol, a, b), ips);
}

/**
 * A protocol and port spelling, looked up once for a permission whose peers then go through shapeSet.
 * Rules repeat the same protocol, ports and peer (parseCidr hands out one set per CIDR text), so
 * equal rules share one immutable set: less memory, and later set operations meet the same objects
 * and short-circuit on identity.
 */
export function ruleShape(protocol: number | null, a: number | undefined, b: number | undefined): Shape {
  let byA = shared.get(protocol);
  if (!byA) shared.set(protocol, (byA = new Map<number | undefined, Inputs<Shape>>()));
  let byB = byA.get(a);
  if (!byB) byA.set(a, (byB = new Map<number | undefined, Shape>()));
  let shape = byB.get(b);
  if (!shape) byB.set(b, (shape = { build: builder(protocol, a, b), byIps: new Map<number, PacketSet>() }));
  return shape;
}

/** The shape's set for this peer set (keyed by the peer set's object id). */
export function shapeSet(shape: Shape, ips: IntervalSet): PacketSet {
  let set = shape.byIps.get(ips.id());
  if (!set) {
    set = shape.build(ips);
    if (++sharedSize > SHARED_MAX) {
      // Dropping the maps also drops shapes callers still hold: those keep working, unshared.
      shared.clear();
      sharedSize = 0;
    }
    shape.byIps.set(ips.id(), set);
  }
  return set;
}

/** One protocol and port spelling: how to make its sets, and the sets made so far by peer set id. */
export interface Shape {
  build: (ips: IntervalSet) => PacketSet;
  byIps: Map<number, PacketSet>;
}

type Inputs<T> = Map<number | undefined, T>;
const shared = new Map<number | null, Inputs<Inputs<Shape>>>();
let sharedSize = 0;
/** Bounds what a long-lived process keeps (a quota-size region has ~10^5 distinct rule sets). */
const SHARED_MAX = 500_000;

function builder(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
): (ips: IntervalSet) => PacketSet {
  if (protocol === null) return PacketSet.cubesOver(PROTO_ALL, PORT_ALL);
  const protocols = IntervalSet.point(BigInt(protocol));
  if (protocol === PROTO.TCP || protocol === PROTO.UDP)
    return PacketSet.cubesOver(protocols, portRange(a, b));
  if (protocol === PROTO.ICMP || protocol === PROTO.ICMPV6) {
    const type = a === undefined ? -1 : a;
    const code = b === undefined ? -1 : b;
    return PacketSet.cubesOver(protocols, icmpTypeCode(type, code));
  }
  return PacketSet.cubesOver(protocols, PORT_ALL);
}

/** Readable text of a rule's protocol and ports, for rule descriptions. */
export function protoPortsText(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
): string {
  if (protocol === null) return "all traffic";
  const name = nameOf.get(protocol) ?? `protocol ${protocol}`;
  if (protocol === PROTO.TCP || protocol === PROTO.UDP) {
    if (a === undefined || b === undefined || a < 0) return `${name} all ports`;
    return a === b ? `${name} ${a}` : `${name} ${a}-${b}`;
  }
  if (protocol === PROTO.ICMP || protocol === PROTO.ICMPV6) {
    if (a === undefined || a < 0) return `${name} all types`;
    return b === undefined || b < 0 ? `${name} type ${a}` : `${name} type ${a} code ${b}`;
  }
  return name;
}
