// Lower bound for loading a saved region: the time to JSON.parse every *.json file under a
// directory, with the files already in memory (reading is not timed).

import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

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

// CLI: node dist/bench/json-baseline.js <dir> [repeats]
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
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
