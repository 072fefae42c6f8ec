// Return traffic through stateless filters. A connection works only if the replies pass too; a stateless
// filter judges a reply by its own rules: the reply's destination port is the client's ephemeral source
// port, and its peer address is the far end. ICMP queries (echo, timestamp, information, address mask)
// are answered by their reply type; other ICMP messages (errors, redirects, ...) expect no reply.
import {
  type Box,
  ICMP_PROTOCOLS,
  icmpTypeCode,
  IntervalSet,
  IP_ALL,
  PacketSet,
  type PortRuns,
  PROTO,
  PROTO_ALL,
} from "../netset/index.js";

/** Protocols whose packets have ports (the engine's port dimension is their destination port). */
export const PORT_PROTOCOLS = IntervalSet.fromRanges([
  [BigInt(PROTO.TCP), BigInt(PROTO.TCP)],
  [BigInt(PROTO.UDP), BigInt(PROTO.UDP)],
  [BigInt(PROTO.SCTP), BigInt(PROTO.SCTP)],
]);
/** Protocols without ports: their replies are the same protocol between the same two addresses. */
const PORTLESS_PROTOCOLS = PROTO_ALL.subtract(PORT_PROTOCOLS).subtract(ICMP_PROTOCOLS);

/**
 * [protocol, request type, reply type] of the ICMP queries a host answers: echo (RFC 792), timestamp
 * (RFC 792), information (RFC 792) and address mask (RFC 950); ICMPv6 echo (RFC 4443). A stateless
 * filter must pass the reply (code 0) for the query to work, as for a TCP or UDP reply.
 */
const ICMP_QUERIES: ReadonlyArray<readonly [number, number, number]> = [
  [PROTO.ICMP, 8, 0],
  [PROTO.ICMP, 13, 14],
  [PROTO.ICMP, 15, 16],
  [PROTO.ICMP, 17, 18],
  [PROTO.ICMPV6, 128, 129],
];

const CONNECTION_PROTOCOLS = IntervalSet.fromRanges([
  [BigInt(PROTO.TCP), BigInt(PROTO.TCP)],
  [BigInt(PROTO.SCTP), BigInt(PROTO.SCTP)],
]);
const UDP = IntervalSet.point(BigInt(PROTO.UDP));

/**
 * `set` split by what its replies are, each part with words for them: "replies to ports 32768-60999"
 * (TCP, UDP, SCTP: the client's ephemeral ports; "... of nat-1" where `nat`, a NAT gateway, sent
 * them), "ICMP replies" (to queries), "replies" (portless). `oneWay`: what a filter stopping only the
 * replies still lets out, for the reason to say so: UDP datagrams, ICMP requests and portless packets
 * carry data without any reply (syslog, say), so "blocked" must not read as "nothing leaves"; a TCP or
 * SCTP connection carries none until its handshake is answered.
 */
export function replyKinds(
  set: PacketSet,
  ephemeralText: string,
  nat?: string,
): { set: PacketSet; replies: string; oneWay: string | null }[] {
  const toPorts = `replies to ports ${ephemeralText}${nat === undefined ? "" : ` of ${nat}`}`;
  return [
    { set: set.restrictProtocols(CONNECTION_PROTOCOLS), replies: toPorts, oneWay: null },
    { set: set.restrictProtocols(UDP), replies: toPorts, oneWay: "one-way UDP datagrams" },
    { set: set.restrictProtocols(ICMP_PROTOCOLS), replies: "ICMP replies", oneWay: "the ICMP requests" },
    { set: set.restrictProtocols(PORTLESS_PROTOCOLS), replies: "replies", oneWay: "one-way packets" },
  ].filter((k) => !k.set.isEmpty());
}

/** What the replies to forward packets are: to ports (TCP, UDP, SCTP), ICMP replies, or portless ones. */
export type ReplyKind = "ports" | "icmp" | "portless";

/**
 * `set` split by reply kind (see replyKinds), and where replies go to ports, by protocol: a rule's
 * ports are those of one protocol, so within a part the replies' ports are told by address alone.
 */
export function replyParts(set: PacketSet): PacketSet[] {
  const parts: PacketSet[] = [];
  for (const [lo, hi] of PORT_PROTOCOLS.ranges) {
    const part = set.restrictProtocols(IntervalSet.fromRanges([[lo, hi]]));
    if (!part.isEmpty()) parts.push(part);
  }
  for (const protocols of [ICMP_PROTOCOLS, PORTLESS_PROTOCOLS]) {
    const part = set.restrictProtocols(protocols);
    if (!part.isEmpty()) parts.push(part);
  }
  return parts;
}

/** The reply kind of forward packets of one kind (a part of replyParts). */
export function replyKindOf(set: PacketSet): ReplyKind {
  const p = set.protocols();
  if (p.isSubsetOf(PORT_PROTOCOLS)) return "ports";
  if (p.isSubsetOf(ICMP_PROTOCOLS)) return "icmp";
  return "portless";
}

/**
 * Forward packets whose replies include at least one packet of `replies` (a set in reply space):
 * - TCP, UDP, SCTP: a reply goes to the client's ephemeral port, from the forward packet's
 *   destination: forward packets of the protocol, to any port, to the addresses of the replies to
 *   some port of `ephemeral`;
 * - portless protocols: replies are the same protocol between the same two addresses: as they are;
 * - ICMP queries (ICMP_QUERIES): the request type (any code) to the addresses of its replies (code 0).
 * Read off the replies' canonical structure protocol run by protocol run and built in one sweep
 * (PacketSet.ofBoxes): this runs for every rule of every reply check, and the same thing as a chain
 * of set operations (restrict, existsPort, one intersection per query, unions) cost several times more.
 */
