// Subnets -> Subnet, with the route table and network ACL that apply to each: the explicitly associated
// ones, else the VPC's main route table and default network ACL (the ACL only where its VPC's ACLs list no
// association at all: describe-network-acls lists every subnet's, so one it leaves out is unknown).
import { IntervalSet } from "../../netset/index.js";
import { unreadableFilter } from "../../model/types.js";
import {
  at,
  blockAssociated,
  blockStateUnread,
  cidrAt,
  missingReason,
  nameTag,
  type AwsContext,
} from "./context.js";
import { InputError } from "../../model/errors.js";
import type { Located } from "./snapshot.js";
import { innerList } from "../../model/maps.js";
import {
  associationClaim,
  settle,
  sharedSubnets,
  unlistedWhy,
  withoutAssociations,
  type Claim,
} from "./claims.js";

export function convertSubnets(ctx: AwsContext): void {
  const vpcOfSubnet = new Map(ctx.raw.Subnets.map(({ item }) => [item.SubnetId, item.VpcId]));
  const rtBySubnet = new Map<string, Claim[]>();
  const mainRt = new Map<string, Claim[]>();
  for (const loc of ctx.raw.RouteTables) {
    const rt = loc.item;
    (rt.Associations ?? []).forEach((a, j) => {
      const c = associationClaim(rt.RouteTableId, a);
      if (!c) return;
      if (!a.SubnetId && !a.GatewayId && !a.Main)
        unnamedAssociation(loc, j, "SubnetId or GatewayId, or Main true");
      if (a.SubnetId) {
        sameVpc(vpcOfSubnet, a.SubnetId, rt.RouteTableId, rt.VpcId, loc, j, "route table");
        innerList(rtBySubnet, a.SubnetId).push(c);
      }
      if (a.Main) innerList(mainRt, rt.VpcId).push(c);
    });
  }
  const aclBySubnet = new Map<string, Claim[]>();
  const defaultAcl = new Map<string, Claim[]>();
  for (const loc of ctx.raw.NetworkAcls) {
    const acl = loc.item;
    (acl.Associations ?? []).forEach((a, j) => {
      if (!a.SubnetId) unnamedAssociation(loc, j, "SubnetId");
      sameVpc(vpcOfSubnet, a.SubnetId, acl.NetworkAclId, acl.VpcId, loc, j, "network ACL");
      innerList(aclBySubnet, a.SubnetId).push({ id: acl.NetworkAclId });
    });
    if (acl.IsDefault) innerList(defaultAcl, acl.VpcId).push({ id: acl.NetworkAclId });
  }
  const aclsPresent = ctx.raw.present.has("NetworkAcls");
  const rtsUnread = withoutAssociations(ctx.raw.RouteTables, (t) => t.RouteTableId);
  const aclsUnread = withoutAssociations(ctx.raw.NetworkAcls, (a) => a.NetworkAclId);
  // VPCs whose ACLs list associations at all: there, a subnet in none of them is on an ACL the input
  // lacks (see unlistedAcl).
  const listsAssociations = new Set<string>();
  for (const { item: acl } of ctx.raw.NetworkAcls)
    if (acl.Associations?.some((a) => a.SubnetId)) listsAssociations.add(acl.VpcId);
  const shared = sharedSubnets(ctx.raw.Subnets, [
    ...ctx.raw.NetworkInterfaces.map((l) => l.item),
    ...ctx.raw.Reservations.flatMap((l) =>
      (l.item.Instances ?? []).flatMap((i) => i.NetworkInterfaces ?? []),
    ),
  ]);
  for (const loc of ctx.raw.Subnets) {
    const s = loc.item;
    let cidrs = IntervalSet.EMPTY;
    if (s.CidrBlock) cidrs = cidrs.union(cidrAt(s.CidrBlock, 4, loc, "CidrBlock"));
    s.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      // A block state AWS does not print is missing data, as a VPC block's (listed under unknowns).
      const unread = a.Ipv6CidrBlock && blockStateUnread(s.SubnetId, a.Ipv6CidrBlock, a.Ipv6CidrBlockState);
      if (unread) ctx.model.unknowns.push({ resource: s.SubnetId, message: unread });
      if (a.Ipv6CidrBlock && blockAssociated(a.Ipv6CidrBlockState))
        cidrs = cidrs.union(
          cidrAt(a.Ipv6CidrBlock, 6, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock"),
        );
    });
    // A subnet no ACL lists is on its VPC's default ACL where the input lists no association at all
    // (a hand-made input); where it lists others, or an ACL whose associations were not read may list
    // it, which ACL applies cannot be told.
    const unreadAcls = aclsUnread.get(s.VpcId);
    const byDefault = () => {
      const d = settle(defaultAcl.get(s.VpcId), `${s.VpcId} (default)`, "network ACL");
      return d && "id" in d && listsAssociations.has(s.VpcId) ? { why: unlistedAcl(s.SubnetId, d.id) } : d;
    };
    const acl =
      settle(aclBySubnet.get(s.SubnetId), s.SubnetId, "network ACL") ??
      (unreadAcls
        ? {
            why: unlistedWhy(
              s.SubnetId,
              "network ACL",
              unreadAcls,
              "describe-network-acls",
              "which network ACL applies to it",
            ),
          }
        : byDefault());
    let aclId = acl && "id" in acl ? acl.id : undefined;
    if (!aclId) {
      // Every subnet has a network ACL in AWS; not knowing which one means its verdicts are unknown.
      aclId = `acl-unknown:${s.SubnetId}`;
      const reason =
        acl && "why" in acl
          ? acl.why
          : shared.has(s.SubnetId) && ctx.gapReason("NetworkAcls") === undefined
            ? `the network ACL of ${s.SubnetId} is not in the input: ${shared.get(s.SubnetId)!}`
            : aclsPresent
              ? `the network ACL of ${s.SubnetId} is not in the input (no association and no default ACL for ${s.VpcId})`
              : missingReason(ctx, "NetworkAcls", `the network ACL of ${s.SubnetId} is unknown`);
      ctx.model.filters.set(aclId, unreadableFilter(aclId, "network-acl", "first-match", false, reason));
      ctx.model.unknowns.push({ resource: s.SubnetId, message: reason });
    }
    // Likewise a subnet no table lists is on its VPC's main table, unless a table whose associations
    // were not read lists it (or is the main one).
    const unreadRts = rtsUnread.get(s.VpcId);
    let rt =
      settle(rtBySubnet.get(s.SubnetId), s.SubnetId, "route table") ??
      (unreadRts
        ? {
            why: unlistedWhy(
              s.SubnetId,
              "route table",
              unreadRts,
              "describe-route-tables",
              "which route table applies to it",
            ),
            missing: true,
          }
        : settle(mainRt.get(s.VpcId), `${s.VpcId} (main)`, "route table"));
    let routeTableId = rt && "id" in rt ? rt.id : null;
    // (A failed call is named first: the IAM action missing is what to fix.)
    const sharedWhy = ctx.gapReason("RouteTables") === undefined ? shared.get(s.SubnetId) : undefined;
    if (rt === undefined && sharedWhy !== undefined)
      rt = { why: `the route table of ${s.SubnetId} is not in the input: ${sharedWhy}`, missing: true };
    if (rt && "why" in rt) {
      // Which table applies cannot be told: a stand-in that is not read, with the reason.
      routeTableId = `rtb-unknown:${s.SubnetId}`;
      ctx.model.routeTables.set(routeTableId, {
        id: routeTableId,
        networkId: s.VpcId,
        routes: [],
        unknown: rt.why,
      });
      // (An association AWS is making or undoing is no data missing: unknown with the reason only.)
      if (rt.missing) ctx.model.unknowns.push({ resource: s.SubnetId, message: rt.why });
    } else if (routeTableId === null) {
      ctx.model.unknowns.push({
        resource: s.SubnetId,
        message: ctx.raw.present.has("RouteTables")
          ? `no route table is associated with ${s.SubnetId} and ${s.VpcId} has no main route table in the input`
          : missingReason(ctx, "RouteTables", `the route table of ${s.SubnetId} is unknown`),
      });
    }
    ctx.model.subnets.set(s.SubnetId, {
      id: s.SubnetId,
      networkId: s.VpcId,
      name: nameTag(s.Tags),
      zone: s.AvailabilityZone ?? undefined,
      cidrs,
      routeTableId,
      boundaryFilterIds: [aclId],
    });
  }
}

