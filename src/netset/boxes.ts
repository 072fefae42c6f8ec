// Internal machinery of PacketSet (not re-exported from index.ts): the union of many boxes
// (protocol range x port range x IP set) built in one sweep per axis.
//
// A balanced tree of pairwise unions (what PacketSet.union can do) re-merges every run once per level
// and builds a layer, a run builder and a pair memo for each of the n - 1 merges; the union of a
// security group's sixty rules, or of an interface's groups, was mostly that. Here every input run is
// flattened into a box, the protocol axis is cut at every box edge, and for each elementary protocol
// interval the boxes covering it are swept along the port axis the same way; the IP set of each
// elementary port interval is the union of the boxes covering it. Touching intervals with equal
// slices are joined, which gives the canonical form of layer.ts directly (no run is ever re-merged).
// Nothing enumerates values: the work is proportional to the number of box edges.

import { IntervalSet } from "./interval-set.js";
import { exact, Layer, type SetLike } from "./layer.js";

type PortLayer = Layer<IntervalSet>;
type ProtoLayer = Layer<PortLayer>;

/** Boxes as parallel arrays (a box per index; every IP set non-empty). */
export class Boxes {
  readonly pLo: number[] = [];
  readonly pHi: number[] = [];
  readonly qLo: number[] = [];
  readonly qHi: number[] = [];
  readonly ips: IntervalSet[] = [];
  /**
   * Per box, whether its IP set contains the IP set of every box that meets it in protocol x port:
   * wherever it is, the union is its IP set (see PacketSet.unionWithin, where boxes cut down to all
   * of a box of `within` are so).
   */
  readonly top: boolean[] = [];

  get size(): number {
    return this.ips.length;
  }

  /** Adds [pLo, pHi] x [qLo, qHi] x ips; empty boxes are skipped. `top`: see Boxes.top. */
  add(pLo: number, pHi: number, qLo: number, qHi: number, ips: IntervalSet, top = false): void {
    if (pLo > pHi || qLo > qHi || ips.isEmpty()) return;
    this.pLo.push(pLo);
    this.pHi.push(pHi);
    this.qLo.push(qLo);
    this.qHi.push(qHi);
    this.ips.push(ips);
    this.top.push(top);
  }
}

/**
 * 2^32: a sort key lo * SPAN + k sorts by lo, then k (below 2^32), and is exact (a bound is at most
 * 65536, so the key stays below 2^49, well inside a double's integers). See sweep.
 */
const SPAN = 4294967296;

/**
 * The sorted distinct values of `xs`: box bounds on the protocol or port axis (integers 0..65536), so a
 * typed array's numeric sort does it, much faster than Array.sort with a comparator.
 */
function sortedDistinct(xs: Float64Array): Float64Array {
  xs.sort();
  let n = 0;
  for (let k = 0; k < xs.length; k++) if (n === 0 || xs[k] !== xs[n - 1]) xs[n++] = xs[k]!;
  return xs.subarray(0, n);
}

/**
 * Sweeps the boxes `of` (indices into b) along one axis (`lo`/`hi`: that axis's bounds) and calls
 * `visit(from, to, active, count)` for each elementary interval [from, to] that some box covers, with
 * the indices of the boxes covering it: the first `count` of `active` (a scratch list, longer than
 * that, which is never shortened: setting an array's length costs more than the rest of a step; read
 * it before returning, never keep it).
 */
function sweep(
  of: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  visit: (from: number, to: number, active: readonly number[], count: number) => void,
): void {
  const all = new Float64Array(of.length * 2);
  // The boxes by their start, ties in the order of `of` (a stable sort): one numeric sort of the keys
  // lo * SPAN + position.
  const keys = new Float64Array(of.length);
  for (let k = 0; k < of.length; k++) {
    const i = of[k]!;
    all[2 * k] = lo[i]!;
    all[2 * k + 1] = hi[i]! + 1;
    keys[k] = lo[i]! * SPAN + k;
  }
  const cuts = sortedDistinct(all);
  keys.sort();
  const order: number[] = [];
  for (let k = 0; k < keys.length; k++) order.push(of[keys[k]! % SPAN]!);
  const active: number[] = [];
  let count = 0;
  let next = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k]!;
    // Boxes that ended before this interval leave; the ones starting at it enter (every box starts
    // and ends at a cut, so each interval is covered by a box entirely or not at all).
    let n = 0;
    for (let j = 0; j < count; j++) {
      const i = active[j]!;
      if (hi[i]! >= from) active[n++] = i;
    }
    count = n;
    while (next < order.length && lo[order[next]!]! <= from) active[count++] = order[next++]!;
    if (count > 0) visit(from, cuts[k + 1]! - 1, active, count);
  }
}

