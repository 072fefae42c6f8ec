// Turns a partition of packets (pieces with outcomes) into the audit's matrix: for each protocol range
// and port range, which destinations get which outcome. Neighbouring ranges with the same picture are
// merged, so the matrix is as coarse as the rules make it, and no port or address is ever enumerated.
//
// The sweep reads the pieces' canonical structure directly (PacketSet.protocolCuts / portRunsAt): the
// protocol and port axes are small integers, so all the cut arithmetic is plain numbers.
//
// Pieces come in groups. A group may come with a `within` set its pieces still have to be cut down to
// (the audit's shared downstream pieces, see Engine.auditParts): the sweep then intersects IP sets cell
// by cell instead of building the cut-down pieces first. Such a group's pieces are shared by many
// sources, so where their own runs start and end is worked out once per group object and kept.
// Cutting the axes at more points than the pieces need changes nothing: neighbouring cells with the
// same picture are merged again, so the cells are the maximal ranges of one picture either way.
import type { IntervalSet, PacketSet, PortRuns } from "../netset/index.js";
import type { AuditParts } from "./propagate.js";
import type { Outcome, Piece } from "./outcome.js";

export interface CellPart {
  outcome: Outcome;
  /** Index of the piece in the input, for cheap identity. */
  index: number;
  ips: IntervalSet;
}

/**
 * One protocol range x port range with one picture: its parts, in input order, as two parallel lists
 * (the index of each part's piece in the input and its destinations there) and the outcomes of all
 * the input's pieces by index, one list per matrix (see cellParts). At quota scale a run has ~10^5
 * cells of a few parts each: an object per part was most of what the sweep allocated.
 */
export interface Cell {
  protocols: [number, number];
  ports: [number, number];
  idx: number[];
  ips: IntervalSet[];
  outcomes: readonly Outcome[];
}

/** A cell's parts as objects, in input order. */
export function cellParts(cell: Cell): CellPart[] {
  return cell.idx.map((index, k) => ({ outcome: cell.outcomes[index]!, index, ips: cell.ips[k]! }));
}

// Cut points are integers 0..65536, so they sort as an Int32Array: the typed array's native numeric
// sort is several times faster than Array.prototype.sort with a comparator.
let scratch = new Int32Array(1024);

/** Sorts xs[0..n) in place and drops repeats; returns how many values are left. */
function sortUnique(xs: number[], n: number): number {
  if (scratch.length < n) scratch = new Int32Array(2 * n);
  for (let k = 0; k < n; k++) scratch[k] = xs[k]!;
  const sorted = scratch.subarray(0, n).sort();
  let m = 0;
  for (let k = 0; k < n; k++) if (m === 0 || sorted[k] !== xs[m - 1]) xs[m++] = sorted[k]!;
  return m;
}

/** Sorts in place and drops repeats. */
function sortedUnique(xs: number[]): number[] {
  xs.length = sortUnique(xs, xs.length);
  return xs;
}

/** The union of two sorted lists without repeats, sorted, without repeats. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

/**
 * Where a list of sets' slices change: the protocol cuts, and between each two consecutive protocol
 * cuts the port cuts and every set's port runs.
 */
interface Cuts {
  protocols: number[];
  /** slices[k] is the slice of protocols protocols[k] .. protocols[k + 1] - 1. */
  slices: { ports: number[]; runs: (PortRuns | undefined)[] }[];
}

function cutsOf(sets: readonly PacketSet[]): Cuts {
  const protocols: number[] = [];
  for (const s of sets) s.pushProtocolCuts(protocols);
  sortedUnique(protocols);
  const slices: Cuts["slices"] = [];
  for (let k = 0; k + 1 < protocols.length; k++) {
    const ports: number[] = [];
    const runs = sets.map((s) => {
      const r = s.portRunsAt(protocols[k]!);
      if (r) for (let j = 0; j < r.lo.length; j++) ports.push(r.lo[j]!, r.hi[j]! + 1);
      return r;
    });
    slices.push({ ports: sortedUnique(ports), runs });
  }
  return { protocols, slices };
}

/** Cuts of shared downstream piece lists, by list object (the lists are never modified). */
const sharedCuts = new WeakMap<readonly Piece[], Cuts>();

function cutsOfShared(pieces: readonly Piece[]): Cuts {
  let c = sharedCuts.get(pieces);
  if (!c) sharedCuts.set(pieces, (c = cutsOf(pieces.map((p) => p.packets))));
  return c;
}

