// InternetGateways and EgressOnlyInternetGateways -> gateways. An internet gateway translates 1:1 the
// private IPv4 addresses that have a public IP or Elastic IP, and passes IPv6; an egress-only one is IPv6.
import type { AwsContext } from "./context.js";
import type { RawOf } from "./raw.js";
import { publicMapOf, type InterfaceFacts } from "./network-interface.js";

type RawAttachments = RawOf<"InternetGateways">["Attachments"];

/**
 * The VPC a gateway is attached to: an internet gateway's attachment reads "available" once attached
 * (an egress-only one's "attached"); one still attaching, detaching or detached carries nothing.
 */
function attachedVpc(attachments: RawAttachments): string | undefined {
  return (
    attachments?.find((a) => a.VpcId && (!a.State || a.State === "available" || a.State === "attached"))
      ?.VpcId ?? undefined
  );
}

export function convertInternetGateways(ctx: AwsContext, facts: InterfaceFacts): void {
  for (const { item: igw } of ctx.raw.InternetGateways) {
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
    ctx.model.gateways.set(g.EgressOnlyInternetGatewayId, {
      id: g.EgressOnlyInternetGatewayId,
      kind: "egress-only-internet",
      networkId: attachedVpc(g.Attachments) ?? null,
      ref: { resource: g.EgressOnlyInternetGatewayId, kind: "egress-only-internet-gateway", rule: null },
    });
  }
}
