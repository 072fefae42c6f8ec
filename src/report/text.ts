// Plain-text renderers for a terminal: the per-source port matrix and hop-by-hop traces.
import type { AuditEntry, AuditPath, AuditResult, TracePart, TraceResult } from "../core/result.js";

/**
 * Text as a terminal should show it: names, tags and descriptions come from the input, and a control
 * character, a line separator or a bidirectional override in one (a newline in a Name tag, an escape
 * sequence) would otherwise break a row, recolour the terminal or make a rule read as another. Each is
 * shown escaped.
 */
export function printable(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function table(cells: string[][], indent = "  "): string[] {
  const rows = cells.map((r) => r.map(printable));
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((r) => (i === r.length - 1 ? 0 : r[i]!.length))),
  );
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]! + 2)))
        .join("")
        .trimEnd(),
  );
}

function summarise(list: string[], max = 3): string {
  return list.length <= max
    ? list.join(", ")
    : `${list.slice(0, max).join(", ")} and ${list.length - max} more`;
}

function sameBlock(a: AuditEntry["blockedBy"], b: AuditEntry["blockedBy"]): boolean {
  return a === b || (a !== null && b !== null && a.resource === b.resource && a.rule === b.rule);
}

/**
 * Where packets get whose replies are what is stopped or in doubt (see AuditPath.leaves), for a reader
 * asking what gets out: "; the packets leave as 203.0.113.10" (every address they may leave as), or,
 * with no address to name (inside the VPC), "; the packets get through (exit private)".
 */
function leavesText(leaves: TracePart["leaves"] | AuditPath["leaves"], some = false): string {
  if (leaves === undefined) return "";
  const ips = "egressIps" in leaves ? leaves.egressIps : leaves.egressIp === null ? [] : [leaves.egressIp];
  const to = some ? " to some destinations" : "";
  return ips.length === 0
    ? `; the packets get through${to} (exit ${leaves.exit})`
    : `; the packets leave${to} as ${ips.join(", ")}`;
}

function detail(e: AuditEntry): string {
  const via = e.exits.length > 0 ? `${e.exits.join(", ")}` : "";
  if (e.verdict === "allowed") return via ? `to ${via}` : "";
  const block = e.blockedBy
    ? `[${e.blockedBy.resource}${e.blockedBy.rule !== null ? ` rule ${e.blockedBy.rule}` : ""}] `
    : "";
  // The paths whose rule and reason the row shows: where their packets leave (those of some only, if
  // the others' own fate is in doubt).
  const shown = e.paths.filter(
    (p) => p.verdict !== "allowed" && p.reason === e.reason && sameBlock(p.blockedBy, e.blockedBy),
  );
  const leaving = shown.filter((p) => p.leaves !== undefined);
  const ips = [...new Set(leaving.flatMap((p) => p.leaves!.egressIps))];
  const reason = `${e.reason ?? ""}${leaving.length === 0 ? "" : leavesText({ ...leaving[0]!.leaves!, egressIps: ips }, leaving.length < shown.length)}`;
  // The row names one deciding rule (the one covering most destinations); say when others decide
  // other destinations, so that a reader does not take it for the whole story.
  const others = e.paths.filter((p) => p.verdict !== "allowed").length - 1;
  const more = others > 0 ? ` (+${others} other ${others === 1 ? "path" : "paths"}: --json lists them)` : "";
  if (e.verdict === "partial") {
    // Whichever of the two lists is shorter: a row blocked for one /24 names that /24, not the
    // hundred-odd CIDRs of the internet around it. Where several parts are not allowed, the rule shown
    // is the named part's only: its own destinations say which.
    const notAllowed = e.paths.filter((p) => p.verdict !== "allowed");
    const rest = notAllowed.flatMap((p) => p.destinations);
    const named =
      notAllowed.length === 1
        ? notAllowed[0]
        : notAllowed.find((p) => p.reason === e.reason && sameBlock(p.blockedBy, e.blockedBy));
    if (named && rest.length < e.reachable.length) {
      const to = notAllowed.length === 1 ? "to those" : `to ${summarise(named.destinations)}`;
      return `to all destinations but ${summarise(rest)}; ${to}: ${block}${reason}${more}`;
    }
    return `to ${summarise(e.reachable)} only; rest: ${block}${reason}${more}`;
  }
  return `${block}${reason}${more}`;
}

/**
 * What a source's state says of its answers, when it sends nothing now: an interface attached to
 * nothing, or one whose instance is stopped. Shown on its block's header and a trace's `from:` line.
 */
