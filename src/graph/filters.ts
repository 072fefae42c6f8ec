// Evaluation of filters over packet sets: which packets each rule allows or denies, in rule order.
import { IntervalSet, IPV4_ALL, IPV6_ALL, PacketSet } from "../netset/index.js";
import { ascending } from "../model/order.js";
import type { Filter, Rule, RuleRef } from "../model/types.js";

export interface Decided {
  set: PacketSet;
  ref: RuleRef;
  /**
   * Allow-union filters in traces: the other rules that allow all of `set` too (any one suffices, so
   * revoking `ref` alone would not stop it).
   */
  also?: RuleRef[];
}

/** Packets a rule with unresolved peers might match: the filter cannot decide them. */
export interface Undecided {
  set: PacketSet;
  reason: string;
}

export interface FilterSplit {
  allowed: Decided[];
  denied: Decided[];
  undecided: Undecided[];
}

/**
 * First match wins; what no rule matches falls to the filter's implicit rule (deny). Packets that reach
 * a rule whose peers are unresolved stop there undecided: whether it matches them is unknown.
 */
export function evalFirstMatch(rules: readonly Rule[], defaultRef: RuleRef, input: PacketSet): FilterSplit {
  const allowed: Decided[] = [];
  const denied: Decided[] = [];
  const undecided: Undecided[] = [];
  let remaining = input;
  for (const r of rules) {
    if (remaining.isEmpty()) break;
    const m = remaining.intersect(r.match);
    if (m.isEmpty()) continue;
    if (r.unresolved) undecided.push({ set: m, reason: r.unresolved });
    else (r.action === "allow" ? allowed : denied).push({ set: m, ref: r.ref });
    remaining = remaining.subtract(m);
  }
  if (!remaining.isEmpty()) denied.push({ set: remaining, ref: defaultRef });
  return { allowed, denied, undecided };
}

/**
 * Splits what no resolved rule allows by the unresolved allow rules that might (allow-union filters).
 * Packets several of them might allow are named by the first reason in text order: a union has no
 * order of its own, and the input's (of a group's rules, or an interface's groups) is not one AWS
 * promises, so a report must not change with it.
 */
function undecidedOf(
  rules: readonly Rule[],
  notAllowed: PacketSet,
): { undecided: Undecided[]; denied: PacketSet } {
  const undecided: Undecided[] = [];
  let denied = notAllowed;
  const unresolved = rules
    .filter((r) => r.action === "allow" && r.unresolved)
    .sort((a, b) => ascending(a.unresolved!, b.unresolved!));
  for (const r of unresolved) {
    if (denied.isEmpty()) break;
    const m = denied.intersect(r.match);
    if (m.isEmpty()) continue;
    undecided.push({ set: m, reason: r.unresolved! });
    denied = denied.subtract(m);
  }
  return { undecided, denied };
}

/**
 * Allow-union (security groups): a packet passes if any rule allows it. With `perRule`, the allowed
 * part is attributed to the first rule (in group then rule order) that allows it, for traces.
 * `unionInInput`: the caller has already cut allowedUnion down to `input`.
 */
export function evalUnion(
  rules: readonly Rule[],
  allowedUnion: PacketSet,
  defaultRef: RuleRef,
  input: PacketSet,
  perRule: boolean,
  unionInInput = false,
): FilterSplit {
  const allowedAll = unionInInput ? allowedUnion : input.intersect(allowedUnion);
  const { undecided, denied: deniedAll } = undecidedOf(rules, input.subtract(allowedAll));
  const denied = deniedAll.isEmpty() ? [] : [{ set: deniedAll, ref: defaultRef }];
  if (!perRule) {
    return { allowed: allowedAll.isEmpty() ? [] : [{ set: allowedAll, ref: defaultRef }], denied, undecided };
  }
  const allowed: Decided[] = [];
  let remaining = allowedAll;
  for (const r of rules) {
    if (remaining.isEmpty()) break;
    if (r.action !== "allow" || r.unresolved) continue;
    const m = remaining.intersect(r.match);
    if (m.isEmpty()) continue;
    const also = rules
      .filter((o) => o !== r && o.action === "allow" && !o.unresolved && m.isSubsetOf(o.match))
      .map((o) => o.ref);
    allowed.push({ set: m, ref: r.ref, ...(also.length > 0 ? { also } : {}) });
    remaining = remaining.subtract(m);
  }
  return { allowed, denied, undecided };
}

