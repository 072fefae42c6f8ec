// Subnet boundaries: a subnet's stateless filters (network ACLs) on packets leaving or entering it, both
// ways. The forward rules decide each packet; the opposite direction's rules decide its replies, which
// return to the client's ephemeral ports. In audit mode a crossing is computed once per subnet,
// direction, leg addresses and packet set, and shared by every leg that makes it.
import { formatIp, formatIpSet, IntervalSet, IPV4_ALL, IPV6_ALL, PacketSet } from "../netset/index.js";
import type { Filter, ModelNote, NetworkModel, Rule, RuleRef, Subnet } from "../model/types.js";
import { cached, innerWeakMap } from "../model/maps.js";
import {
  allowedSet,
  egressUnion,
  evalFirstMatch,
  evalUnion,
  peerSetsOf,
  specializeRules,
  type Decided,
  type FilterSplit,
  type Undecided,
} from "./filters.js";
import {
  blocked,
  leavesOf,
  withoutLeaves,
  prependHops,
  restrictPieces,
  ruleLabel,
  unknown,
  type Hop,
  type Outcome,
  type Piece,
} from "./outcome.js";
import {
  forwardOfReplies,
  replyKindOf,
  replyKinds,
  replyParts,
  splitByReturn,
  type ReturnSplit,
} from "./returns.js";

export interface Pass {
  set: PacketSet;
  hops: Hop[];
}

/**
 * What passes a boundary (with the hops that let it) and what stops there. In detail mode (traces) the
 * hops of what passes a stateless filter name, right after the rule that let the packets through, each
 * rule that lets their replies back the other way (and, where only some replies pass, each that stops
 * the rest): an allowed trace is evidence that every rule on the way agreed, the replies' included.
 * They sit beside the request's hop of the same filter (not in a block at the end) as a denied reply's
 * hop does on a trace blocked there, so a reader finds both directions of a boundary together and an
 * allowed trace still ends at its exit. `held`: packets that pass
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
 * What a held outcome makes of packets whose way on ends in `beyond`: its verdict, rule and reason; a
 * doubt keeps the exit the packets leave by (they did leave; what becomes of the answers is not
 * known); either says where the packets surely leave, if they do (see Outcome.leaves). One object
 * per held outcome, exit and way out (audit results are shared by outcome object).
 */
const withExit = new WeakMap<Outcome, Map<string, Outcome>>();
function heldOutcome(held: Outcome, beyond: Outcome, pathHops: boolean): Outcome {
  const exit = held.verdict === "unknown" && beyond.exit !== null ? beyond.exit : held.exit;
  const leaves = leavesOf(beyond);
  if (exit === held.exit && leaves === undefined) return held;
  // A trace shows the whole way the packets went (with every reply rule that lets answers back, see
  // Crossing.pass), not only the way to the filter in doubt; the held outcome's hops are a prefix of it.
  if (pathHops)
    return {
      ...held,
      exit,
      ...(exit !== held.exit && { hops: beyond.hops }),
      ...(leaves && { leaves }),
    };
  const key = `${exit ?? ""}|${leaves ? `${leaves.exit}|${leaves.egressIp ?? ""}` : ""}`;
  return cached(
    cached(withExit, held, () => new Map<string, Outcome>()),
    key,
    () => ({
      ...held,
      exit,
      ...(leaves && { leaves }),
    }),
  );
}

/**
 * A doubt that replaces an outcome the input's missing data left unknown stays a doubt of that data
 * too (see Outcome.missing): had the data been there, the verdict could have been a block. One object
 * per outcome and note (audit results are shared by outcome object).
 */
const withMissing = new WeakMap<Outcome, Map<ModelNote, Outcome>>();
function carryMissing(o: Outcome, replaced: Outcome): Outcome {
  const note = replaced.missing;
  if (o.verdict !== "unknown" || note === undefined || o.missing !== undefined) return o;
  let byNote = withMissing.get(o);
  if (!byNote) withMissing.set(o, (byNote = new Map<ModelNote, Outcome>()));
  let m = byNote.get(note);
  if (!m) byNote.set(note, (m = { ...o, missing: note }));
  return m;
}

