// EKS: DescribeCluster gives the cluster's VPC, subnets and cluster security group. The answer is kept
// in the snapshot exactly as `aws eks describe-cluster` prints it ({"cluster": {...}}).
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { httpTimeouts, type AwsCredentials, type AwsSnapshotFile } from "./collect.js";

export interface EksCollectOptions {
  region: string;
  name: string;
  profile?: string;
  credentials?: AwsCredentials;
  maxAttempts?: number;
}

export interface EksCluster {
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
  try {
    const out = await client.send(new DescribeClusterCommand({ name: opts.name }));
    if (!out.cluster) throw new Error(`EKS returned no cluster for ${opts.name}`);
    const data = JSON.parse(JSON.stringify({ cluster: out.cluster })) as Record<string, unknown>;
    return {
      file: { path: `${opts.region}/EksCluster-${opts.name}.json`, data },
      vpcId: out.cluster.resourcesVpcConfig?.vpcId,
    };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    throw new Error(
      `eks:DescribeCluster for ${opts.name} in ${opts.region} failed: ${err.name ?? "Error"}: ${err.message ?? ""}`,
      { cause: e },
    );
  } finally {
    client.destroy();
  }
}
