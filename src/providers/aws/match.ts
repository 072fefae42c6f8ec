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
  // The spellings AWS prints need no lower-case copy (a quota-size region has ~10^5 permissions).
  if (p === "-1") return null;
  if (typeof p === "string" && Object.hasOwn(named, p)) return named[p]!;
  const text = String(p).toLowerCase();
  if (text === "-1" || text === "all") return null;
  if (Object.hasOwn(named, text)) return named[text]!;
  const set = parseProtocol(text);
  return Number(set.min());
}

/** An out-of-range ICMP type or code; `end` 0 is the type field (FromPort, Type), 1 the code field. */
export class IcmpFieldError extends Error {
  constructor(
    message: string,
    readonly end: 0 | 1,
  ) {
    super(message);
  }
}

const isIcmpNumber = (v: number): boolean => Number.isInteger(v) && v >= -1 && v <= 255;

/** A port field that says "all": absent, or -1. */
const none = (v: number | undefined): boolean => v === undefined || v === -1;

/**
 * The port-dimension set of a spelling, or (a string) why it is doubtful. TCP/UDP: FromPort..ToPort
 * (absent or -1 ends are doubtful: AWS always prints both). ICMP: type and code, -1 meaning all. Other protocols: AWS
 * ignores ports. Throws IcmpFieldError for an ICMP type or code outside -1..255 (the input schema
 * already bounds every port field to integers in -1..65535).
 *
 * A doubtful spelling is one AWS would not print: AWS rejects it when a rule is created, so it comes
 * from a hand-edited or foreign dump. What the rule stands for cannot be told, so it matches at most
 * every port (or type) of its protocol and is unresolved: the packets it decides are `unknown`.
 * (Batfish reads a lone -1 as the open end of the range and drops an ICMP rule with a code but no
 * type; either reading would be a guess.)
 */
function portsOf(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
): IntervalSet | string {
  if (protocol === PROTO.TCP || protocol === PROTO.UDP) {
    // AWS requires a port range for TCP and UDP (IpPermission, CreateNetworkAclEntry) and always
    // prints one: without it, "every port" would be a guess.
    if (none(a) && none(b)) return `no port range, which AWS always gives TCP and UDP rules`;
    if (none(a) || none(b)) return `ports ${a ?? "(none)"} to ${b ?? "(none)"} is not a range AWS accepts`;
    if (a! > b!) return `ports ${a} to ${b} is not a range AWS accepts (from above to)`;
    return IntervalSet.range(BigInt(a!), BigInt(b!));
  }
  if (protocol === PROTO.ICMP || protocol === PROTO.ICMPV6) {
    if (a !== undefined && !isIcmpNumber(a))
      throw new IcmpFieldError(`not an ICMP type: ${a} (expected 0..255 or -1 for all)`, 0);
    if (b !== undefined && !isIcmpNumber(b))
      throw new IcmpFieldError(`not an ICMP code: ${b} (expected 0..255 or -1 for all)`, 1);
    const type = a ?? -1;
    const code = b ?? -1;
    if (type === -1 && code !== -1)
      return `ICMP code ${code} with type ${a ?? "(none)"} (all types) is not a combination AWS accepts`;
    return icmpTypeCode(type, code);
  }
  return PORT_ALL;
}

/**
 * The set of a rule (its protocol, its ports or ICMP type/code, and `ips`) and, for a spelling AWS
 * would not print, why the rule is doubtful (see portsOf).
 */
export function protoPorts(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
  ips: IntervalSet,
): { match: PacketSet; doubt: string | undefined } {
  const shape = ruleShape(protocol, a, b);
  return { match: shapeSet(shape, ips), doubt: shape.doubt };
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
  if (!shape) {
    const ports = portsOf(protocol, a, b);
    const doubtful = typeof ports === "string";
    shape = {
      build: builder(protocol, doubtful ? PORT_ALL : ports),
      byIps: new Map<number, PacketSet>(),
      doubt: doubtful ? ports : undefined,
    };
    byB.set(b, shape);
  }
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
  /** Why AWS would not print this spelling (see portsOf): its rules are unresolved. */
  doubt: string | undefined;
}

type Inputs<T> = Map<number | undefined, T>;
const shared = new Map<number | null, Inputs<Inputs<Shape>>>();
let sharedSize = 0;
/** Bounds what a long-lived process keeps (a quota-size region has ~10^5 distinct rule sets). */
const SHARED_MAX = 500_000;

function builder(protocol: number | null, ports: IntervalSet): (ips: IntervalSet) => PacketSet {
  if (protocol === null) return PacketSet.cubesOver(PROTO_ALL, PORT_ALL);
  return PacketSet.cubesOver(IntervalSet.point(BigInt(protocol)), ports);
}

/** Readable text of a rule's protocol and ports, for rule descriptions. */
export function protoPortsText(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
): string {
  if (protocol === null) return "all traffic";
  const name = nameOf.get(protocol) ?? `protocol ${protocol}`;
  // A spelling AWS would not print is shown as written (see portsOf).
  const literal = `${name} ports ${a ?? "(none)"} to ${b ?? "(none)"}`;
  if (protocol === PROTO.TCP || protocol === PROTO.UDP) {
    if (none(a) && none(b)) return `${name} all ports`;
    if (none(a) || none(b) || a! > b!) return literal;
    return a === b ? `${name} ${a}` : `${name} ${a}-${b}`;
  }
  if (protocol === PROTO.ICMP || protocol === PROTO.ICMPV6) {
    if (none(a)) return none(b) ? `${name} all types` : `${name} code ${b} with type ${a ?? "(none)"}`;
    return none(b) ? `${name} type ${a}` : `${name} type ${a} code ${b}`;
  }
  return name;
}