/** Collects runs in ascending order, joining a run to the previous one when they touch with equal subs. */
class Runs<S extends SetLike<S>> {
  readonly lo: number[] = [];
  readonly hi: number[] = [];
  readonly sub: S[] = [];

  push(lo: number, hi: number, sub: S): void {
    const n = this.lo.length;
    if (n > 0 && this.hi[n - 1]! + 1 === lo) {
      const last = this.sub[n - 1]!;
      if (last === sub || last.equals(sub)) {
        this.hi[n - 1] = hi;
        return;
      }
    }
    this.lo.push(lo);
    this.hi.push(hi);
    this.sub.push(sub);
  }

  /** The runs as a layer (arrays copied at their exact size, see exact()). */
  layer(): Layer<S> {
    if (this.lo.length === 0) return Layer.empty<S>();
    return Layer.fromRuns(exact(this.lo), exact(this.hi), exact(this.sub));
  }
}

/**
 * The union of the IP sets of boxes `active`. The same objects recur (a rule's CIDR, the public
 * internet): each is merged once, and each combination once per sweep (`memo`, by the objects' ids):
 * a wide box covers many elementary port intervals, whose unions would otherwise repeat its merge.
 */
function ipsUnion(
  b: Boxes,
  active: readonly number[],
  count: number,
  memo: Map<string, IntervalSet>,
): IntervalSet {
  for (let k = 0; k < count; k++) if (b.top[active[k]!]) return b.ips[active[k]!]!;
  const first = b.ips[active[0]!]!;
  let distinct: IntervalSet[] | undefined;
  for (let k = 1; k < count; k++) {
    const s = b.ips[active[k]!]!;
    if (s === first || distinct?.includes(s)) continue;
    (distinct ??= [first]).push(s);
  }
  if (distinct === undefined) return first;
  const key = distinct
    .map((s) => s.id())
    .sort((x, y) => x - y)
    .join(",");
  let u = memo.get(key);
  if (u === undefined) memo.set(key, (u = IntervalSet.unionAll(distinct)));
  return u;
}

/** The port layer of the union of boxes `active` (all covering one protocol interval). */
function portLayer(b: Boxes, active: readonly number[], memo: Map<string, IntervalSet>): PortLayer {
  if (active.length === 1) {
    const i = active[0]!;
    return Layer.fromRuns([b.qLo[i]!], [b.qHi[i]!], [b.ips[i]!]);
  }
  const runs = new Runs<IntervalSet>();
  sweep(active, b.qLo, b.qHi, (from, to, covering, count) =>
    runs.push(from, to, ipsUnion(b, covering, count, memo)),
  );
  return runs.layer();
}

/** The canonical protocol layer of the union of all boxes of `b`. */
export function unionOfBoxes(b: Boxes): ProtoLayer {
  const all: number[] = [];
  for (let i = 0; i < b.size; i++) all.push(i);
  const runs = new Runs<PortLayer>();
  // Protocol intervals covered by the same boxes (say the gaps between the protocols that rules name,
  // covered only by the all-protocol rules) have the same port layer: built once.
  const byBoxes = new Map<string, PortLayer>();
  const unions = new Map<string, IntervalSet>();
  sweep(all, b.pLo, b.pHi, (from, to, active, count) => {
    const covering = active.slice(0, count);
    const key = count === 1 ? `${covering[0]}` : [...covering].sort((x, y) => x - y).join(",");
    let ports = byBoxes.get(key);
    if (ports === undefined) byBoxes.set(key, (ports = portLayer(b, covering, unions)));
    runs.push(from, to, ports);
  });
  return runs.layer();
}
