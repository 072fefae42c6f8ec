// `npm run bench`: generates one AWS region at quota scale (fixed seed) in the --from-dir format, runs
// the full all-ports audit on it in a fresh process, and compares its wall time with the time Node
// takes just to JSON.parse the same files. Targets: at most 5x (goal 2x), peak RSS under 1 GB.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { generateAwsRegion, writeAwsRegion } from "./generate-aws.js";
import { coldReadParseMs, jsonParseBaseline } from "./json-baseline.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, "../../bench/out/aws-quota-seed1");
if (!existsSync(path.join(dir, "us-east-1", "SecurityGroups.json"))) {
  const w = await writeAwsRegion(dir, generateAwsRegion({ seed: 1, scale: 1 }));
  console.log(`generated ${w.files} files, ${(w.bytes / 1e6).toFixed(1)} MB in ${dir}`);
}
const base = await jsonParseBaseline(dir, 5);
// The audit run is a fresh process that reads its files, so the like-for-like baseline is a fresh
// process that reads and parses them (cold); the warm in-memory parse is printed too, as the floor.
// Cold parses and audits alternate, so a machine that slows down or speeds up meanwhile (shared hosts
// vary by 20-30%) affects both alike.
const RUNS = 5;
const colds: number[] = [];
const runs: AuditRun[] = [];
for (let k = 0; k < RUNS; k++) {
  colds.push(coldReadParseMs(dir, 1));
  const out = execFileSync(process.execPath, [path.join(here, "run-audit.js"), dir], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  runs.push(JSON.parse(out) as AuditRun);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cold = median(colds);
const med = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(RUNS / 2)]!;
const ratio = med.ms / cold;
const bestRatio = Math.min(...runs.map((r) => r.ms)) / Math.min(...colds);
const warmRatio = med.ms / base.medianMs;
console.log(
  `input: ${base.files} files, ${(base.bytes / 1e6).toFixed(1)} MB; ${med.sources} sources -> ${med.results} results`,
);
console.log(
  `JSON.parse only: ${cold.toFixed(0)} ms in a fresh process reading the files (median of ${RUNS}); ${base.medianMs.toFixed(0)} ms warm, files in memory (median of 5)`,
);
console.log(
  `full audit: ${med.ms.toFixed(0)} ms wall (load+convert ${med.loadMs.toFixed(0)} ms, engine+matrix ${med.auditMs.toFixed(0)} ms), median of ${RUNS}`,
);
console.log(
  `peak RSS: ${Math.max(...runs.map((r) => r.maxRssMB)).toFixed(0)} MB, the largest of the runs (target < 1024)`,
);
console.log(
  `ratio to JSON.parse: ${ratio.toFixed(1)}x of the fresh-process read+parse, medians (best runs: ${bestRatio.toFixed(1)}x; target <= 5x, goal 2x)${ratio <= 5 ? "" : "  <-- over target"}; ${warmRatio.toFixed(1)}x of the warm parse`,
);

interface AuditRun {
  ms: number;
  loadMs: number;
  auditMs: number;
  maxRssMB: number;
  sources: number;
  results: number;
}
