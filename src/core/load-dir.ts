// Reads every *.json / *.yaml / *.yml below a folder (any name, any depth) for --from-dir. Files are
// recognised later by content. Unreadable or unparsable files are InputErrors naming the file.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../model/errors.js";
import type { SourceDocument } from "../model/document.js";
import { readText } from "./read-text.js";

export async function loadDir(dir: string): Promise<SourceDocument[]> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new InputError(`directory not found`, dir);
  }
  if (!st.isDirectory()) throw new InputError("expected a directory", dir);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.(json|ya?ml)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  if (files.length === 0) throw new InputError("no .json or .yaml files found", dir);
  return (await Promise.all(files.map((f) => loadFile(f)))).flat();
}

async function loadFile(file: string): Promise<SourceDocument[]> {
  const text = await readText(file);
  if (/\.json$/i.test(file)) {
    try {
      return [{ file, data: JSON.parse(text) as unknown }];
    } catch (e) {
      throw new InputError(`invalid JSON: ${(e as Error).message}`, file);
    }
  }
  // The YAML parser is loaded only when a folder has YAML files (most hold describe-* JSON only).
  const { parseAllDocuments } = await import("yaml");
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const bad = list.find((d) => d.errors.length > 0);
  if (bad) throw new InputError(`invalid YAML: ${bad.errors[0]!.message.split("\n")[0]}`, file);
  // A file of several documents (separated by `---`) is read as that many files: each is one describe
  // output, and messages name the document ("file.yaml (document 2)"). Empty documents are skipped.
  const values = list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length <= 1) return [{ file, data: values[0] ?? null }];
  return values.map((data, k) => ({ file: `${file} (document ${k + 1})`, origin: file, data }));
}
