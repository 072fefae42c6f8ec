// ByoipCidrs (aws ec2 describe-byoip-cidrs), Addresses' pools and VPCs' IPv6 pools -> the public
// addresses the internet may not route back to AWS (model.unannounced).
//
// An address range brought to AWS (BYOIP) can be provisioned, and its addresses given to Elastic IPs
// and VPCs, before AWS advertises it: until then the internet routes it to wherever it was before
// (or nowhere), so what is sent from it leaves, but no answer comes back. Only a range in state
// `advertised` is routed to AWS. An Elastic IP or a VPC IPv6 block from a pool that is not Amazon's,
// with no ByoipCidrs read to tell its range's state, is unknown.
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import { formatIp, IntervalSet } from "../../netset/index.js";
import type { UnannouncedRange } from "../../model/types.js";
import { dirname } from "node:path";
import {
  cidrAt,
  gapsByRegion,
  ipAt,
  notSaved,
  regionOfBorderGroup,
  regionsOf,
  subnetZonesByVpc,
  type AwsContext,
} from "./context.js";
import type { Located } from "./snapshot.js";
import type { InterfaceFacts } from "./network-interface.js";
import { folderScopes } from "./folders.js";
import { saveCommand } from "./save-commands.js";

/** States in which AWS does not advertise a range and never will until someone advertises it. */
const NOT_ADVERTISED = new Set(["provisioned", "provisioned-not-publicly-advertisable"]);