/**
 * The fate of packets past a crossing (`beyond`: every piece from the crossing on, its own stops
 * included), given what the crossing holds (see Crossing.held): a packet dropped on the way is blocked
 * by that drop, whatever would have become of its replies; one that gets through (or may) is decided
 * by the replies the crossing stops. Held pieces are applied in order, each to what the ones before
 * left, so of several filters the replies meet, a block anywhere decides. `keepExit`: whether the
 * packets surely leave (it is their answers that are in doubt, see heldOutcome; else a block there
 * does not say they leave). `pathHops` (traces):
 * a doubt that keeps the exit shows the hops of the way to it.
 */
export function settleHeld(
  beyond: Piece[],
  held: readonly Piece[] | undefined,
  keepExit = true,
  pathHops = false,
): Piece[] {
  if (held === undefined || held.length === 0) return beyond;
  let out = beyond;
  for (const h of held) {
    const next: Piece[] = [];
    for (const p of out) {
      // A block stands; where whether the packets leave at all is in doubt (!keepExit), it no longer
      // says they leave (see Outcome.leaves). (Most pieces miss the held packets: testing that first
      // spares building an empty intersection.)
      const block = p.outcome.verdict === "blocked";
      const hit =
        (block && (keepExit || p.outcome.leaves === undefined)) || !p.packets.overlaps(h.packets)
          ? PacketSet.EMPTY
          : p.packets.intersect(h.packets);
      if (hit.isEmpty()) {
        next.push(p);
        continue;
      }
      next.push({
        packets: hit,
        outcome: block
          ? withoutLeaves(p.outcome)
          : carryMissing(keepExit ? heldOutcome(h.outcome, p.outcome, pathHops) : h.outcome, p.outcome),
      });
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

/**
 * The part of a crossing within `set`: a boundary filter decides each packet on its own. `cut` gives
 * the part of a pass set within `set` (see Boundaries.restricted).
 */
export function restrictCrossing(
  c: Crossing,
  set: PacketSet,
  cut = (passed: PacketSet): PacketSet => passed.intersect(set),
): Crossing {
  const pass: Pass[] = [];
  for (const p of c.pass) {
    const part = cut(p.set);
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
  /** The NAT gateway sending, on a leg from one: the replies' ports are then the gateway's, not the client's. */
  nat?: { readonly id: string } | null;
}

interface ReturnCheck {
  split: ReturnSplit;
  /** Forward packets some of whose replies meet a rule with unresolved peers. */
  undecided: { set: PacketSet; reason: string }[];
  /**
   * Reply-denying rules in order, with the forward packets whose replies they deny. Needed only where
   * some packets get no reply through (often nowhere), so worked out on first use, rule by rule:
   * `denier(i)` is the i-th (undefined past the last), `deniers()` all of them. A check that the first
   * rules settle never works out the forward packets (a forwardOfReplies each) of the others.
   */
  denier: (i: number) => { set: PacketSet; ref: RuleRef } | undefined;
  deniers: () => { set: PacketSet; ref: RuleRef }[];
  /**
   * Traces only: every rule that decides replies, in the order the filter reads them, with the replies
   * (reply space) it decides and how. Worked out on first use.
   */
  decided: () => ReplyRule[];
}

/** What a filter's reply rules decide over every reply (see Boundaries.replyRules). */
interface ReplyRules {
  filter: Filter;
  allowed: { allowed: PacketSet; undecided: Undecided[] };
  /** The replies each denying rule (or the implicit one) decides, in rule order; worked out on first use. */
  denied: () => Decided[];
}

/** A rule deciding some replies at a stateless filter (see ReturnCheck.decided). */
interface ReplyRule {
  replies: PacketSet;
  ref: RuleRef;
  action: "allow" | "deny";
}

export class Boundaries {
  private readonly returnCache = new Map<string, ReturnCheck>();
  private readonly replyRuleCache = new WeakMap<readonly Rule[], ReplyRules>();
  private readonly specCache = new Map<string, Rule[]>();
  private readonly crossCache = new Map<string, WeakMap<PacketSet, Crossing>>();
  /** Audit mode: forward decisions by rule list, set and filter|direction (see applyForward). */
  private readonly forwardCache = new WeakMap<readonly Rule[], WeakMap<PacketSet, Map<string, Crossing>>>();
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

  /** Audit mode: restrictCrossing results by crossing and set (see restricted). */
  private readonly restrictCache = new WeakMap<Crossing, WeakMap<PacketSet, Crossing>>();
  /** Audit mode: what passes and stops of a crossing within a set, by its pass list and the set. */
  private readonly forwardParts = new WeakMap<readonly Pass[], WeakMap<PacketSet, Crossing>>();
  /** Audit mode: the pass and stop lists of crossings, by their forward key and set (see crossing). */
  private readonly forwardLists = new Map<string, WeakMap<PacketSet, Crossing>>();

  /**
   * restrictCrossing(c, set), kept in audit mode by both objects: the legs of one subnet that differ
   * only in their addresses' class share its crossing and cut it down to the same route groups. What
   * passes and stops is cut down once for every crossing that shares it (those for other ephemeral
   * ports, see crossing), so the parts that pass are the same objects too, and the steps beyond them
   * that are keyed by set object (Engine.forwardStep) find them; only the held pieces are cut per
   * crossing.
   */
  restricted(c: Crossing, set: PacketSet): Crossing {
    if (this.detail) return restrictCrossing(c, set);
    return cached(innerWeakMap(this.restrictCache, c), set, () => {
      const fwd = cached(innerWeakMap(this.forwardParts, c.pass), set, () =>
        restrictCrossing({ pass: c.pass, stop: c.stop }, set),
      );
      return c.held?.length ? { ...fwd, held: restrictPieces(c.held, set) } : fwd;
    });
  }

  /**
   * A boundary crossing, shared in audit mode by every leg that makes the same one. What it depends on:
   * the subnet (its filters), the direction, the leg's addresses where the rules are specialized to
   * them (inbound), the ephemeral ports the replies go to and the NAT gateway they go to (`replies`),
   * and the set (by object: immutable). What passes and stops depends on none of `replies` (audit mode
   * passes on every packet a stateless filter's forward rules let through, and holds those whose
   * replies it stops, see passStateless): crossings that differ only there share those lists, so that
   * what is derived from them by object is shared too (see restricted).
   */
  private crossing(forwardKey: string, replies: string, set: PacketSet, compute: () => Crossing): Crossing {
    if (this.detail) return compute();
    return cached(innerWeakMap(this.crossCache, `${forwardKey}|${replies}`), set, () => {
      const c = compute();
      const shared = cached(innerWeakMap(this.forwardLists, forwardKey), set, () => c);
      return shared === c ? c : { pass: shared.pass, stop: shared.stop, ...(c.held ? { held: c.held } : {}) };
    });
  }

  /** Leaving the leg's subnet: each boundary filter's outbound rules, and its inbound rules for the replies. */
  crossOut(leg: LegAddresses, set: PacketSet): Crossing {
    // The NAT gateway too: the reasons of replies it does not get back name it.
    const replies = `${leg.ephemeral.key()}|${leg.nat?.id ?? ""}`;
    return this.crossing(`${leg.subnet.id}|out`, replies, set, () => this.crossOutNow(leg, set));
  }

  private crossOutNow(leg: LegAddresses, set: PacketSet): Crossing {
    return this.crossBoundary(leg.subnet, set, (f) => ({
      forward: f.egress,
      replies: f.ingress,
      replyKey: "",
      direction: "outbound",
      ephemeral: leg.ephemeral,
      replyTo: leg,
    }));
  }

  /** Entering another subnet: inbound rules see the leg's source; outbound rules see the replies to it. */
  crossIn(subnet: Subnet, leg: LegAddresses, set: PacketSet): Crossing {
    let peers = "";
    for (const id of subnet.boundaryFilterIds) {
      const f = this.model.filters.get(id);
      if (f) peers += `${this.peerKey(f.ingress, leg)}/${this.peerKey(f.egress, leg)};`;
    }
    const replies = `${leg.ephemeral.key()}|${leg.nat?.id ?? ""}`;
    return this.crossing(`${subnet.id}|in|${peers}`, replies, set, () => this.crossInNow(subnet, leg, set));
  }

  private crossInNow(subnet: Subnet, leg: LegAddresses, set: PacketSet): Crossing {
    return this.crossBoundary(subnet, set, (f) => ({
      forward: this.specialized(f, "in", leg),
      replies: this.specialized(f, "out", leg),
      replyKey: `${this.peerKey(f.egress, leg)}`,
      direction: "inbound",
      ephemeral: leg.ephemeral,
      replyTo: leg,
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
      /** The leg, whose source the replies go to (traces name it, see replyText). */
      replyTo: LegAddresses;
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
      const out = { next, held };
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
          const replyDir = p.direction === "outbound" ? "inbound" : "outbound";
          if (!this.detail) {
            this.passStateless(f, ret, a.set, hops, replyDir, p.ephemeral, out, p.replyTo);
            continue;
          }
          // Traces: the packets split by the rules that decide their replies, each part with their hops.
          for (const part of this.replyHops(f, ret, a.set, replyDir, p.ephemeral, p.replyTo))
            this.passStateless(
              f,
              ret,
              part.set,
              [...hops, ...part.hops],
              replyDir,
              p.ephemeral,
              out,
              p.replyTo,
            );
        }
      }
      current = next;
    }
    const held = heldBy.reverse().flat();
    return held.length > 0 ? { pass: current, stop, held } : { pass: current, stop };
  }

  /**
   * Packets `set` that passed stateless filter `f`'s forward rules (with `hops` so far) go on in
   * `next`; those whose replies do not all come back are held here too (`held`), and decided once the
   * rest of their way is known (settleHeld). `replyTo`: the leg the replies go back to; in traces the
   * hop of a rule stopping every reply says which, as the reply hops do (see replyText).
   */
  private passStateless(
    f: Filter,
    ret: ReturnCheck,
    set: PacketSet,
    hops: Hop[],
    replyDir: string,
    ephemeral: IntervalSet,
    out: { next: Pass[]; held: Piece[] },
    replyTo: LegAddresses,
  ): void {
    out.next.push({ set, hops });
    if (set.isSubsetOf(ret.split.ok)) return;
    let none = set.intersect(ret.split.none);
    for (let i = 0; !none.isEmpty(); i++) {
      const d = ret.denier(i);
      if (d === undefined) break;
      const hit = none.intersect(d.set);
      if (hit.isEmpty()) continue;
      none = none.subtract(hit);
      const denied = this.detail
        ? ret.decided().find((x) => x.action === "deny" && x.ref === d.ref)
        : undefined;
      for (const k of replyKinds(hit, portsText(ephemeral), replyTo.nat?.id)) {
        const what =
          denied === undefined ? "replies:" : `(${replyText(k.set, denied.replies, ephemeral, replyTo)}):`;
        out.held.push(
          blocked(
            k.set,
            d.ref,
            `${k.replies} are denied by ${replyDir} ${ruleLabel(d.ref)}${k.oneWay ? `; ${k.oneWay} are not stopped by it` : ""}`,
            [
              ...hops,
              {
                resource: f.id,
                kind: f.kind,
                action: "deny",
                rule: d.ref.rule,
                detail: `${replyDir} ${what} ${d.ref.description ?? "denied"}`,
              },
            ],
          ),
        );
      }
    }
    let mixed = set.intersect(ret.split.mixed);
    for (const u of ret.undecided) {
      const hit = mixed.intersect(u.set);
      if (hit.isEmpty()) continue;
      mixed = mixed.subtract(hit);
      out.held.push(unknown(hit, `replies: ${u.reason}`, hops));
    }
    if (mixed.isEmpty()) return;
    // Named by the rules that deny the rest (grouped by the first of them in rule order), for the
    // reader to know what to widen; `aws trace` shows each rule's ports.
    const deniers = ret.deniers();
    const parts: { set: PacketSet; by: RuleRef[] }[] = [];
    for (const d of deniers) {
      const hit = mixed.intersect(d.set);
      if (hit.isEmpty()) continue;
      mixed = mixed.subtract(hit);
      parts.push({ set: hit, by: deniers.filter((o) => o.set.overlaps(hit)).map((o) => o.ref) });
      if (mixed.isEmpty()) break;
    }
    if (!mixed.isEmpty()) parts.push({ set: mixed, by: [] });
    for (const part of parts) {
      const rest =
        part.by.length === 0
          ? ""
          : `; the others are denied by ${replyDir} ${part.by.length === 1 ? "rule" : "rules"} ${part.by.map((r) => r.rule ?? r.resource).join(", ")}`;
      out.held.push(
        unknown(
          part.set,
          replyTo.nat
            ? `${f.id} lets replies through on only some of ${replyTo.nat.id}'s ports ${portsText(ephemeral)}${rest}: the connection works only when the gateway picks one of those`
            : `${f.id} lets replies through on only some of the ephemeral ports ${portsText(ephemeral)}${rest}: the connection works only when the client picks one of those`,
          hops,
        ),
      );
    }
  }

  /**
   * Traces: `set` (forward packets that passed `f`) split by the reply rules that decide their replies,
   * each part with a hop per such rule in the filter's order: "inbound (replies from 8.8.8.8 to ports
   * 32768-60999): rule 100: ...". A rule stopping some replies is listed only where others pass (where
   * none does, the held block names it); replies the filter cannot decide get no hop (the held doubt
   * names them). Each part has a single protocol where replies go to ports, so the ports a hop names
   * are those of its part.
   */
  private replyHops(
    f: Filter,
    ret: ReturnCheck,
    set: PacketSet,
    replyDir: string,
    ephemeral: IntervalSet,
    replyTo: LegAddresses,
  ): Pass[] {
    let parts: Pass[] = replyParts(set).map((s) => ({ set: s, hops: [] }));
    const noneOf = set.intersect(ret.split.none);
    for (const d of ret.decided()) {
      const fwd = forwardOfReplies(d.replies, ephemeral);
      const refined: Pass[] = [];
      for (const part of parts) {
        let hit = part.set.intersect(fwd);
        if (d.action === "deny") hit = hit.subtract(noneOf);
        if (hit.isEmpty()) {
          refined.push(part);
          continue;
        }
        const rest = part.set.subtract(hit);
        if (!rest.isEmpty()) refined.push({ set: rest, hops: part.hops });
        const what = replyText(hit, d.replies, ephemeral, replyTo);
        const hop: Hop = {
          resource: f.id,
          kind: f.kind,
          action: d.action,
          rule: d.ref.rule,
          detail: `${replyDir} (${what}): ${d.ref.description ?? (d.action === "allow" ? "allowed" : "denied")}`,
        };
        refined.push({ set: hit, hops: [...part.hops, hop] });
      }
      parts = refined;
    }
    return parts;
  }

  /**
   * A filter's forward decision: pieces denied (with the deciding rule) and what passes. It depends
   * on the filter, its rules for the direction (the filter's own, or those specialized to a leg), the
   * direction and the set, and on nothing of the leg's replies: in audit mode it is kept, keyed by
   * all of these (rule list and set by object), so that legs which differ only in their ephemeral
   * ports or NAT gateway share it, and with it the objects of what passes (which their later steps,
   * keyed by set object, then share too).
   */
  applyForward(f: Filter, rules: readonly Rule[], set: PacketSet, direction: string): Crossing {
    if (this.detail) return this.applyForwardNow(f, rules, set, direction);
    const byFilter = cached(innerWeakMap(this.forwardCache, rules), set, () => new Map<string, Crossing>());
    return cached(byFilter, `${f.id}|${direction}`, () => this.applyForwardNow(f, rules, set, direction));
  }

  private applyForwardNow(f: Filter, rules: readonly Rule[], set: PacketSet, direction: string): Crossing {
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

  /**
   * What a filter's reply rules decide over every reply, whatever ports the replies go to: kept per
   * rule list (the filter's own, or those specialized to a leg: one object per key, see specialized)
   * and shared by the reply checks for every set of ephemeral ports. A rule list belongs to one filter,
   * whose semantics and implicit rule it is read with.
   */
  private replyRules(f: Filter, replies: readonly Rule[]): ReplyRules {
    let r = this.replyRuleCache.get(replies);
    if (r === undefined || r.filter !== f) {
      const allowed = allowedSet(replies, f.semantics);
      let denied: Decided[] | undefined;
      r = {
        filter: f,
        allowed,
        denied: () =>
          (denied ??=
            f.semantics === "union"
              ? [{ set: allowed.allowed.complement(), ref: f.defaultRef }]
              : evalFirstMatch(replies, f.defaultRef, PacketSet.ALL).denied),
      };
      this.replyRuleCache.set(replies, r);
    }
    return r;
  }

  private returnCheck(f: Filter, replies: readonly Rule[], key: string, ephemeral: IntervalSet): ReturnCheck {
    const k = `${f.id}|${key}|${ephemeral.key()}`;
    let rc = this.returnCache.get(k);
    if (!rc) {
      const { allowed: allowedReplies, undecided: undecidedReplies } = this.replyRules(f, replies).allowed;
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
      const deniers: { set: PacketSet; ref: RuleRef }[] = [];
      const denied = (): Decided[] => this.replyRules(f, replies).denied();
      const denier = (i: number): { set: PacketSet; ref: RuleRef } | undefined => {
        let d = deniers[i];
        const rule = denied()[i];
        if (d === undefined && rule !== undefined)
          deniers[i] = d = { set: forwardOfReplies(rule.set, ephemeral), ref: rule.ref };
        return d;
      };
      let decided: ReplyRule[] | undefined;
      rc = {
        split,
        denier,
        deniers: () => denied().map((_, i) => denier(i)!),
        undecided,
        decided: () => (decided ??= decidedReplies(f, replies)),
      };
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

/**
 * Every rule of `replies` that decides some reply, in the order the filter reads them (see ReplyRule).
 * Of a union filter's rules, any allowing a reply lets it through; the first of them in rule order is
 * named, as for its requests (applyForward); a deny rule decides nothing there.
 */
function decidedReplies(f: Filter, replies: readonly Rule[]): ReplyRule[] {
  const split =
    f.semantics === "union"
      ? evalUnion(replies, unionOf(replies), f.defaultRef, PacketSet.ALL, true)
      : evalFirstMatch(replies, f.defaultRef, PacketSet.ALL);
  const order = (ref: RuleRef): number => {
    const i = replies.findIndex((r) => r.ref === ref);
    return i < 0 ? replies.length : i;
  };
  return [
    ...split.allowed.map((d) => ({ replies: d.set, ref: d.ref, action: "allow" as const })),
    ...split.denied.map((d) => ({ replies: d.set, ref: d.ref, action: "deny" as const })),
  ].sort((a, b) => order(a.ref) - order(b.ref));
}

/**
 * Words for the replies to forward packets `fwd` (one part of replyParts) that a rule deciding `decided`
 * (reply space) decides, from the destination to the leg's source, whose ports they are (the client's
 * ephemeral ports, or a NAT gateway's 1024-65535 on the way on from it): "replies from 8.8.8.8 to ports
 * 32768-49999 of 10.0.1.5", "ICMP replies from 8.8.8.8 to 10.0.1.5", "replies from 10.0.2.9 to 10.0.1.5".
 */
function replyText(
  fwd: PacketSet,
  decided: PacketSet,
  ephemeral: IntervalSet,
  replyTo: LegAddresses,
): string {
  const dsts = fwd.ips();
  const own: [bigint, bigint][] = [];
  if (replyTo.src4 !== null && dsts.overlaps(IPV4_ALL)) own.push([replyTo.src4, replyTo.src4]);
  if (replyTo.src6 !== null && dsts.overlaps(IPV6_ALL)) own.push([replyTo.src6, replyTo.src6]);
  const from = `from ${addressText(dsts)}`;
  const to = addressText(IntervalSet.fromRanges(own));
  const kind = replyKindOf(fwd);
  if (kind === "icmp") return `ICMP replies ${from} to ${to}`;
  if (kind === "portless") return `replies ${from} to ${to}`;
  // The ports of these replies the rule decides. A reply's peer is the forward packet's destination
  // (rules specialized to the leg's source hold its whole address family there, see specializeRules).
  const mine = decided.restrictProtocols(fwd.protocols()).restrictPorts(ephemeral).restrictIps(dsts);
  const ports = IntervalSet.unionAll([...mine.cubes()].map((c) => c.ports));
  return `replies ${from} to ports ${portsText(ports)} of ${to}`;
}

/** Addresses as a reader writes them: one address without its /32 (or /128). */
function addressText(ips: IntervalSet): string {
  const lo = ips.min();
  return lo !== undefined && ips.ranges.length === 1 && lo === ips.max() ? formatIp(lo) : formatIpSet(ips);
}
