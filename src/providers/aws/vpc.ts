// Vpcs -> Network: the VPC's IPv4 and IPv6 CIDR blocks, and the addresses AWS answers itself inside
// every VPC (Amazon DNS at the primary CIDR's base + 2 and 169.254.169.253, the instance metadata
// service at 169.254.169.254, the Amazon Time Sync Service at 169.254.169.123, the Windows activation
// servers at 169.254.169.250-251), which security groups and network ACLs do not filter: AWS's VPC
// security docs exempt link-local addresses and the VPC's reserved ones. The VPC's DNS support
// attribute can turn the resolver off; each instance's metadata options decide the metadata service.
import { cidrSet, IntervalSet, PacketSet, parsePortSpec, IP_ALL } from "../../netset/index.js";
import type { LocalService } from "../../model/types.js";
import { cidrAt, nameTag, type AwsContext } from "./context.js";

const DNS = parsePortSpec("udp/53,tcp/53");
const IMDS = parsePortSpec("tcp/80");
const NTP = parsePortSpec("udp/123");
const KMS = parsePortSpec("tcp/1688");

/** Both of the instance metadata service's addresses are named by this rule of the VPC's services. */
export const IMDS_RULE = "IMDS";

/**
 * The instance metadata service at one of its addresses. Whether it answers is the sending instance's
 * setting (see metadata-options.ts); a VPC-wide list does not know the instance, so there it is unknown.
 */
export function imdsService(vpcId: string, v6: boolean, off: LocalService["off"]): LocalService {
  return {
    ips: v6 ? IMDS_V6 : IMDS_V4,
    serves: IMDS,
    servesText: "tcp 80",
    label: v6 ? "the instance metadata service (IPv6 endpoint)" : "the instance metadata service",
    ref: { resource: vpcId, kind: "vpc", rule: IMDS_RULE },
    ...(off ? { off } : {}),
  };
}
const IMDS_V4 = cidrSet(["169.254.169.254/32"]);
const IMDS_V6 = cidrSet(["fd00:ec2::254/128"]);

/** A VPC's service list with the metadata service as one instance sees it (IPv4 and IPv6 endpoint). */
export function withImds(
  list: readonly LocalService[],
  vpcId: string,
  off4: LocalService["off"],
  off6: LocalService["off"],
): LocalService[] {
  return list.map((s) =>
    s.ref.rule !== IMDS_RULE ? s : imdsService(vpcId, s.ips === IMDS_V6, s.ips === IMDS_V6 ? off6 : off4),
  );
}

function services(ctx: AwsContext, vpcId: string, primary: IntervalSet | null): LocalService[] {
  const ref = (rule: string) => ({ resource: vpcId, kind: "vpc", rule });
  let dnsIps = cidrSet(["169.254.169.253/32", "fd00:ec2::253/128"]);
  const base = primary?.min();
  if (base !== undefined) dnsIps = dnsIps.union(IntervalSet.point(base + 2n));
  const noInstance: LocalService["off"] = {
    verdict: "unknown",
    reason:
      "whether the instance metadata service answers depends on the sending instance's metadata options",
    ref: ref(IMDS_RULE),
  };
  return [
    {
      ips: dnsIps,
      serves: DNS,
      servesText: "tcp and udp 53",
      label: "the Amazon-provided DNS resolver",
      ref: ref("Amazon DNS"),
      ...dnsSupport(ctx, vpcId),
    },
    imdsService(vpcId, false, noInstance),
    imdsService(vpcId, true, noInstance),
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

/**
 * The VPC's enableDnsSupport attribute (describe-vpc-attribute): false turns the Amazon-provided
 * resolver off. Not in the input: the AWS default (on), unless the collector could not read it.
 */
function dnsSupport(ctx: AwsContext, vpcId: string): Pick<LocalService, "off"> {
  const ref = { resource: vpcId, kind: "vpc", rule: "enableDnsSupport" };
  const attr = ctx.raw.EnableDnsSupport.find((a) => a.item.VpcId === vpcId)?.item;
  if (!attr) {
    const gap = ctx.gapReason("EnableDnsSupport");
    return gap === undefined
      ? {}
      : {
          off: {
            verdict: "unknown",
            reason: `the DNS support attribute of ${vpcId} could not be read (${gap})`,
            ref,
          },
        };
  }
  const value = attr.EnableDnsSupport?.Value;
  if (value === true) return {};
  if (value === false)
    return {
      off: {
        verdict: "blocked",
        reason: `DNS resolution is turned off in ${vpcId} (enableDnsSupport is false): the Amazon-provided resolver does not answer`,
        ref,
      },
    };
  return { off: { verdict: "unknown", reason: `the DNS support attribute of ${vpcId} has no value`, ref } };
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
      services: services(ctx, v.VpcId, primary),
    });
  }
  // EC2 throttles outbound SMTP on port 25 unless AWS lifted the limit for the account.
  ctx.model.advisories.push({
    match: PacketSet.cube(IntervalSet.point(6n), IntervalSet.point(25n), IP_ALL),
    message: "EC2 restricts outbound tcp/25 by default unless AWS has removed the limit for the account",
  });
}
