// --cluster NAME: the cluster's nodes as sources. A node is an interface tagged for the cluster (EKS and
// Kubernetes tags on the instance or interface) or carrying the cluster's node security group.
import { InputError } from "../model/errors.js";
import type { Endpoint, NetworkModel, UnplacedSource } from "../model/types.js";

/** What tells an interface for a node of a cluster: the same for those audited and those that cannot be. */
type NodeFacts = Pick<Endpoint, "clusters" | "filterIds" | "networkId">;

/**
 * Whether an interface is a node of cluster `name`: tagged for it, or carrying its cluster security
 * group in its VPC. (A group belongs to one VPC and an interface carries only its own VPC's groups, so
 * one whose VPC the input does not tell, networkId "", is in the cluster's when it carries the group.)
 */
export function isNodeOf(model: NetworkModel, name: string): (e: NodeFacts) => boolean {
  const info = model.clusters.get(name);
  const nodeFilters = new Set(info?.nodeFilterIds ?? []);
  return (e) =>
    (e.clusters?.includes(name) ?? false) ||
    (e.filterIds.some((id) => nodeFilters.has(id)) &&
      (!info?.networkId || e.networkId === "" || e.networkId === info.networkId));
}

/**
 * The cluster's nodes: those audited, and those the input tells too little of to audit (`unplaced`:
 * each listed under unknowns, see UnplacedSource). When every node is unplaced, the run is an audit of
 * no source that exits 3 listing them, not an error: the command is right and its nodes are in the
 * input, only incomplete, which is what 3 says (and says already when one node of three is unplaced:
 * the last one going the same way must not turn a nightly job's "incomplete data" into "bad command").
 */
export function clusterSources(
  model: NetworkModel,
  name: string,
): { nodes: Endpoint[]; unplaced: UnplacedSource[] } {
  const ambiguous = model.clusters.get(name)?.ambiguous;
  if (ambiguous !== undefined) throw new InputError(`--cluster ${name}: ${ambiguous}`);
  const isNode = isNodeOf(model, name);
  const nodes = model.endpoints.filter(isNode);
  const unplaced = (model.unplaced ?? []).filter(isNode);
  if (nodes.length === 0 && unplaced.length === 0)
    throw new InputError(
      `--cluster ${name}: no nodes of this cluster in the input (instances or interfaces tagged eks:cluster-name=${name} or kubernetes.io/cluster/${name}${model.clusters.has(name) ? ", or carrying its cluster security group" : ""})`,
    );
  return { nodes, unplaced };
}
