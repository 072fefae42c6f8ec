// Maps the aws commands' flags to the pipeline's input options.
import { InputError } from "../model/errors.js";
import type { AwsInput } from "./pipeline.js";

export interface AwsFlagValues {
  "from-dir"?: string | undefined;
  vpc?: string[] | undefined;
  region?: string[] | undefined;
  "all-regions": boolean;
  profile?: string | undefined;
  cluster?: string | undefined;
  "endpoint-url"?: string | undefined;
  "save-snapshot"?: string | undefined;
  json: boolean;
}

/** Flags that only say how to read the AWS API: with --from-dir the folder says what is read. */
const LIVE_ONLY = ["region", "all-regions", "profile", "endpoint-url"] as const;

export function awsInputOf(flags: AwsFlagValues): AwsInput {
  if (flags["from-dir"]) {
    const live = LIVE_ONLY.filter((f) => (Array.isArray(flags[f]) ? flags[f].length > 0 : Boolean(flags[f])));
    if (live.length > 0)
      throw new InputError(
        `${live.map((f) => `--${f}`).join(", ")}: for reading the AWS API; with --from-dir the folder decides what is read (narrow it with --vpc)`,
      );
  }
  return {
    ...(flags["from-dir"] ? { fromDir: flags["from-dir"] } : {}),
    ...(flags.vpc ? { vpcIds: flags.vpc } : {}),
    ...(flags.region ? { regions: flags.region } : {}),
    allRegions: flags["all-regions"],
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.cluster ? { cluster: flags.cluster } : {}),
    ...(flags["endpoint-url"] ? { endpoint: flags["endpoint-url"] } : {}),
    ...(flags["save-snapshot"] ? { saveSnapshot: flags["save-snapshot"] } : {}),
    progress: !flags.json && Boolean(process.stderr.isTTY),
  };
}
