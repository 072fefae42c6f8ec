import { it } from "vitest";
import { checkModel } from "./compare.js";
import { minimizeCase } from "./minimize.js";
import { formatModel, formatPacket, randFromSeed, randomNetwork, TINY_UNIVERSE } from "./random-network.js";
import { referenceOutcome } from "./reference.js";
import { engineOutcome } from "./compare.js";

const fmt = (o: unknown) => JSON.stringify(o);
it("survey", () => {
  const N = Number(process.env.SURVEY_N ?? 300);
  let bad = 0;
  let packets = 0;
  const cats = new Map<string, { n: number; seeds: number[]; ex?: string }>();
  for (let seed = 1; seed <= N; seed++) {
    const model = randomNetwork(randFromSeed(seed), {
      unresolved: process.env.UNRES === "1",
      boundaryUnresolved: process.env.BUNRES === "1",
    });
    const r = checkModel(model);
    packets += r.packets;
    if (r.partition.length) console.log("PARTITION", seed, r.partition.slice(0, 3));
    if (r.mismatches.length) bad++;
    const seenHere = new Set<string>();
    for (const m of r.mismatches) {
      const e = m.engine;
      const ek =
        typeof e === "string"
          ? e.slice(0, 40)
          : `${e.verdict}/${e.blockedBy?.kind ?? "-"}/${e.egressIp?.startsWith("{") ? "ph" : e.egressIp === null ? "-" : "ip"}`;
      const rf = m.reference;
      const key = `${m.mode} proto=${m.packet.proto} engine=${ek} ref=${rf.verdict}/${rf.blockedBy?.kind ?? "-"}`;
      const c = cats.get(key) ?? { n: 0, seeds: [] };
      c.n++;
      if (!seenHere.has(key)) {
        seenHere.add(key);
        c.seeds.push(seed);
      }
      if (c.ex === undefined && process.env.MIN === "1") {
        const min = minimizeCase({
          model,
          endpoint: m.endpoint,
          packet: m.packet,
          mode: m.mode,
          query: TINY_UNIVERSE,
        });
        const ep = min.model.endpoints.find((x) => x.id === min.endpoint)!;
        c.ex = `seed ${seed} ${m.endpoint} ${formatPacket(m.packet)}\n${formatModel(min.model)}\n  engine: ${fmt(engineOutcome(min.model, ep, m.packet, m.mode, TINY_UNIVERSE))}\n  ref:    ${fmt(referenceOutcome(min.model, ep, m.packet))}`;
      }
      cats.set(key, c);
    }
  }
  console.log(`models ${N} bad ${bad} packets ${packets}`);
  for (const [k, c] of [...cats].sort())
    console.log(
      `${k}: ${c.n} packets, models ${c.seeds.length} e.g. ${c.seeds.slice(0, 6).join(",")}\n${c.ex ?? ""}\n`,
    );
});
