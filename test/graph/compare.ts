// Runs the engine (both modes) and the reference on a model and lists every disagreement.
//  - detail: new Engine(model, { detail: true }).fromEndpoint(ep, query)
//  - audit:  new Engine(model, { detail: false, universe: query }).fromEndpoint(ep, query)
// followed by engine.resolveSource(ep, pieces) (always in audit mode; in detail mode unless told not to,
// as src/core/trace.ts does). Each result must be a partition of the query, and every concrete packet
// must get exactly the reference's {verdict, exit, egressIp, blockedBy}.
import type { Piece } from "../../src/graph/outcome.js";
import { Engine } from "../../src/graph/propagate.js";
import type { Endpoint, NetworkModel } from "../../src/model/types.js";
import { PacketSet } from "../../src/netset/index.js";
import { referenceOutcome, type Packet, type RefOutcome } from "./reference.js";
import { formatModel, formatPacket, TINY_PACKETS, TINY_UNIVERSE } from "./random-network.js";

export type Mode = "detail" | "audit";

export interface CompareOptions {
  /** The query (default TINY_UNIVERSE) and its packets, enumerated (default TINY_PACKETS). */
  query?: PacketSet;
  packets?: readonly Packet[];
  /** Apply resolveSource to detail-mode results too (default true). */
  resolveDetail?: boolean;
}

export interface Mismatch {
  mode: Mode;
  endpoint: string;
  packet: Packet;
  engine: RefOutcome;
  reference: RefOutcome;
}

export interface CheckResult {
  /** Packet comparisons made (endpoints x packets x modes). */
  packets: number;
  mismatches: Mismatch[];
  /** Pieces that are not a partition of the query, packets in no or several pieces, exceptions. */
  partition: string[];
}

function project(p: Piece): RefOutcome {
  const o = p.outcome;
  const b = o.blockedBy;
  return {
    verdict: o.verdict,
    exit: o.exit,
    egressIp: o.egressIp,
    blockedBy: b === null ? null : { resource: b.resource, kind: b.kind, rule: b.rule },
    ...(o.leaves && { leaves: o.leaves }),
    why: o.reason,
  };
}

/** Equality on the compared fields (not `why`). */
export function sameOutcome(a: RefOutcome, b: RefOutcome): boolean {
  const x = a.blockedBy;
  const y = b.blockedBy;
  const sameBlock =
    x === null || y === null ? x === y : x.resource === y.resource && x.kind === y.kind && x.rule === y.rule;
  const sameLeaves =
    a.leaves === undefined || b.leaves === undefined
      ? a.leaves === b.leaves
      : a.leaves.exit === b.leaves.exit && a.leaves.egressIp === b.leaves.egressIp;
  return a.verdict === b.verdict && a.exit === b.exit && a.egressIp === b.egressIp && sameBlock && sameLeaves;
}

/**
 * `o` (the reference's outcome of a packet sent from address `from`) with `from` named `named` where
 * the packet leaves as it (egressIp, leaves): an audit path names a pod's address (one of a prefix
 * delegated to the interface) as it names the interface's.
 */
export function sentAs(o: RefOutcome, from: string, named: string): RefOutcome {
  const as = (ip: string | null): string | null => (ip === from ? named : ip);
  return {
    ...o,
    egressIp: as(o.egressIp),
    ...(o.leaves && { leaves: { ...o.leaves, egressIp: as(o.leaves.egressIp) } }),
  };
}

/**
 * Compares what an output reports for a packet (a path of an audit entry, a trace) with the reference's
 * outcome for it: a line naming both when they differ, else null.
 */
export function reportedMismatch(
  where: string,
  what: string,
  reported: Pick<RefOutcome, "verdict" | "exit" | "egressIp" | "blockedBy" | "leaves">,
  reference: RefOutcome,
): string | null {
  const got: RefOutcome = {
    verdict: reported.verdict,
    exit: reported.exit,
    egressIp: reported.egressIp,
    blockedBy: reported.blockedBy,
    ...(reported.leaves && { leaves: reported.leaves }),
  };
  return sameOutcome(got, reference)
    ? null
    : `${where}: ${what} ${formatOutcome(got)}, reference ${formatOutcome(reference)}`;
}

export function formatOutcome(o: RefOutcome | string): string {
  if (typeof o === "string") return o;
  const b = o.blockedBy;
  const by = b === null ? "null" : `${b.resource}|${b.kind}|${b.rule ?? "null"}`;
  const why = o.why !== undefined ? ` (${o.why})` : "";
  const leaves = o.leaves ? ` leaves=${o.leaves.exit}|${o.leaves.egressIp ?? "null"}` : "";
  return `${o.verdict} exit=${o.exit ?? "null"} egressIp=${o.egressIp ?? "null"} blockedBy=${by}${leaves}${why}`;
}

