// Runs the real CLI (bin/run.js over dist/, built by `npm test` before vitest) as a user would.
import { spawnSync } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/run.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