interface Group {
  outcomes: Outcome[];
  cuts: Cuts;
  /** The set the group's pieces are cut down to (its cuts: `withinCuts`), or none. */
  within: PacketSet | null;
  withinCuts: Cuts | null;
  /** Index of the group's first piece in the whole input. */
  first: number;
  /** Per slice pass: the group's slice index, advanced along the protocol axis. */
  slice: number;
  wslice: number;
}

/** The matrix of a partition given as pieces. */
export function matrix(pieces: readonly { packets: PacketSet; outcome: Outcome }[]): Cell[] {
  return sweep([group(pieces, cutsOf(pieces.map((p) => p.packets)), null, 0)]);
}

/** The matrix of Engine.auditParts: the same cells as matrix() of the cut-down pieces. */
export function auditMatrix(parts: AuditParts): Cell[] {
  const groups = [group(parts.pieces, cutsOf(parts.pieces.map((p) => p.packets)), null, 0)];
  let first = parts.pieces.length;
  for (const d of parts.downstream) {
    groups.push(group(d.pieces, cutsOfShared(d.pieces), d.within, first));
    first += d.pieces.length;
  }
  return sweep(groups);
}

function group(
  pieces: readonly { outcome: Outcome }[],
  cuts: Cuts,
  within: PacketSet | null,
  first: number,
): Group {
  return {
    outcomes: pieces.map((p) => p.outcome),
    cuts,
    within,
    withinCuts: within ? cutsOf([within]) : null,
    first,
    slice: 0,
    wslice: 0,
  };
}

/** The slice of `c` containing protocol p, starting the search at slice k; -1 if p is in none. */
function sliceAt(c: Cuts, k: number, p: number): number {
  while (k + 1 < c.protocols.length && c.protocols[k + 1]! <= p) k++;
  return k + 1 < c.protocols.length && c.protocols[k]! <= p ? k : -1;
}

/**
 * Per elementary cell of the current protocol slice, the parts found so far: piece indices, IP sets
 * and their count. Kept across sweeps (grown, never shrunk), so a sweep allocates none of them; a
 * sweep never calls another, so one set of them serves every sweep (they keep the last sweep's IP
 * sets alive, a few dozen at most).
 */
const cellIdx: number[][] = [];
const cellIps: IntervalSet[][] = [];
const cellN: number[] = [];

function growCells(n: number): void {
  while (cellIdx.length < n) {
    cellIdx.push([]);
    cellIps.push([]);
    cellN.push(0);
  }
}

