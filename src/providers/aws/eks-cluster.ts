// EksClusters (`aws eks describe-cluster` output) -> ClusterInfo: the cluster's VPC, subnets and the
// cluster security group EKS attaches to its nodes, used to pick the cluster's nodes as sources.
import { ascending } from "../../model/order.js";
import type { AwsContext } from "./context.js";

export function convertEksClusters(ctx: AwsContext): void {
  /** The clusters of each name, by their ARN (the same cluster saved twice is one). */
  const byName = new Map<string, Set<string>>();
  for (const { item: c } of ctx.raw.EksClusters) {
    const v = c.resourcesVpcConfig;
    const arns = byName.get(c.name) ?? new Set<string>();
    byName.set(c.name, arns.add(c.arn ?? `(no arn: ${v.vpcId ?? "no VPC"})`));
    ctx.model.clusters.set(c.name, {
      name: c.name,
      ...(v.vpcId ? { networkId: v.vpcId } : {}),
      subnetIds: v.subnetIds ?? [],
      nodeFilterIds: v.clusterSecurityGroupId ? [v.clusterSecurityGroupId] : [],
    });
  }
  // EKS names are unique per account and region only: two clusters of one name (two regions' or
  // accounts' snapshots in one folder) cannot be told apart by --cluster, and taking whichever was read
  // last would audit one of them as if it were the only one.
  for (const [name, arns] of byName)
    if (arns.size > 1)
      ctx.model.clusters.get(name)!.ambiguous =
        `the input holds ${arns.size} EKS clusters named ${name} (${[...arns].sort(ascending).join(", ")}): which one is meant cannot be told; audit a folder that holds one of them`;
}
