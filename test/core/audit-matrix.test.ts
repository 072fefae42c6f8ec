// The audit's fast path (Engine.auditParts + auditMatrix: shared downstream pieces cut down while the
// matrix sweeps, caches keyed by object identity) must give exactly the cells of the plain path
// (Engine.fromEndpoint + matrix), on random networks and for the query shapes runAudit uses.
import { describe, expect, it } from "vitest";
import { auditMatrix, cellParts, matrix, type Cell } from "../../src/graph/matrix.js";
import { Engine } from "../../src/graph/propagate.js";
import type { Endpoint } from "../../src/model/types.js";
import { IntervalSet, IPV4_ALL, IPV6_ALL, PacketSet } from "../../src/netset/index.js";
import { fuzzEndpoints, randFromSeed, randomNetwork, TINY_UNIVERSE } from "../graph/random-network.js";

/** What the audit reads from a cell, with IP sets by value and outcomes by their reported fields. */
function project(cells: Cell[]): unknown[] {
  return cells.map((c) => ({
    protocols: c.protocols,
    ports: c.ports,
    parts: cellParts(c).map((p) => ({
      verdict: p.outcome.verdict,
      exit: p.outcome.exit,
      egressIp: p.outcome.egressIp,
      blockedBy: p.outcome.blockedBy,
      reason: p.outcome.reason,
      ips: p.ips.key(),
    })),
  }));
}

/** The query runAudit gives an endpoint: the universe restricted to the endpoint's address families. */
function queryFor(universe: PacketSet, ep: Endpoint): PacketSet {
  let own = IntervalSet.EMPTY;
  if (ep.privateIps.length > 0) own = own.union(IPV4_ALL);
  if (ep.ipv6.length > 0) own = own.union(IPV6_ALL);
  return universe.restrictIps(own);
}

// FUZZ_SEED / FUZZ_RUNS search further than CI does (see DEVELOPERS.md); CI uses seeds 1..300.
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const SEEDS = Number(process.env.FUZZ_RUNS ?? 300);

describe("auditMatrix", () => {
  it(`gives the cells of matrix(fromEndpoint) on random networks (${SEEDS} seeds)`, () => {
    let endpoints = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const model = randomNetwork(randFromSeed(seed), { maxEndpoints: fuzzEndpoints(6) });
      // One shared engine per path and model, as runAudit does, so shared results are reused.
      const fast = new Engine(model, { detail: false, universe: TINY_UNIVERSE });
      const plain = new Engine(model, { detail: false, universe: TINY_UNIVERSE });
      for (const ep of model.endpoints) {
        for (const q of [TINY_UNIVERSE, queryFor(TINY_UNIVERSE, ep)]) {
          const got = project(auditMatrix(fast.auditParts(ep, q)));
          const want = project(matrix(plain.fromEndpoint(ep, q)));
          expect(got, `seed ${seed}, ${ep.id}`).toEqual(want);
          endpoints++;
        }
      }
    }
    expect(endpoints).toBeGreaterThan(SEEDS);
  });

  it("is only offered in audit mode", () => {
    const model = randomNetwork(randFromSeed(7));
    const ep = model.endpoints[0]!;
    expect(() => new Engine(model, { detail: true }).auditParts(ep, TINY_UNIVERSE)).toThrow(/audit mode/);
  });
});
