/**
 * How a runtime of a ws cluster connects to a node in another process that holds an object it
 * must pull (issue 11): a location can name any node (a borrowed ref's owner says where a copy
 * is; a task's argument may be held on a node this one never used). Called by the runtime's
 * node store just before such a pull (`LocalObjectStoreOptions.reach`), so a pull never fails for
 * want of a connection to a live node.
 *
 * A runtime that leases other nodes (`RemoteNodes`: a joined driver, a worker node) connects
 * there as it does to lease; one that does not (the head's runtime) opens only the object
 * transfer to the node's endpoint.
 */
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import type { OpenChannel } from "../node/node-messages.js";
import { transferMessageProblem, type ObjectTransferMessage } from "../protocol/object-transfer.js";
import { connectWs } from "../transport/ws-connection.js";
import type { ClusterObjects } from "./cluster-objects.js";
import type { RemoteNodes } from "./remote-nodes.js";

export interface NodeReachParts {
  readonly cluster: ClusterStateClient;
  readonly ownNodeId: string;
  readonly token: string | undefined;
  readonly ca?: string | Buffer | undefined;
  readonly objects: ClusterObjects;
  /** The nodes this runtime leases, if it does (connected to on first use). */
  readonly remote: () => RemoteNodes | undefined;
}

export function nodeReach(parts: NodeReachParts): (nodeId: string) => void {
  return (nodeId) => {
    const remote = parts.remote();
    if (remote !== undefined) return void remote.byId(nodeId);
    const record = parts.cluster.cache.allNodes().find((n) => n.nodeId === nodeId && n.alive && /^wss?:\/\//.test(n.address));
    if (record === undefined) return;
    const { token, ca } = parts;
    const objects = connectWs<ObjectTransferMessage | OpenChannel, ObjectTransferMessage>(record.address, { kind: "owner", token, ca, check: transferMessageProblem });
    objects.send({ t: "open", channel: "objects", from: parts.ownNodeId });
    objects.holdProcess(false);
    parts.objects.connectRemote(nodeId, objects as unknown as Parameters<ClusterObjects["connectRemote"]>[1]);
  };
}
