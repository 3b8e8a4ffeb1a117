/**
 * The nodes of a ws cluster as a joined driver sees them (issue 11): their resources for its
 * scheduler (the node table and the head's resource view, from the cluster-state client's cache),
 * and a `RemoteNodeClient` per node, connected on first use with the cluster's token: one
 * connection for the node protocol, one for the object transfer (so a large pull never queues in
 * front of a lease message), joined to the driver node's object store.
 *
 * A node whose connection closed is dead for this driver from then on (its leases were lost,
 * node/remote-node-client.ts): its view is left out even before the head says so, so no request
 * is sent back to it.
 */
import type { NodeRecord } from "../cluster/cluster-state.js";
import type { LeaseOwner } from "../node/node-client.js";
import { checkFromNode } from "../node/node-message-checks.js";
import type { FromNode, OpenChannel, ToNode } from "../node/node-messages.js";
import { RemoteNodeClient } from "../node/remote-node-client.js";
import type { GeneratorItems } from "../node/generator-wire.js";
import type { ObjectTransferMessage } from "../protocol/object-transfer.js";
import { transferMessageProblem } from "../protocol/object-transfer.js";
import type { NodeView } from "../scheduler/node-view.js";
import { ResourceSet } from "../scheduler/resource-set.js";
import { connectWs } from "../transport/ws-connection.js";
import type { ClusterObjects } from "./cluster-objects.js";

/**
 * Where the other nodes' records and free resources are read: a `RemoteClusterStateClient` (its
 * cache), or on the head the cluster state and its service's resource view (node-process/start-node.ts).
 */
export interface NodeViews {
  readonly cache: {
    allNodes(): readonly NodeRecord[];
    nodeAvailable(nodeId: string): Readonly<Record<string, number>> | undefined;
  };
  /** Called when the view changed (a node's report, a node joined or died). */
  onViewChange: (() => void) | undefined;
}

export interface RemoteNodesParts {
  readonly cluster: NodeViews;
  /** The driver's own node (never dialled). */
  readonly ownNodeId: string;
  readonly token: string | undefined;
  readonly ca?: string | Buffer | undefined;
  readonly owner: LeaseOwner;
  readonly objects: ClusterObjects;
  /** The owner's generator streams: values of generators run on these nodes. */
  readonly items: GeneratorItems;
  /** The set of nodes or their resources changed: the scheduler looks again. */
  readonly changed: () => void;
  /** A node was connected to (its owner link is opened then: driver/owner-network.ts). */
  readonly connected?: ((record: NodeRecord) => void) | undefined;
}

export class RemoteNodes {
  private readonly clients = new Map<string, RemoteNodeClient>();

  constructor(private readonly parts: RemoteNodesParts) {}

  /** The other alive nodes reachable over ws, as the placement policy sees them. */
  views(): NodeView[] {
    const out: NodeView[] = [];
    for (const record of this.parts.cluster.cache.allNodes()) if (this.reachable(record)) out.push(this.viewOf(record));
    return out;
  }

  /** The client of node `nodeId`, connecting now if this is its first use; undefined if it is not a live ws node. */
  byId(nodeId: string): RemoteNodeClient | undefined {
    const known = this.clients.get(nodeId);
    if (known !== undefined) return known.dead ? undefined : known;
    const record = this.parts.cluster.cache.allNodes().find((n) => n.nodeId === nodeId);
    if (record === undefined || !this.reachable(record)) return undefined;
    return this.connect(record);
  }

  /** The driver shuts down: every node connection closes (the nodes drop its work). */
  close(): void {
    for (const client of this.clients.values()) client.close("the driver shut down");
  }

  private reachable(record: NodeRecord): boolean {
    return record.alive && record.nodeId !== this.parts.ownNodeId && /^wss?:\/\//.test(record.address) && this.clients.get(record.nodeId)?.dead !== true;
  }

  private viewOf(record: NodeRecord): NodeView {
    const total = ResourceSet.of(record.resources, `node ${record.nodeId}'s resources`);
    const available = this.parts.cluster.cache.nodeAvailable(record.nodeId);
    return { nodeId: record.nodeId, total, available: available === undefined ? total : ResourceSet.of(available, `node ${record.nodeId}'s free resources`) };
  }

  private connect(record: NodeRecord): RemoteNodeClient {
    const { token, ca } = this.parts;
    const open = (channel: OpenChannel["channel"]): OpenChannel => ({ t: "open", channel, from: this.parts.ownNodeId });
    const leases = connectWs<ToNode, FromNode>(record.address, { kind: "owner", token, ca, check: checkFromNode });
    leases.send(open("leases"));
    const objects = connectWs<ObjectTransferMessage | OpenChannel, ObjectTransferMessage>(record.address, { kind: "owner", token, ca, check: transferMessageProblem });
    objects.send(open("objects"));
    // A connection that does not hold the process open: only the driver's work in flight does (keep-alive.ts).
    leases.holdProcess(false);
    objects.holdProcess(false);
    this.parts.objects.connectRemote(record.nodeId, objects as unknown as Parameters<ClusterObjects["connectRemote"]>[1]);
    const client = new RemoteNodeClient(record.nodeId, leases, () => this.viewOf(record), this.parts.items);
    client.attach(this.parts.owner);
    this.clients.set(record.nodeId, client);
    this.parts.connected?.(record);
    const closed = leases.onClose;
    leases.onClose = (event) => {
      closed?.(event);
      objects.close(1000, "the node's lease connection closed");
      this.parts.changed();
    };
    return client;
  }
}
