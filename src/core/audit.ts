// The all-ports audit: every source endpoint, every queried protocol and port, every destination at once.
// Endpoints that must get the same answer (see Engine.classKey) are computed once; each then gets its
// own copy of the class's entries with its own addresses filled in.
import {
  formatIp,
  IntervalSet,
  IPV4_ALL,
  IPV6_ALL,
  PacketSet,
  PROTO,
  protocolName,
  toCidrs,
} from "../netset/index.js";
import type { Endpoint, NetworkModel } from "../model/types.js";
import { Engine } from "../graph/propagate.js";
import { matrix, type Cell } from "../graph/matrix.js";
import type { ExitKind } from "../model/types.js";
import {
  SCHEMA_VERSION,
  type AuditEntry,
  type AuditPath,
  type AuditResult,
  type AuditSource,
} from "./result.js";
import { VERSION } from "./version.js";

export interface AuditOptions {
  /** protocol x port (IP dimension full). */
  ports: PacketSet;
  portsText: string;
  /** Destination addresses, and how the user named them ("internet" or their CIDRs). */
  dest: IntervalSet;
  destText: string;
  /** Only these endpoints (default: all). */
  sources?: Endpoint[];
}

type Template = Omit<AuditEntry, "source">;

const cidrByObject = new WeakMap<IntervalSet, string[]>();
const cidrByKey = new Map<string, string[]>();
/** CIDR text of a set; the same sets recur across sources, so it is cached by object, then by value. */
export function cidrsOf(ips: IntervalSet): string[] {
  let c = cidrByObject.get(ips);
  if (c) return c;
  const k = ips.key();
  c = cidrByKey.get(k);
  if (!c) {
    c = toCidrs(ips);
    if (cidrByKey.size > 50_000) cidrByKey.clear();
    cidrByKey.set(k, c);
  }
  cidrByObject.set(ips, c);
  return c;
}

export function runAudit(model: NetworkModel, opts: AuditOptions): AuditResult {
  const query = opts.ports.restrictIps(opts.dest);
  const engine = new Engine(model, { detail: false, universe: query });
  const classes = new Map<string, Template[]>();
  const results: AuditEntry[] = [];
  for (const ep of opts.sources ?? model.endpoints) {
    const key = engine.classKey(ep);
    let templates = classes.get(key);
    if (!templates) {
      // IPv6 destinations do not apply to a source without an IPv6 address, and vice versa.
      let own = IntervalSet.EMPTY;
      if (ep.privateIps.length > 0) own = own.union(IPV4_ALL);
      if (ep.ipv6.length > 0) own = own.union(IPV6_ALL);
      const pieces = engine.fromEndpoint(ep, query.restrictIps(own));
      templates = matrix(pieces).map((cell) => entryOf(cell, model));
      classes.set(key, templates);
    }
    const source = sourceOf(engine, ep);
    const fix = engine.sourceFixer(ep);
    for (const t of templates) results.push({ source, ...withAddresses(t, fix) });
  }
  const count = (v: AuditEntry["verdict"]) => results.filter((r) => r.verdict === v).length;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "egress-audit", version: VERSION },
    provider: model.provider,
    query: { ports: opts.portsText, destinations: opts.destText, destinationCidrs: cidrsOf(opts.dest) },
    summary: {
      sources: (opts.sources ?? model.endpoints).length,
      results: results.length,
      allowed: count("allowed"),
      partial: count("partial"),
      blocked: count("blocked"),
      unknown: count("unknown"),
    },
    results,
    warnings: model.warnings,
    unknowns: model.unknowns,
  };
}

function sourceOf(engine: Engine, ep: Endpoint): AuditSource {
  const src4 = ep.privateIps[0];
  const pub = src4 === undefined ? undefined : engine.publicIpOf(ep.networkId, src4);
  return {
    id: ep.id,
    kind: ep.kind,
    name: ep.name ?? null,
    owner: ep.ownerId ?? null,
    network: ep.networkId,
    subnet: ep.subnetId,
    privateIp: src4 === undefined ? null : formatIp(src4),
    ipv6: ep.ipv6[0] === undefined ? null : formatIp(ep.ipv6[0]),
    publicIp: pub === undefined ? null : formatIp(pub),
  };
}

