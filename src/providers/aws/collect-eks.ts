// EKS: DescribeCluster gives the cluster's VPC, subnets and cluster security group. The answer is kept
// in the snapshot exactly as `aws eks describe-cluster` prints it ({"cluster": {...}}).
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import {
  credentialsNotFound,
  httpTimeouts,
  limitTimedOutRetries,
  type AwsCredentials,
  type AwsSnapshotFile,
} from "./collect.js";

export interface EksCollectOptions {
  region: string;
  name: string;
  profile?: string;
  credentials?: AwsCredentials;
  maxAttempts?: number;
}

export interface EksCluster {
  region: string;
  file: AwsSnapshotFile;
  vpcId: string | undefined;
}

export async function describeEksCluster(opts: EksCollectOptions): Promise<EksCluster> {
  // The endpoint can be redirected with the SDK's standard AWS_ENDPOINT_URL_EKS variable.
  const client = new EKSClient({
    region: opts.region,
    retryMode: "adaptive",
    maxAttempts: opts.maxAttempts ?? 8,
    requestHandler: httpTimeouts(),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  limitTimedOutRetries(client);
  try {
    const out = await client.send(new DescribeClusterCommand({ name: opts.name }));
    if (!out.cluster) throw new Error(`EKS returned no cluster for ${opts.name}`);
    const data = JSON.parse(JSON.stringify({ cluster: out.cluster })) as Record<string, unknown>;
    return {
      region: opts.region,
      file: { path: `${opts.region}/EksCluster-${opts.name}.json`, data },
      vpcId: out.cluster.resourcesVpcConfig?.vpcId,
    };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    throw new EksError(
      err.name ?? "Error",
      // No credentials is no refusal of eks:DescribeCluster: said as the other live commands say it.
      credentialsNotFound(e) ??
        `eks:DescribeCluster for ${opts.name} in ${opts.region} failed: ${err.name ?? "Error"}: ${err.message ?? ""}`,
      e,
    );
  } finally {
    client.destroy();
  }
}

class EksError extends Error {
  constructor(
    readonly code: string,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * The cluster named `name` in whichever of `regions` has it: each is asked (EKS names are unique per
 * region only). A region that answers ResourceNotFoundException does not have it. Any other failure
 * ends the search with that error, since the cluster could be the one there, unless it was found in
 * exactly one other region; a name found in more than one region ends it too (which to audit is the user's to say, with --region: the run keeps clusters by
 * name), and one found nowhere, naming the regions asked.
 */
export async function findEksCluster(
  opts: Omit<EksCollectOptions, "region"> & { regions: readonly string[] },
): Promise<EksCluster> {
  const { regions, ...rest } = opts;
  const answers = await Promise.all(
    regions.map((region) =>
      describeEksCluster({ ...rest, region }).then(
        (cluster) => ({ region, cluster }),
        (error: unknown) => ({ region, error }),
      ),
    ),
  );
  const found = answers.flatMap((a) => ("cluster" in a ? [a.cluster] : []));
  const failed = answers.flatMap((a) =>
    "error" in a && !(a.error instanceof EksError && a.error.code === "ResourceNotFoundException")
      ? [a.error]
      : [],
  );
  const where = (list: readonly { region: string }[]): string => list.map((c) => c.region).join(", ");
  // Found in exactly one region: what other regions refused (an organisation policy denying regions
  // it does not use, say) is not needed. Found nowhere, a refusal may hide it.
  if (failed.length > 0 && found.length !== 1) {
    const first = failed[0] as Error;
    const elsewhere =
      found.length > 1 ? ` (it is in ${where(found)}: pass --region to search only there)` : "";
    throw new Error(`${first.message}${elsewhere}`, { cause: first });
  }
  if (found.length > 1)
    throw new Error(
      `--cluster ${opts.name}: an EKS cluster of that name is in each of ${where(found)}: pass --region to say which`,
    );
  const cluster = found[0];
  if (!cluster)
    throw new Error(
      `--cluster ${opts.name}: no EKS cluster of that name in ${regions.join(", ")} (eks:DescribeCluster answered ResourceNotFoundException)`,
    );
  return cluster;
}
