import { it } from "vitest";
import { Engine } from "../../src/graph/propagate.js";
import { randFromSeed, randomNetwork, TINY_UNIVERSE } from "./random-network.js";
it("reasons", () => {
  const reasons = new Map<string, number>();
  for (let seed = 1; seed <= 300; seed++) {
    const m = randomNetwork(randFromSeed(seed));
    const e = new Engine(m, { detail: true });
    for (const ep of m.endpoints)
      for (const p of e.fromEndpoint(ep, TINY_UNIVERSE))
        if (p.outcome.verdict === "unknown") {
          const k = p.outcome.reason.replace(/[a-z]+-[0-9a-z-]+/g, "ID").replace(/\d+/g, "N");
          reasons.set(k, (reasons.get(k) ?? 0) + 1);
        }
  }
  console.log([...reasons].map(([k, n]) => `${n}\t${k}`).join("\n"));
});
