// Differential test of the reachability engine against the packet-by-packet reference (reference.ts), on
// random small networks (random-network.ts), in both engine modes (see compare.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkModel, formatMismatches } from "./compare.js";
import { randFromGen, randomNetwork } from "./random-network.js";

const SEED = 20_240_611;
const NUM_RUNS = 150;

describe("engine vs reference on random networks", () => {
  it(`agrees on every packet of the tiny universe (${NUM_RUNS} models, both modes)`, () => {
    let models = 0;
    let packets = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const model = randomNetwork(randFromGen(g));
        const r = checkModel(model);
        models++;
        packets += r.packets;
        if (r.mismatches.length > 0 || r.partition.length > 0) throw new Error(formatMismatches(model, r));
      }),
      { numRuns: NUM_RUNS, seed: SEED, endOnFailure: false },
    );
    expect(models).toBeGreaterThanOrEqual(NUM_RUNS);
    expect(packets).toBeGreaterThan(0);
  });
});
