// Reads every *.json / *.yaml / *.yml below a folder (any name, any depth) for --from-dir. Files are
// recognised later by content. Unreadable or unparsable files are InputErrors naming the file.
import { fstatSync } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, jsonPath } from "../model/errors.js";
import { ascending } from "../model/order.js";
import type { SourceDocument } from "../model/document.js";
import { someOf } from "../model/missing.js";
import type { ModelNote } from "../model/types.js";
import { parseJson } from "./json-text.js";
import { decodeText } from "./read-text.js";
import { isAwsDocument } from "../providers/aws/index.js";

export async function loadDir(dir: string): Promise<SourceDocument[]> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new InputError(`directory not found`, dir);
  }
  if (!st.isDirectory()) throw new InputError("expected a directory", dir);
  let files = (await filesBelow(dir, new Set<string>())).sort();
  // `--from-dir snap --json > snap/audit.json`: the shell has already made that file (empty) when we
  // look, and it is this run's output, not its input.
  const out = ownOutput();
  if (out)
    files = (
      await Promise.all(
        files.map(async (f) => {
          const st = await stat(f).catch(() => null);
          return st && st.dev === out.dev && st.ino === out.ino ? [] : [f];
        }),
      )
    ).flat();
  if (files.length === 0) throw new InputError("no .json or .yaml files found", dir);
  return (await Promise.all(files.map((f) => loadFile(f)))).flat();
}

/** The file stdout is redirected to, if it is one. */
function ownOutput(): { dev: number; ino: number } | null {
  try {
    const st = fstatSync(1);
    return st.isFile() ? { dev: st.dev, ino: st.ino } : null;
  } catch {
    return null;
  }
}

const DESCRIBE_FILE = /\.(json|ya?ml)$/i;

/**
 * The describe files below `dir`, following symbolic links to files and folders (users link shared
 * dumps into a folder), entering each real folder once so that a link back up cannot loop.
 */
/** A --save-snapshot's staging folder (see save-snapshot.ts): there only while a save runs. */
const PARTIAL_SNAPSHOT = /\.egress-audit-partial-\d+$/;

