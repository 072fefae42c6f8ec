// EksClusters (`aws eks describe-cluster` output) -> ClusterInfo: the cluster's VPC, subnets and the
// cluster security group EKS attaches to its nodes, used to pick the cluster's nodes as sources.
import type { AwsContext } from "./context.js";

export function convertEksClusters(ctx: AwsContext): void {
  for (const { item: c } of ctx.raw.EksClusters) {
    const v = c.resourcesVpcConfig;
    ctx.model.clusters.set(c.name, {
      name: c.name,
      ...(v.vpcId ? { networkId: v.vpcId } : {}),
      subnetIds: v.subnetIds ?? [],
      nodeFilterIds: v.clusterSecurityGroupId ? [v.clusterSecurityGroupId] : [],
    });
  }
}
