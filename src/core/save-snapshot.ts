// --save-snapshot DIR: writes the raw documents a run read, so `--from-dir DIR` repeats the same audit
// offline. Written atomically: everything goes into a fresh sibling folder that is renamed into place
// only when complete, and an existing non-empty DIR is never touched.
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../model/errors.js";

export interface SnapshotFile {
  /** Relative path inside the snapshot, e.g. "us-east-1/SecurityGroups.json". */
  path: string;
  data: unknown;
}

/**
 * The files' paths, each one distinct even where the folder is read case-insensitively (macOS, Windows):
 * a later path that would land on an earlier one gets "-2", "-3", ... before its extension. Two inputs
 * can map to one path (say `SecurityGroups.json` and `SecurityGroups.yaml`, both saved as JSON), and
 * the second must not overwrite the first: the snapshot would then audit differently.
 */
export function distinctPaths(paths: readonly string[]): string[] {
  const taken = new Set<string>();
  return paths.map((p) => {
    const rel = path.normalize(p);
    const ext = path.extname(rel);
    const stem = rel.slice(0, rel.length - ext.length);
    let out = rel;
    for (let n = 2; taken.has(out.toLowerCase()); n++) out = `${stem}-${n}${ext}`;
    taken.add(out.toLowerCase());
    return out;
  });
}

/**
 * Whether a snapshot can go to `dir`: a folder that does not exist yet or is empty. Checked before a
 * run collects anything (a live collection can take minutes) and again when writing. Returns whether
 * the folder exists (empty).
 */
export async function checkSnapshotTarget(dir: string): Promise<boolean> {
  const st = await stat(dir).catch(() => null);
  if (st === null) return false;
  if (!st.isDirectory())
    throw new InputError("--save-snapshot: this is a file, not a folder; choose a new folder", dir);
  if ((await readdir(dir)).length > 0)
    throw new InputError("--save-snapshot: the folder exists and is not empty; choose a new folder", dir);
  return true;
}

export async function saveSnapshot(dir: string, files: readonly SnapshotFile[]): Promise<void> {
  const target = path.resolve(dir);
  const exists = await checkSnapshotTarget(target);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    const rels = distinctPaths(files.map((f) => f.path));
    for (const [k, f] of files.entries()) {
      const rel = rels[k]!;
      if (rel.startsWith("..") || path.isAbsolute(rel))
        throw new Error(`snapshot path escapes the folder: ${f.path}`);
      const file = path.join(tmp, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(f.data, null, 1) + "\n");
    }
    await mkdir(tmp, { recursive: true });
    if (exists) await rm(target, { recursive: true });
    await rename(tmp, target);
  } catch (e) {
    // (Cleaning up can fail the same way, say under a path that is a file: the first error tells more.)
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    // A full disk or a folder we may not write to: say so on one line; nothing was left behind.
    if ((e as NodeJS.ErrnoException).code !== undefined)
      throw new InputError(`--save-snapshot: cannot write the snapshot: ${(e as Error).message}`, dir);
    throw e;
  }
}
