// Subnet boundaries: a subnet's stateless filters (network ACLs) on packets leaving or entering it, both
// ways. The forward rules decide each packet; the opposite direction's rules decide its replies, which
// return to the client's ephemeral ports. In audit mode a crossing is computed once per subnet,
// direction, leg addresses and packet set, and shared by every leg that makes it.
import type { IntervalSet } from "../netset/index.js";
import { PacketSet } from "../netset/index.js";
import type { Filter, NetworkModel, Rule, RuleRef, Subnet } from "../model/types.js";
import {
  allowedSet,
  egressUnion,
  evalFirstMatch,
  evalUnion,
  peerSetsOf,
  specializeRules,
  type FilterSplit,
  type Undecided,
} from "./filters.js";
import {
  blocked,
  prependHops,
  restrictPieces,
  ruleLabel,
  unknown,
  type Hop,
  type Outcome,
  type Piece,
} from "./outcome.js";
import { forwardOfReplies, replyKinds, splitByReturn, type ReturnSplit } from "./returns.js";

export interface Pass {
  set: PacketSet;
  hops: Hop[];
}

/**
 * What passes a boundary (with the hops that let it) and what stops there. `held`: packets that pass
 * but whose replies a stateless filter there stops, with what becomes of them (blocked or unknown);
 * they go on in `pass` all the same, since a request dropped further on never gets a reply and that
 * drop is what decides: see settleHeld. In the order the replies meet them (the later filter first).
 */
export interface Crossing {
  pass: Pass[];
  stop: Piece[];
  held?: Piece[];
}

/**
 * What a held outcome makes of packets whose way on ends in `beyond`: a block as it is; a doubt keeps
 * the exit the packets leave by (they did leave; what becomes of the answers is not known), one
 * object per held outcome and exit (audit results are shared by outcome object).
 */
const withExit = new WeakMap<Outcome, Map<string, Outcome>>();
function heldOutcome(held: Outcome, beyond: Outcome): Outcome {
  if (held.verdict !== "unknown" || beyond.exit === null || held.exit === beyond.exit) return held;
  let byExit = withExit.get(held);
  if (!byExit) withExit.set(held, (byExit = new Map<string, Outcome>()));
  let o = byExit.get(beyond.exit);
  if (!o) byExit.set(beyond.exit, (o = { ...held, exit: beyond.exit }));
  return o;
}

/**
 * The fate of packets past a crossing (`beyond`: every piece from the crossing on, its own stops
 * included), given what the crossing holds (see Crossing.held): a packet dropped on the way is blocked
 * by that drop, whatever would have become of its replies; one that gets through (or may) is decided
 * by the replies the crossing stops. Held pieces are applied in order, each to what the ones before
 * left, so of several filters the replies meet, a block anywhere decides. `keepExit`: whether the
 * packets surely leave (it is their answers that are in doubt, see heldOutcome).
 */
export function settleHeld(beyond: Piece[], held: readonly Piece[] | undefined, keepExit = true): Piece[] {
  if (held === undefined || held.length === 0) return beyond;
  let out = beyond;
  for (const h of held) {
    const next: Piece[] = [];
    for (const p of out) {
      const hit = p.outcome.verdict === "blocked" ? PacketSet.EMPTY : p.packets.intersect(h.packets);
      if (hit.isEmpty()) {
        next.push(p);
        continue;
      }
      next.push({ packets: hit, outcome: keepExit ? heldOutcome(h.outcome, p.outcome) : h.outcome });
      const rest = p.packets.subtract(hit);
      if (!rest.isEmpty()) next.push({ packets: rest, outcome: p.outcome });
    }
    out = next;
  }
  return out;
}

/** Packets a filter cannot decide: unknown, with the hop where the decision stopped. */
export function undecidedPieces(
  undecided: readonly Undecided[],
  resource: string,
  kind: string,
  direction: string,
): Piece[] {
  return undecided.map((u) =>
    unknown(u.set, u.reason, [
      { resource, kind, action: "deny", rule: null, detail: `${direction}: undecided (${u.reason})` },
    ]),
  );
}

/** The part of a crossing within `set`: a boundary filter decides each packet on its own. */
export function restrictCrossing(c: Crossing, set: PacketSet): Crossing {
  const pass: Pass[] = [];
  for (const p of c.pass) {
    const part = p.set.intersect(set);
    if (!part.isEmpty()) pass.push({ set: part, hops: p.hops });
  }
  return {
    pass,
    stop: restrictPieces(c.stop, set),
    ...(c.held?.length ? { held: restrictPieces(c.held, set) } : {}),
  };
}

