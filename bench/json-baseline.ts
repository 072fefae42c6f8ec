// Lower bounds for loading a saved region, two ways:
// - warm (jsonParseBaseline): JSON.parse of every *.json file under a directory, files already in memory,
//   repeated in one process (reading is not timed, the parser is warm);
// - cold (coldReadParseMs): a fresh process that reads and JSON.parses the same files the way
//   `--from-dir` does, timed from the first read - the same conditions the audit run is measured under.

import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";

export async function jsonParseBaseline(
  dir: string,
  repeats = 3,
): Promise<{ files: number; bytes: number; medianMs: number }> {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be >= 1 (got ${repeats})`);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const texts: string[] = [];
  let bytes = 0;
  for (const p of paths) {
    const buf = await readFile(p);
    bytes += buf.byteLength;
    texts.push(buf.toString("utf8"));
  }

  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (const t of texts) {
      const v: unknown = JSON.parse(t);
      if (v !== null && typeof v === "object") sink++;
    }
    times.push(performance.now() - t0);
  }
  if (sink < 0) console.log(sink); // keeps the parse results observable
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const medianMs =
    times.length % 2 === 1 ? (times[mid] ?? 0) : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
  return { files: texts.length, bytes, medianMs };
}

/** Reads and parses every *.json file under `dir` in this process; milliseconds from the first read. */
async function readParseOnce(dir: string): Promise<number> {
  const t0 = performance.now();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => join(e.parentPath, e.name));
  const docs = await Promise.all(paths.map(async (p) => JSON.parse(await readFile(p, "utf8")) as unknown));
  const ms = performance.now() - t0;
  if (docs.length !== paths.length) throw new Error("lost a document");
  return ms;
}

/** Median over `repeats` fresh processes of readParseOnce. */
export function coldReadParseMs(dir: string, repeats = 5): number {
  const here = fileURLToPath(import.meta.url);
  const times = Array.from({ length: repeats }, () =>
    Number(execFileSync(process.execPath, [here, "--cold", dir], { encoding: "utf8" }).trim()),
  ).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// CLI: node dist/bench/json-baseline.js <dir> [repeats]    (warm)
//      node dist/bench/json-baseline.js --cold <dir>       (one cold read+parse; prints milliseconds)
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  if (process.argv[2] === "--cold" && process.argv[3] !== undefined) {
    console.log((await readParseOnce(process.argv[3])).toFixed(1));
    process.exit(0);
  }
  const [dir, repeats] = process.argv.slice(2);
  if (dir === undefined) {
    console.error("usage: json-baseline <dir> [repeats]");
    process.exitCode = 2;
  } else {
    jsonParseBaseline(dir, repeats === undefined ? 3 : Number(repeats)).then(
      (r) =>
        console.log(
          `${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB: JSON.parse median ${r.medianMs.toFixed(1)} ms`,
        ),
      (err: unknown) => {
        console.error(err instanceof Error ? err.message : err);
        process.exitCode = 1;
      },
    );
  }
}
