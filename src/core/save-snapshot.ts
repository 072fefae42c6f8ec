// --save-snapshot DIR: writes the raw documents a run read, so `--from-dir DIR` repeats the same audit
// offline. Written atomically: everything goes into a fresh sibling folder that is renamed into place
// only when complete, and an existing non-empty DIR is never touched.
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../model/errors.js";

export interface SnapshotFile {
  /** Relative path inside the snapshot, e.g. "us-east-1/SecurityGroups.json". */
  path: string;
  data: unknown;
}

export async function saveSnapshot(dir: string, files: readonly SnapshotFile[]): Promise<void> {
  const target = path.resolve(dir);
  const existing = await readdir(target).catch(() => null);
  if (existing !== null && existing.length > 0)
    throw new InputError("--save-snapshot: the folder exists and is not empty; choose a new folder", dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const f of files) {
      const rel = path.normalize(f.path);
      if (rel.startsWith("..") || path.isAbsolute(rel))
        throw new Error(`snapshot path escapes the folder: ${f.path}`);
      const file = path.join(tmp, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(f.data, null, 1) + "\n");
    }
    await mkdir(tmp, { recursive: true });
    if (existing !== null) await rm(target, { recursive: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
