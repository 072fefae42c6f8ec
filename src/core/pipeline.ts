// Input -> model: offline folders (--from-dir) or live collection meet at the same raw documents, which
// --save-snapshot writes so that --from-dir can repeat the run.
import path from "node:path";
import type { SourceDocument } from "../model/document.js";
import { InputError } from "../model/errors.js";
import { ascending } from "../model/order.js";
import { noteMissing } from "../model/missing.js";
import type { Endpoint, NetworkModel, UnplacedSource } from "../model/types.js";
import { clusterSources } from "./cluster-sources.js";
import { awsModel } from "../providers/aws/index.js";
import type { AwsLiveOptions } from "./live-aws.js";
import { loadDir, notRead } from "./load-dir.js";
import { checkSnapshotTarget, saveSnapshot } from "./save-snapshot.js";

export type Provider = "aws";

export async function loadModel(provider: Provider, fromDir: string): Promise<NetworkModel> {
  return modelOf(provider, await loadDir(fromDir), fromDir, inFolder(fromDir));
}

function modelOf(
  provider: Provider,
  docs: SourceDocument[],
  where: string,
  shown: (file: string) => string,
): NetworkModel {
  switch (provider) {
    case "aws": {
      const model = awsModel(docs, where);
      const unread = notRead(docs, shown);
      if (unread.length > 0)
        model.warnings = [...model.warnings, ...unread].sort(
          (a, b) => ascending(a.resource, b.resource) || ascending(a.message, b.message),
        );
      noteMissing(model);
      nameFilesAsSaved(model, docs, shown);
      return model;
    }
    default:
      throw new InputError(`unsupported provider ${String(provider)}`);
  }
}

/** A file below the --from-dir folder, as its path inside it. */
function inFolder(dir: string): (file: string) => string {
  const prefix = path.join(dir, path.sep);
  return (file) => (file.startsWith(prefix) ? file.slice(prefix.length) : file);
}

/**
 * The report's warnings and unknowns name input files as they are inside the snapshot (the path
 * below --from-dir, the file a live run's --save-snapshot writes), not as this run reached them: a
 * nightly job that keeps each night's snapshot in its own folder, or compares a live run with its
 * saved snapshot, must not see a change where there is none. Errors keep the path as given: the user
 * is to open that file.
 */
function nameFilesAsSaved(
  model: NetworkModel,
  docs: readonly SourceDocument[],
  shown: (file: string) => string,
): void {
  const names = new Map<string, string>();
  for (const d of docs) {
    const name = shown(d.file);
    if (name !== d.file) names.set(d.file, name);
  }
  if (names.size === 0) return;
  // One pass over each message, longest name first where two begin alike ("a.json", "a.json (document
  // 2)"): a name put in is never read again (a folder's name may end another's, "a/x.json" in
  // "data/x.json").
  const escaped = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(escaped.join("|"), "g");
  const rename = (text: string): string => text.replace(pattern, (f) => names.get(f) ?? f);
  for (const notes of [model.warnings, model.unknowns]) {
    for (const n of notes) n.message = rename(n.message);
    notes.sort((a, b) => ascending(a.resource, b.resource) || ascending(a.message, b.message));
  }
}

export interface AwsInput extends Omit<AwsLiveOptions, "progress"> {
  fromDir?: string;
  saveSnapshot?: string;
  progress?: boolean;
}

/** The AWS model from --from-dir or from the live APIs, saving the raw documents first if asked. */
export async function awsInputModel(input: AwsInput): Promise<NetworkModel> {
  let docs: SourceDocument[];
  let where: string;
  let shown: (file: string) => string;
  if (input.saveSnapshot) await checkSnapshotTarget(input.saveSnapshot);
  if (input.fromDir) {
    docs = await loadDir(input.fromDir);
    where = input.fromDir;
    shown = inFolder(input.fromDir);
    if (input.saveSnapshot) {
      const base = input.fromDir;
      await saveSnapshot(
        input.saveSnapshot,
        docs.map((d) => ({
          path: path.relative(base, d.origin ?? d.file).replace(/\.ya?ml$/i, ".json"),
          data: d.data,
        })),
      );
    }
  } else {
    // Loaded only for live runs: the AWS SDK clients take ~0.3 s to import, which every --from-dir
    // run (the nightly job, the quick start) would otherwise pay for nothing.
    const { collectAwsDocuments } = await import("./live-aws.js");
    const live = await collectAwsDocuments({ ...input, progress: input.progress ?? false });
    docs = live.docs;
    where = "the AWS API";
    // "aws:us-east-1/SecurityGroups.json": the snapshot's own file.
    shown = (file) => file.replace(/^aws:/, "");
    if (input.saveSnapshot) await saveSnapshot(input.saveSnapshot, live.files);
    const model = modelOf("aws", docs, where, shown);
    model.regions = live.regions;
    return model;
  }
  return modelOf("aws", docs, where, shown);
}

/**
 * What a run's scope selects: the sources it audits (a cluster's nodes, the interfaces of the given
 * VPCs, or every interface), and `unaudited`: the source interfaces of the scope the input tells too
 * little of to audit (see UnplacedSource; under --vpc, those whose VPC is not known too), so that the
 * run says it did not cover them.
 */
export interface Selection {
  sources: Endpoint[];
  unaudited: UnplacedSource[];
}

export function selectSources(
  model: NetworkModel,
  input: { cluster?: string; vpcIds?: string[] },
): Selection {
  let { nodes: sources, unplaced: unaudited } = input.cluster
    ? clusterSources(model, input.cluster)
    : { nodes: model.endpoints, unplaced: model.unplaced ?? [] };
  const vpcs = input.vpcIds;
  if (vpcs && vpcs.length > 0) {
    const missing = vpcs.filter((v) => !model.networks.has(v));
    if (missing.length > 0) notFound(model, missing);
    sources = sources.filter((e) => vpcs.includes(e.networkId));
    unaudited = unaudited.filter((u) => u.networkId === "" || vpcs.includes(u.networkId));
    // Both given: the cluster's nodes in those VPCs; none there is a contradiction, not an empty audit.
    if (input.cluster && sources.length === 0 && unaudited.length === 0)
      throw new InputError(`--cluster ${input.cluster}: none of its nodes is in --vpc ${vpcs.join(", ")}`);
  }
  return { sources, unaudited };
}

/**
 * --vpc names VPCs the input does not have. Where the call that lists VPCs failed, that is data the
 * run could not read, not a wrong flag: each is listed under unknowns (exit 3, the gap named) and the
 * run audits what the input has of it (its interfaces name their VPC). Otherwise it is a usage error,
 * naming the regions a live run looked in.
 */
function notFound(model: NetworkModel, missing: readonly string[]): void {
  if (model.networksUnlisted !== undefined) {
    for (const v of missing)
      model.unknowns.push({
        resource: v,
        message: `--vpc ${v}: whether it exists cannot be told: the VPCs could not be listed (${model.networksUnlisted})`,
      });
    model.unknowns.sort((a, b) => ascending(a.resource, b.resource) || ascending(a.message, b.message));
    return;
  }
  // (A live run asked for these VPCs only: what else the account has is not known.)
  throw new InputError(
    model.regions
      ? `--vpc ${missing.join(", ")}: not found in ${model.regions.join(", ")}`
      : `--vpc ${missing.join(", ")}: not in the input (it has ${[...model.networks.keys()].join(", ") || "no VPCs"})`,
  );
}
