/**
 * The driver node's place in the cluster: its row in the node table, and the cluster-wide answers
 * of `ray.clusterResources()`, `ray.availableResources()` and `ray.nodes()`. On the embedded local
 * runtime (an in-process cluster state) the resources are this node's own, as before; after
 * `ray.init({ address })` (a remote cluster state) they are every alive node's, from the client's
 * cache (the node table, and the resource view the head sends).
 */
import type { NodeInfo } from "../api/core.js";
import type { NodeRecord } from "../cluster/cluster-state.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import { RemoteClusterStateClient } from "../cluster/remote-cluster-state-client.js";
import type { NodeTotals } from "../scheduler/node-totals.js";

/** Puts the driver's node in the node table; a remote client then reports `available()` with each heartbeat. */
export function registerOwnNode(
  cluster: ClusterStateClient,
  nodeId: string,
  o: { readonly node: NodeTotals; readonly nodeAddress?: string | undefined },
  available: () => Record<string, number>,
): Promise<void> {
  if (cluster instanceof RemoteClusterStateClient) cluster.reportLoad(nodeId, available);
  const record: NodeRecord = { nodeId, address: o.nodeAddress ?? `in-process://${nodeId}`, resources: o.node.totals.toJSON(), alive: true };
  return cluster.registerNode(record);
}

export function clusterTotals(cluster: ClusterStateClient, local: Record<string, number>): Record<string, number> {
  return cluster instanceof RemoteClusterStateClient ? cluster.cache.totalResources() : local;
}

export function clusterAvailable(cluster: ClusterStateClient, nodeId: string, local: Record<string, number>): Record<string, number> {
  return cluster instanceof RemoteClusterStateClient ? cluster.cache.availableResources(nodeId, local) : local;
}

export function nodeInfos(cluster: ClusterStateClient): NodeInfo[] {
  return cluster.cache.allNodes().map(({ nodeId, address, resources, alive }) => ({ nodeId, address, resources: { ...resources }, alive }));
}