async function filesBelow(dir: string, seen: Set<string>): Promise<string[]> {
  let entries;
  try {
    const real = await realpath(dir);
    if (seen.has(real)) return [];
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`cannot read the folder: ${(e as Error).message}`, dir);
  }
  const out: string[] = [];
  // In name order, so that which of two links to one folder is read does not depend on the file system.
  for (const e of entries.sort((a, b) => ascending(a.name, b.name))) {
    const p = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const target = await stat(p).catch(() => null);
      if (target === null) {
        if (DESCRIBE_FILE.test(e.name)) throw new InputError("a symbolic link to nothing", p);
        continue;
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir && PARTIAL_SNAPSHOT.test(e.name))
      throw new InputError(
        "a --save-snapshot that did not finish (the process was killed) left this folder: what it holds is incomplete; remove it, and save the snapshot again",
        p,
      );
    if (isDir) out.push(...(await filesBelow(p, seen)));
    else if (isFile && DESCRIBE_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * macOS keeps a file's extended attributes in a sibling "._name" (AppleDouble) on file systems and in
 * zip files that have no place for them; unpacked elsewhere they look like describe files.
 */
function isAppleDouble(file: string, bytes: Buffer): boolean {
  return (
    path.basename(file).startsWith("._") && bytes.length >= 4 && bytes.readUInt32BE(0) === APPLE_DOUBLE_MAGIC
  );
}

const APPLE_DOUBLE_MAGIC = 0x00051607;

/** How an audit's --json output begins: such a file is a report kept beside its input, not input. */
const OWN_REPORT = /^\{\s*"schemaVersion":\s*"[^"]*",\s*"tool":\s*\{\s*"name":\s*"egress-audit"/;

/**
 * The file's bytes, or null for an egress-audit report, told by its first bytes without reading the
 * rest (a report can be gigabytes). One open per file: the peek does not move the read position.
 */
async function readInput(file: string): Promise<Buffer | null> {
  const fd = await open(file, "r");
  try {
    if (/\.json$/i.test(file)) {
      const { buffer, bytesRead } = await fd.read(Buffer.alloc(256), 0, 256, 0);
      if (OWN_REPORT.test(buffer.toString("utf8", 0, bytesRead))) return null;
    }
    return await fd.readFile();
  } finally {
    await fd.close();
  }
}

async function loadFile(file: string): Promise<SourceDocument[]> {
  let bytes: Buffer | null;
  try {
    bytes = await readInput(file);
  } catch (e) {
    throw new InputError(`cannot read the file: ${(e as Error).message}`, file);
  }
  if (bytes === null) return [];
  if (isAppleDouble(file, bytes)) return [];
  let text: string;
  try {
    text = decodeText(bytes);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, file);
    throw new InputError(`cannot read the file as text: ${(e as Error).message}`, file);
  }
  // A describe call that failed (say it was denied) leaves its `> file.json` empty.
  if (text.trim() === "")
    throw new InputError(
      "the file is empty (a describe call that failed leaves its output file so): run the call again, or remove the file (if it is where `| tee` writes this run's own output, write that outside the folder)",
      file,
    );
  if (/\.json$/i.test(file)) {
    let data: unknown;
    try {
      data = parseJson(text);
    } catch (e) {
      throw new InputError(`invalid JSON: ${(e as Error).message}`, file);
    }
    return outputsOf(file, [data]);
  }
  // The YAML parser is loaded only when a folder has YAML files (most hold describe-* JSON only).
  const { parseAllDocuments } = await import("yaml");
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const bad = list.find((d) => d.errors.length > 0);
  if (bad) throw new InputError(`invalid YAML: ${bad.errors[0]!.message.split("\n")[0]}`, file);
  // A file of several documents (separated by `---`) is read as that many files: each is one describe
  // output, and messages name the document ("file.yaml (document 2)"). Empty documents are skipped.
  const values = list
    .map((d, k) => {
      try {
        return d.toJS() as unknown;
      } catch (e) {
        // The yaml package refuses an alias bomb here ("Excessive alias count ..."), not while parsing.
        throw new InputError(
          `invalid YAML: ${(e as Error).message.split("\n")[0]}`,
          list.length > 1 ? `${file} (document ${k + 1})` : file,
        );
      }
    })
    .filter((v) => v !== null && v !== undefined);
  const read = outputsOf(file, values);
  // An alias to a node that holds it (`Vpcs: &a [{..., Self: *a}]`) makes a value that contains itself:
  // describe output is never one, and --save-snapshot could not write it as JSON.
  for (const d of read) {
    const cycle = cycleIn(d.data);
    if (cycle)
      throw new InputError(
        "a YAML alias refers to a node that holds it (describe output never contains itself)",
        d.file,
        jsonPath(cycle),
      );
  }
  return read;
}

/**
 * The describe outputs of one file's documents (one for JSON, one per `---` document for YAML): a file
 * of several is read as that many files, named by their number ("file.yaml (document 2)"), and so is a
 * top-level list each of whose items is a describe output (`--output yaml-stream` prints one item per
 * page, "- SecurityGroups: [...]"), item by item ("file.yaml (item 2)"). Anything else is kept as it
 * is: what it holds is for the provider to recognise (see notRead).
 */
function outputsOf(file: string, values: readonly unknown[]): SourceDocument[] {
  const parts: { data: unknown; label: string[] }[] = [];
  values.forEach((v, k) => {
    const doc = values.length > 1 ? [`document ${k + 1}`] : [];
    if (isOutputList(v)) v.forEach((data, j) => parts.push({ data, label: [...doc, `item ${j + 1}`] }));
    else parts.push({ data: v, label: doc });
  });
  if (parts.length <= 1 && (parts[0]?.label.length ?? 0) === 0)
    return [{ file, data: parts[0]?.data ?? null }];
  return parts.map((p) => ({ file: `${file} (${p.label.join(", ")})`, origin: file, data: p.data }));
}

/** A top-level list of describe outputs (see outputsOf): not empty, every item one. */
function isOutputList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isAwsDocument(x));
}

