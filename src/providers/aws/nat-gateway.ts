// NatGateways -> NAT gateways: source NAT to the gateway's private address, TCP/UDP/ICMP only, then its
// own subnet's network ACL and route table. A public one's Elastic IP is its egress address at the
// internet gateway; a private one's traffic to an internet gateway is dropped.
import { ascending } from "../../model/order.js";
import { IntervalSet, PROTO } from "../../netset/index.js";
import { ipAt, undecidedTarget, unprinted, type AwsContext } from "./context.js";
import { publicMapOf, type InterfaceFacts } from "./network-interface.js";

const NAT_PROTOCOLS = IntervalSet.fromRanges(
  [PROTO.TCP, PROTO.UDP, PROTO.ICMP].map((p) => [BigInt(p), BigInt(p)] as const),
);
/** NAT gateways pick source ports from 1024-65535 (the range their subnet's NACL must let back in). */
const NAT_EPHEMERAL = IntervalSet.range(1024n, 65535n);
/** The states describe-nat-gateways prints. */
const NAT_STATES = new Set(["pending", "failed", "available", "deleting", "deleted"]);
/** The statuses describe-nat-gateways prints for an address (NatGatewayAddress Status). */
const ADDRESS_STATUSES = new Set([
  "assigning",
  "unassigning",
  "associating",
  "disassociating",
  "succeeded",
  "failed",
]);
/** Of those, an address (or its Elastic IP) AWS is still assigning, associating or taking off. */
const ADDRESS_CHANGING = new Set(["assigning", "unassigning", "associating", "disassociating"]);
const CONNECTIVITY = new Map<string, "public" | "private">([
  ["public", "public"],
  ["private", "private"],
]);

