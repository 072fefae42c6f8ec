// Subnets -> Subnet, with the route table and network ACL that apply to each: the explicitly associated
// ones, else the VPC's main route table and default network ACL.
import { IntervalSet } from "../../netset/index.js";
import { unreadableFilter } from "../../model/types.js";
import { cidrAt, missingReason, nameTag, type AwsContext } from "./context.js";

export function convertSubnets(ctx: AwsContext): void {
  const rtBySubnet = new Map<string, string>();
  const mainRt = new Map<string, string>();
  for (const { item: rt } of ctx.raw.RouteTables) {
    for (const a of rt.Associations ?? []) {
      if (a.SubnetId) rtBySubnet.set(a.SubnetId, rt.RouteTableId);
      if (a.Main) mainRt.set(rt.VpcId, rt.RouteTableId);
    }
  }
  const aclBySubnet = new Map<string, string>();
  const defaultAcl = new Map<string, string>();
  for (const { item: acl } of ctx.raw.NetworkAcls) {
    for (const a of acl.Associations ?? []) if (a.SubnetId) aclBySubnet.set(a.SubnetId, acl.NetworkAclId);
    if (acl.IsDefault) defaultAcl.set(acl.VpcId, acl.NetworkAclId);
  }
  const aclsPresent = ctx.raw.present.has("NetworkAcls");
  for (const loc of ctx.raw.Subnets) {
    const s = loc.item;
    let cidrs = IntervalSet.EMPTY;
    if (s.CidrBlock) cidrs = cidrs.union(cidrAt(s.CidrBlock, loc, "CidrBlock"));
    s.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      if (a.Ipv6CidrBlock)
        cidrs = cidrs.union(cidrAt(a.Ipv6CidrBlock, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock"));
    });
    let aclId = aclBySubnet.get(s.SubnetId) ?? defaultAcl.get(s.VpcId);
    if (!aclId) {
      // Every subnet has a network ACL in AWS; not knowing which one means its verdicts are unknown.
      aclId = `acl-unknown:${s.SubnetId}`;
      const reason = aclsPresent
        ? `the network ACL of ${s.SubnetId} is not in the input (no association and no default ACL for ${s.VpcId})`
        : missingReason(ctx, "NetworkAcls", `the network ACL of ${s.SubnetId} is unknown`);
      ctx.model.filters.set(aclId, unreadableFilter(aclId, "network-acl", "first-match", false, reason));
      ctx.model.unknowns.push({ resource: s.SubnetId, message: reason });
    }
    const routeTableId = rtBySubnet.get(s.SubnetId) ?? mainRt.get(s.VpcId) ?? null;
    if (routeTableId === null) {
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
