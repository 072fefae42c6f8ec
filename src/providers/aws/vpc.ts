// Vpcs -> Network: the VPC's IPv4 and IPv6 CIDR blocks, and the addresses AWS answers itself inside
// every VPC (Amazon DNS at the primary CIDR's base + 2 and 169.254.169.253, the instance metadata
// service at 169.254.169.254, the Amazon Time Sync Service at 169.254.169.123, the Windows activation
// servers at 169.254.169.250-251; the first three also at fd00:ec2::253, ::254 and ::123 for instances
// built on the Nitro System), which security groups and network ACLs do not filter: AWS's VPC
// security docs exempt link-local addresses and the VPC's reserved ones. The VPC's DNS support
// attribute can turn the resolver off; the sending instance decides the rest (instance-services.ts).
import { cidrSet, IntervalSet, PacketSet, parsePortSpec, IP_ALL } from "../../netset/index.js";
import type { LocalService } from "../../model/types.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import {
  blockAssociated,
  blockStateUnread,
  cidrAt,
  missingReason,
  nameTag,
  notSaved,
  unprinted,
  type AwsContext,
} from "./context.js";
import type { RawVpc } from "./raw.js";
import type { Located } from "./snapshot.js";
import { notSavedText, saveCommand } from "./save-commands.js";

const DNS = parsePortSpec("udp/53,tcp/53");
const IMDS = parsePortSpec("tcp/80");
const NTP = parsePortSpec("udp/123");
const KMS = parsePortSpec("tcp/1688");

type Off = LocalService["off"];

/**
 * What the sending instance decides about the services (see instance-services.ts): whether the
 * metadata service answers it at its IPv4 and its IPv6 address (its metadata options), whether
 * anything answers it at the services' IPv6 addresses at all (AWS serves them only to instances built
 * on the Nitro System), and at their link-local IPv4 addresses (169.254.169.x: the instance's own
 * host answers those; a source that is not an instance's cannot tell).
 */
export interface InstanceView {
  imds4: Off;
  imds6: Off;
  ipv6: Off;
  linkLocal: Off;
}

/** The VPC's own list, for sources that are not an instance's interface: what depends on the instance is unknown. */
function noInstance(vpcId: string): InstanceView {
  const off = (reason: string, rule: string): Off => ({
    verdict: "unknown",
    reason,
    ref: { resource: vpcId, kind: "vpc", rule },
  });
  const imds = off(
    "whether the instance metadata service answers depends on the sending instance's metadata options",
    "IMDS",
  );
  return {
    imds4: imds,
    imds6: imds,
    // A host of the subnet (a trace from a subnet): an instance, so its host answers these.
    linkLocal: undefined,
    ipv6: off(
      "whether AWS's services answer at their IPv6 addresses depends on the sending instance (only instances built on the Nitro System)",
      "IPv6 endpoints",
    ),
  };
}

/**
 * A setting that turns the service off decides (the first such); else the first that leaves it unknown,
 * carrying the data missing for any of them (see LocalService.off.missing): with the metadata options
 * pending and the instance type not in the input, the answer is unknown either way, and the input still
 * lacks the type, which a run asking the service something must list (exit 3).
 */
function firstOff(...offs: Off[]): Off {
  const decided = offs.find((o) => o?.verdict === "blocked");
  if (decided) return decided;
  const first = offs.find((o) => o !== undefined);
  const missing = offs.find((o) => o?.missing !== undefined)?.missing;
  return first && missing && !first.missing ? { ...first, missing } : first;
}

const DNS_V4 = cidrSet(["169.254.169.253/32"]);
const DNS_V6 = cidrSet(["fd00:ec2::253/128"]);
const IMDS_V4 = cidrSet(["169.254.169.254/32"]);
const IMDS_V6 = cidrSet(["fd00:ec2::254/128"]);
const NTP_V4 = cidrSet(["169.254.169.123/32"]);
const NTP_V6 = cidrSet(["fd00:ec2::123/128"]);
const KMS_V4 = cidrSet(["169.254.169.250/31"]);

/**
 * The services AWS answers inside VPC `vpcId` (primary CIDR `primary`) as an instance sees them. A
 * service's addresses of each kind (in the VPC, link-local, IPv6) are listed apart, since what
 * answers at each depends on different things (see InstanceView).
 */