const unionCache = new WeakMap<Filter, PacketSet>();

/** The packets any egress rule of an allow-union filter allows (cached per filter). */
export function egressUnion(filter: Filter): PacketSet {
  let u = unionCache.get(filter);
  if (!u) {
    // Balanced (PacketSet.unionAll): folding left would re-merge the growing union once per rule.
    u = PacketSet.unionAll(
      filter.egress.filter((r) => r.action === "allow" && !r.unresolved).map((r) => r.match),
    );
    unionCache.set(filter, u);
  }
  return u;
}

/**
 * egressUnion(filter) ∩ within, each rule cut down first (intersection distributes over union): cut
 * down to the audit's universe, most rules of a large group vanish (private peers, other protocols)
 * and the rest share their IP set objects, so the union that remains is small. The cuts and the union
 * are one sweep over the rules' boxes (PacketSet.unionWithin): no set is built per rule.
 */
export function egressUnionWithin(filter: Filter, within: PacketSet): PacketSet {
  const matches: PacketSet[] = [];
  for (const r of filter.egress) if (r.action === "allow" && !r.unresolved) matches.push(r.match);
  return PacketSet.unionWithin(matches, within);
}

/**
 * Over every packet (used for return-traffic checks): what a rule list surely allows, and what it cannot
 * decide (packets reaching an unresolved rule first-match, or only unresolved rules might allow).
 */
export function allowedSet(
  rules: readonly Rule[],
  semantics: Filter["semantics"],
): { allowed: PacketSet; undecided: Undecided[] } {
  if (semantics === "union") {
    const allowed = PacketSet.unionAll(
      rules.filter((r) => r.action === "allow" && !r.unresolved).map((r) => r.match),
    );
    return { allowed, undecided: undecidedOf(rules, allowed.complement()).undecided };
  }
  let allowed = PacketSet.EMPTY;
  const undecided: Undecided[] = [];
  let remaining = PacketSet.ALL;
  for (const r of rules) {
    const m = remaining.intersect(r.match);
    if (m.isEmpty()) continue;
    if (r.unresolved) undecided.push({ set: m, reason: r.unresolved });
    else if (r.action === "allow") allowed = allowed.union(m);
    remaining = remaining.subtract(m);
    if (remaining.isEmpty()) break;
  }
  return { allowed, undecided };
}

/**
 * Rewrites rules whose IP dimension is a peer for a FIXED peer address: the rule then matches every
 * address in the other dimension. Used where the fixed address is the packet's source (ingress rules on
 * the way out) or destination (egress rules on the way back). `peer4` applies to the IPv4 half of the
 * result space and `peer6` to the IPv6 half: a packet's two addresses are always of one family.
 */
export function specializeRules(rules: readonly Rule[], peer4: bigint | null, peer6: bigint | null): Rule[] {
  return rules.map((r) => ({ ...r, match: specializeSet(r.match, peer4, peer6) }));
}

/**
 * The distinct IP sets of a match's cubes: all that specializeSet reads of it besides the peer (whether
 * each contains the peer address).
 */
export function peerSetsOf(match: PacketSet): IntervalSet[] {
  const out: IntervalSet[] = [];
  for (const c of match.cubes()) if (!out.some((s) => s === c.ips || s.equals(c.ips))) out.push(c.ips);
  return out;
}

export function specializeSet(match: PacketSet, peer4: bigint | null, peer6: bigint | null): PacketSet {
  let out = PacketSet.EMPTY;
  for (const c of match.cubes()) {
    let ips = IntervalSet.EMPTY;
    if (peer4 !== null && c.ips.contains(peer4)) ips = ips.union(IPV4_ALL);
    if (peer6 !== null && c.ips.contains(peer6)) ips = ips.union(IPV6_ALL);
    if (!ips.isEmpty()) out = out.union(PacketSet.cube(c.protocols, c.ports, ips));
  }
  return out;
}