/** Problems with the pieces as a partition of `query` (empty when fine). */
export function partitionProblems(pieces: readonly Piece[], query: PacketSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (pieces[i]!.packets.isEmpty()) out.push(`piece ${i} is empty`);
    for (let j = i + 1; j < pieces.length; j++) {
      const common = pieces[i]!.packets.intersect(pieces[j]!.packets);
      if (!common.isEmpty()) out.push(`pieces ${i} and ${j} overlap on ${common.toString()}`);
    }
  }
  const union = PacketSet.unionAll(pieces.map((p) => p.packets));
  if (!union.equals(query)) {
    const missing = query.subtract(union);
    const extra = union.subtract(query);
    if (!missing.isEmpty()) out.push(`not covered: ${missing.toString()}`);
    if (!extra.isEmpty()) out.push(`outside the query: ${extra.toString()}`);
  }
  return out;
}

/** The reference's answer that an engine mode gives. */
export function refMode(mode: Mode): "trace" | "audit" {
  return mode === "detail" ? "trace" : "audit";
}

function newEngine(model: NetworkModel, mode: Mode, query: PacketSet): Engine {
  return new Engine(model, mode === "detail" ? { detail: true } : { detail: false, universe: query });
}

function runMode(
  engine: Engine,
  mode: Mode,
  ep: Endpoint,
  query: PacketSet,
  resolveDetail: boolean,
): Piece[] {
  const pieces = engine.fromEndpoint(ep, query);
  return mode === "audit" || resolveDetail ? engine.resolveSource(ep, pieces) : pieces;
}

/** The engine's outcome for one packet (with a fresh engine), or a description of what went wrong. */
export function engineOutcome(
  model: NetworkModel,
  ep: Endpoint,
  pkt: Packet,
  mode: Mode,
  opts: CompareOptions = {},
): RefOutcome | string {
  const query = opts.query ?? TINY_UNIVERSE;
  try {
    const pieces = runMode(newEngine(model, mode, query), mode, ep, query, opts.resolveDetail ?? true);
    const holders = pieces.filter((p) => p.packets.contains(pkt.proto, pkt.port, pkt.dst));
    return holders.length === 1 ? project(holders[0]!) : `in ${holders.length} pieces`;
  } catch (e) {
    return `engine threw: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Compares the engine (both modes) with the reference on every endpoint and packet of the model. */
export function checkModel(model: NetworkModel, opts: CompareOptions = {}): CheckResult {
  const query = opts.query ?? TINY_UNIVERSE;
  const packets = opts.packets ?? TINY_PACKETS;
  const result: CheckResult = { packets: 0, mismatches: [], partition: [] };
  for (const mode of ["detail", "audit"] as const) {
    // Detail mode answers as a trace, audit mode as an audit (they differ at destination hosts).
    const expected = new Map<Endpoint, RefOutcome[]>();
    for (const ep of model.endpoints)
      expected.set(
        ep,
        packets.map((p) => referenceOutcome(model, ep, p, refMode(mode))),
      );
    // One engine per mode for all endpoints, as the CLI does: audit mode shares work between them.
    const engine = newEngine(model, mode, query);
    for (const ep of model.endpoints) {
      let pieces: Piece[];
      try {
        pieces = runMode(engine, mode, ep, query, opts.resolveDetail ?? true);
      } catch (e) {
        result.partition.push(
          `${mode} ${ep.id}: engine threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        continue;
      }
      for (const problem of partitionProblems(pieces, query))
        result.partition.push(`${mode} ${ep.id}: ${problem}`);
      const refs = expected.get(ep)!;
      packets.forEach((pkt, i) => {
        result.packets++;
        const holders = pieces.filter((p) => p.packets.contains(pkt.proto, pkt.port, pkt.dst));
        if (holders.length !== 1) {
          result.partition.push(`${mode} ${ep.id}: ${formatPacket(pkt)} is in ${holders.length} pieces`);
          return;
        }
        const piece = holders[0]!;
        // A protocol without ports: its piece must hold the packet with every port value.
        if (pkt.proto === 47 && !piece.packets.contains(47, 65535, pkt.dst)) {
          result.partition.push(
            `${mode} ${ep.id}: a piece splits the port dimension of ${formatPacket(pkt)}`,
          );
        }
        const got = project(piece);
        const reference = refs[i]!;
        if (!sameOutcome(got, reference)) {
          result.mismatches.push({ mode, endpoint: ep.id, packet: pkt, engine: got, reference });
        }
      });
    }
  }
  return result;
}

export function formatMismatches(model: NetworkModel, r: CheckResult, limit = 8): string {
  const lines = [
    `${r.mismatches.length} mismatching packet comparisons, ${r.partition.length} partition problems`,
    formatModel(model),
  ];
  for (const p of r.partition.slice(0, limit)) lines.push(`PARTITION ${p}`);
  for (const m of r.mismatches.slice(0, limit)) {
    lines.push(
      `MISMATCH [${m.mode}] ${m.endpoint}: ${formatPacket(m.packet)}`,
      `    engine:    ${formatOutcome(m.engine)}`,
      `    reference: ${formatOutcome(m.reference)}`,
    );
  }
  return lines.join("\n");
}