export function vpcServices(
  ctx: AwsContext,
  vpcId: string,
  primary: IntervalSet | null,
  view: InstanceView = noInstance(vpcId),
): LocalService[] {
  const ref = (rule: string) => ({ resource: vpcId, kind: "vpc", rule });
  const base = primary?.min();
  const dnsOff = dnsSupport(ctx, vpcId);
  const service = (
    ips: IntervalSet,
    serves: PacketSet,
    servesText: string,
    label: string,
    rule: string,
    off: Off,
  ): LocalService => ({ ips, serves, servesText, label, ref: ref(rule), ...(off ? { off } : {}) });
  const dns = (ips: IntervalSet, off: Off) =>
    service(ips, DNS, "tcp and udp 53", "the Amazon-provided DNS resolver", "Amazon DNS", off);
  const imds = (ips: IntervalSet, label: string, off: Off) =>
    service(ips, IMDS, "tcp 80", label, "IMDS", off);
  const ntp = (ips: IntervalSet, off: Off) =>
    service(ips, NTP, "udp 123", "the Amazon Time Sync Service", "Amazon Time Sync", off);
  return [
    // The resolver's VPC address is reached through the interface like any address in the VPC.
    ...(base === undefined ? [] : [dns(IntervalSet.point(base + 2n), dnsOff)]),
    dns(DNS_V4, firstOff(dnsOff, view.linkLocal)),
    dns(DNS_V6, firstOff(dnsOff, view.ipv6)),
    imds(IMDS_V4, "the instance metadata service", view.imds4),
    imds(IMDS_V6, "the instance metadata service (IPv6 endpoint)", firstOff(view.imds6, view.ipv6)),
    ntp(NTP_V4, view.linkLocal),
    ntp(NTP_V6, view.ipv6),
    service(
      KMS_V4,
      KMS,
      "tcp 1688",
      "the Windows activation (KMS) servers",
      "Windows activation",
      view.linkLocal,
    ),
  ];
}

/**
 * The VPC's enableDnsSupport attribute (describe-vpc-attribute): false turns the Amazon-provided
 * resolver off. No VPC's in the input: the AWS default (on; noteDnsSupportNotSaved warns). The
 * collector could not read it: unknown (the gap is listed already). Others' in the input and not this
 * VPC's, or this one's without a value (describe-vpc-attribute always prints one): unknown, data
 * missing, listed under unknowns where a run asks the resolver something (see AskedMissing).
 */
function dnsSupport(ctx: AwsContext, vpcId: string): Off {
  const ref = { resource: vpcId, kind: "vpc", rule: "enableDnsSupport" };
  const attr = ctx.raw.EnableDnsSupport.find((a) => a.item.VpcId === vpcId)?.item;
  const unread = (what: string): Off => {
    const reason = `${what}, so whether the Amazon-provided DNS resolver answers in it is not known`;
    return { verdict: "unknown", reason, ref, missing: { resource: vpcId, message: reason } };
  };
  if (!attr) {
    const gap = ctx.gapReason("EnableDnsSupport");
    if (gap !== undefined)
      return {
        verdict: "unknown",
        reason: `the DNS support attribute of ${vpcId} could not be read (${gap})`,
        ref,
      };
    // (No VPC's attribute at all, the key absent or an empty list: AWS's default.)
    return ctx.raw.EnableDnsSupport.length === 0
      ? undefined
      : unread(
          `the DNS support attribute of ${vpcId} is not in the input, though other VPCs' are (${saveCommand("EnableDnsSupport")})`,
        );
  }
  const value = attr.EnableDnsSupport?.Value;
  if (value === true) return undefined;
  if (value === false)
    return {
      verdict: "blocked",
      reason: `DNS resolution is turned off in ${vpcId} (enableDnsSupport is false): the Amazon-provided resolver does not answer`,
      ref,
    };
  return unread(`the DNS support attribute of ${vpcId} has no value`);
}

/**
 * A warning naming the VPCs with sources when no DNS support attribute is in the input at all (a folder
 * saved without describe-vpc-attribute, a Batfish layout): they are audited with it on, AWS's default,
 * so the Amazon-provided resolver answers them. Where it is off, it does not: the audit would report
 * as answered what is not. (An input with some VPCs' attributes and not others' lacks data: see
 * dnsSupport.)
 */
export function noteDnsSupportNotSaved(ctx: AwsContext): void {
  if (!notSaved(ctx, "EnableDnsSupport")) return;
  const vpcs = [...new Set(ctx.model.endpoints.map((e) => e.networkId))]
    .filter((id) => ctx.model.networks.has(id))
    .sort(ascending);
  if (vpcs.length === 0) return;
  ctx.model.warnings.push({
    resource: "enableDnsSupport",
    message: `the VPCs' DNS support attribute is not in the input (${notSavedText("EnableDnsSupport")}): it is read as on, AWS's default, for ${someOf(vpcs, 5)}; where it is off, the Amazon-provided DNS resolver does not answer, though this run would report it as answering`,
  });
}

/** The primary IPv4 CIDR of a VPC in the input (where its resolver's address is), if it has one. */
export function primaryCidr(loc: Located<RawVpc>): IntervalSet | null {
  return loc.item.CidrBlock ? cidrAt(loc.item.CidrBlock, 4, loc, "CidrBlock") : null;
}

/** The values AWS prints for a VPC IPv6 block's Ipv6AddressAttribute (absent in older output: public). */
const IPV6_ADDRESS_ATTRIBUTES = new Set(["public", "private"]);

