// Typed results of propagation: a partition of the queried packets into pieces, each with one outcome.
import { PacketSet } from "../netset/index.js";
import type { ExitKind, ModelNote, RuleRef } from "../model/types.js";

export type Verdict = "allowed" | "blocked" | "unknown";
export type HopAction = "allow" | "deny" | "forward" | "translate" | "exit" | "drop";

export interface Hop {
  resource: string;
  kind: string;
  action: HopAction;
  rule: string | null;
  detail: string;
}

export interface BlockedBy {
  resource: string;
  kind: string;
  rule: string | null;
  /** See RuleRef.resources. */
  resources?: string[];
}

export interface Outcome {
  verdict: Verdict;
  exit: ExitKind | null;
  /** The source address the destination sees; a placeholder in shared results until resolved per endpoint. */
  egressIp: string | null;
  blockedBy: BlockedBy | null;
  reason: string;
  hops: Hop[];
  /**
   * Set where the verdict is not allowed only because of the replies (stopped, or in doubt: a
   * stateless filter on the way back, the route their replier's table or an internet gateway's
   * route table gives them) while the packets themselves surely leave: the exit they leave by and
   * the address they leave as. An auditor asking what gets out needs it: one-way UDP datagrams,
   * ICMP requests and TCP SYNs get out though no exchange completes. Absent elsewhere, including
   * where whether the packets leave is itself not known.
   */
  leaves?: Leaves;
  /**
   * Set on an unknown outcome that data the input lacks decides (a platform service's setting, an
   * interface endpoint's security groups): what the run lists under unknowns when it gives it (see
   * AskedMissing). Not part of any result.
   */
  missing?: ModelNote;
}

/** Where packets whose replies are what stops them (or is in doubt) leave, and as which address. */
export interface Leaves {
  exit: ExitKind;
  egressIp: string | null;
}

export interface Piece {
  packets: PacketSet;
  outcome: Outcome;
}

/**
 * Shared (memoised, audit-mode) results stand in for "the public IPv4 address internet gateway G gives
 * the source" and "the source's own IPv6 address": endpoints of one class share a computation, and each
 * substitutes its own addresses afterwards (Engine.sourceFixer).
 */
/** The placeholder for the public address internet gateway `gatewayId` gives the source. */
export function sourcePublicIp(gatewayId: string): string {
  return `{source-public-ip:${gatewayId}}`;
}
export const SOURCE_PUBLIC_IP_RE = /\{source-public-ip:([^}]+)\}/g;
/** Stands for the source's own IPv6 address in shared results (see sourcePublicIp). */
export const SOURCE_IPV6 = "{source-ipv6}";

export function blockedByOf(ref: RuleRef): BlockedBy {
  const b: BlockedBy = { resource: ref.resource, kind: ref.kind, rule: ref.rule };
  if (ref.resources) b.resources = ref.resources;
  return b;
}

/** The hop where the rule `ref` names acts on the packets. */
export function hopAt(ref: RuleRef, action: HopAction, detail: string): Hop {
  return { resource: ref.resource, kind: ref.kind, action, rule: ref.rule, detail };
}

/**
 * Where packets whose way ends in `o` surely leave, if they do: an allowed outcome's exit and egress
 * IP, or what an outcome decided by the replies alone says of them (see Outcome.leaves).
 */
export function leavesOf(o: Outcome): Leaves | undefined {
  if (o.verdict !== "allowed") return o.leaves;
  return o.exit === null ? undefined : { exit: o.exit, egressIp: o.egressIp };
}

/** `o` without saying where the packets leave: one object per outcome (audit results share them). */
const leavesDropped = new WeakMap<Outcome, Outcome>();
export function withoutLeaves(o: Outcome): Outcome {
  if (o.leaves === undefined) return o;
  let w = leavesDropped.get(o);
  if (!w) {
    const { leaves: _, ...rest } = o;
    leavesDropped.set(o, (w = rest));
  }
  return w;
}