/**
 * Why the network ACL of `subnetId`, which no ACL's Associations lists while its VPC's ACLs list
 * others, cannot be told. describe-network-acls lists every subnet's association, the default ACL's
 * too, so the input lacks the ACL that applies: saved with a filter (reading it as the default ACL,
 * `defaultId`, could allow what a stricter one blocks), or the subnet was created between that call
 * and describe-subnets (then it is on the default ACL, and saving the input again tells).
 */
function unlistedAcl(subnetId: string, defaultId: string): string {
  return `${subnetId} is in no network ACL's Associations while other subnets of its VPC are: describe-network-acls lists every subnet's association (the default ACL's too), so the input lacks the network ACL that applies to it (saved with a filter?), or ${subnetId} was created between the describe-network-acls and describe-subnets calls (then it is on the default network ACL ${defaultId}, and saving the input again tells), so which network ACL applies to it cannot be told`;
}

/**
 * An association that names nothing it associates: describe-route-tables prints a subnet's or a
 * gateway's id in each association but the main one, describe-network-acls a subnet's in each. Read
 * as nothing, it would leave a subnet on its VPC's main table or default ACL though it may be this
 * one's, so it is an input error, as a route without a destination is.
 */
function unnamedAssociation(loc: Located<unknown>, j: number, expected: string): never {
  const where = at(loc, "Associations", j);
  throw new InputError(
    `expected ${expected} (an association names what it associates)`,
    where.file,
    where.path,
  );
}

/**
 * A route table or network ACL is associated only with subnets of its own VPC (AWS refuses any other
 * association). Listings that say otherwise (saved from different accounts or moments, or edited) would
 * route or filter one VPC's subnet by another's rules, its NAT and internet gateways included: no
 * answer drawn from that can be trusted, so it is an input error naming the association.
 */
function sameVpc(
  vpcOfSubnet: ReadonlyMap<string, string>,
  subnetId: string,
  id: string,
  vpcId: string,
  loc: Located<unknown>,
  j: number,
  what: string,
): void {
  const subnetVpc = vpcOfSubnet.get(subnetId);
  if (subnetVpc === undefined || subnetVpc === vpcId) return;
  const where = at(loc, "Associations", j, "SubnetId");
  throw new InputError(
    `${id} is a ${what} of ${vpcId}, but describe-subnets puts ${subnetId} in ${subnetVpc}: AWS associates a ${what} only with subnets of its own VPC (listings from different accounts or moments: save them together)`,
    where.file,
    where.path,
  );
}