export function convertNatGateways(ctx: AwsContext, facts: InterfaceFacts): void {
  for (const loc of ctx.raw.NatGateways) {
    const n = loc.item;
    // What becomes of traffic routed to a gateway the input does not tell well enough: unknown.
    const undecided = (why: string): void => undecidedTarget(ctx, n.NatGatewayId, why);
    // describe-nat-gateways always prints the state; without it, in use or deleted cannot be told.
    const state = n.State;
    if (!state) {
      undecided(
        `the state of ${n.NatGatewayId} is not in the input, so whether it carries traffic cannot be told`,
      );
      continue;
    }
    // One this version does not know (AWS prints them in lower case) is not "not available".
    if (!NAT_STATES.has(state)) {
      undecided(
        `${n.NatGatewayId} has state ${unprinted(state, NAT_STATES)}, so whether it carries traffic cannot be told`,
      );
      continue;
    }
    const vpc = n.VpcId ?? (n.SubnetId ? ctx.model.subnets.get(n.SubnetId)?.networkId : undefined) ?? null;
    const addrs = n.NatGatewayAddresses ?? [];
    const primaryIdx = Math.max(
      0,
      addrs.findIndex((a) => a.IsPrimary),
    );
    const primary = addrs[primaryIdx];
    const unusable = state === "available" ? undefined : `${n.NatGatewayId} is ${state}`;
    if (!unusable && !n.SubnetId) {
      // A regional NAT gateway (AvailabilityMode regional) spans the VPC's zones with a route table of
      // its own and no subnet: what it does with traffic is not analysed by this version.
      undecided(
        `${n.NatGatewayId} is a regional NAT gateway (no subnet, a route table of its own), which this version does not analyse`,
      );
      continue;
    }
    if (!unusable && !primary?.PrivateIp) {
      // Missing data, not a gateway that drops traffic: without its address, neither the network ACL
      // rules its traffic meets nor the address the internet gateway translates can be told.
      undecided(
        `${n.NatGatewayId} is ${state} but its private address is not in the input (NatGatewayAddresses), so what becomes of traffic through it cannot be told`,
      );
      continue;
    }
    // An address status AWS does not print ("Succeeded") says neither that the address is the
    // gateway's nor that it is not: missing data. (One without a status, as outputs from before
    // secondary addresses print them, is in use.)
    const odd = unusable ? undefined : addrs.find((a) => a.Status && !ADDRESS_STATUSES.has(a.Status));
    if (odd) {
      undecided(
        `${n.NatGatewayId}'s address ${odd.PrivateIp ?? "(no PrivateIp)"} has status ${unprinted(odd.Status, ADDRESS_STATUSES)}, so what the gateway sends from cannot be told`,
      );
      continue;
    }
    // Its primary address (with its Elastic IP) being assigned, associated or taken off: a change AWS
    // is making, not missing data, and not a gateway without an address either.
    if (!unusable && primary!.Status && ADDRESS_CHANGING.has(primary!.Status)) {
      ctx.undecidedTargets.set(
        n.NatGatewayId,
        `${n.NatGatewayId}'s primary address ${primary!.PrivateIp} is ${primary!.Status} (AWS is still making or undoing it), so what the gateway sends from cannot be told yet`,
      );
      continue;
    }
    // Outputs from before private NAT gateways (2021) have no type: those are all public ones.
    const connectivity = CONNECTIVITY.get(n.ConnectivityType ?? "public");
    if (!unusable && connectivity === undefined) {
      undecided(
        `${n.NatGatewayId} has connectivity type ${JSON.stringify(n.ConnectivityType)}, which this version does not know (public or private), so where its traffic may go cannot be told`,
      );
      continue;
    }
    if (!unusable && connectivity === "public" && !primary!.PublicIp) {
      // A public gateway's primary address always has its Elastic IP (CreateNatGateway takes one;
      // only secondary ones are associated and disassociated later, and may be listed without one):
      // without it, the address its traffic leaves from was not read. (A private one's have none.)
      undecided(
        `${n.NatGatewayId} is a public NAT gateway but its primary address ${primary!.PrivateIp} has no PublicIp in the input (NatGatewayAddresses), so the Elastic IP its traffic leaves from cannot be told`,
      );
      continue;
    }
    const privateIp = primary?.PrivateIp
      ? ipAt(primary.PrivateIp, 4, loc, "NatGatewayAddresses", primaryIdx, "PrivateIp")
      : 0n;
    // Its Elastic IPs, the primary's first, the others in address order (AWS lists them in no
    // promised order): connections are spread over all of them. Only a gateway in use has them: AWS
    // disassociates a deleted one's Elastic IPs (DeleteNatGateway) and frees its private address for
    // reuse, so what a deleted or failed one still lists may be another resource's now.
    let primaryPublic: bigint | undefined;
    const others: bigint[] = [];
    if (connectivity === "public" && !unusable)
      addrs.forEach((a, i) => {
        // An Elastic IP whose association failed, or is still being made or undone, is not (surely)
        // one the gateway sends from.
        if (!a.PublicIp || (a.Status && a.Status !== "succeeded")) return;
        const ip = ipAt(a.PublicIp, 4, loc, "NatGatewayAddresses", i, "PublicIp");
        if (i === primaryIdx) primaryPublic = ip;
        else others.push(ip);
      });
    others.sort(ascending);
    const publicIps = primaryPublic === undefined ? others : [primaryPublic, ...others];
    // The internet gateway translates the primary address to the primary Elastic IP. A gateway in use
    // is the one that holds its private address: what its interface's listing or describe-addresses
    // say of that address does not outweigh its own word that the Elastic IP is not (surely) on.
    if (vpc && !unusable) {
      if (primaryPublic !== undefined) publicMapOf(facts, vpc).set(privateIp, primaryPublic);
      else publicMapOf(facts, vpc).delete(privateIp);
      facts.publicIpInDoubt.get(vpc)?.delete(privateIp);
    }
    ctx.model.gateways.set(n.NatGatewayId, {
      id: n.NatGatewayId,
      kind: "nat",
      networkId: vpc,
      subnetId: n.SubnetId ?? "",
      privateIp,
      connectivity: connectivity ?? "public", // (unknown only on an unusable one, which carries nothing)
      protocols: NAT_PROTOCOLS,
      ephemeralPorts: NAT_EPHEMERAL,
      ref: { resource: n.NatGatewayId, kind: "nat-gateway", rule: null },
      ...(unusable ? { unusable } : {}),
      ...(publicIps.length > 1 && primaryPublic !== undefined ? { publicIps } : {}),
    });
  }
}
