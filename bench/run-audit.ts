// One audit run in its own process, so its wall time and peak RSS are its own:
// node dist/bench/run-audit.js DIR  ->  prints {"ms":..., "loadMs":..., "auditMs":..., "maxRssMB":..., "results":...}
import { performance } from "node:perf_hooks";
import { runAudit } from "../src/core/audit.js";
import { DEFAULT_PORTS, parseDest, parsePorts } from "../src/core/cli.js";
import { loadModel } from "../src/core/pipeline.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: run-audit DIR");
const t0 = performance.now();
const model = await loadModel("aws", dir);
const t1 = performance.now();
const result = runAudit(model, {
  ports: parsePorts(DEFAULT_PORTS),
  portsText: DEFAULT_PORTS,
  dest: parseDest("internet"),
  destText: "internet",
});
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({
    ms: t2 - t0,
    loadMs: t1 - t0,
    auditMs: t2 - t1,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    sources: result.summary.sources,
    results: result.summary.results,
  }) + "\n",
);
