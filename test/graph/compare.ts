// Runs the engine (both modes) and the reference on a model and lists every disagreement.
//  - detail: new Engine(model, { detail: true }).fromEndpoint(ep, query)
//  - audit:  new Engine(model, { detail: false, universe: query }), fromEndpoint, then resolveSource.
// Each result must be a partition of the query, and every concrete packet of the tiny universe must get
// exactly the reference's {verdict, exit, egressIp, blockedBy}.
import type { Piece } from "../../src/graph/outcome.js";
import { Engine } from "../../src/graph/propagate.js";
import type { Endpoint, NetworkModel } from "../../src/model/types.js";
import { PacketSet } from "../../src/netset/index.js";
import { referenceOutcome, type Packet, type RefOutcome } from "./reference.js";
import { formatModel, formatPacket, TINY_PACKETS, TINY_UNIVERSE } from "./random-network.js";

export type Mode = "detail" | "audit";

export interface Mismatch {
  mode: Mode;
  endpoint: string;
  packet: Packet;
  engine: RefOutcome | string;
  reference: RefOutcome;
}

function project(p: Piece): RefOutcome {
  const o = p.outcome;
  return {
    verdict: o.verdict,
    exit: o.exit,
    egressIp: o.egressIp,
    blockedBy:
      o.blockedBy === null
        ? null
        : { resource: o.blockedBy.resource, kind: o.blockedBy.kind, rule: o.blockedBy.rule },
  };
}

function sameOutcome(a: RefOutcome, b: RefOutcome): boolean {
  const x = a.blockedBy;
  const y = b.blockedBy;
  const sameBlock =
    x === null || y === null ? x === y : x.resource === y.resource && x.kind === y.kind && x.rule === y.rule;
  return a.verdict === b.verdict && a.exit === b.exit && a.egressIp === b.egressIp && sameBlock;
}

function formatOutcome(o: RefOutcome | string): string {
  if (typeof o === "string") return o;
  const b = o.blockedBy;
  return `${o.verdict} exit=${o.exit ?? "null"} egressIp=${o.egressIp ?? "null"} blockedBy=${b === null ? "null" : `${b.resource}|${b.kind}|${b.rule ?? "null"}`}${o.why !== undefined ? ` (${o.why})` : ""}`;
}

/** Problems with the pieces as a partition of `query` (empty when fine). */
function partitionProblems(pieces: Piece[], query: PacketSet): string[] {
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

export interface CheckResult {
  packets: number;
  mismatches: Mismatch[];
  partition: string[];
}

export let resolveDetail = process.env.RESOLVE_DETAIL === "1";
function runMode(engine: Engine, mode: Mode, ep: Endpoint, query: PacketSet): Piece[] {
  const pieces = engine.fromEndpoint(ep, query);
  return mode === "audit" || resolveDetail ? engine.resolveSource(ep, pieces) : pieces;
}

/** The engine's outcome for one packet (a fresh engine), or a description of what went wrong. */
export function engineOutcome(
  model: NetworkModel,
  ep: Endpoint,
  pkt: Packet,
  mode: Mode,
  query: PacketSet,
): RefOutcome | string {
  const engine = new Engine(model, mode === "detail" ? { detail: true } : { detail: false, universe: query });
  try {
    const holders = runMode(engine, mode, ep, query).filter((p) =>
      p.packets.contains(pkt.proto, pkt.port, pkt.dst),
    );
    return holders.length === 1 ? project(holders[0]!) : `in ${holders.length} pieces`;
  } catch (e) {
    return `engine threw: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Compares the engine (both modes) with the reference on every endpoint and packet of the model. */
export function checkModel(model: NetworkModel, query: PacketSet = TINY_UNIVERSE): CheckResult {
  const result: CheckResult = { packets: 0, mismatches: [], partition: [] };
  const engines: [Mode, Engine][] = [
    ["detail", new Engine(model, { detail: true })],
    ["audit", new Engine(model, { detail: false, universe: query })],
  ];
  const refs = new Map<Endpoint, RefOutcome[]>();
  for (const ep of model.endpoints) {
    refs.set(
      ep,
      TINY_PACKETS.map((p) => referenceOutcome(model, ep, p)),
    );
  }
  for (const [mode, engine] of engines) {
    for (const ep of model.endpoints) {
      const expected = refs.get(ep)!;
      let pieces: Piece[];
      try {
        pieces = runMode(engine, mode, ep, query);
      } catch (e) {
        const msg = `engine threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        result.mismatches.push({
          mode,
          endpoint: ep.id,
          packet: TINY_PACKETS[0]!,
          engine: msg,
          reference: expected[0]!,
        });
        continue;
      }
      for (const problem of partitionProblems(pieces, query))
        result.partition.push(`${mode} ${ep.id}: ${problem}`);
      TINY_PACKETS.forEach((pkt, i) => {
        result.packets++;
        const holders = pieces.filter((p) => p.packets.contains(pkt.proto, pkt.port, pkt.dst));
        const reference = expected[i]!;
        if (holders.length !== 1) {
          result.mismatches.push({
            mode,
            endpoint: ep.id,
            packet: pkt,
            engine: `in ${holders.length} pieces`,
            reference,
          });
          return;
        }
        const piece = holders[0]!;
        // A protocol without ports: the piece must hold the packet with every port value.
        if (pkt.proto === 47 && !piece.packets.contains(47, 65535, pkt.dst)) {
          result.partition.push(`${mode} ${ep.id}: piece splits the port dimension of ${formatPacket(pkt)}`);
        }
        const got = project(piece);
        if (!sameOutcome(got, reference))
          result.mismatches.push({ mode, endpoint: ep.id, packet: pkt, engine: got, reference });
      });
    }
  }
  return result;
}

export function formatMismatches(model: NetworkModel, r: CheckResult, limit = 8): string {
  const lines = [
    `${r.mismatches.length} mismatching packets, ${r.partition.length} partition problems`,
    formatModel(model),
  ];
  for (const p of r.partition.slice(0, limit)) lines.push(`PARTITION ${p}`);
  for (const m of r.mismatches.slice(0, limit)) {
    lines.push(
      `MISMATCH [${m.mode}] ${m.endpoint}: ${formatPacket(m.packet)}\n    engine:    ${formatOutcome(m.engine)}\n    reference: ${formatOutcome(m.reference)}`,
    );
  }
  return lines.join("\n");
}
