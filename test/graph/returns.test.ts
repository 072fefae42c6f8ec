// forwardOfReplies reads the replies' structure directly (one sweep); it must give exactly what the
// definition gives as a chain of set operations, for every reply kind: ports (TCP, UDP, SCTP),
// portless protocols and ICMP queries, whatever the ephemeral ports.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forwardOfReplies } from "../../src/graph/returns.js";
import {
  ICMP_PROTOCOLS,
  icmpTypeCode,
  IntervalSet,
  IP_ALL,
  PacketSet,
  PROTO_ALL,
} from "../../src/netset/index.js";

const PORT_PROTOCOLS = IntervalSet.fromRanges([
  [6n, 6n],
  [17n, 17n],
  [132n, 132n],
]);
const PORTLESS = PROTO_ALL.subtract(PORT_PROTOCOLS).subtract(ICMP_PROTOCOLS);
const QUERIES: [number, number, number][] = [
  [1, 8, 0],
  [1, 13, 14],
  [1, 15, 16],
  [1, 17, 18],
  [58, 128, 129],
];

/** The definition, spelled out as set operations (what forwardOfReplies computed before). */
function byDefinition(replies: PacketSet, ephemeral: IntervalSet): PacketSet {
  let fwd = replies.restrictProtocols(PORT_PROTOCOLS).restrictPorts(ephemeral).existsPort();
  fwd = fwd.union(replies.restrictProtocols(PORTLESS));
  for (const [p, request, reply] of QUERIES) {
    const proto = IntervalSet.point(BigInt(p));
    const hit = replies.intersect(PacketSet.cube(proto, icmpTypeCode(reply, 0), IP_ALL)).existsPort();
    fwd = fwd.union(hit.intersect(PacketSet.cube(proto, icmpTypeCode(request), IP_ALL)));
  }
  return fwd;
}

// Protocol ranges around the ones that matter, ports around ICMP reply types and ephemeral ranges.
const protoArb = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 5, 6, 7, 17, 18, 57, 58, 59, 132, 133, 255),
    fc.constantFrom(0, 0, 0, 1, 12, 60),
  )
  .map(([lo, len]) => IntervalSet.range(BigInt(lo), BigInt(Math.min(255, lo + len))));
const portArb = fc
  .tuple(
    fc.constantFrom(0, 1, 255, 256, 3584, 3840, 4096, 4608, 33024, 1024, 32768, 49152, 60999, 65535),
    fc.constantFrom(0, 0, 1, 255, 2048, 40000, 65535),
  )
  .map(([lo, len]) => IntervalSet.range(BigInt(lo), BigInt(Math.min(65535, lo + len))));
const ipArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 5 })), {
    minLength: 1,
    maxLength: 4,
  })
  .map((xs) => IntervalSet.fromRanges(xs.map(([lo, len]) => [BigInt(lo), BigInt(lo + len)] as const)));
const repliesArb = fc
  .array(fc.tuple(protoArb, portArb, ipArb), { maxLength: 6 })
  .map((cs) => PacketSet.unionAll(cs.map(([p, q, i]) => PacketSet.cube(p, q, i))));
const ephemeralArb = fc.constantFrom(
  IntervalSet.range(32768n, 60999n),
  IntervalSet.range(1024n, 65535n),
  IntervalSet.range(49152n, 65535n),
  IntervalSet.fromRanges([
    [0n, 0n],
    [256n, 300n],
    [40000n, 40000n],
  ]),
);

describe("forwardOfReplies", () => {
  it("is the forward packets the definition gives", () => {
    fc.assert(
      fc.property(repliesArb, ephemeralArb, (replies, ephemeral) => {
        const got = forwardOfReplies(replies, ephemeral);
        const want = byDefinition(replies, ephemeral);
        expect(got.equals(want), `${got.toString()} != ${want.toString()}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("of every reply and of none", () => {
    for (const e of [IntervalSet.range(32768n, 60999n), IntervalSet.range(1024n, 65535n)]) {
      expect(forwardOfReplies(PacketSet.ALL, e).equals(byDefinition(PacketSet.ALL, e))).toBe(true);
      expect(forwardOfReplies(PacketSet.EMPTY, e).isEmpty()).toBe(true);
    }
  });
});
