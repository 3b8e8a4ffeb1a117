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
 *
 * A node's report lags (a heartbeat a second), so the demands of lease requests sent to it since
 * its last report are taken off its view until the next one (as Ray's raylet does): requests
 * placed in one go are spread over the nodes with room, not all sent to the one that had room in
 * an old report.
 */
import type { HandleTakeOver } from "../node/handed-handles.js";
import type { NodeRecord } from "../cluster/cluster-state.js";
import type { ClusterStateCache } from "../cluster/cluster-state-client.js";
import type { ActorLeaseOwner, LeaseOwner } from "../node/node-client.js";
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
  /** The owner of this driver's actors (placed on node processes too, node/remote-actor-client.ts). */
  readonly actorOwner?: ActorLeaseOwner | undefined;
  readonly objects: ClusterObjects;
  /** The owner's generator streams: values of generators run on these nodes. */
  readonly items: GeneratorItems;
  /** The set of nodes or their resources changed: the scheduler looks again. */
  readonly changed: () => void;
  /** A node was connected to (its owner link is opened then: driver/owner-network.ts). */
  readonly connected?: ((record: NodeRecord) => void) | undefined;
  /** Holds the actors that results from these nodes carry (node/handed-handles.ts). */
  readonly handles?: HandleTakeOver | undefined;
}

export class RemoteNodes {
  private readonly clients = new Map<string, RemoteNodeClient>();
  /** Per node: the report (object identity) the demands were requested after, and their sum. */
  private readonly promised = new Map<string, { readonly report: object | undefined; demand: ResourceSet }>();

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

  /** The clients of every other alive ws node (connected now if first used): placement groups reserve bundles on them. */
  /** The owner dropped these objects: every node it is connected to frees its copies. */
  freeObjects(ids: readonly string[]): void {
    for (const client of this.clients.values()) if (!client.dead) client.freeObjects(ids);
  }

  liveClients(): RemoteNodeClient[] {
    const out: RemoteNodeClient[] = [];
    for (const record of this.parts.cluster.cache.allNodes()) {
      const client = this.reachable(record) ? this.byId(record.nodeId) : undefined;
      if (client !== undefined) out.push(client);
    }
    return out;
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
    const report = this.parts.cluster.cache.nodeAvailable?.(record.nodeId);
    const reported = report === undefined ? total : ResourceSet.of(report, `node ${record.nodeId}'s free resources`);
    const promised = this.promised.get(record.nodeId);
    if (promised === undefined) return { nodeId: record.nodeId, total, available: reported };
    if (promised.report !== report) {
      this.promised.delete(record.nodeId);
      return { nodeId: record.nodeId, total, available: reported };
    }
    // Below zero means "no room" to the policy (`fits`), which is what it is until the next report.
    return { nodeId: record.nodeId, total, available: reported.subtract(promised.demand) };
  }

  /** A lease request for `demand` went to node `nodeId`: off its view until its next report. */
  private requested(nodeId: string, demand: ResourceSet): void {
    const report = this.parts.cluster.cache.nodeAvailable?.(nodeId);
    const promised = this.promised.get(nodeId);
    if (promised !== undefined && promised.report === report) promised.demand = promised.demand.add(demand);
    else this.promised.set(nodeId, { report, demand });
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
    const client = new RemoteNodeClient(record.nodeId, leases, () => this.viewOf(record), this.parts.items, (spec) => this.requested(record.nodeId, spec.demand), this.parts.handles);
    client.attach(this.parts.owner);
    if (this.parts.actorOwner !== undefined) client.attachActors(this.parts.actorOwner);
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
