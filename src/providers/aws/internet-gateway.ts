// InternetGateways and EgressOnlyInternetGateways -> gateways. An internet gateway translates 1:1 the
// private IPv4 addresses that have a public IP or Elastic IP, and passes IPv6; an egress-only one is IPv6.
import { undecidedTarget, unprinted, type AwsContext } from "./context.js";
import type { RawOf } from "./raw.js";
import { publicMapOf, type InterfaceFacts } from "./network-interface.js";

type RawAttachments = RawOf<"InternetGateways">["Attachments"];

/**
 * The VPC a gateway is attached to: an internet gateway's attachment reads "available" once attached
 * (an egress-only one's "attached"); one still attaching, detaching or detached carries nothing.
 */
function attachedVpc(attachments: RawAttachments): string | undefined {
  return (
    attachments?.find((a) => a.VpcId && (a.State === "available" || a.State === "attached"))?.VpcId ??
    undefined
  );
}

/**
 * The attachment states AWS prints: an internet gateway's "available" once attached (and none
 * otherwise), an egress-only one's attaching, attached, detaching or detached (AttachmentStatus).
 */
const ATTACHMENT_STATES = new Set(["available", "attaching", "attached", "detaching", "detached"]);

/**
 * Where the input cannot tell whether a gateway carries its VPC's traffic, routes to it are undecided
 * rather than read as attached or detached: a gateway saved without Attachments, or with an
 * attachment listed without its state (describe output always prints both; a trimmed or hand-made
 * file may not) or with a state AWS does not print (missing data, as a NAT gateway's state: listed
 * under unknowns); and one still being attached (a change AWS is making: not missing data). `call`
 * is the describe call that prints it.
 */
function noteUndecided(ctx: AwsContext, id: string, attachments: RawAttachments, call: string): void {
  if (attachments == null) {
    // describe-internet-gateways (and the egress-only call) always print Attachments, an empty list
    // for a detached gateway: without it, which VPC the gateway carries traffic for was not read.
    undecidedTarget(
      ctx,
      id,
      `the attachments of ${id} are not in the input (its ${call} output has no Attachments), so which VPC it carries traffic for cannot be told`,
    );
    return;
  }
  if (attachedVpc(attachments) !== undefined) return;
  const stateless = attachments.find((a) => a.VpcId && !a.State)?.VpcId;
  if (stateless) {
    undecidedTarget(
      ctx,
      id,
      `the state of ${id}'s attachment to ${stateless} is not in the input, so whether it carries the VPC's traffic cannot be told`,
    );
    return;
  }
  const odd = attachments.find((a) => a.VpcId && a.State && !ATTACHMENT_STATES.has(a.State));
  if (odd) {
    undecidedTarget(
      ctx,
      id,
      `${id}'s attachment to ${odd.VpcId} has state ${unprinted(odd.State, ATTACHMENT_STATES)}, so whether it carries the VPC's traffic cannot be told`,
    );
    return;
  }
  const attaching = attachments.find((a) => a.VpcId && a.State === "attaching")?.VpcId;
  // Not missing data: a snapshot taken while AWS attaches it, which takes moments.
  if (attaching)
    ctx.undecidedTargets.set(
      id,
      `${id} is being attached to ${attaching} (its attachment is attaching), so whether it carries the VPC's traffic yet cannot be told`,
    );
}

export function convertInternetGateways(ctx: AwsContext, facts: InterfaceFacts): void {
  for (const { item: igw } of ctx.raw.InternetGateways) {
    noteUndecided(ctx, igw.InternetGatewayId, igw.Attachments, "describe-internet-gateways");
    const vpc = attachedVpc(igw.Attachments);
    ctx.model.gateways.set(igw.InternetGatewayId, {
      id: igw.InternetGatewayId,
      kind: "internet",
      networkId: vpc ?? null,
      ref: { resource: igw.InternetGatewayId, kind: "internet-gateway", rule: null },
      publicIpOf: vpc ? publicMapOf(facts, vpc) : new Map<bigint, bigint>(),
      ...(vpc && facts.publicIpInDoubt.has(vpc) ? { publicIpInDoubt: facts.publicIpInDoubt.get(vpc)! } : {}),
    });
  }
  for (const { item: g } of ctx.raw.EgressOnlyInternetGateways) {
    noteUndecided(
      ctx,
      g.EgressOnlyInternetGatewayId,
      g.Attachments,
      "describe-egress-only-internet-gateways",
    );
    ctx.model.gateways.set(g.EgressOnlyInternetGatewayId, {
      id: g.EgressOnlyInternetGatewayId,
      kind: "egress-only-internet",
      networkId: attachedVpc(g.Attachments) ?? null,
      ref: { resource: g.EgressOnlyInternetGatewayId, kind: "egress-only-internet-gateway", rule: null },
    });
  }
}