/** What a crossing depends on of the leg making it: where it starts, its source, its replies' ports. */
export interface LegAddresses {
  subnet: Subnet;
  src4: bigint | null;
  src6: bigint | null;
  ephemeral: IntervalSet;
}

interface ReturnCheck {
  split: ReturnSplit;
  /** Forward packets some of whose replies meet a rule with unresolved peers. */
  undecided: { set: PacketSet; reason: string }[];
  /**
   * Reply-denying rules in order, with the forward packets whose replies they deny. Needed only where
   * some packets get no reply through (often nowhere), so worked out on first use.
   */
  deniers: () => { set: PacketSet; ref: RuleRef }[];
}

export class Boundaries {
  private readonly returnCache = new Map<string, ReturnCheck>();
  private readonly specCache = new Map<string, Rule[]>();
  private readonly crossCache = new Map<string, WeakMap<PacketSet, Crossing>>();
  /** Per rule list: each rule's peer sets (see peerKey). */
  private readonly peerSets = new WeakMap<readonly Rule[], IntervalSet[][]>();
  /** Per rule list: peerKey by source addresses, and the number of each distinct key. */
  private readonly peerKeys = new WeakMap<
    readonly Rule[],
    { byAddress: Map<bigint | null, Map<bigint | null, number>>; ids: Map<string, number> }
  >();

  /** `detail`: attribute allowed packets to rules (traces); audit mode shares crossings instead. */
  constructor(
    private readonly model: NetworkModel,
    private readonly detail: boolean,
  ) {}

  /**
   * A boundary crossing, shared in audit mode by every leg that makes the same one. What it depends on:
   * the subnet (its filters), the direction, the leg's addresses where the rules are specialized to
   * them (inbound), the ephemeral ports the replies go to, and the set (by object: immutable).
   */
  private crossing(key: string, set: PacketSet, compute: () => Crossing): Crossing {
    if (this.detail) return compute();
    let bySet = this.crossCache.get(key);
    if (!bySet) this.crossCache.set(key, (bySet = new WeakMap()));
    let c = bySet.get(set);
    if (!c) bySet.set(set, (c = compute()));
    return c;
  }

  /** Leaving the leg's subnet: each boundary filter's outbound rules, and its inbound rules for the replies. */
  crossOut(leg: LegAddresses, set: PacketSet): Crossing {
    const key = `${leg.subnet.id}|out|${leg.ephemeral.key()}`;
    return this.crossing(key, set, () => this.crossOutNow(leg, set));
  }

  private crossOutNow(leg: LegAddresses, set: PacketSet): Crossing {
    return this.crossBoundary(leg.subnet, set, (f) => ({
      forward: f.egress,
      replies: f.ingress,
      replyKey: "",
      direction: "outbound",
      ephemeral: leg.ephemeral,
    }));
  }

  /** Entering another subnet: inbound rules see the leg's source; outbound rules see the replies to it. */
  crossIn(subnet: Subnet, leg: LegAddresses, set: PacketSet): Crossing {
    let peers = "";
    for (const id of subnet.boundaryFilterIds) {
      const f = this.model.filters.get(id);
      if (f) peers += `${this.peerKey(f.ingress, leg)}/${this.peerKey(f.egress, leg)};`;
    }
    const key = `${subnet.id}|in|${peers}|${leg.ephemeral.key()}`;
    return this.crossing(key, set, () => this.crossInNow(subnet, leg, set));
  }

  private crossInNow(subnet: Subnet, leg: LegAddresses, set: PacketSet): Crossing {
    return this.crossBoundary(subnet, set, (f) => ({
      forward: this.specialized(f, "in", leg),
      replies: this.specialized(f, "out", leg),
      replyKey: `${this.peerKey(f.egress, leg)}`,
      direction: "inbound",
      ephemeral: leg.ephemeral,
    }));
  }