function sweep(groups: Group[]): Cell[] {
  let protoCuts: number[] = [];
  for (const g of groups) {
    protoCuts = mergeSorted(protoCuts, g.cuts.protocols);
    if (g.withinCuts) protoCuts = mergeSorted(protoCuts, g.withinCuts.protocols);
  }
  let n = 0;
  for (const g of groups) n += g.outcomes.length;
  const cells: Cell[] = [];
  let prev: Cell[] | null = null;
  // Per piece at the current protocol: its runs, and the last intersection with its group's `within`
  // set (the same pair recurs on neighbouring cells). `active` lists the pieces present, in input order.
  const runs: (PortRuns | undefined)[] = new Array<PortRuns | undefined>(n);
  const lastX: (IntervalSet | undefined)[] = new Array<IntervalSet | undefined>(n);
  const lastY: (IntervalSet | undefined)[] = new Array<IntervalSet | undefined>(n);
  const lastR: (IntervalSet | undefined)[] = new Array<IntervalSet | undefined>(n);
  const groupOf: number[] = new Array<number>(n);
  const outcomes: Outcome[] = new Array<Outcome>(n);
  groups.forEach((g, gi) =>
    g.outcomes.forEach((o, i) => {
      groupOf[g.first + i] = gi;
      outcomes[g.first + i] = o;
    }),
  );
  const wRuns: (PortRuns | undefined)[] = new Array<PortRuns | undefined>(groups.length);
  // Scratch lists reused all along (with their own counts: emptying an array by `length = 0` drops
  // its storage, and the sweep would allocate it again for every cell).
  const active: number[] = [];
  let nActive: number;
  const portCuts: number[] = [];
  let nCuts: number;
  for (const g of groups) {
    g.slice = 0;
    g.wslice = 0;
  }
  for (let p = 0; p + 1 < protoCuts.length; p++) {
    const pLo = protoCuts[p]!;
    const pHi = protoCuts[p + 1]! - 1;
    nCuts = 0;
    nActive = 0;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      let present = true;
      if (g.withinCuts) {
        const w = sliceAt(g.withinCuts, g.wslice, pLo);
        if (w !== -1) g.wslice = w;
        const wr = w === -1 ? undefined : g.withinCuts.slices[w]!.runs[0];
        wRuns[gi] = wr;
        // Pieces cut down to a set without packets at this protocol have none here either.
        if (!wr) present = false;
        else for (const c of g.withinCuts.slices[w]!.ports) portCuts[nCuts++] = c;
      }
      const k = present ? sliceAt(g.cuts, g.slice, pLo) : -1;
      if (k === -1) continue;
      g.slice = k;
      const slice = g.cuts.slices[k]!;
      for (const c of slice.ports) portCuts[nCuts++] = c;
      for (let i = 0; i < slice.runs.length; i++) {
        const r = slice.runs[i];
        const at = g.first + i;
        runs[at] = r;
        if (r) active[nActive++] = at;
      }
    }
    if (nActive === 0) continue;
    nCuts = sortUnique(portCuts, nCuts);
    // Each piece's runs start and end at cuts, so a run covers whole elementary cells: piece by piece
    // (in input order, which each cell's parts keep), its runs are put in the cells they cover, and no
    // cell looks at the pieces that have no run there (most of them, at quota scale).
    const nCells = nCuts - 1;
    growCells(nCells);
    for (let c = 0; c < nCells; c++) cellN[c] = 0;
    for (let a = 0; a < nActive; a++) {
      const i = active[a]!;
      const r = runs[i]!;
      const gi = groupOf[i]!;
      const wr = groups[gi]!.within ? wRuns[gi]! : undefined;
      let c = 0;
      let m = 0;
      for (let k = 0; k < r.lo.length; k++) {
        const hi = r.hi[k]!;
        while (portCuts[c]! < r.lo[k]!) c++;
        for (; c < nCells && portCuts[c]! <= hi; c++) {
          let x = r.sub[k]!;
          if (wr) {
            // The group's pieces cut down to its `within` set: its run covering this cell, if any.
            const lo = portCuts[c]!;
            while (m < wr.lo.length && wr.hi[m]! < lo) m++;
            if (m >= wr.lo.length || wr.lo[m]! > lo) continue;
            const y = wr.sub[m]!;
            if (x !== lastX[i] || y !== lastY[i]) {
              lastX[i] = x;
              lastY[i] = y;
              lastR[i] = x.intersect(y);
            }
            x = lastR[i]!;
            if (x.isEmpty()) continue;
          }
          const n = cellN[c]!;
          cellIdx[c]![n] = i;
          cellIps[c]![n] = x;
          cellN[c] = n + 1;
        }
      }
    }
    const here: Cell[] = [];
    for (let c = 0; c < nCells; c++) {
      const nParts = cellN[c]!;
      if (nParts === 0) continue;
      const lo = portCuts[c]!;
      const hi = portCuts[c + 1]! - 1;
      const idx = cellIdx[c]!;
      const ips = cellIps[c]!;
      const last = here[here.length - 1];
      if (last && last.ports[1] + 1 === lo && sameAsScratch(last, idx, ips, nParts)) {
        last.ports[1] = hi;
      } else {
        here.push({
          protocols: [pLo, pHi],
          ports: [lo, hi],
          idx: idx.slice(0, nParts),
          ips: ips.slice(0, nParts),
          outcomes,
        });
      }
    }
    if (here.length === 0) continue;
    // Protocols with exactly the same port picture merge into one protocol range.
    if (prev && prev[0]!.protocols[1] + 1 === pLo && sameCells(prev, here)) {
      for (const c of prev) c.protocols[1] = pHi;
      continue;
    }
    for (const c of here) cells.push(c);
    prev = here;
  }
  return cells;
}

function sameAsScratch(a: Cell, idx: number[], ips: IntervalSet[], n: number): boolean {
  if (a.idx.length !== n) return false;
  for (let k = 0; k < n; k++)
    if (a.idx[k] !== idx[k] || (a.ips[k] !== ips[k] && !a.ips[k]!.equals(ips[k]!))) return false;
  return true;
}

function sameCells(a: Cell[], b: Cell[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (c, i) =>
        c.ports[0] === b[i]!.ports[0] &&
        c.ports[1] === b[i]!.ports[1] &&
        sameAsScratch(c, b[i]!.idx, b[i]!.ips, b[i]!.idx.length),
    )
  );
}