function stateNotes(s: { unattached?: string; stopped?: string }): string[] {
  return [s.unattached, s.stopped].filter((x) => x !== undefined);
}

export function renderAuditText(r: AuditResult): string {
  const out: string[] = [];
  // One block per source: an interface, and again for each other address of its that has a public IP
  // of its own (see core/audit.ts), which comes right after it.
  const bySource = new Map<string, AuditEntry[]>();
  for (const e of r.results) {
    const key = `${e.source.id}|${e.source.privateIp ?? ""}`;
    const list = bySource.get(key) ?? [];
    list.push(e);
    bySource.set(key, list);
  }
  const shown = new Set<string>();
  // The scope first: an audit of one cluster's nodes is not evidence about the rest of the input.
  const scope = [
    r.query.vpcs ? `--vpc ${r.query.vpcs.join(",")}` : "",
    r.query.cluster !== null ? `--cluster ${r.query.cluster}` : "",
    r.summary.leftOut > 0
      ? `${r.summary.leftOut} other ${r.summary.leftOut === 1 ? "interface" : "interfaces"} of the input not audited`
      : "",
    notAudited(r),
  ].filter(Boolean);
  out.push(
    `egress-audit ${r.provider}: ${r.summary.sources} ${r.summary.sources === 1 ? "source" : "sources"}${scope.length > 0 ? ` (${scope.join("; ")})` : ""}; ports ${r.query.ports}; destinations ${r.query.destinations.trim().toLowerCase() === "internet" ? "the public internet" : r.query.destinations}`,
  );
  for (const entries of bySource.values()) {
    const s = entries[0]!.source;
    const who = [s.id, s.name ? `"${s.name}"` : "", s.owner && s.owner !== s.id ? `(${s.owner})` : ""]
      .filter(Boolean)
      .join(" ");
    const addr = [s.privateIp, s.ipv6, s.publicIp ? `public ${s.publicIp}` : ""].filter(Boolean).join(", ");
    const again = shown.has(s.id);
    shown.add(s.id);
    out.push(
      "",
      again
        ? `${who}  sending from its address ${s.privateIp ?? ""}${s.publicIp ? `, public ${s.publicIp}` : ""}`
        : [`${who}  ${addr}  in ${s.subnet} / ${s.network}`, ...stateNotes(s)].join("  "),
    );
    const rows = [["PROTO", "PORTS", "VERDICT", "EGRESS IP", "DETAIL"]];
    for (const e of entries)
      rows.push([e.protocol, e.ports, e.verdict, e.egressIps.join(", ") || "-", detail(e)]);
    out.push(...table(rows));
    // Notes on the answers (a Kubernetes node's client ports): once per note, with the rows it applies
    // to, so a terminal reader sees what --json says in each entry's notes.
    const noted = new Map<string, string[]>();
    for (const e of entries)
      for (const n of e.notes) {
        const rowsOf = noted.get(n) ?? [];
        rowsOf.push(`${e.protocol} ${e.ports}`);
        noted.set(n, rowsOf);
      }
    for (const [n, rowsOf] of noted) out.push(`  note (${summarise(rowsOf)}): ${n}`);
  }
  out.push(...runNotes(r));
  const s = r.summary;
  // A source gets no entry when the query asks it nothing: it has no address of the destinations'
  // family (IPv4 or IPv6), or only the other family's ICMP was asked (ICMP goes to IPv4 destinations,
  // ICMPv6 to IPv6 ones: --ports icmpv6 with IPv4 destinations asks nothing).
  const silent = s.sources - bySource.size;
  if (silent > 0)
    out.push(
      "",
      `${silent} of the ${s.sources} sources are asked nothing: they have no address of the destinations' family (IPv4 or IPv6), or the ports asked are only the other family's ICMP (icmp is asked of IPv4 destinations, icmpv6 of IPv6 ones); nothing to report for them.`,
    );
  out.push(
    "",
    `${s.results} ${s.results === 1 ? "result" : "results"}: ${s.allowed} allowed, ${s.partial} partial, ${s.blocked} blocked, ${s.unknown} unknown`,
  );
  return out.map(printable).join("\n") + "\n";
}

/** The interfaces of the scope that could not be audited (each under unknowns), in the header's words. */
function notAudited(r: AuditResult): string {
  const n = r.summary.notAudited.length;
  if (n === 0) return "";
  const what = r.query.cluster !== null ? (n === 1 ? "node" : "nodes") : n === 1 ? "interface" : "interfaces";
  return `${n} ${what}${r.query.cluster !== null ? " of the cluster" : ""} could not be audited, see unknowns`;
}

