// Vpcs -> Network: the VPC's IPv4 and IPv6 CIDR blocks, and the addresses AWS answers itself inside
// every VPC (Amazon DNS at the primary CIDR's base + 2 and 169.254.169.253, the instance metadata
// service at 169.254.169.254, the Amazon Time Sync Service at 169.254.169.123, the Windows activation
// servers at 169.254.169.250-251), which security groups and network ACLs do not filter: AWS's VPC
// security docs exempt link-local addresses and the VPC's reserved ones.
import { cidrSet, IntervalSet, PacketSet, parsePortSpec, IP_ALL } from "../../netset/index.js";
import type { LocalService } from "../../model/types.js";
import { cidrAt, nameTag, type AwsContext } from "./context.js";

const DNS = parsePortSpec("udp/53,tcp/53");
const IMDS = parsePortSpec("tcp/80");
const NTP = parsePortSpec("udp/123");
const KMS = parsePortSpec("tcp/1688");

function services(vpcId: string, primary: IntervalSet | null): LocalService[] {
  const ref = (rule: string) => ({ resource: vpcId, kind: "vpc", rule });
  let dnsIps = cidrSet(["169.254.169.253/32", "fd00:ec2::253/128"]);
  const base = primary?.min();
  if (base !== undefined) dnsIps = dnsIps.union(IntervalSet.point(base + 2n));
  return [
    {
      ips: dnsIps,
      serves: DNS,
      servesText: "tcp and udp 53",
      label: "the Amazon-provided DNS resolver",
      ref: ref("Amazon DNS"),
    },
    {
      ips: cidrSet(["169.254.169.254/32", "fd00:ec2::254/128"]),
      serves: IMDS,
      servesText: "tcp 80",
      label: "the instance metadata service",
      ref: ref("IMDS"),
    },
    {
      ips: cidrSet(["169.254.169.123/32", "fd00:ec2::123/128"]),
      serves: NTP,
      servesText: "udp 123",
      label: "the Amazon Time Sync Service",
      ref: ref("Amazon Time Sync"),
    },
    {
      ips: cidrSet(["169.254.169.250/31"]),
      serves: KMS,
      servesText: "tcp 1688",
      label: "the Windows activation (KMS) servers",
      ref: ref("Windows activation"),
    },
  ];
}

export function convertVpcs(ctx: AwsContext): void {
  for (const loc of ctx.raw.Vpcs) {
    const v = loc.item;
    let cidrs = IntervalSet.EMPTY;
    const primary = v.CidrBlock ? cidrAt(v.CidrBlock, loc, "CidrBlock") : null;
    if (primary) cidrs = cidrs.union(primary);
    v.CidrBlockAssociationSet?.forEach((a, i) => {
      if (a.CidrBlockState?.State && a.CidrBlockState.State !== "associated") return;
      cidrs = cidrs.union(cidrAt(a.CidrBlock, loc, "CidrBlockAssociationSet", i, "CidrBlock"));
    });
    v.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      if (!a.Ipv6CidrBlock || (a.Ipv6CidrBlockState?.State && a.Ipv6CidrBlockState.State !== "associated"))
        return;
      cidrs = cidrs.union(cidrAt(a.Ipv6CidrBlock, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock"));
    });
    ctx.model.networks.set(v.VpcId, {
      id: v.VpcId,
      kind: "vpc",
      name: nameTag(v.Tags),
      cidrs,
      services: services(v.VpcId, primary),
    });
  }
  // EC2 throttles outbound SMTP on port 25 unless AWS lifted the limit for the account.
  ctx.model.advisories.push({
    match: PacketSet.cube(IntervalSet.point(6n), IntervalSet.point(25n), IP_ALL),
    message: "EC2 restricts outbound tcp/25 by default unless AWS has removed the limit for the account",
  });
}
