// Protocol and port dimension constants. Kept apart from protocol.ts (the text parsers) so that
// packet-set.ts can use them while protocol.ts imports packet-set.ts for parsePortSpec, without
// an import cycle (a cycle would leave PacketSet's static fields reading uninitialized bindings).
//
// Port dimension meaning, per protocol:
//  - tcp, udp, sctp: the destination port (0..65535);
//  - icmp, icmpv6: type * 256 + code, so "type 8, any code" is [2048, 2303];
//  - any other protocol: unused. Sets must then hold the whole port dimension (0..65535) for that
//    protocol, otherwise "gre" and "gre restricted to port 5" would be different sets although no
//    GRE packet has a port.

import { NetsetInputError } from "./errors.js";
import { IntervalSet } from "./interval-set.js";

/** IANA protocol numbers the library treats specially. */
export const PROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 } as const;

export const PROTO_ALL: IntervalSet = IntervalSet.range(0n, 255n);
export const PORT_ALL: IntervalSet = IntervalSet.range(0n, 65535n);
/** icmp and icmpv6: the protocols whose port dimension encodes type/code. */
export const ICMP_PROTOCOLS: IntervalSet = IntervalSet.fromRanges([
  [BigInt(PROTO.ICMP), BigInt(PROTO.ICMP)],
  [BigInt(PROTO.ICMPV6), BigInt(PROTO.ICMPV6)],
]);

/** True for the protocols with destination ports: tcp, udp, sctp. */
export function hasPorts(proto: number): boolean {
  return proto === PROTO.TCP || proto === PROTO.UDP || proto === PROTO.SCTP;
}

/** True for icmp and icmpv6, whose port dimension encodes type * 256 + code. */
export function isIcmp(proto: number): boolean {
  return proto === PROTO.ICMP || proto === PROTO.ICMPV6;
}

/** True when the port dimension carries meaning for this protocol (ports or ICMP type/code). */
export function usesPortDimension(proto: number): boolean {
  return hasPorts(proto) || isIcmp(proto);
}

/** "tcp", "udp", "sctp", "icmp", "icmpv6", or the decimal number for any other protocol. */
export function protocolName(n: number): string {
  switch (n) {
    case PROTO.TCP:
      return "tcp";
    case PROTO.UDP:
      return "udp";
    case PROTO.SCTP:
      return "sctp";
    case PROTO.ICMP:
      return "icmp";
    case PROTO.ICMPV6:
      return "icmpv6";
    default:
      return String(n);
  }
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

/**
 * ICMP/ICMPv6 type and code as a set on the port dimension. `code` omitted or -1 = any code;
 * type -1 = every type and code (0..65535), as in AWS' FromPort/ToPort encoding of ICMP rules.
 */
export function icmpTypeCode(type: number, code?: number): IntervalSet {
  if (type === -1) return PORT_ALL;
  if (!isByte(type))
    throw new NetsetInputError(`not an ICMP type: ${type} (must be 0..255 or -1)`, `${type}`);
  const base = BigInt(type) << 8n;
  if (code === undefined || code === -1) return IntervalSet.range(base, base + 255n);
  if (!isByte(code))
    throw new NetsetInputError(`not an ICMP code: ${code} (must be 0..255 or -1)`, `${code}`);
  return IntervalSet.point(base + BigInt(code));
}
