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
import type { LocalScheduler } from "../scheduler/local-scheduler.js";
import type { NodeLoad } from "../cluster/cluster-messages.js";
import type { NodeObjectStoreStats } from "../object-store/node-object-store.js";

/** Puts the driver's node in the node table; a client that reports to a head then sends its load with each heartbeat. */
export function registerOwnNode(
  cluster: ClusterStateClient,
  nodeId: string,
  o: { readonly node: NodeTotals; readonly nodeAddress?: string | undefined; readonly jobId?: string | undefined },
  scheduler: () => LocalScheduler<unknown>,
  /** The node's object store, once there is one (a node with peers); its figures go with the report. */
  store?: () => NodeObjectStoreStats | undefined,
): Promise<void> {
  // Called at the first heartbeat at the earliest, once the scheduler exists.
  cluster.reportLoad?.(nodeId, () => loadOf(scheduler(), store?.()));
  const record: NodeRecord = { nodeId, address: o.nodeAddress ?? `in-process://${nodeId}`, resources: o.node.totals.toJSON(), alive: true, ...(o.jobId !== undefined ? { jobId: o.jobId } : {}) };
  return cluster.registerNode(record);
}

/** The node's resource report: what is free, how many requests wait (infeasible ones apart), what its store holds. */
function loadOf(scheduler: LocalScheduler<unknown>, store: NodeObjectStoreStats | undefined): Omit<NodeLoad, "nodeId"> {
  let pending = 0;
  let infeasible = 0;
  for (const cls of scheduler.pending()) {
    if (cls.infeasible === undefined) pending += cls.pending.length;
    else infeasible += cls.pending.length;
  }
  const objects = store === undefined ? {} : { objects: store.objects, objectBytes: store.bytes };
  return { available: scheduler.available().toJSON(), pending, infeasible, ...objects };
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
