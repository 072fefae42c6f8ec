// Vpcs -> Network: the VPC's IPv4 and IPv6 CIDR blocks.
import { IntervalSet } from "../../netset/index.js";
import { at, cidrAt, nameTag, type AwsContext } from "./context.js";

export function convertVpcs(ctx: AwsContext): void {
  for (const loc of ctx.raw.Vpcs) {
    const v = loc.item;
    let cidrs = IntervalSet.EMPTY;
    if (v.CidrBlock) cidrs = cidrs.union(cidrAt(v.CidrBlock, at(loc, "CidrBlock")));
    v.CidrBlockAssociationSet?.forEach((a, i) => {
      if (a.CidrBlockState?.State && a.CidrBlockState.State !== "associated") return;
      cidrs = cidrs.union(cidrAt(a.CidrBlock, at(loc, "CidrBlockAssociationSet", i, "CidrBlock")));
    });
    v.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      if (!a.Ipv6CidrBlock || (a.Ipv6CidrBlockState?.State && a.Ipv6CidrBlockState.State !== "associated"))
        return;
      cidrs = cidrs.union(
        cidrAt(a.Ipv6CidrBlock, at(loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock")),
      );
    });
    ctx.model.networks.set(v.VpcId, { id: v.VpcId, kind: "vpc", name: nameTag(v.Tags), cidrs });
  }
}
