import { it } from "vitest";
import { checkModel, formatMismatches } from "./compare.js";
import { randFromSeed, randomNetwork } from "./random-network.js";

it("survey", () => {
  const N = Number(process.env.SURVEY_N ?? 300);
  let bad = 0;
  let packets = 0;
  const t0 = Date.now();
  const firsts: string[] = [];
  for (let seed = 1; seed <= N; seed++) {
    const model = randomNetwork(randFromSeed(seed));
    const r = checkModel(model);
    packets += r.packets;
    if (r.mismatches.length || r.partition.length) {
      bad++;
      if (firsts.length < Number(process.env.SURVEY_SHOW ?? 3)) firsts.push(`SEED ${seed}\n` + formatMismatches(model, r, 4));
    }
  }
  console.log(`models ${N} bad ${bad} packets ${packets} ms ${Date.now() - t0}`);
  console.log(firsts.join("\n\n=====\n\n"));
});
