// InternetGateways and EgressOnlyInternetGateways -> gateways. An internet gateway translates 1:1 the
// private IPv4 addresses that have a public IP or Elastic IP, and passes IPv6; an egress-only one is IPv6.
import { undecidedTarget, type AwsContext } from "./context.js";
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
 * A gateway saved without Attachments, or with an attachment listed without its state (describe
 * output always prints both; a trimmed or hand-made file may not): whether the gateway carries that
 * VPC's traffic cannot be told, so routes to it are undecided rather than read as attached or detached
 * (AWS documents an internet gateway's attachment state as "available" when attached, and not
 * returned otherwise). `call` is the describe call that prints it.
 */
function noteStateless(ctx: AwsContext, id: string, attachments: RawAttachments, call: string): void {
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
  const vpc = attachments?.find((a) => a.VpcId && !a.State)?.VpcId;
  if (!vpc) return;
  undecidedTarget(
    ctx,
    id,
    `the state of ${id}'s attachment to ${vpc} is not in the input, so whether it carries the VPC's traffic cannot be told`,
  );
}

export function convertInternetGateways(ctx: AwsContext, facts: InterfaceFacts): void {
  for (const { item: igw } of ctx.raw.InternetGateways) {
    noteStateless(ctx, igw.InternetGatewayId, igw.Attachments, "describe-internet-gateways");
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
    noteStateless(
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
