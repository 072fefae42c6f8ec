// --save-snapshot DIR: writes the raw documents a run read, so `--from-dir DIR` repeats the same audit
// offline. Nothing is half-written and nothing of the user's is removed: the snapshot is built in a
// staging folder and moved into place only when complete (see saveSnapshot), an existing non-empty DIR
// is never touched, and a run interrupted while saving removes only what it wrote.
import { rmSync } from "node:fs";
import { mkdir, readdir, rename, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../model/errors.js";
import { signalExit } from "./exit-codes.js";

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
  // A new folder is built beside its place and renamed into it whole. An empty one that exists (made
  // for the job, or a mount point, which cannot be replaced) keeps its owner and mode: the snapshot is
  // built in a hidden folder inside it (the same file system) and its entries are moved up at the end.
  // Named so that --from-dir refuses one a killed save left behind (load-dir.ts).
  const staging = exists
    ? path.join(target, `.egress-audit-partial-${process.pid}`)
    : `${target}.egress-audit-partial-${process.pid}`;
  /** Entries moved into an existing folder so far: ours, removed again if the save does not finish. */
  const moved: string[] = [];
  // Only what this run wrote is ever removed: a file someone else puts in the folder meanwhile stays.
  const undo = (): void => {
    for (const m of moved) rmSync(m, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals): void => {
    undo();
    process.exit(signalExit(signal));
  };
  for (const s of SIGNALS) process.once(s, interrupted);
  try {
    const rels = distinctPaths(files.map((f) => f.path));
    await mkdir(staging, { recursive: true });
    for (const [k, f] of files.entries()) {
      const rel = rels[k]!;
      if (rel.startsWith("..") || path.isAbsolute(rel))
        throw new Error(`snapshot path escapes the folder: ${f.path}`);
      const file = path.join(staging, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(f.data, null, 1) + "\n");
    }
    if (!exists) {
      // Fails if the folder was made and filled meanwhile: then nothing of it is touched.
      await rename(staging, target);
      return;
    }
    for (const name of (await readdir(staging)).sort()) {
      const to = path.join(target, name);
      if (await stat(to).catch(() => null))
        throw new InputError(
          `--save-snapshot: ${name} appeared in the folder while the snapshot was being written; nothing was saved`,
          dir,
        );
      await rename(path.join(staging, name), to);
      moved.push(to);
    }
    await rmdir(staging);
  } catch (e) {
    undo();
    if (e instanceof InputError) throw e;
    // A full disk or a folder we may not write to: say so on one line; nothing was left behind.
    if ((e as NodeJS.ErrnoException).code !== undefined)
      throw new InputError(`--save-snapshot: cannot write the snapshot: ${(e as Error).message}`, dir);
    throw e;
  } finally {
    for (const s of SIGNALS) process.removeListener(s, interrupted);
  }
}

// A closed terminal (SIGHUP) too; a SIGKILL leaves the staging folder, which --from-dir refuses.
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