export function convertByoip(ctx: AwsContext): void {
  const ranges: UnannouncedRange[] = [];
  // The smallest range holding an address decides it (ranges of one account do not overlap, but
  // two snapshots might): each keeps only what no smaller one holds.
  const brought = ctx.raw.ByoipCidrs.map((loc) => ({
    ...loc.item,
    ips: cidrAt(loc.item.Cidr, "any", loc, "Cidr"),
  }));
  brought.sort((a, b) => ascending(a.ips.size(), b.ips.size()));
  let claimed = IntervalSet.EMPTY;
  for (const { Cidr: cidr, State: state, ips: all } of brought) {
    const ips = all.subtract(claimed);
    claimed = claimed.union(all);
    if (state === "advertised" || ips.isEmpty()) continue;
    const ref = { resource: cidr, kind: "byoip-cidr", rule: state ?? null };
    ranges.push(
      state && NOT_ADVERTISED.has(state)
        ? {
            ips,
            verdict: "blocked",
            ref,
            reason: `${cidr} is an address range brought to AWS (BYOIP) that AWS does not advertise (${state}): answers to an address in it do not come back to AWS`,
          }
        : {
            ips,
            verdict: "unknown",
            ref,
            reason: `${cidr} is an address range brought to AWS (BYOIP) in state ${state ?? "(none given)"}: whether the internet routes answers to it back to AWS cannot be told`,
          },
    );
  }

  // Addresses in no range read: decided by their pool. The ranges brought to AWS are per account and
  // region, and describe-byoip-cidrs' answer (an empty list, often) does not say whose: an address is
  // decided by the ranges read only where they were saved beside it (see unreadWhy).
  const unreadWhy = byoipUnread(ctx);
  /**
   * Why an address of `pool` in no range read is undecided, if it is: a pool that is not Amazon's,
   * when ByoipCidrs were not read for it; or a BYOIP pool (AWS names them ipv4pool-ec2-... and
   * ipv6pool-ec2-...) whose range is not among those read. An IPAM pool's address in no range read is
   * Amazon-provided: ranges brought through IPAM are listed by describe-byoip-cidrs too.
   */
  const undecided = (
    pool: string | null | undefined,
    loc: Located<unknown>,
    region: string | undefined,
  ): string | undefined => {
    if (!pool || pool.toLowerCase() === "amazon") return undefined;
    const unread = unreadWhy(loc, region);
    if (unread !== undefined) return `whether its range is advertised was not read (${unread})`;
    return /^ipv[46]pool-ec2-/.test(pool) ? `its range is not among the ByoipCidrs in the input` : undefined;
  };
  // Data the run lacks: listed under unknowns too (exit 3), where an address is in use.
  const add = (
    ips: IntervalSet,
    ref: UnannouncedRange["ref"],
    what: string,
    why: string,
    inUse: boolean,
  ): void => {
    const rest = ips.subtract(claimed);
    claimed = claimed.union(ips);
    if (rest.isEmpty()) return;
    const reason = `${what}, not Amazon's, and ${why}: whether answers to it come back to AWS cannot be told`;
    ranges.push({ ips: rest, verdict: "unknown", ref, reason });
    if (inUse) ctx.model.unknowns.push({ resource: ref.resource, message: reason });
  };
  for (const loc of ctx.raw.Addresses) {
    const { PublicIp: ip, PublicIpv4Pool: pool, NetworkBorderGroup: group } = loc.item;
    const why = ip ? undecided(pool, loc, group ? regionOfBorderGroup(group) : undefined) : undefined;
    if (ip && why !== undefined)
      add(
        IntervalSet.point(ipAt(ip, 4, loc, "PublicIp")),
        { resource: ip, kind: "elastic-ip", rule: pool ?? null },
        `Elastic IP ${ip} comes from address pool ${pool}`,
        why,
        !!(loc.item.NetworkInterfaceId || loc.item.InstanceId || loc.item.PrivateIpAddress),
      );
  }
  const zonesOf = subnetZonesByVpc(ctx);
  for (const loc of ctx.raw.Vpcs) {
    const vpc = loc.item;
    // The VPC's region, where its subnets' zones tell one.
    const regions = regionsOf(zonesOf.get(vpc.VpcId) ?? []);
    const region = regions.size === 1 ? [...regions][0] : undefined;
    (vpc.Ipv6CidrBlockAssociationSet ?? []).forEach((a, i) => {
      const block = a.Ipv6CidrBlock;
      const why = block ? undecided(a.Ipv6Pool, loc, region) : undefined;
      if (block && why !== undefined)
        add(
          cidrAt(block, 6, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock"),
          { resource: vpc.VpcId, kind: "vpc", rule: block },
          `${vpc.VpcId}'s IPv6 block ${block} comes from pool ${a.Ipv6Pool}`,
          why,
          true,
        );
    });
  }
  ctx.model.unannounced = ranges;
}

/**
 * Why the ranges brought to AWS are not read for an address or VPC block saved at `loc` (in `region`,
 * where known), if they are not: describe-byoip-cidrs not saved, or its call failed in that region
 * (in any region, where the address's is not known). The ranges are per account and region and an
 * empty answer does not say whose, so they count as read for what is saved in the same folder only,
 * and not where that folder holds several regions' or accounts' snapshots (see folderScopes).
 * Another account's ranges read as this one's made an Elastic IP from a pool that is not Amazon's
 * pass as Amazon's.
 */
function byoipUnread(
  ctx: AwsContext,
): (loc: Located<unknown>, region: string | undefined) => string | undefined {
  const gaps = gapsByRegion(ctx, "ByoipCidrs");
  const anyGap = ctx.gapReason("ByoipCidrs");
  const folders = folderScopes(ctx);
  const savedIn = folders.savedIn("ByoipCidrs");
  return (loc, region) => {
    if (anyGap !== undefined) {
      const gap = region === undefined ? anyGap : gaps.get(region);
      if (gap !== undefined) return gap;
    }
    if (!ctx.raw.present.has("ByoipCidrs")) return anyGap ?? `save ${saveCommand("ByoipCidrs")}`;
    const folder = dirname(loc.file);
    // (No message names the folder: a verdict's reason must not change with where the snapshot is kept.)
    if (!savedIn.has(folder))
      return "describe-byoip-cidrs is in the input for other folders only, and its ranges are per account and region: save it beside describe-addresses";
    if (folders.mixed(folder))
      return "describe-byoip-cidrs was saved in a folder holding several regions' or accounts' snapshots, and its ranges are per account and region: whose were saved cannot be told";
    return undefined;
  };
}

/**
 * A warning naming the public IPv4 addresses in use (interfaces' and NAT gateways') when neither
 * describe-addresses nor describe-byoip-cidrs is in the input at all (not saved, or their calls failed): nothing then tells an Elastic IP
 * from a range brought to AWS (BYOIP) that AWS does not advertise, whose answers do not come back, so
 * every public address is audited as Amazon's. Only "allowed" can be wrong that way, hence a warning.
 * With either saved, such an address is told (by its range's state, or as unknown by its pool); the
 * public addresses themselves are in the interfaces' and NAT gateways' own listings, so the egress IPs
 * do not depend on describe-addresses.
 */
export function noteAddressesNotSaved(ctx: AwsContext, facts: InterfaceFacts): void {
  // Not saved, or their calls failed (the run lists those under unknowns): either way nothing tells.
  const unread = (key: "Addresses" | "ByoipCidrs") =>
    !ctx.raw.present.has(key) || ctx.gapReason(key) !== undefined;
  if (!unread("Addresses") || !unread("ByoipCidrs")) return;
  const how =
    notSaved(ctx, "Addresses") && notSaved(ctx, "ByoipCidrs") ? "neither was saved" : "neither could be read";
  const inUse = new Map<bigint, string>();
  for (const [vpc, map] of facts.publicIpOf) for (const pub of map.values()) inUse.set(pub, vpc);
  if (inUse.size === 0) return;
  const shown = [...inUse]
    .sort(([a, va], [b, vb]) => ascending(va, vb) || ascending(a, b))
    .map(([ip, vpc]) => `${formatIp(ip)} (${vpc})`);
  ctx.model.warnings.push({
    resource: "Addresses",
    message: `describe-addresses is not in the input, nor describe-byoip-cidrs (${how}): the public IPv4 addresses in use, ${someOf(shown, 5)}, are read as Amazon's, whose answers come back; one from an address range brought to AWS (BYOIP) that AWS does not advertise gets no answers, though this run reports its traffic as allowed`,
  });
}
