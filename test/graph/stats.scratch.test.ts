import { it } from "vitest";
import { randFromSeed, randomNetwork, TINY_PACKETS } from "./random-network.js";
import { referenceOutcome } from "./reference.js";
it("stats", () => {
  const cats = new Map<string, number>();
  for (let seed = 1; seed <= 300; seed++) {
    const m = randomNetwork(randFromSeed(seed), { unresolved: true });
    for (const ep of m.endpoints)
      for (const p of TINY_PACKETS) {
        const o = referenceOutcome(m, ep, p);
        const k = `${o.verdict} ${o.exit ?? "-"} ${(o.why ?? "").replace(/[a-z]+-[0-9a-z]+/g, "ID")}`;
        cats.set(k, (cats.get(k) ?? 0) + 1);
      }
  }
  console.log(
    [...cats]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n}\t${k}`)
      .join("\n"),
  );
});
