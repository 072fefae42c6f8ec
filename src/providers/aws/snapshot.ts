// Recognises `aws ec2 describe-*` documents by their top-level keys (never by file name) and validates
// every item the audit reads. Items keep where they came from, so later errors can name file and path.
import { InputError, jsonPath } from "../../model/errors.js";
import type { SourceDocument } from "../../model/document.js";
import { AWS_KEYS, type AwsKey, type RawOf } from "./raw.js";

export interface Located<T> {
  item: T;
  file: string;
  path: (string | number)[];
}

export type AwsRaw = { [K in AwsKey]: Located<RawOf<K>>[] } & {
  /** The keys that appeared in the input at all (absent keys make what depends on them unknown). */
  present: Set<AwsKey>;
};

const KEYS = Object.keys(AWS_KEYS) as AwsKey[];

export function emptyAwsRaw(): AwsRaw {
  const raw = { present: new Set<AwsKey>() } as AwsRaw;
  for (const k of KEYS) (raw as Record<AwsKey, unknown[]>)[k] = [];
  return raw;
}

/** `aws eks describe-cluster` prints one object under `cluster`; it is read as a one-item EksClusters list. */
function asEksCluster(data: object): unknown[] | undefined {
  const c = (data as { cluster?: unknown }).cluster;
  return typeof c === "object" && c !== null && "resourcesVpcConfig" in c ? [c] : undefined;
}

/** True if the document has at least one top-level key the AWS reader understands. */
export function isAwsDocument(data: unknown): boolean {
  return (
    typeof data === "object" &&
    data !== null &&
    !Array.isArray(data) &&
    (KEYS.some((k) => k in data) || asEksCluster(data) !== undefined)
  );
}

export function indexAwsDocuments(docs: readonly SourceDocument[]): AwsRaw {
  const raw = emptyAwsRaw();
  for (const doc of docs) {
    if (!isAwsDocument(doc.data)) continue;
    const obj = doc.data as Record<string, unknown>;
    const cluster = asEksCluster(obj);
    for (const key of KEYS) {
      if (!(key in obj) && !(key === "EksClusters" && cluster)) continue;
      const list = key === "EksClusters" && cluster ? cluster : obj[key];
      if (!Array.isArray(list)) throw new InputError("expected an array", doc.file, jsonPath([key]));
      raw.present.add(key);
      const schema = AWS_KEYS[key];
      const out = raw[key] as Located<unknown>[];
      list.forEach((item: unknown, i) => {
        const r = schema.safeParse(item);
        if (!r.success) {
          const issue = r.error.issues[0]!;
          const msg = issue.message.replace(/^Invalid input: /, "");
          const at = cluster && key === "EksClusters" ? ["cluster"] : [key, i];
          throw new InputError(msg, doc.file, jsonPath([...at, ...issue.path]));
        }
        out.push({
          item: r.data,
          file: doc.file,
          path: cluster && key === "EksClusters" ? ["cluster"] : [key, i],
        });
      });
    }
  }
  return raw;
}
