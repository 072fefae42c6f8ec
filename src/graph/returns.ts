// Return traffic through stateless filters. A connection works only if the replies pass too; a stateless
// filter judges a reply by its own rules: the reply's destination port is the client's ephemeral source
// port, and its peer address is the far end. Replies to ICMP echo are echo replies; other ICMP messages
// expect no reply.
import {
  ICMP_PROTOCOLS,
  icmpTypeCode,
  IntervalSet,
  IP_ALL,
  PacketSet,
  PROTO,
  PROTO_ALL,
} from "../netset/index.js";

const PORT_PROTOCOLS = IntervalSet.fromRanges([
  [BigInt(PROTO.TCP), BigInt(PROTO.TCP)],
  [BigInt(PROTO.UDP), BigInt(PROTO.UDP)],
  [BigInt(PROTO.SCTP), BigInt(PROTO.SCTP)],
]);
/** Protocols without ports: their replies are the same protocol between the same two addresses. */
const PORTLESS_PROTOCOLS = PROTO_ALL.subtract(PORT_PROTOCOLS).subtract(ICMP_PROTOCOLS);

/** [request type, reply type] pairs for ICMP (echo 8 -> 0) and ICMPv6 (echo 128 -> 129). */
const ICMP_ECHO: ReadonlyArray<readonly [number, number, number]> = [
  [PROTO.ICMP, 8, 0],
  [PROTO.ICMPV6, 128, 129],
];

/** Forward packets whose replies include at least one packet of `replies` (a set in reply space). */
export function forwardOfReplies(replies: PacketSet, ephemeral: IntervalSet): PacketSet {
  let fwd = replies.restrictProtocols(PORT_PROTOCOLS).restrictPorts(ephemeral).existsPort();
  fwd = fwd.union(replies.restrictProtocols(PORTLESS_PROTOCOLS));
  for (const [proto, request, reply] of ICMP_ECHO) {
    const p = IntervalSet.point(BigInt(proto));
    const hit = replies.restrictProtocols(p).restrictPorts(icmpTypeCode(reply, 0)).existsPort();
    if (!hit.isEmpty()) fwd = fwd.union(hit.intersect(PacketSet.cube(p, icmpTypeCode(request), IP_ALL)));
  }
  return fwd;
}

/** Forward packets that expect a reply at all (everything but one-way ICMP messages). */
export const EXPECTS_REPLY: PacketSet = (() => {
  let s = PacketSet.of({ protocols: PROTO_ALL.subtract(ICMP_PROTOCOLS) });
  for (const [proto, request] of ICMP_ECHO) {
    s = s.union(PacketSet.cube(IntervalSet.point(BigInt(proto)), icmpTypeCode(request), IP_ALL));
  }
  return s;
})();

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