export function convertVpcs(ctx: AwsContext): void {
  for (const loc of ctx.raw.Vpcs) {
    const v = loc.item;
    let cidrs = IntervalSet.EMPTY;
    const primary = primaryCidr(loc);
    if (primary) cidrs = cidrs.union(primary);
    // A block state AWS does not print is missing data (listed under unknowns).
    const unreadState = (cidr: string, state: { State?: string | null } | null | undefined): void => {
      const why = blockStateUnread(v.VpcId, cidr, state);
      if (why !== undefined) ctx.model.unknowns.push({ resource: v.VpcId, message: why });
    };
    v.CidrBlockAssociationSet?.forEach((a, i) => {
      unreadState(a.CidrBlock, a.CidrBlockState);
      if (!blockAssociated(a.CidrBlockState)) return;
      cidrs = cidrs.union(cidrAt(a.CidrBlock, 4, loc, "CidrBlockAssociationSet", i, "CidrBlock"));
    });
    const privateIpv6: { cidr: string; ips: IntervalSet; unread?: string }[] = [];
    v.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      if (!a.Ipv6CidrBlock) return;
      unreadState(a.Ipv6CidrBlock, a.Ipv6CidrBlockState);
      const block = cidrAt(a.Ipv6CidrBlock, 6, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock");
      if (blockAssociated(a.Ipv6CidrBlockState)) cidrs = cidrs.union(block);
      // Whether a block is advertised does not depend on its association: a private one being
      // associated (or disassociated) keeps its addresses off the internet all the same.
      const attribute = a.Ipv6AddressAttribute;
      if (attribute === "private") privateIpv6.push({ cidr: a.Ipv6CidrBlock, ips: block });
      else if (attribute != null && !IPV6_ADDRESS_ATTRIBUTES.has(attribute)) {
        const unread = `${v.VpcId}'s IPv6 block ${a.Ipv6CidrBlock} has Ipv6AddressAttribute ${unprinted(attribute, IPV6_ADDRESS_ATTRIBUTES)}, so whether it is advertised on the internet cannot be told`;
        privateIpv6.push({ cidr: a.Ipv6CidrBlock, ips: block, unread });
        ctx.model.unknowns.push({ resource: v.VpcId, message: unread });
      }
    });
    ctx.model.networks.set(v.VpcId, {
      id: v.VpcId,
      kind: "vpc",
      name: nameTag(v.Tags),
      cidrs,
      services: vpcServices(ctx, v.VpcId, primary),
      ...(privateIpv6.length > 0 ? { privateIpv6 } : {}),
    });
  }
  standInVpcs(ctx);
  // EC2 restricts outbound SMTP on port 25 from instances and Lambda functions by default; AWS removes
  // the restriction for an account on request, and whether it has is in no describe output, so what
  // would get out on it is unknown (not missing data: no call tells it).
  ctx.model.internetDoubts.push({
    match: PacketSet.cube(IntervalSet.point(6n), IntervalSet.point(25n), IP_ALL),
    reason:
      "EC2 restricts outbound tcp/25 (SMTP) by default; whether AWS has lifted it for the account (on request) no describe output tells",
    detail: "tcp/25: EC2's default restriction on outbound SMTP may drop it",
  });
}

/**
 * The VPCs the subnets name that describe-vpcs does not list (not saved, the call denied, or saved
 * with a filter or in other regions only) still exist: each gets a stand-in made of its subnets'
 * blocks, so that what applies to every VPC of a region (Block Public Access) applies to it too, and
 * what only its own description tells (whether an IPv6 block is advertised on the internet) is
 * unknown, never taken as "nothing to say". (Without one, a VPC missing beside others' descriptions
 * escaped its region's Block Public Access: allowed where AWS blocks.)
 */
function standInVpcs(ctx: AwsContext): void {
  const described = new Set(ctx.model.networks.keys());
  for (const loc of ctx.raw.Subnets) {
    const s = loc.item;
    if (!s.VpcId || described.has(s.VpcId)) continue;
    let net = ctx.model.networks.get(s.VpcId);
    if (!net) {
      net = {
        id: s.VpcId,
        kind: "vpc",
        cidrs: IntervalSet.EMPTY,
        unread: ctx.raw.present.has("Vpcs")
          ? (ctx.gapReason("Vpcs") ??
            `${s.VpcId} is not in the input's describe-vpcs output, though other VPCs are (saved with a filter, or only other regions' saved?)`)
          : missingReason(ctx, "Vpcs", `${s.VpcId} is not described`),
        // AWS answers at its link-local addresses in every VPC; only the resolver's address in the
        // VPC's primary block (its base + 2) needs the description.
        services: vpcServices(ctx, s.VpcId, null),
      };
      ctx.model.networks.set(s.VpcId, net);
    }
    if (s.CidrBlock) net.cidrs = net.cidrs.union(cidrAt(s.CidrBlock, 4, loc, "CidrBlock"));
    s.Ipv6CidrBlockAssociationSet?.forEach((a, i) => {
      if (a.Ipv6CidrBlock)
        net.cidrs = net.cidrs.union(
          cidrAt(a.Ipv6CidrBlock, 6, loc, "Ipv6CidrBlockAssociationSet", i, "Ipv6CidrBlock"),
        );
    });
  }
}
