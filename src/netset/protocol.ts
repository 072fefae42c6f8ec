// Text parsers for the protocol and port dimensions, and the CLI's `--ports` syntax.
// The dimension constants themselves live in protocol-numbers.ts (see the comment there for the
// meaning of the port dimension per protocol) and are re-exported from here.

import { NetsetInputError } from "./errors.js";
import { IntervalSet } from "./interval-set.js";
import { IP_ALL } from "./ip.js";
import { PacketSet } from "./packet-set.js";
import {
  PORT_ALL,
  PROTO,
  PROTO_ALL,
  hasPorts,
  icmpTypeCode,
  isIcmp,
  protocolName,
} from "./protocol-numbers.js";

export {
  ICMP_PROTOCOLS,
  PORT_ALL,
  PROTO,
  PROTO_ALL,
  hasPorts,
  icmpTypeCode,
  isIcmp,
  protocolName,
  usesPortDimension,
} from "./protocol-numbers.js";

const PROTOCOL_NAMES: ReadonlyMap<string, number> = new Map([
  ["tcp", PROTO.TCP],
  ["udp", PROTO.UDP],
  ["sctp", PROTO.SCTP],
  ["icmp", PROTO.ICMP],
  ["icmpv6", PROTO.ICMPV6],
  // Port-less protocols that GCP and Azure rules name; all three are common in VPN setups.
  ["gre", 47],
  ["esp", 50],
  ["ah", 51],
]);

/** A protocol's name where --protocol takes one (tcp, udp, sctp, icmp, icmpv6, gre, esp, ah), else its number. */
export function protocolLabel(n: number): string {
  for (const [name, k] of PROTOCOL_NAMES) if (k === n) return name;
  return String(n);
}

/** Decimal 0..max with at most `digits` digits, else undefined. No signs, spaces or hex. */
function decimal(text: string, digits: number, max: number): number | undefined {
  if (text.length === 0 || text.length > digits || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/**
 * "tcp", "udp", "sctp", "icmp", "icmpv6", "gre", "esp", "ah", "all" or "-1" (all 0..255), or a
 * decimal protocol number 0..255. Case-insensitive, surrounding whitespace ignored.
 */
export function parseProtocol(text: string): IntervalSet {
  const s = text.trim().toLowerCase();
  if (s === "all" || s === "-1") return PROTO_ALL;
  const n = PROTOCOL_NAMES.get(s) ?? decimal(s, 3, 255);
  if (n === undefined) {
    throw new NetsetInputError(
      `not a protocol: ${JSON.stringify(text)} (expected tcp, udp, sctp, icmp, icmpv6, gre, esp, ah, all, -1 or 0..255)`,
      text,
    );
  }
  return IntervalSet.point(BigInt(n));
}

/** "443", "1024-65535", "*" or "all" (0..65535). Ports are 0..65535 and lo <= hi. */
export function parsePortRange(text: string): IntervalSet {
  const s = text.trim().toLowerCase();
  if (s === "*" || s === "all") return PORT_ALL;
  const dash = s.indexOf("-");
  const lo = decimal(dash === -1 ? s : s.slice(0, dash).trim(), 5, 65535);
  const hi = dash === -1 ? lo : decimal(s.slice(dash + 1).trim(), 5, 65535);
  if (lo === undefined || hi === undefined || lo > hi) {
    throw new NetsetInputError(
      `not a port range: ${JSON.stringify(text)} (expected N or LO-HI with 0 <= LO <= HI <= 65535, or *)`,
      text,
    );
  }
  return IntervalSet.range(BigInt(lo), BigInt(hi));
}

/** "8" (type 8, any code), "8:0" (type 8 code 0), "*" / "all" (everything). */
function parseIcmpSpec(text: string): IntervalSet {
  const s = text.trim().toLowerCase();
  if (s === "*" || s === "all") return PORT_ALL;
  const colon = s.indexOf(":");
  const type = decimal(colon === -1 ? s : s.slice(0, colon), 3, 255);
  const code = colon === -1 ? -1 : decimal(s.slice(colon + 1), 3, 255);
  if (type === undefined || code === undefined) {
    throw new NetsetInputError(
      `not an ICMP type[:code]: ${JSON.stringify(text)} (expected TYPE or TYPE:CODE, each 0..255)`,
      text,
    );
  }
  return icmpTypeCode(type, code);
}

function parsePortSpecItem(item: string): PacketSet {
  const slash = item.indexOf("/");
  if (slash === -1) {
    // A bare protocol: every port / ICMP type, and the full (unused) port dimension otherwise.
    return PacketSet.cube(parseProtocol(item), PORT_ALL, IP_ALL);
  }
  const protocols = parseProtocol(item.slice(0, slash));
  const rest = item.slice(slash + 1);
  if (protocols.size() !== 1n) {
    throw new NetsetInputError(
      `ports need a single protocol, not ${JSON.stringify(item.slice(0, slash))}`,
      item,
    );
  }
  const proto = Number(protocols.min());
  if (hasPorts(proto)) return PacketSet.cube(protocols, parsePortRange(rest), IP_ALL);
  if (isIcmp(proto)) return PacketSet.cube(protocols, parseIcmpSpec(rest), IP_ALL);
  // Restricting an unused port dimension would create packets that cannot exist.
  throw new NetsetInputError(`protocol ${protocolName(proto)} has no ports`, item);
}

/**
 * The CLI's `--ports` syntax: comma-separated items, e.g. "tcp/443,udp/53,tcp/1024-65535,icmp/8:0":
 *  - "tcp/443", "udp/1024-65535", "sctp/*": protocol with a destination port range;
 *  - "icmp/8" (type 8, any code), "icmp/8:0" (type 8 code 0), also for icmpv6;
 *  - "tcp", "icmp", "gre", "47": a protocol with every port / type (ports full, as port-less
 *    protocols require);
 *  - "all" or "-1": everything.
 * The result covers every destination IP (IP_ALL). Items are case-insensitive and may be
 * surrounded by spaces; an empty list or empty item is an error.
 */
export function parsePortSpec(list: string): PacketSet {
  const items = list.split(",").map((s) => s.trim());
  const sets: PacketSet[] = [];
  for (const item of items) {
    if (item === "") throw new NetsetInputError(`empty item in port list ${JSON.stringify(list)}`, list);
    try {
      sets.push(parsePortSpecItem(item));
    } catch (e) {
      if (!(e instanceof NetsetInputError)) throw e;
      // Name the whole item: the inner message only shows the part that failed.
      throw new NetsetInputError(`invalid port spec item ${JSON.stringify(item)}: ${e.message}`, item);
    }
  }
  return PacketSet.unionAll(sets);
}