/** Fills the class's placeholders with one endpoint's addresses (copying only what changes). */
function withAddresses(t: Template, fix: (s: string) => string): Template {
  if (!t.egressIps.some((ip) => ip.startsWith("{"))) return t;
  return {
    ...t,
    egressIps: t.egressIps.map(fix),
    paths: t.paths.map((p) => (p.egressIp?.startsWith("{") ? { ...p, egressIp: fix(p.egressIp) } : p)),
  };
}

function entryOf(cell: Cell, model: NetworkModel): Template {
  const paths: AuditPath[] = cell.parts.map(({ piece, ips }) => ({
    verdict: piece.outcome.verdict,
    destinations: cidrsOf(ips),
    exit: piece.outcome.exit,
    egressIp: piece.outcome.egressIp,
    blockedBy: piece.outcome.blockedBy,
    reason: piece.outcome.reason,
  }));
  const allowed = cell.parts.filter((p) => p.piece.outcome.verdict === "allowed");
  const others = cell.parts.filter((p) => p.piece.outcome.verdict !== "allowed");
  const verdict: AuditEntry["verdict"] =
    others.length === 0
      ? "allowed"
      : allowed.length > 0
        ? "partial"
        : others.some((p) => p.piece.outcome.verdict === "unknown")
          ? "unknown"
          : "blocked";
  // The block to name first: the one covering the most destinations (a tie keeps walk order).
  let main = others[0];
  for (const p of others) if (main && p.ips.size() > main.ips.size()) main = p;
  const reachable = allowed.reduce((u, p) => u.union(p.ips), IntervalSet.EMPTY);
  const distinct = <T>(xs: T[]) => [...new Set(xs)];
  const [proto0, proto1] = cell.protocols;
  return {
    protocol: proto0 === proto1 ? protocolName(proto0) : `${proto0}-${proto1}`,
    ports: portsLabel(proto0, proto1, cell.ports[0], cell.ports[1]),
    portRange: usesPorts(proto0, proto1) ? { from: cell.ports[0], to: cell.ports[1] } : null,
    verdict,
    reachable: cidrsOf(reachable),
    exits: distinct(allowed.map((p) => p.piece.outcome.exit).filter((e): e is ExitKind => e !== null)),
    egressIps: distinct(allowed.map((p) => p.piece.outcome.egressIp).filter((e): e is string => e !== null)),
    blockedBy: main?.piece.outcome.blockedBy ?? null,
    reason: main ? main.piece.outcome.reason : null,
    paths,
    notes:
      allowed.length === 0 || model.advisories.length === 0
        ? []
        : notesFor(model, cellPackets(cell, reachable)),
  };
}

function cellPackets(cell: Cell, ips: IntervalSet): PacketSet {
  const range = (r: [number, number]) => IntervalSet.range(BigInt(r[0]), BigInt(r[1]));
  return PacketSet.cube(range(cell.protocols), range(cell.ports), ips);
}

/** The model's advisories that concern any of these (allowed) packets. */
export function notesFor(model: NetworkModel, allowed: PacketSet): string[] {
  return model.advisories.filter((a) => a.match.overlaps(allowed)).map((a) => a.message);
}

const PORTED = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.SCTP, PROTO.ICMP, PROTO.ICMPV6]);

function usesPorts(p0: number, p1: number): boolean {
  return p0 === p1 && PORTED.has(p0);
}

/** "443", "1024-65535", "*"; for ICMP "type 8", "type 3 code 4", "types 0-7". */
export function portsLabel(p0: number, p1: number, lo: number, hi: number): string {
  if (!usesPorts(p0, p1) || (lo === 0 && hi === 65535)) return "*";
  if (p0 === PROTO.ICMP || p0 === PROTO.ICMPV6) {
    const [t0, c0, t1, c1] = [lo >> 8, lo & 255, hi >> 8, hi & 255];
    if (c0 === 0 && c1 === 255) return t0 === t1 ? `type ${t0}` : `types ${t0}-${t1}`;
    if (t0 === t1) return c0 === c1 ? `type ${t0} code ${c0}` : `type ${t0} codes ${c0}-${c1}`;
    return `type ${t0} code ${c0} - type ${t1} code ${c1}`;
  }
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}
