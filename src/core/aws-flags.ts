// Maps the aws commands' flags to the pipeline's input options.
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

export function awsInputOf(flags: AwsFlagValues): AwsInput {
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