/** Identity of an outcome for merging pieces in the audit, where hops are not reported. */
export function outcomeKey(o: Outcome): string {
  const b = o.blockedBy;
  return [
    o.verdict,
    o.exit ?? "",
    o.egressIp ?? "",
    b ? `${b.resource}|${b.kind}|${b.rule ?? ""}` : "",
    o.reason,
    o.leaves ? `${o.leaves.exit}|${o.leaves.egressIp ?? ""}` : "",
    // Outcomes that differ only in the data they miss are kept apart: the run lists what it gives.
    o.missing ? `${o.missing.resource}|${o.missing.message}` : "",
  ].join("\u0000");
}

export function prependHops(pieces: Piece[], hops: Hop[]): Piece[] {
  if (hops.length === 0) return pieces;
  return pieces.map((p) => ({
    packets: p.packets,
    outcome: { ...p.outcome, hops: [...hops, ...p.outcome.hops] },
  }));
}

export function restrictPieces(pieces: Piece[], set: PacketSet): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const packets = p.packets.intersect(set);
    if (!packets.isEmpty()) out.push({ packets, outcome: p.outcome });
  }
  return out;
}

/**
 * Merges pieces whose outcomes are identical (keeping the first one's hops). Each outcome's packets are
 * joined at once (PacketSet.unionAll, balanced): adding them one by one re-merged the growing union once
 * per piece.
 */
export function mergePieces(pieces: Piece[]): Piece[] {
  const byKey = new Map<string, { outcome: Outcome; sets: PacketSet[] }>();
  for (const p of pieces) {
    const k = outcomeKey(p.outcome);
    const seen = byKey.get(k);
    if (seen) seen.sets.push(p.packets);
    else byKey.set(k, { outcome: p.outcome, sets: [p.packets] });
  }
  const out: Piece[] = [];
  for (const { outcome, sets } of byKey.values())
    out.push({ packets: sets.length === 1 ? sets[0]! : PacketSet.unionAll(sets), outcome });
  return out;
}

/**
 * `pieces` with what would be allowed of `packets` made unknown, beyond the same exit, with `reason`
 * and a last hop `last` (a doubt found after the way out was followed: whether a NAT gateway translates
 * a message, where replies go). What is blocked or unknown anyway keeps its own rule and reason.
 * `repliesOnly`: the doubt is about the replies alone, so the packets do leave (see Outcome.leaves).
 */
export function allowedInDoubt(
  pieces: Piece[],
  packets: PacketSet,
  reason: string,
  last: Hop,
  repliesOnly: boolean,
): Piece[] {
  if (packets.isEmpty()) return pieces;
  return pieces.flatMap((x) => {
    if (x.outcome.verdict !== "allowed") return [x];
    const hit = x.packets.intersect(packets);
    if (hit.isEmpty()) return [x];
    const rest = x.packets.subtract(hit);
    const o = x.outcome;
    const leaves = repliesOnly ? leavesOf(o) : undefined;
    const doubt = piece(hit, { ...reach("unknown", o.exit, reason), ...(leaves && { leaves }) }, [
      ...o.hops,
      last,
    ]);
    return rest.isEmpty() ? [doubt] : [doubt, { packets: rest, outcome: o }];
  });
}

// Building pieces: an outcome with its hops.
export function piece(packets: PacketSet, outcome: Omit<Outcome, "hops">, hops: Hop[] = []): Piece {
  return { packets, outcome: { ...outcome, hops } };
}

export function blocked(packets: PacketSet, ref: RuleRef, reason: string, hops: Hop[] = []): Piece {
  return piece(
    packets,
    { verdict: "blocked", exit: null, egressIp: null, blockedBy: blockedByOf(ref), reason },
    hops,
  );
}

/** An outcome that names no blocking rule: allowed, or unknown beyond `exit`. */
export function reach(
  verdict: "allowed" | "unknown",
  exit: ExitKind | null,
  reason: string,
  egressIp: string | null = null,
): Omit<Outcome, "hops"> {
  return { verdict, exit, egressIp, blockedBy: null, reason };
}

/** `missing`: the data the input lacks that leaves it unknown, if that is why (see Outcome.missing). */
export function unknown(packets: PacketSet, reason: string, hops: Hop[] = [], missing?: ModelNote): Piece {
  const o = reach("unknown", null, reason);
  return piece(packets, missing ? { ...o, missing } : o, hops);
}

export function ruleLabel(ref: RuleRef): string {
  return ref.rule === null ? `${ref.resource}` : `${ref.resource} rule ${ref.rule}`;
}