/**
 * Top-level keys the collector saves (--save-snapshot) as evidence beside what the audit reads (see
 * collect.ts, a test keeps this in step): its own snapshot's files are not worth a warning.
 */
const SAVED_NOT_READ = new Set(["TransitGatewayAttachments"]);

/**
 * A warning for each file (or document of one) that holds nothing the audit reads: a bare list saved
 * with `--query 'X[]'`, another command's output, a key the reader does not know. Recognising files
 * by content means such a file is passed over, and the run reads as if its data were never saved
 * ("no SecurityGroups in the input"): the user must learn that it was there and why it was not read.
 * Not for a top-level null (a call that answered nothing, as SDK-based tools print it), nor for the
 * collector's own evidence files or a trace's --json output kept beside its input. `shown` names a
 * file as the report does (see pipeline.ts).
 */
export function notRead(docs: readonly SourceDocument[], shown: (file: string) => string): ModelNote[] {
  const notes: ModelNote[] = [];
  /** Other calls' or services' output ("file (Keys)"): one warning for them all, see below. */
  const others: string[] = [];
  for (const { file, data } of docs) {
    if (data === null || isAwsDocument(data) || isTraceReport(data)) continue;
    let what: string;
    if (Array.isArray(data)) {
      what = `it holds a bare list (${data.length} item${data.length === 1 ? "" : "s"}), not the object a describe command prints ({"SecurityGroups": [...]}, say; --query 'SecurityGroups[]' saves only the list): save the output without --query`;
    } else if (typeof data === "object") {
      const keys = Object.keys(data).sort(ascending);
      if (keys.length > 0 && keys.every((k) => SAVED_NOT_READ.has(k))) continue;
      if (keys.length > 1 || (keys.length === 1 && keys[0] !== "Entries")) {
        others.push(`${shown(file)} (${someOf(keys, 3)})`);
        continue;
      }
      what =
        keys.length === 0
          ? "it holds an empty object"
          : `its only top-level key is Entries, which the audit does not read: raw \`aws ec2 get-managed-prefix-list-entries\` output does not say which prefix list the entries are of (only the file's name might, and files are recognised by content, never by name); save them with the list's id, as the README shows: --query "{ManagedPrefixLists: [{PrefixListId: 'pl-...', Entries: Entries}]}"`;
    } else what = `it holds a ${typeof data}, not the object a describe command prints`;
    notes.push({ resource: shown(file), message: `not read: ${what}` });
  }
  // Folders hold other calls' output too (Batfish's aws_configs has a dozen such files per region): one
  // warning names them, so a file saved under a key the audit does not know is seen without burying the
  // other warnings.
  if (others.length > 0)
    notes.push({
      resource: "input",
      message: `not read: ${others.length} file${others.length === 1 ? " holds" : "s hold"} only top-level keys the audit does not read (it reads aws ec2 describe-* output: Vpcs, Subnets, SecurityGroups ...): ${someOf(others.sort(ascending), 8)}`,
    });
  return notes;
}

/** `aws trace --json` output: a list of traces, each with its flow and verdict. */
function isTraceReport(data: unknown): boolean {
  return (
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((t) => typeof t === "object" && t !== null && "flow" in t && "verdict" in t)
  );
}

/** Where a value holds itself (the path to the reference back), if it does; each object is walked once. */
function cycleIn(value: unknown): (string | number)[] | undefined {
  const open = new Set<object>();
  const done = new Set<object>();
  const path: (string | number)[] = [];
  const walk = (v: unknown): boolean => {
    if (typeof v !== "object" || v === null || done.has(v)) return false;
    if (open.has(v)) return true;
    open.add(v);
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x] as [number, unknown])
      : Object.entries(v);
    for (const [k, x] of entries) {
      path.push(k);
      if (walk(x)) return true;
      path.pop();
    }
    open.delete(v);
    done.add(v);
    return false;
  };
  return walk(value) ? path : undefined;
}
