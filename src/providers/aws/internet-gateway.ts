// InternetGateways and EgressOnlyInternetGateways -> gateways. An internet gateway translates 1:1 the
// private IPv4 addresses that have a public IP or Elastic IP, and passes IPv6; an egress-only one is IPv6.
import { undecidedTarget, unprinted, type AwsContext } from "./context.js";
import type { RawOf } from "./raw.js";
import { publicMapOf, type InterfaceFacts } from "./network-interface.js";

type RawAttachments = RawOf<"InternetGateways">["Attachments"];

/**
 * How describe output tells an attachment's state, by gateway kind (InternetGatewayAttachment, EC2
 * API reference): an internet gateway's reads "available" once attached and has no state otherwise
 * (one listed with a VPC but no state is being attached or detached; a detached gateway lists no
 * attachment); an egress-only gateway's is attaching, attached, detaching or detached.
 */
interface AttachmentStates {
  /** The state of an attachment that carries the VPC's traffic. */
  attached: string;
  /** Every state AWS prints for the kind. */
  printed: ReadonlySet<string>;
  /** Those of a change AWS is making; `null` stands for an attachment listed without a state. */
  changing: ReadonlySet<string | null>;
}

const INTERNET: AttachmentStates = {
  attached: "available",
  printed: new Set(["available"]),
  changing: new Set([null]),
};
const EGRESS_ONLY: AttachmentStates = {
  attached: "attached",
  printed: new Set(["attaching", "attached", "detaching", "detached"]),
  changing: new Set(["attaching", "detaching"]),
};

/** The VPC a gateway is attached to, if any: one still attaching, detaching or detached carries nothing. */
function attachedVpc(attachments: RawAttachments, states: AttachmentStates): string | undefined {
  return attachments?.find((a) => a.VpcId && a.State === states.attached)?.VpcId ?? undefined;
}

/**
 * Where the input cannot tell whether a gateway carries its VPC's traffic, routes to it are undecided
 * rather than read as attached or detached: a gateway saved without Attachments, an egress-only one's
 * attachment listed without its state or any without its VPC (describe output always prints both; a
 * trimmed or hand-made file may not) or any attachment with a state AWS does not print for its kind (missing data, as a
 * NAT gateway's state: listed under unknowns); and one AWS is attaching or detaching (a change AWS is
 * making: not missing data). `call` is the describe call that prints it.
 */
function noteUndecided(
  ctx: AwsContext,
  id: string,
  attachments: RawAttachments,
  states: AttachmentStates,
  call: string,
): void {
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
  if (attachedVpc(attachments, states) !== undefined) return;
  // Each attachment names its VPC (describe output always prints VpcId); one without it (a trimmed or
  // hand-made file) may be the VPC the routes are in.
  if (attachments.some((a) => !a.VpcId && a.State !== "detached")) {
    undecidedTarget(
      ctx,
      id,
      `an attachment of ${id} is in the input without its VpcId (${call} prints it), so which VPC it carries traffic for cannot be told`,
    );
    return;
  }
  const listed = attachments.filter((a) => a.VpcId);
  const stateless = listed.find((a) => !a.State && !states.changing.has(null))?.VpcId;
  if (stateless) {
    undecidedTarget(
      ctx,
      id,
      `the state of ${id}'s attachment to ${stateless} is not in the input, so whether it carries the VPC's traffic cannot be told`,
    );
    return;
  }
  const odd = listed.find((a) => a.State && !states.printed.has(a.State));
  if (odd) {
    undecidedTarget(
      ctx,
      id,
      `${id}'s attachment to ${odd.VpcId} has state ${unprinted(odd.State, states.printed)}, so whether it carries the VPC's traffic cannot be told`,
    );
    return;
  }
  // Not missing data: a snapshot taken while AWS attaches or detaches it, which takes moments.
  const moving = listed.find((a) => states.changing.has(a.State ?? null));
  if (moving)
    ctx.undecidedTargets.set(
      id,
      moving.State
        ? `${id} is ${moving.State === "attaching" ? "being attached to" : "being detached from"} ${moving.VpcId} (its attachment is ${moving.State}), so whether it carries the VPC's traffic cannot be told`
        : `${id} is being attached to or detached from ${moving.VpcId} (its attachment is listed without a state, which AWS prints only once it is attached), so whether it carries the VPC's traffic cannot be told`,
    );
}

export function convertInternetGateways(ctx: AwsContext, facts: InterfaceFacts): void {
  for (const { item: igw } of ctx.raw.InternetGateways) {
    noteUndecided(ctx, igw.InternetGatewayId, igw.Attachments, INTERNET, "describe-internet-gateways");
    const vpc = attachedVpc(igw.Attachments, INTERNET);
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
      EGRESS_ONLY,
      "describe-egress-only-internet-gateways",
    );
    ctx.model.gateways.set(g.EgressOnlyInternetGatewayId, {
      id: g.EgressOnlyInternetGatewayId,
      kind: "egress-only-internet",
      networkId: attachedVpc(g.Attachments, EGRESS_ONLY) ?? null,
      ref: { resource: g.EgressOnlyInternetGatewayId, kind: "egress-only-internet-gateway", rule: null },
    });
  }
}