  /**
   * Which of the rules' peer sets hold the leg's source addresses, as a small number (one per distinct
   * answer for this rule list): rules specialized to the leg (specializeRules) read nothing else of it.
   * Sources that no rule tells apart (most of a subnet, usually) then share the specialized rules,
   * their reply checks and their crossings. A leg asks for the same rules' key several times (its
   * crossing, the specialized rules, their replies), so it is kept per rule list and source addresses
   * (by the addresses themselves: a bigint's text costs more than the lookup).
   */
  private peerKey(rules: readonly Rule[], leg: LegAddresses): number {
    let memo = this.peerKeys.get(rules);
    if (!memo) this.peerKeys.set(rules, (memo = { byAddress: new Map(), ids: new Map() }));
    let by6 = memo.byAddress.get(leg.src4);
    if (!by6) memo.byAddress.set(leg.src4, (by6 = new Map<bigint | null, number>()));
    let id = by6.get(leg.src6);
    if (id === undefined) {
      const text = this.peerKeyText(rules, leg);
      id = memo.ids.get(text);
      if (id === undefined) memo.ids.set(text, (id = memo.ids.size));
      by6.set(leg.src6, id);
    }
    return id;
  }

  /** Which rules' peer sets hold the leg's addresses, spelled out: "rule.set" with a/b for IPv4/IPv6. */
  private peerKeyText(rules: readonly Rule[], leg: LegAddresses): string {
    let sets = this.peerSets.get(rules);
    if (!sets) this.peerSets.set(rules, (sets = rules.map((r) => peerSetsOf(r.match))));
    let key = "";
    for (let i = 0; i < sets.length; i++) {
      const list = sets[i]!;
      for (let j = 0; j < list.length; j++) {
        const s = list[j]!;
        const in4 = leg.src4 !== null && s.contains(leg.src4);
        const in6 = leg.src6 !== null && s.contains(leg.src6);
        if (in4 || in6) key += `${i}.${j}${in4 ? "a" : ""}${in6 ? "b" : ""},`;
      }
    }
    return key;
  }

  specialized(f: Filter, dir: "in" | "out", leg: LegAddresses): Rule[] {
    const rulesOf = dir === "in" ? f.ingress : f.egress;
    const key = `${f.id}|${dir}|${this.peerKey(rulesOf, leg)}`;
    let rules = this.specCache.get(key);
    if (!rules) {
      rules = specializeRules(dir === "in" ? f.ingress : f.egress, leg.src4, leg.src6);
      this.specCache.set(key, rules);
    }
    return rules;
  }

  private crossBoundary(
    subnet: Subnet,
    set: PacketSet,
    plan: (f: Filter) => {
      forward: readonly Rule[];
      replies: readonly Rule[];
      replyKey: string;
      direction: "outbound" | "inbound";
      ephemeral: IntervalSet;
    },
  ): Crossing {
    let current: Pass[] = [{ set, hops: [] }];
    const stop: Piece[] = [];
    // Per filter, the packets whose replies it stops (see Crossing.held).
    const heldBy: Piece[][] = [];
    for (const id of subnet.boundaryFilterIds) {
      const held: Piece[] = [];
      heldBy.push(held);
      const f = this.model.filters.get(id);
      const next: Pass[] = [];
      for (const c of current) {
        if (!f || f.unknown) {
          stop.push(unknown(c.set, f?.unknown ?? `filter ${id} of ${subnet.id} is not in the data`, c.hops));
          continue;
        }
        const p = plan(f);
        const r = this.applyForward(f, p.forward, c.set, p.direction);
        stop.push(...prependHops(r.stop, c.hops));
        for (const a of r.pass) {
          const hops = [...c.hops, ...a.hops];
          if (f.stateful) {
            next.push({ set: a.set, hops });
            continue;
          }
          const ret = this.returnCheck(f, p.replies, `${p.direction}|${p.replyKey}`, p.ephemeral);
          // Every packet the forward rules pass goes on; those whose replies do not all come back are
          // held here too, and decided once the rest of their way is known (settleHeld).
          next.push({ set: a.set, hops });
          if (a.set.isSubsetOf(ret.split.ok)) continue;
          let none = a.set.intersect(ret.split.none);
          const replyDir = p.direction === "outbound" ? "inbound" : "outbound";
          for (const d of none.isEmpty() ? [] : ret.deniers()) {
            if (none.isEmpty()) break;
            const hit = none.intersect(d.set);
            if (hit.isEmpty()) continue;
            none = none.subtract(hit);
            for (const k of replyKinds(hit, portsText(p.ephemeral)))
              held.push(
                blocked(k.set, d.ref, `${k.replies} are denied by ${replyDir} ${ruleLabel(d.ref)}`, [
                  ...hops,
                  {
                    resource: f.id,
                    kind: f.kind,
                    action: "deny",
                    rule: d.ref.rule,
                    detail: `${replyDir} replies: ${d.ref.description ?? "denied"}`,
                  },
                ]),
              );
          }
          let mixed = a.set.intersect(ret.split.mixed);
          for (const u of ret.undecided) {
            const hit = mixed.intersect(u.set);
            if (hit.isEmpty()) continue;
            mixed = mixed.subtract(hit);
            held.push(unknown(hit, `replies: ${u.reason}`, hops));
          }
          if (!mixed.isEmpty())
            held.push(
              unknown(
                mixed,
                `${f.id} lets replies through on only some of the ephemeral ports ${portsText(p.ephemeral)}: the connection works only when the client picks one of those`,
                hops,
              ),
            );
        }
      }
      current = next;
    }
    const held = heldBy.reverse().flat();
    return held.length > 0 ? { pass: current, stop, held } : { pass: current, stop };
  }

