// Differential test of `trace` as the CLI runs it (runTrace: a flow's text fields parsed, the source found
// by its id, the engine in detail mode, source addresses filled in) against the per-packet reference on
// random small networks, plus what a reader of a trace relies on: a blocked trace ends in a deny or
// drop hop, and the resource that blocked it is on the path shown.
import { describe, expect, it } from "vitest";
import { runTrace } from "../../src/core/trace.js";
import type { Flow } from "../../src/core/result.js";
import type { Hop } from "../../src/graph/outcome.js";
import type { NatGateway, NetworkModel } from "../../src/model/types.js";
import { formatIp, IPV6_ALL, isV4, protocolName } from "../../src/netset/index.js";
import { formatOutcome, reportedMismatch } from "../graph/compare.js";
import {
  formatModel,
  fuzzEndpoints,
  randFromSeed,
  randomNetwork,
  TINY_PACKETS,
} from "../graph/random-network.js";
import { replyRulesOf, type Packet, type RefOutcome } from "../graph/reference.js";

const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const SEEDS = Number(process.env.FUZZ_RUNS ?? 60);

const ICMP = 1;
const ICMPV6 = 58;
const GRE = 47;
const TCP = 6;
const UDP = 17;

/**
 * What a trace gives for a packet the reference sends to the internet (`o`), where its destination is
 * one of the model's own addresses there: it comes back in, refused by a NAT gateway (one of whose
 * Elastic IPs it is), or unknown at an interface (whose public IP, IPv6 address or delegated IPv6
 * prefix it is), where its own filters decide and the engine does not follow it.
 */
function cameBack(model: NetworkModel, o: RefOutcome, dst: bigint): RefOutcome {
  if (o.verdict !== "allowed" || o.exit !== "internet") return o;
  // Its Elastic IPs: all of them where it lists several, else the one the internet gateway maps its
  // private address to.
  const natEips = (g: NatGateway): bigint[] =>
    g.publicIps ??
    [...model.gateways.values()].flatMap((i) =>
      i.kind === "internet" &&
      i.networkId === model.subnets.get(g.subnetId)?.networkId &&
      i.publicIpOf.has(g.privateIp)
        ? [i.publicIpOf.get(g.privateIp)!]
        : [],
    );
  for (const g of model.gateways.values())
    if (g.kind === "nat" && natEips(g).includes(dst))
      return {
        ...o,
        verdict: "blocked",
        exit: null,
        egressIp: null,
        blockedBy: { resource: g.id, kind: g.ref.kind, rule: null },
      };
  const host =
    [...model.gateways.values()].some(
      (g) => g.kind === "internet" && g.networkId !== null && [...g.publicIpOf.values()].includes(dst),
    ) ||
    model.endpoints.some((e) => e.ipv6.includes(dst) || (!isV4(dst) && (e.prefixes?.contains(dst) ?? false)));
  return host ? { ...o, verdict: "unknown", egressIp: null } : o;
}

/**
 * The flow a user would type for a packet, if one names exactly it: an ICMP flow's port is the type
 * (code 0), so packets with another code are skipped; a GRE flow has no port.
 */
function flowOf(src: string, p: Packet): Flow | null {
  const isIcmp = p.proto === ICMP || p.proto === ICMPV6;
  if (isIcmp && (p.port & 255) !== 0) return null;
  // Each family has its own ICMP: trace refuses ICMP to an IPv6 address and ICMPv6 to an IPv4 one.
  if (isIcmp && (p.proto === ICMP) !== isV4(p.dst)) return null;
  const flow: Flow = { src, dst: formatIp(p.dst), protocol: protocolName(p.proto) };
  if (p.proto !== GRE) flow.port = isIcmp ? p.port >> 8 : p.port;
  return flow;
}

/**
 * A trace's reply hops as the reference names the rules that decided replies: "acl-1 in allow 100", where
 * `in`/`out` is the direction of the crossing (a reply hop's direction is the other one).
 */
