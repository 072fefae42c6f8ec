// AWS protocol/port fields -> the protocol x port part of a packet set. Security group permissions and
// network ACL entries spell ports differently but mean the same dimensions.
import { icmpTypeCode, IntervalSet, PacketSet, PORT_ALL, PROTO, parseProtocol } from "../../netset/index.js";

const named: Record<string, number> = {
  tcp: PROTO.TCP,
  udp: PROTO.UDP,
  icmp: PROTO.ICMP,
  icmpv6: PROTO.ICMPV6,
};

/** The protocol number, or null for "all protocols" (-1). Throws NetsetInputError on junk. */
export function awsProtocol(p: string | number): number | null {
  const text = String(p).toLowerCase();
  if (text === "-1" || text === "all") return null;
  if (text in named) return named[text]!;
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
  if (protocol === null) return PacketSet.of({ ips });
  const protocols = IntervalSet.point(BigInt(protocol));
  if (protocol === PROTO.TCP || protocol === PROTO.UDP)
    return PacketSet.cube(protocols, portRange(a, b), ips);
  if (protocol === PROTO.ICMP || protocol === PROTO.ICMPV6) {
    const type = a === undefined ? -1 : a;
    const code = b === undefined ? -1 : b;
    return PacketSet.cube(protocols, icmpTypeCode(type, code), ips);
  }
  return PacketSet.cube(protocols, PORT_ALL, ips);
}

/** Readable text of a rule's protocol and ports, for rule descriptions. */
export function protoPortsText(
  protocol: number | null,
  a: number | undefined,
  b: number | undefined,
): string {
  if (protocol === null) return "all traffic";
  const name = Object.entries(named).find(([, n]) => n === protocol)?.[0] ?? `protocol ${protocol}`;
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
