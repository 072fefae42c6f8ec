// VpcPeeringConnections -> what each peering connection delivers, from each of its two VPCs: packets to
// the other VPC's own address blocks, and nothing else. AWS routes nothing through a peered VPC on to
// its internet gateway, NAT gateway, VPN, Direct Connect or gateway endpoints (no edge-to-edge or
// transitive routing: traffic must start or end at an interface in the VPC), so a route that sends
// anything else to a peering connection (0.0.0.0/0 -> pcx-, a classic mistake) gets it dropped.
import { IntervalSet, toCidrs } from "../../netset/index.js";
import { InputError } from "../../model/errors.js";
import { innerMap, innerSet } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import type { Delivery, ExitGateway } from "../../model/types.js";
import { at, cidrAt, missingReason, type AwsContext } from "./context.js";
import type { RawVpcPeeringConnection } from "./raw.js";
import type { Located } from "./snapshot.js";

type Side = "RequesterVpcInfo" | "AccepterVpcInfo";

/** What a route's peering connection delivers, as its exit gateway says (see ExitGateway.delivery). */
export type Deliveries = Map<string, NonNullable<ExitGateway["delivery"]>>;

const ONLY_PEER = "which delivers only to the peer VPC's own addresses";

/** What is known of one connection from one of its VPCs, over all its listings. */
interface FromSide {
  peers: Set<string>;
  ips: IntervalSet;
  side: Side;
  /** Whether every listing gives the peer's IPv4 blocks in full (CidrBlockSet), or describe-vpcs does. */
  complete: boolean;
}

/**
 * Peering connection id -> what it delivers from each VPC of its listings. From the VPC on one side: the
 * other side's blocks as the listing gives them (CidrBlock, CidrBlockSet, Ipv6CidrBlockSet) and the peer
 * VPC's own where describe-vpcs lists it. A connection listed twice (a cross-region one is in both
 * regions' output) delivers to the blocks either listing names (more read as the peer's keeps more
 * unknown, never blocks what gets through). Where listings name different peers, give no blocks of the
 * peer, or not all of its IPv4 ones (no CidrBlockSet), what it delivers is unknown.
 */
export function peeringDeliveries(ctx: AwsContext): Deliveries {
  const known = new Map<string, Map<string, FromSide>>();
  const sidesOf = new Map<string, Set<string>>();
  for (const loc of ctx.raw.VpcPeeringConnections) {
    const id = loc.item.VpcPeeringConnectionId;
    const byFrom = innerMap(known, id);
    const vpcs = innerSet(sidesOf, id);
    for (const [from, to] of [
      ["RequesterVpcInfo", "AccepterVpcInfo"],
      ["AccepterVpcInfo", "RequesterVpcInfo"],
    ] as const) {
      const fromVpc = loc.item[from]?.VpcId;
      if (!fromVpc) continue;
      vpcs.add(fromVpc);
      const peer = loc.item[to]?.VpcId ?? "(none named)";
      const listed = listedBlocks(loc, to);
      const inInput = ctx.model.networks.get(peer)?.cidrs;
      const ips = listed.union(inInput ?? IntervalSet.EMPTY);
      const complete = inInput !== undefined || loc.item[to]?.CidrBlockSet != null;
      const seen = byFrom.get(fromVpc);
      if (seen) {
        seen.peers.add(peer);
        seen.ips = seen.ips.union(ips);
        seen.complete &&= complete;
      } else byFrom.set(fromVpc, { peers: new Set([peer]), ips, side: to, complete });
    }
  }
  const out: Deliveries = new Map();
  for (const [id, byFrom] of known) {
    const byNetwork = new Map<string, Delivery>();
    for (const [fromVpc, s] of byFrom) byNetwork.set(fromVpc, deliveryFrom(id, fromVpc, s));
    const vpcs = [...sidesOf.get(id)!].sort(ascending);
    const why = `its describe-vpc-peering-connections listing names ${vpcs.length > 0 ? `only ${vpcs.join(" and ")} as its VPCs` : "none of its VPCs"}, not the VPC of the route that sends to it`;
    out.set(id, {
      byNetwork,
      otherwise: {
        kind: "unknown",
        reason: `${ONLY_PEER}: ${why}`,
        missing: { resource: id, message: `${id}: ${why}` },
      },
    });
  }
  return out;
}

