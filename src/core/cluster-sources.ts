// --cluster NAME: the cluster's nodes as sources. A node is an interface tagged for the cluster (EKS and
// Kubernetes tags on the instance or interface) or carrying the cluster's node security group.
import { InputError } from "../model/errors.js";
import type { Endpoint, NetworkModel } from "../model/types.js";

export function clusterSources(model: NetworkModel, name: string): Endpoint[] {
  const info = model.clusters.get(name);
  const nodeFilters = new Set(info?.nodeFilterIds ?? []);
  const nodes = model.endpoints.filter(
    (e) =>
      (e.clusters?.includes(name) ?? false) ||
      (e.filterIds.some((id) => nodeFilters.has(id)) && (!info?.networkId || e.networkId === info.networkId)),
  );
  if (nodes.length === 0)
    throw new InputError(
      `--cluster ${name}: no nodes of this cluster in the input (instances or interfaces tagged eks:cluster-name=${name} or kubernetes.io/cluster/${name}${info ? ", or carrying its cluster security group" : ""})`,
    );
  return nodes;
}
