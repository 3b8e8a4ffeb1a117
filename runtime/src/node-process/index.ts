/**
 * `tsray/node-process`: what the `tsray` command runs (packages/cli calls only this): starting a
 * node (head or worker) in this process or detached, stopping the nodes started on this machine,
 * and asking a cluster for its status.
 */
export { startOptions, DEFAULT_HEAD_PORT, type StartFlags, type StartOptions } from "./start-options.js";
export { startNode, type RunningNode } from "./start-node.js";
export { runNode, type RunNodeHooks } from "./run-node.js";
export { spawnNode } from "./spawn-node.js";
export { stopNodes, type Stopped } from "./stop-nodes.js";
export { fetchClusterStatus, formatClusterStatus, type StatusOptions } from "./cluster-status.js";
export { stateDir, recordedNodes, resolveClusterAddress, type LocalNodeRecord } from "../cluster/local-node-records.js";
export type { ClusterStatus, NodeStatus } from "../cluster/cluster-messages.js";