  /** A filter's forward decision: pieces denied (with the deciding rule) and what passes. */
  applyForward(f: Filter, rules: readonly Rule[], set: PacketSet, direction: string): Crossing {
    const split: FilterSplit =
      f.semantics === "union"
        ? evalUnion(
            rules,
            rules === f.egress ? egressUnion(f) : unionOf(rules),
            f.defaultRef,
            set,
            this.detail,
          )
        : evalFirstMatch(rules, f.defaultRef, set);
    const stop = undecidedPieces(split.undecided, f.id, f.kind, direction);
    for (const d of split.denied)
      stop.push(
        blocked(
          d.set,
          d.ref,
          `denied by ${direction} ${ruleLabel(d.ref)}${d.ref.description ? ` (${d.ref.description})` : ""}`,
          [
            {
              resource: f.id,
              kind: f.kind,
              action: "deny",
              rule: d.ref.rule,
              detail: `${direction}: ${d.ref.description ?? "denied"}`,
            },
          ],
        ),
      );
    let pass: Pass[];
    if (this.detail) {
      pass = split.allowed.map((a) => ({
        set: a.set,
        hops: [
          {
            resource: f.id,
            kind: f.kind,
            action: "allow",
            rule: a.ref.rule,
            detail: `${direction}: ${a.ref.description ?? "allowed"}`,
          },
        ],
      }));
    } else {
      const all = split.allowed.reduce((u, a) => u.union(a.set), PacketSet.EMPTY);
      pass = all.isEmpty()
        ? []
        : [
            {
              set: all,
              hops: [
                {
                  resource: f.id,
                  kind: f.kind,
                  action: "allow",
                  rule: null,
                  detail: `${direction}: allowed`,
                },
              ],
            },
          ];
    }
    return { pass, stop };
  }

  private returnCheck(f: Filter, replies: readonly Rule[], key: string, ephemeral: IntervalSet): ReturnCheck {
    const k = `${f.id}|${key}|${ephemeral.key()}`;
    let rc = this.returnCache.get(k);
    if (!rc) {
      const { allowed: allowedReplies, undecided: undecidedReplies } = allowedSet(replies, f.semantics);
      const split = splitByReturn(allowedReplies, ephemeral);
      // A forward packet any of whose replies the filter cannot decide is not blocked for sure (nor
      // passes for sure: an undecided reply is not an allowed one, so it is never in `ok`). Those with
      // no reply surely through move from `none` to `mixed`, where crossBoundary names the rule in doubt.
      const undecided = undecidedReplies.map((u) => ({
        set: forwardOfReplies(u.set, ephemeral),
        reason: u.reason,
      }));
      for (const u of undecided) {
        const moved = split.none.intersect(u.set);
        if (moved.isEmpty()) continue;
        split.none = split.none.subtract(moved);
        split.mixed = split.mixed.union(moved);
      }
      let deniers: { set: PacketSet; ref: RuleRef }[] | undefined;
      const deniersNow = (): { set: PacketSet; ref: RuleRef }[] =>
        f.semantics === "union"
          ? [{ set: forwardOfReplies(allowedReplies.complement(), ephemeral), ref: f.defaultRef }]
          : evalFirstMatch(replies, f.defaultRef, PacketSet.ALL).denied.map((d) => ({
              set: forwardOfReplies(d.set, ephemeral),
              ref: d.ref,
            }));
      rc = { split, deniers: () => (deniers ??= deniersNow()), undecided };
      this.returnCache.set(k, rc);
    }
    return rc;
  }
}

/** The packets an allow-union rule list allows. */
export function unionOf(rules: readonly Rule[]): PacketSet {
  return rules.reduce(
    (u, r) => (r.action === "allow" && !r.unresolved ? u.union(r.match) : u),
    PacketSet.EMPTY,
  );
}

function portsText(ports: IntervalSet): string {
  return ports.ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(",");
}
