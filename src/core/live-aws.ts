// Live AWS collection for the `aws` command: regions from flags or the environment, a progress bar on a
// terminal, and the collected describe-* documents in the same shape --from-dir reads.
import { SingleBar } from "cli-progress";
import { InputError } from "../model/errors.js";
import { signalExit } from "./exit-codes.js";
import type { SourceDocument } from "../model/document.js";
import {
  CALLS,
  collectAws,
  configuredRegion,
  listRegions,
  type AwsSnapshotFile,
} from "../providers/aws/collect.js";
import { findEksCluster } from "../providers/aws/collect-eks.js";

export interface AwsLiveOptions {
  vpcIds?: string[];
  /** An EKS cluster, looked for in each of the run's regions: its VPC is collected (with any --vpc given). */
  cluster?: string;
  regions?: string[];
  allRegions?: boolean;
  profile?: string;
  endpoint?: string;
  /** Show a progress bar (on a terminal, not under --json). */
  progress: boolean;
}

export interface Collected {
  docs: SourceDocument[];
  files: AwsSnapshotFile[];
  /** The regions collected. */
  regions: string[];
}

/** AWS_REGION or AWS_DEFAULT_REGION (which the AWS CLI reads), else the profile's configured region. */
async function defaultRegion(profile: string | undefined): Promise<string | undefined> {
  // An empty AWS_REGION (a CI variable that was never filled in) means none, as it does to the AWS
  // CLI; the SDK would take it as the region "" and refuse it.
  if (process.env.AWS_REGION === "") delete process.env.AWS_REGION;
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || (await configuredRegion(profile));
}

export async function collectAwsDocuments(opts: AwsLiveOptions): Promise<Collected> {
  const common = { ...(opts.profile ? { profile: opts.profile } : {}) };
  const ec2 = { ...common, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
  let regions = opts.regions ?? [];
  if (opts.allRegions) {
    const home = regions[0] ?? (await defaultRegion(opts.profile)) ?? "us-east-1";
    regions = await wrap(() => listRegions({ ...ec2, region: home }));
  }
  if (regions.length === 0) {
    const r = await defaultRegion(opts.profile);
    if (!r)
      throw new InputError(
        "no AWS region: pass --region (repeatable) or --all-regions, set AWS_REGION (or AWS_DEFAULT_REGION), or give the profile a region (aws configure)",
      );
    regions = [r];
  }
  const extra: AwsSnapshotFile[] = [];
  let vpcIds = opts.vpcIds ?? [];
  if (opts.cluster) {
    const name = opts.cluster;
    const c = await wrap(() => findEksCluster({ ...common, regions, name }));
    extra.push(c.file);
    if (c.vpcId && !vpcIds.includes(c.vpcId)) vpcIds = [...vpcIds, c.vpcId];
  }
  const bar = opts.progress
    ? new SingleBar({
        format: "collecting {bar} {value}/{total} calls  {label}",
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      })
    : null;
  const totals = new Map<string, { done: number; total: number }>();
  // Ctrl-C while the bar is up: give the terminal its cursor back, then end as an interrupted
  // program does (cli-progress's own gracefulExit stops the bar but leaves the run going). Listening
  // before the bar shows: a signal that came first would otherwise end the run with the cursor hidden.
  const interrupted = (signal: NodeJS.Signals): void => {
    bar?.stop();
    process.exit(signalExit(signal));
  };
  if (bar) for (const s of SIGNALS) process.once(s, interrupted);
  bar?.start(CALLS.length * regions.length, 0, { label: "" });
  try {
    const snap = await wrap(() =>
      collectAws({
        ...ec2,
        regions,
        ...(vpcIds.length > 0 ? { vpcIds } : {}),
        onProgress: (e) => {
          totals.set(e.region, { done: e.done, total: e.total });
          let done = 0;
          let total = 0;
          for (const t of totals.values()) {
            done += t.done;
            total += t.total;
          }
          bar?.setTotal(total);
          bar?.update(done, { label: `${e.region} ${e.call}` });
        },
      }),
    );
    const files = [...extra, ...snap.files];
    return {
      docs: files.map((f) => ({ file: `aws:${f.path}`, data: f.data })),
      files,
      regions: [...new Set(regions)],
    };
  } finally {
    bar?.stop();
    for (const s of SIGNALS) process.removeListener(s, interrupted);
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/** The collector throws only when nothing at all could be read (credentials, connection): a usage error. */
async function wrap<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError((e as Error).message);
  }
}