export function forwardOfReplies(replies: PacketSet, ephemeral: IntervalSet): PacketSet {
  const eph = numberRanges(ephemeral);
  const boxes: Box[] = [];
  replies.eachProtocolRun((pLo, pHi, ports) => {
    let toEphemeral: IntervalSet | undefined;
    for (const p of PORT_PROTOCOL_NUMBERS) {
      if (p < pLo || p > pHi) continue;
      toEphemeral ??= ipsAtPorts(ports, eph);
      if (!toEphemeral.isEmpty()) boxes.push({ pLo: p, pHi: p, qLo: 0, qHi: PORT_MAX, ips: toEphemeral });
    }
    for (let k = 0; k < PORTLESS_RANGES.length; k += 2) {
      const lo = Math.max(PORTLESS_RANGES[k]!, pLo);
      const hi = Math.min(PORTLESS_RANGES[k + 1]!, pHi);
      if (lo > hi) continue;
      for (let j = 0; j < ports.lo.length; j++)
        boxes.push({ pLo: lo, pHi: hi, qLo: ports.lo[j]!, qHi: ports.hi[j]!, ips: ports.sub[j]! });
    }
    for (const [p, request, reply] of ICMP_QUERIES) {
      if (p < pLo || p > pHi) continue;
      const ips = replies.ipsAt(p, reply * 256);
      if (ips !== undefined)
        boxes.push({ pLo: p, pHi: p, qLo: request * 256, qHi: request * 256 + 255, ips });
    }
  });
  return PacketSet.ofBoxes(boxes);
}

const numberRangesCache = new WeakMap<IntervalSet, readonly number[]>();
const PORT_MAX = 65535;
/** PORT_PROTOCOLS, each protocol number. */
const PORT_PROTOCOL_NUMBERS: readonly number[] = PORT_PROTOCOLS.ranges.flatMap(([lo, hi]) =>
  Array.from({ length: Number(hi - lo) + 1 }, (_, k) => Number(lo) + k),
);
/** PORTLESS_PROTOCOLS as number ranges, flattened [lo, hi, ...]. */
const PORTLESS_RANGES: readonly number[] = numberRanges(PORTLESS_PROTOCOLS);

/** A set of small numbers (ports, protocols) as number ranges, flattened [lo, hi, ...]; kept per set. */
function numberRanges(s: IntervalSet): readonly number[] {
  let r = numberRangesCache.get(s);
  if (r === undefined) {
    const out: number[] = [];
    for (const [lo, hi] of s.ranges) out.push(Number(lo), Number(hi));
    numberRangesCache.set(s, (r = out));
  }
  return r;
}

/** The union of the IP sets of the port runs that meet any of the ranges `ports` (flattened). */
function ipsAtPorts(runs: PortRuns, ports: readonly number[]): IntervalSet {
  const hit: IntervalSet[] = [];
  for (let j = 0; j < runs.lo.length; j++) {
    const s = runs.sub[j]!;
    if (hit.includes(s)) continue;
    for (let k = 0; k < ports.length; k += 2)
      if (runs.lo[j]! <= ports[k + 1]! && ports[k]! <= runs.hi[j]!) {
        hit.push(s);
        break;
      }
  }
  return IntervalSet.unionAll(hit);
}

/**
 * The ICMP and ICMPv6 query requests (see ICMP_QUERIES), any code, to any address: the only ICMP a
 * host starts that expects a reply, and the only ICMP a NAT can map by itself (by the query's
 * Identifier, RFC 5508 REQ-1); any other ICMP message is an error that belongs to a connection, or
 * stands alone.
 */
export const ICMP_QUERY_REQUESTS: PacketSet = PacketSet.unionAll(
  ICMP_QUERIES.map(([proto, request]) =>
    PacketSet.cube(IntervalSet.point(BigInt(proto)), icmpTypeCode(request), IP_ALL),
  ),
);

/** Forward packets that expect a reply at all (everything but ICMP messages other than queries). */
export const EXPECTS_REPLY: PacketSet = PacketSet.of({ protocols: PROTO_ALL.subtract(ICMP_PROTOCOLS) }).union(
  ICMP_QUERY_REQUESTS,
);

export interface ReturnSplit {
  /** Every reply passes. */
  ok: PacketSet;
  /** No reply passes. */
  none: PacketSet;
  /** Replies pass on some ephemeral ports only: it depends on the port the client picks. */
  mixed: PacketSet;
}

/**
 * Splits the forward packet space by whether the replies pass a stateless filter whose allowed reply
 * set is `allowedReplies` (reply space: protocol x reply destination port x peer address).
 */
export function splitByReturn(allowedReplies: PacketSet, ephemeral: IntervalSet): ReturnSplit {
  const someDenied = forwardOfReplies(allowedReplies.complement(), ephemeral).intersect(EXPECTS_REPLY);
  const someAllowed = forwardOfReplies(allowedReplies, ephemeral);
  const ok = PacketSet.ALL.subtract(someDenied);
  const none = EXPECTS_REPLY.subtract(someAllowed);
  const mixed = PacketSet.ALL.subtract(ok).subtract(none);
  return { ok, none, mixed };
}