/** What a run could not read (exit 3), and what may make its answers wrong. */
type RunNotes = Pick<AuditResult, "unknowns" | "warnings">;

/** The sections a run ends with: what could not be read (exit 3), then its warnings. */
function runNotes(r: RunNotes): string[] {
  const out: string[] = [];
  if (r.unknowns.length > 0) {
    out.push("", "Could not be read (verdicts that depend on it are unknown):");
    for (const u of r.unknowns) out.push(`  - ${u.resource}: ${u.message}`);
  }
  if (r.warnings.length > 0) {
    out.push("", "Warnings:");
    for (const w of r.warnings) out.push(`  - ${w.resource}: ${w.message}`);
  }
  return out;
}

/**
 * A run's unknowns and warnings on their own (no leading blank line; "" when there are none): for
 * `trace --json`, whose array of traces (the contract) has no room for them, to print on stderr.
 */
export function renderRunNotes(r: RunNotes): string {
  const out = runNotes(r).filter((line, i) => i > 0 || line !== "");
  return out.length === 0 ? "" : out.map(printable).join("\n") + "\n";
}

/** The resource (and rule) that blocks, as a trace shows it. */
function blockedByText(by: NonNullable<TracePart["blockedBy"]>): string {
  return `${by.resource} (${by.kind})${by.rule !== null ? ` rule ${by.rule}` : ""}`;
}

/** A part of a trace's packets: its verdict, and where it exits, what blocks it (the reason says why). */
function fateLine(p: TracePart): string {
  const verdict = p.verdict.toUpperCase();
  if (p.verdict === "allowed") return `${verdict}, exit ${p.exit ?? "-"}, egress IP ${p.egressIp ?? "-"}`;
  return `${p.blockedBy === null ? verdict : `${verdict} by ${blockedByText(p.blockedBy)}`}${leavesText(p.leaves)}`;
}

/**
 * The traces, then (`run`) the run's unknowns and warnings, as an audit ends with them: a trace that
 * exits 3, or reads allowed where an input not saved may make it wrong, says why. (`--json` keeps the
 * contract's array of traces.)
 */
export function renderTraceText(
  traces: TraceResult[],
  run: RunNotes = { unknowns: [], warnings: [] },
): string {
  const out: string[] = [];
  for (const t of traces) {
    const f = t.flow;
    const parts = t.parts ?? [];
    out.push(
      `${f.src} -> ${f.dst} ${t.traced}: ${t.verdict.toUpperCase()}${parts.length > 0 ? ` (${parts.length} parts)` : ""}`,
    );
    out.push(
      [
        `  from: ${t.source.id} (${t.source.address ?? "no address of the destination's family"})`,
        ...stateNotes(t.source),
      ].join(", "),
    );
    // A flow whose packets fare differently: each part's fate, one line each (the reason says why).
    parts.forEach((p, i) => out.push(`  part ${i + 1}: ${p.packets}: ${fateLine(p)}`));
    if (parts.length === 0) {
      if (t.verdict === "allowed") out.push(`  exit: ${t.exit ?? "-"}   egress IP: ${t.egressIp ?? "-"}`);
      if (t.blockedBy) out.push(`  blocked by: ${blockedByText(t.blockedBy)}`);
      // Stopped or in doubt are the replies: the packets themselves get out.
      if (t.leaves)
        out.push(
          `  leaves: exit ${t.leaves.exit}   egress IP: ${t.leaves.egressIp ?? "-"}   (the packets get ${t.leaves.egressIp === null ? "through" : "out"}; their replies are what ${t.verdict === "blocked" ? "is stopped" : "is in doubt"})`,
        );
    }
    out.push(`  reason: ${t.reason}`);
    for (const n of t.notes) out.push(`  note: ${n}`);
    if (parts.length > 0) out.push(`  hops of part 1:`);
    const rows = [["#", "RESOURCE", "KIND", "ACTION", "RULE", "DETAIL"]];
    t.hops.forEach((h, i) => rows.push([`${i + 1}`, h.resource, h.kind, h.action, h.rule ?? "-", h.detail]));
    out.push(...table(rows, "    "), "");
  }
  const notes = runNotes(run);
  // runNotes starts each section with a blank line; the last trace ends with one already.
  if (notes.length > 0) out.push(...notes.slice(1), "");
  return out.map(printable).join("\n");
}