function deliveryFrom(id: string, fromVpc: string, s: FromSide): Delivery {
  const peers = [...s.peers].sort(ascending);
  if (peers.length > 1 || peers[0] === fromVpc || peers[0] === "(none named)") {
    const why = `its listings name ${someOf(peers, 5)} as the VPC it connects ${fromVpc} to, so which VPC's addresses it delivers to cannot be told`;
    return {
      kind: "unknown",
      reason: `${ONLY_PEER}: ${why}`,
      missing: { resource: id, message: `${id}: ${why}` },
    };
  }
  const peer = peers[0]!;
  // (AWS gives the blocks of an active connection only; a route to one that is not active is a blackhole.)
  if (s.ips.isEmpty())
    return { kind: "unknown", reason: `${ONLY_PEER}: its listing gives none of ${peer}'s address blocks` };
  if (!s.complete)
    return {
      kind: "unknown",
      reason: `${ONLY_PEER}: its listing gives ${peer}'s blocks without CidrBlockSet (and describe-vpcs does not list ${peer}), so whether they are all of them cannot be told`,
    };
  return {
    kind: "only",
    ips: s.ips,
    rule: s.side,
    reason: `${id} connects ${fromVpc} only to the addresses of ${peer} (${someOf(toCidrs(s.ips), 5)}): AWS does not route through a peered VPC to anything beyond it (no edge-to-edge routing: the peer's internet gateway, NAT gateway, VPN and endpoints cannot be used), so it drops traffic to any other address`,
  };
}

/** The peer's blocks as the connection's listing gives them (CidrBlock, CidrBlockSet, Ipv6CidrBlockSet). */
function listedBlocks(loc: Located<RawVpcPeeringConnection>, side: Side): IntervalSet {
  const info = loc.item[side];
  let ips = IntervalSet.EMPTY;
  if (!info) return ips;
  const block = (text: string, family: 4 | 6, ...path: (string | number)[]): IntervalSet => {
    // AWS prints every block with its prefix length: an address alone is not one (read as a /32 it
    // would leave the rest of the peer's block blocked).
    if (!text.includes("/")) {
      const w = at(loc, side, ...path);
      throw new InputError(
        `expected a CIDR block (address/prefix length), got ${JSON.stringify(text)}`,
        w.file,
        w.path,
      );
    }
    return cidrAt(text, family, loc, side, ...path);
  };
  if (info.CidrBlock) ips = ips.union(block(info.CidrBlock, 4, "CidrBlock"));
  (info.CidrBlockSet ?? []).forEach((b, i) => {
    if (b.CidrBlock) ips = ips.union(block(b.CidrBlock, 4, "CidrBlockSet", i, "CidrBlock"));
  });
  (info.Ipv6CidrBlockSet ?? []).forEach((b, i) => {
    if (b.Ipv6CidrBlock) ips = ips.union(block(b.Ipv6CidrBlock, 6, "Ipv6CidrBlockSet", i, "Ipv6CidrBlock"));
  });
  return ips;
}

/**
 * For a peering connection routed to that the input does not list: what it delivers is not known, and
 * that is data the run lacks (not saved, its call failed, or the saved output does not list it).
 */
export function unlistedPeering(ctx: AwsContext, id: string): NonNullable<ExitGateway["delivery"]> {
  const why = ctx.raw.present.has("VpcPeeringConnections")
    ? `${id} is not in the describe-vpc-peering-connections output`
    : missingReason(ctx, "VpcPeeringConnections", `the peer VPC's addresses are not known`);
  return {
    byNetwork: new Map(),
    otherwise: {
      kind: "unknown",
      reason: `${ONLY_PEER}: ${why}`,
      missing: { resource: id, message: `what VPC peering connection ${id} delivers is not known: ${why}` },
    },
  };
}
