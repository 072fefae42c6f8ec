// VpcPeeringConnections -> what each peering connection delivers, from each of its two VPCs: packets to
// the other VPC's own address blocks, and nothing else. AWS routes nothing through a peered VPC on to
// its internet gateway, NAT gateway, VPN, Direct Connect or gateway endpoints (no edge-to-edge or
// transitive routing: traffic must start or end at an interface in the VPC), so a route that sends
// anything else to a peering connection (0.0.0.0/0 -> pcx-, a classic mistake) gets it dropped.
import { IntervalSet, toCidrs } from "../../netset/index.js";
import { innerMap } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import type { Delivers, ModelNote } from "../../model/types.js";
import { cidrAt, type AwsContext } from "./context.js";
import type { RawVpcPeeringConnection } from "./raw.js";
import type { Located } from "./snapshot.js";

type Side = "RequesterVpcInfo" | "AccepterVpcInfo";

/**
 * Peering connection id -> sending VPC id -> what it delivers from there. Only where the input names
 * both VPCs and tells the peer's blocks (the connection's listing or the peer VPC's own); a connection
 * listed twice (a cross-region one is in both regions' output) delivers to the blocks either listing
 * names: reading more as the peer's keeps more unknown, never blocks what gets through.
 */
export function peeringDeliveries(ctx: AwsContext): Map<string, Map<string, Delivers>> {
  const blocks = new Map<string, Map<string, { ips: IntervalSet; peer: string; side: Side } | null>>();
  for (const loc of ctx.raw.VpcPeeringConnections) {
    const id = loc.item.VpcPeeringConnectionId;
    for (const [from, to] of [
      ["RequesterVpcInfo", "AccepterVpcInfo"],
      ["AccepterVpcInfo", "RequesterVpcInfo"],
    ] as const) {
      const fromVpc = loc.item[from]?.VpcId;
      const peer = loc.item[to]?.VpcId;
      if (!fromVpc || !peer || fromVpc === peer) continue;
      const ips = listedBlocks(loc, to).union(ctx.model.networks.get(peer)?.cidrs ?? IntervalSet.EMPTY);
      if (ips.isEmpty()) continue;
      const byFrom = innerMap(blocks, id);
      const seen = byFrom.get(fromVpc);
      // (Listings that disagree on which VPC is the peer: what it delivers from here cannot be told.)
      if (seen === null || (seen && seen.peer !== peer)) byFrom.set(fromVpc, null);
      else byFrom.set(fromVpc, seen ? { ...seen, ips: seen.ips.union(ips) } : { ips, peer, side: to });
    }
  }
  const out = new Map<string, Map<string, Delivers>>();
  for (const [id, byFrom] of blocks) {
    const m = new Map<string, Delivers>();
    for (const [fromVpc, known] of byFrom) {
      if (known === null) continue;
      const { ips, peer, side } = known;
      m.set(fromVpc, {
        ips,
        rule: side,
        reason: `${id} connects ${fromVpc} only to the addresses of ${peer} (${someOf(toCidrs(ips), 5)}): AWS does not route through a peered VPC to anything beyond it (no edge-to-edge routing: the peer's internet gateway, NAT gateway, VPN and endpoints cannot be used), so it drops traffic to any other address`,
      });
    }
    if (m.size > 0) out.set(id, m);
  }
  return out;
}

/** The peer's blocks as the connection's listing gives them (CidrBlock, CidrBlockSet, Ipv6CidrBlockSet). */
function listedBlocks(loc: Located<RawVpcPeeringConnection>, side: Side): IntervalSet {
  const info = loc.item[side];
  let ips = IntervalSet.EMPTY;
  if (!info) return ips;
  if (info.CidrBlock) ips = ips.union(cidrAt(info.CidrBlock, 4, loc, side, "CidrBlock"));
  (info.CidrBlockSet ?? []).forEach((b, i) => {
    if (b.CidrBlock) ips = ips.union(cidrAt(b.CidrBlock, 4, loc, side, "CidrBlockSet", i, "CidrBlock"));
  });
  (info.Ipv6CidrBlockSet ?? []).forEach((b, i) => {
    if (b.Ipv6CidrBlock)
      ips = ips.union(cidrAt(b.Ipv6CidrBlock, 6, loc, side, "Ipv6CidrBlockSet", i, "Ipv6CidrBlock"));
  });
  return ips;
}

/**
 * For a peering connection the input does not list: the note the unknown beyond it carries when its
 * describe call failed (data the run lacks), else none (not saved: a warning, see notePeeringNotSaved).
 */
export function peeringMissing(ctx: AwsContext, id: string): ModelNote | undefined {
  const gap = ctx.gapReason("VpcPeeringConnections");
  return gap === undefined
    ? undefined
    : {
        resource: id,
        message: `what VPC peering connection ${id} delivers is not known: ${gap}`,
      };
}