function replyHopsOf(hops: readonly Hop[]): string[] {
  const out: string[] = [];
  for (const h of hops) {
    const m = /^(inbound|outbound) \(/.exec(h.detail);
    if (m === null) continue;
    out.push(`${h.resource} ${m[1] === "inbound" ? "out" : "in"} ${h.action} ${h.rule ?? "-"}`);
  }
  return out;
}

describe("trace vs the per-packet reference", () => {
  // Half the networks have network ACL rules whose match is in doubt (unknown where they decide), the
  // other half union-semantics boundary filters (rare) with such rules.
  it(`agrees on every flow of the tiny universe (${SEEDS} random networks)`, () => {
    let flows = 0;
    // Flows without a port whose packets here fare differently.
    let mixed = 0;
    const withReplies = { allowed: 0, blocked: 0, unknown: 0 };
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const model = randomNetwork(randFromSeed(seed), {
        maxEndpoints: fuzzEndpoints(4),
        twins: true,
        aclUnresolved: seed % 2 === 0,
        boundaryUnresolved: seed % 2 === 1,
        unresolved: seed % 3 === 1,
        ingressRouting: seed % 3 === 0,
        internetBlock: seed % 5 === 0,
      });
      const problems: string[] = [];
      for (const ep of model.endpoints) {
        const asked = TINY_PACKETS.flatMap((p) => {
          const f = flowOf(ep.id, p);
          return f ? [{ p, f }] : [];
        });
        const traces = runTrace(
          model,
          asked.map((a) => a.f),
        );
        // The same flows without a port, each covering every port of its protocol and destination:
        // what the reference says of the ports the tiny universe has.
        const portless = new Map<string, { f: Flow; refs: RefOutcome[] }>();
        asked.forEach(({ p, f }, i) => {
          const t = traces[i]!;
          const where = `${f.src} ${f.protocol} ${f.port ?? "-"} -> ${f.dst}`;
          // Without an IPv6 address of its own, an interface sends IPv6 from its prefixes: a trace from
          // it sends from the lowest one's first address.
          const v6Prefixes = ep.prefixes?.intersect(IPV6_ALL);
          const first = isV4(p.dst) || ep.ipv6.length > 0 ? undefined : v6Prefixes?.min();
          const sent = replyRulesOf(model, first === undefined ? ep : { ...ep, ipv6: [first] }, p);
          const ref = { ...sent, outcome: cameBack(model, sent.outcome, p.dst) };
          if (p.proto === TCP || p.proto === UDP) {
            const key = `${f.protocol} ${f.dst}`;
            const seen = portless.get(key) ?? {
              f: { src: f.src, dst: f.dst, protocol: f.protocol },
              refs: [],
            };
            seen.refs.push(ref.outcome);
            portless.set(key, seen);
          }
          const wrong = reportedMismatch(where, "trace", t, ref.outcome);
          if (wrong !== null) problems.push(wrong);
          // A trace names every rule that decided the replies at each stateless filter on the way it
          // shows (right after the rule that let the request through there): an allowed one the whole
          // way, a blocked or unknown one up to where it ends, or to its exit where the packets leave.
          if (wrong === null) {
            // (A blocked trace's last hop names the deciding rule, checked below, in the same words
            // where it stops every reply.)
            const shown = replyHopsOf(t.verdict === "blocked" ? t.hops.slice(0, -1) : t.hops);
            if (ref.replyRules.length > 0) withReplies[t.verdict]++;
            if (shown.join("; ") !== ref.replyRules.join("; "))
              problems.push(
                `${where}: ${t.verdict}, reply hops [${shown.join("; ")}], expected [${ref.replyRules.join("; ")}]`,
              );
          }
          if (t.flow !== f) problems.push(`${where}: the result does not carry its flow`);
          const last = t.hops[t.hops.length - 1];
          if (last === undefined) problems.push(`${where}: ${t.verdict}, but no hop shows where`);
          if (t.verdict === "blocked" && last !== undefined && !["deny", "drop"].includes(last.action))
            problems.push(`${where}: blocked, but the last hop is ${last.resource} ${last.action}`);
          // ... by the rule that decided (the reference's, compared above).
          const by = t.blockedBy;
          if (
            wrong === null &&
            by !== null &&
            by.rule !== null &&
            last !== undefined &&
            (last.resource !== by.resource || last.rule !== by.rule)
          )
            problems.push(
              `${where}: blocked by ${by.resource} ${by.rule}, but the last hop is ${last.resource} ${last.rule ?? "-"}`,
            );
          // The blocking resource is on the path shown (a private NAT gateway's traffic is dropped at
          // the internet gateway: blocked by the NAT gateway, whose hop comes earlier).
          if (
            t.verdict === "blocked" &&
            last !== undefined &&
            !t.hops.some((h) => h.resource === t.blockedBy?.resource)
          )
            problems.push(`${where}: blocked by ${t.blockedBy?.resource}, which no hop names`);
        });
        flows += asked.length;
        // A flow whose packets fare differently is allowed only if every part is, blocked only if
        // every part is, else unknown; each of its packets here gets the outcome of one of its parts.
        const whole = [...portless.values()];
        runTrace(
          model,
          whole.map((w) => w.f),
        ).forEach((t, i) => {
          const { f, refs } = whole[i]!;
          const where = `${f.src} ${f.protocol} -> ${f.dst}`;
          const outcomes = t.parts ?? [t];
          for (const ref of refs)
            if (outcomes.every((o) => reportedMismatch(where, "part", o, ref) !== null))
              problems.push(`${where}: no part is ${formatOutcome(ref)}`);
          const verdicts = new Set(refs.map((r) => r.verdict));
          if (verdicts.size > 1) mixed++;
          if (verdicts.size > 1 && t.verdict !== "unknown")
            problems.push(`${where}: ${t.verdict}, but its packets are ${[...verdicts].join(", ")}`);
          if (t.parts !== undefined && t.parts.length < 2) problems.push(`${where}: parts of one`);
          if (
            t.parts !== undefined &&
            t.parts.some((p) => p.verdict !== t.verdict) &&
            t.verdict !== "unknown"
          )
            problems.push(`${where}: ${t.verdict}, but its parts differ`);
        });
      }
      if (problems.length > 0)
        throw new Error(
          `seed ${seed}: ${problems.length} problems\n${problems.slice(0, 8).join("\n")}\n${formatModel(model)}`,
        );
    }
    expect(flows).toBeGreaterThan(SEEDS * 100);
    expect(mixed).toBeGreaterThan(SEEDS);
    // Allowed flows whose replies crossed a stateless filter: their reply hops were checked.
    expect(withReplies.allowed).toBeGreaterThan(SEEDS);
    expect(withReplies.blocked).toBeGreaterThan(SEEDS);
    expect(withReplies.unknown).toBeGreaterThan(SEEDS / 4);
  });
});
