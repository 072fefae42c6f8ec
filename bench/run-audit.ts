// One audit run in its own process, so its wall time and peak RSS are its own:
// node dist/bench/run-audit.js DIR [--out FILE]  ->  prints {"ms":..., "loadMs":..., "auditMs":..., "cpuMs":..., "maxRssMB":..., ...}
// --out FILE also writes the AuditResult (outside the timed part: the result without its entries on the
// first line, then one entry per line), to check that an optimisation leaves the output byte-identical.
import { closeSync, openSync, writeSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { runAudit } from "../src/core/audit.js";
import { DEFAULT_PORTS, parseDest, parsePorts } from "../src/core/cli.js";
import { loadModel } from "../src/core/pipeline.js";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const outFile = outAt === -1 ? undefined : args[outAt + 1];
if (outAt !== -1) {
  if (!outFile) throw new Error("usage: run-audit DIR [--out FILE]");
  args.splice(outAt, 2);
}
const dir = args[0];
if (!dir) throw new Error("usage: run-audit DIR [--out FILE]");
// CPU time too: on a shared machine it varies less than wall time.
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const model = await loadModel("aws", dir);
const t1 = performance.now();
const result = runAudit(model, {
  ports: parsePorts(DEFAULT_PORTS),
  portsText: DEFAULT_PORTS,
  dest: parseDest("internet"),
  destText: "internet",
  ownNetworkExcluded: true, // as the command does for --dest internet
});
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({
    ms: t2 - t0,
    loadMs: t1 - t0,
    auditMs: t2 - t1,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    sources: result.summary.sources,
    results: result.summary.results,
  }) + "\n",
);
if (outFile) {
  // One line per result: the whole result as one string exceeds V8's maximum string length.
  const fd = openSync(outFile, "w");
  writeSync(fd, JSON.stringify({ ...result, results: result.results.length }) + "\n");
  for (const r of result.results) writeSync(fd, JSON.stringify(r) + "\n");
  closeSync(fd);
}
