// Turns a partition of packets (pieces with outcomes) into the audit's matrix: for each protocol range
// and port range, which destinations get which outcome. Neighbouring ranges with the same picture are
// merged, so the matrix is as coarse as the rules make it, and no port or address is ever enumerated.
import { IntervalSet } from "../netset/index.js";
import type { Piece } from "./outcome.js";

export interface CellPart {
  piece: Piece;
  /** Index of the piece in the input, for cheap identity. */
  index: number;
  ips: IntervalSet;
}

export interface Cell {
  protocols: [number, number];
  ports: [number, number];
  parts: CellPart[];
}

interface Run {
  lo: bigint;
  hi: bigint;
  ips: IntervalSet;
}

function sortedCuts(points: Iterable<bigint>): bigint[] {
  return [...new Set(points)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function matrix(pieces: readonly Piece[]): Cell[] {
  // Each piece's cubes, once: canonical, so for one protocol a piece's port keys never overlap.
  const cubes = pieces.map((p) => [...p.packets.cubes()]);
  const protoCuts = sortedCuts(
    cubes.flatMap((cs) => cs.flatMap((c) => c.protocols.ranges.flatMap(([lo, hi]) => [lo, hi + 1n]))),
  );
  const cells: Cell[] = [];
  let prev: Cell[] | null = null;
  for (let k = 0; k + 1 < protoCuts.length; k++) {
    const pLo = protoCuts[k]!;
    const pHi = protoCuts[k + 1]! - 1n;
    // Per piece: the port runs present at this protocol, sorted.
    const runs: Run[][] = cubes.map((cs) => {
      const out: Run[] = [];
      for (const c of cs) {
        if (!c.protocols.contains(pLo)) continue;
        for (const [lo, hi] of c.ports.ranges) out.push({ lo, hi, ips: c.ips });
      }
      return out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    });
    const portCuts = sortedCuts(runs.flatMap((rs) => rs.flatMap((r) => [r.lo, r.hi + 1n])));
    const cursor = runs.map(() => 0);
    const here: Cell[] = [];
    for (let j = 0; j + 1 < portCuts.length; j++) {
      const lo = portCuts[j]!;
      const hi = portCuts[j + 1]! - 1n;
      const parts: CellPart[] = [];
      runs.forEach((rs, i) => {
        let c = cursor[i]!;
        while (c < rs.length && rs[c]!.hi < lo) c++;
        cursor[i] = c;
        const r = rs[c];
        if (r && r.lo <= lo) parts.push({ piece: pieces[i]!, index: i, ips: r.ips });
      });
      if (parts.length === 0) continue;
      const last = here[here.length - 1];
      if (last && BigInt(last.ports[1]) + 1n === lo && sameParts(last.parts, parts)) {
        last.ports = [last.ports[0], Number(hi)];
      } else {
        here.push({ protocols: [Number(pLo), Number(pHi)], ports: [Number(lo), Number(hi)], parts });
      }
    }
    if (here.length === 0) continue;
    // Protocols with exactly the same port picture merge into one protocol range.
    if (prev && prev[0]!.protocols[1] + 1 === Number(pLo) && sameCells(prev, here)) {
      for (const c of prev) c.protocols = [c.protocols[0], Number(pHi)];
      continue;
    }
    cells.push(...here);
    prev = here;
  }
  return cells;
}

function sameParts(a: CellPart[], b: CellPart[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.index === b[i]!.index && (p.ips === b[i]!.ips || p.ips.equals(b[i]!.ips)))
  );
}

function sameCells(a: Cell[], b: Cell[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (c, i) =>
        c.ports[0] === b[i]!.ports[0] && c.ports[1] === b[i]!.ports[1] && sameParts(c.parts, b[i]!.parts),
    )
  );
}
