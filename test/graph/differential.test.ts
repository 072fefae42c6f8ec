// Differential test of the reachability engine against the packet-by-packet reference (reference.ts), on
// random small networks (random-network.ts), in both engine modes (see compare.ts): every result must be
// a partition of the query and every packet of the tiny universe must get the reference's verdict, exit,
// egress IP and blocking rule. A failure prints the model, the disagreeing packets and a minimized case.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/graph/propagate.js";
import { checkModel, formatMismatches, partitionProblems, type CheckResult, type Mode } from "./compare.js";
import { filterOf, handModel, pkt, ports, rule, singlePacketQuery, TCP } from "./hand-models.js";
import { formatCase, minimizeCase } from "./minimize.js";
import {
  fuzzEndpoints,
  randFromGen,
  randFromSeed,
  randomNetwork,
  TINY_PACKETS,
  TINY_UNIVERSE,
  type RandomNetworkOptions,
} from "./random-network.js";
import type { NetworkModel } from "../../src/model/types.js";

// FUZZ_SEED / FUZZ_RUNS search further than CI does (see DEVELOPERS.md); CI uses the fixed defaults.
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function failureReport(model: NetworkModel, r: CheckResult): string {
  const lines = [formatMismatches(model, r)];
  const first = r.mismatches[0];
  if (first !== undefined) {
    const min = minimizeCase({
      model,
      endpoint: first.endpoint,
      packet: first.packet,
      mode: first.mode,
      query: TINY_UNIVERSE,
    });
    lines.push("--- minimized (same packet, same kind of disagreement):", formatCase(min));
  }
  return lines.join("\n");
}

interface Totals {
  models: number;
  comparisons: number;
}

/** Runs the differential check over `numRuns` random models (fixed seed). */
function runProperty(gen: RandomNetworkOptions, numRuns: number, totals: Totals): void {
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const model = randomNetwork(randFromGen(g), gen);
      const r = checkModel(model);
      totals.models++;
      totals.comparisons += r.packets;
      if (r.partition.length > 0 || r.mismatches.length > 0) throw new Error(failureReport(model, r));
    }),
    // Shrinking with fc.gen is slow and the report carries a minimized case already.
    { numRuns, seed: SEED, endOnFailure: true },
  );
}

describe("engine vs reference on random networks", () => {
  it(`agrees on every packet of the tiny universe (${NUM_RUNS} models, detail and audit modes)`, () => {
    const totals: Totals = { models: 0, comparisons: 0 };
    runProperty({}, NUM_RUNS, totals);
    expect(totals.models).toBe(NUM_RUNS);
    // endpoints x packets x 2 modes; at least one endpoint per model.
    expect(totals.comparisons).toBeGreaterThanOrEqual(NUM_RUNS * TINY_PACKETS.length * 2);
  });

  // Packets that only an `unresolved` security-group rule might allow are unknown, not blocked
  // (Rule.unresolved in model/types.ts). Minimal case in reference.test.ts.
  it("agrees with unresolved security-group rules too", () => {
    runProperty({ unresolved: true }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // Network ACL rules whose match is in doubt (port spellings AWS does not print): packets that reach
  // one are unknown, in either direction and for the replies (an earlier engine lost the packets whose
  // replies all reached one: no piece held them).
  it("agrees with unresolved network ACL rules too", () => {
    runProperty({ aclUnresolved: true }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // Stateless filters of union semantics (no AWS network ACL is one) with rules whose match is in
  // doubt: such a rule decides, requests or replies, only where no other rule allows (reference.test.ts).
  it("agrees with union-semantics boundary filters with rules in doubt too", () => {
    runProperty({ boundaryUnresolved: true }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // A gateway route table on the internet gateway sends replies to some sources elsewhere (ingress
  // routing): those connections are unknown (an appliance) or blocked (a blackhole).
  it("agrees with gateway route tables that divert replies", () => {
    runProperty({ ingressRouting: true, twins: true }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // An account-wide block on internet gateway traffic (VPC Block Public Access), with exclusions.
  it("agrees with a block on internet gateway traffic", () => {
    runProperty({ internetBlock: true, twins: true }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // Endpoints of one class (same subnet, filters and ephemeral ports) share audit-mode results.
  it("agrees when endpoints share their subnet, filters and ephemeral ports", () => {
    runProperty({ twins: true, maxEndpoints: fuzzEndpoints(6) }, NUM_RUNS, { models: 0, comparisons: 0 });
  });

  // Sources of one subnet with other ephemeral ports share the audit's forward steps (a NAT gateway's
  // translation, the way on beyond it) but not the reply checks of stateless filters.
  it("agrees when endpoints of one subnet differ only in their ephemeral ports", () => {
    runProperty({ twins: true, portTwins: true, maxEndpoints: fuzzEndpoints(6) }, NUM_RUNS, {
      models: 0,
      comparisons: 0,
    });
  });
});

// A packet that matches only an `unresolved` ingress rule of a union-semantics boundary filter on its way
// INTO a subnet is undecided there; both modes must still return a partition of the query (an earlier
// engine lost it in detail mode). What such a rule means is checked in test/core, so only the partition
// is checked here.
describe("unresolved rule in a union boundary filter", () => {
  const packet = pkt(6, 22, "10.0.0.68");
  const model = (): NetworkModel => {
    const m = handModel();
    const f = filterOf(m, "acl-priv");
    f.semantics = "union";
    f.ingress = [
      { ...rule(f, "in", 1, "allow", TCP, ports(0, 65535), "10.0.0.0/24"), unresolved: "pl-1 missing" },
    ];
    return m;
  };
  const problems = (mode: Mode): string[] => {
    const m = model();
    const ep = m.endpoints.find((e) => e.id === "eni-pub")!;
    const query = singlePacketQuery(packet);
    const engine = new Engine(m, mode === "detail" ? { detail: true } : { detail: false, universe: query });
    return partitionProblems(engine.fromEndpoint(ep, query), query);
  };
  it("detail mode: the pieces cover the query", () => {
    expect(problems("detail")).toEqual([]);
  });
  it("audit mode: the pieces cover the query", () => {
    expect(problems("audit")).toEqual([]);
  });
});

// Detail mode computes each source exactly: no source-address placeholders (those are for shared,
// audit-mode results only), so its egress IPs need no resolveSource.
describe("detail mode and source placeholders", () => {
  it.each([
    ["IPv4", pkt(6, 443, "8.8.8.8"), "54.0.0.1"],
    ["IPv6", pkt(6, 443, "2001:4860:4860::8888"), "2600:1f00::4"],
  ] as const)("%s: detail mode names the egress IP without resolveSource", (_family, packet, egressIp) => {
    const m = handModel();
    const ep = m.endpoints.find((e) => e.id === "eni-pub")!;
    const pieces = new Engine(m, { detail: true }).fromEndpoint(ep, singlePacketQuery(packet));
    expect(pieces.map((p) => p.outcome.egressIp)).toEqual([egressIp]);
  });
});

// Networks where the differential once mattered (a fault made on purpose was found only there), checked
// on every run: seed 3 has a destination host whose subnet's table sends the replies to the sender's
// subnet elsewhere.
describe("engine vs reference on networks kept for what they hold", () => {
  it.each([[3, { maxEndpoints: 6, twins: true }]] as const)("seed %i", (seed, gen) => {
    const model = randomNetwork(randFromSeed(seed), gen);
    const r = checkModel(model);
    expect(r.partition).toEqual([]);
    expect(r.mismatches.length, r.mismatches.length > 0 ? formatMismatches(model, r) : "").toBe(0);
  });
});
