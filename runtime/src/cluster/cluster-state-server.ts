/**
 * The head's side of the cluster-state protocol (cluster-messages.ts): serves one `ClusterState`
 * to every accepted connection, pushes its changes to them, and keeps the liveness of the processes
 * behind them.
 *
 * Each connection gets an `InProcessClusterStateClient` of its own on the shared state, through which
 * its calls are applied (so waits work, and end when the connection does). A "cli" peer (the `tsray`
 * command) may only read. A call that throws (a peer breaking a rule the state enforces by throwing,
 * such as registering an actor id twice) is answered with the error; the connection stays.
 *
 * Liveness (Ray's GCS health check): any message from a peer is a sign of life; its process sends a
 * heartbeat every `heartbeatMs`. A connection silent for `deadAfterMs` is cut off, and when a
 * connection ends, for whatever reason, every node registered through it is marked dead (it stays in
 * the node table, dead) and leaves the resource view; every actor that lived on it (named or not) is DEAD. Detection time is therefore at most
 * `deadAfterMs` plus one check period (`heartbeatMs / 2`) for a silent peer, and the time for its
 * socket to close for a process that died (its kernel closes the socket at once).
 */
import { ConnectionClosedError } from "../common/errors.js";
import { toWireError } from "../codec/index.js";
import type { Connection } from "../protocol/connection.js";
import { ClusterCloseCode, type PeerKind } from "../protocol/handshake.js";
import type { ActorRecord, ClusterChange, ClusterState } from "./cluster-state.js";
import { InProcessClusterStateClient } from "./in-process-cluster-state-client.js";
import {
  READ_ONLY_METHODS,
  type CallMessage,
  type ClusterSnapshot,
  type ClusterStatus,
  type FromHead,
  type NodeLoad,
  type NodeStatus,
  type ToHead,
} from "./cluster-messages.js";

export const DEFAULT_HEARTBEAT_MS = 1_000;
export const DEFAULT_MISSED_HEARTBEATS = 5;
/** A peer this far behind in reading what it is sent is cut off rather than buffered for without bound. */
const MAX_BUFFERED_MESSAGES = 100_000;

export interface ClusterStateServerOptions {
  readonly heartbeatMs?: number | undefined;
  /** Silence after which a peer is dead. Default: `DEFAULT_MISSED_HEARTBEATS` heartbeats. */
  readonly deadAfterMs?: number | undefined;
  readonly log: (line: string) => void;
  /** The resource reports of nodes in the head's own process (they send no heartbeats). */
  readonly localLoad?: (() => readonly NodeLoad[]) | undefined;
}

interface Peer {
  readonly connection: Connection<FromHead, ToHead>;
  readonly kind: PeerKind;
  readonly name: string;
  readonly client: InProcessClusterStateClient;
  /** Nodes registered through this connection: dead when it ends. */
  readonly nodes: Set<string>;
  /** Placement groups created through this connection and not removed: a group lives as long as its creator (Ray's job-scoped groups). */
  readonly groups: Set<string>;
  lastSeen: number;
}

export class ClusterStateServer {
  private readonly peers = new Set<Peer>();
  /** Actors registered through a peer's connection (not DEAD): their owner lives while that connection does. */
  private readonly ownerPeers = new Map<string, Peer>();
  /** Each alive node's latest resource report. */
  private readonly loads = new Map<string, NodeLoad>();
  private viewChanged = false;
  /** Told when the resource view changed (the head's own runtime spills on it, node-process/start-node.ts). */
  onViewChange: (() => void) | undefined;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: ClusterState,
    private readonly options: ClusterStateServerOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.deadAfterMs = options.deadAfterMs ?? this.heartbeatMs * DEFAULT_MISSED_HEARTBEATS;
    this.unsubscribe = state.subscribe((change) => this.broadcast(change));
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(this.heartbeatMs / 2)));
    this.timer.unref();
  }

  /** Serves an accepted connection (the handshake is done). */
  accept(connection: Connection<FromHead, ToHead>, kind: PeerKind, name: string): void {
    const peer: Peer = { connection, kind, name, client: new InProcessClusterStateClient(this.state), nodes: new Set(), groups: new Set(), lastSeen: Date.now() };
    this.peers.add(peer);
    connection.onMessage = (m) => this.received(peer, m);
    connection.onClose = (event) => this.gone(peer, event.reason === "" ? `its connection closed (${event.code})` : event.reason);
    if (kind === "cli") return;
    connection.send({ t: "snapshot", snapshot: this.snapshot(), heartbeatMs: this.heartbeatMs });
    connection.send({ t: "resource-view", nodes: this.resourceView() });
  }

  /** What `tsray status` shows. */
  status(): ClusterStatus {
    const now = Date.now();
    const silent = new Map<string, number>();
    for (const p of this.peers) for (const n of p.nodes) silent.set(n, now - p.lastSeen);
    this.refreshLocalLoad();
    const nodes: NodeStatus[] = this.state.allNodes().map((n) => ({
      ...n,
      available: n.alive ? this.loads.get(n.nodeId)?.available : undefined,
      pending: n.alive ? this.loads.get(n.nodeId)?.pending : undefined,
      infeasible: n.alive ? this.loads.get(n.nodeId)?.infeasible : undefined,
      objects: n.alive ? this.loads.get(n.nodeId)?.objects : undefined,
      objectBytes: n.alive ? this.loads.get(n.nodeId)?.objectBytes : undefined,
      silentMs: silent.get(n.nodeId),
    }));
    return { nodes, heartbeatMs: this.heartbeatMs, deadAfterMs: this.deadAfterMs };
  }

  /** Stops the liveness checks and closes every connection. */
  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const p of this.peers) p.connection.close(1001, "the head is shutting down");
  }

  private received(peer: Peer, m: ToHead): void {
    peer.lastSeen = Date.now();
    switch (m.t) {
      case "heartbeat":
        for (const l of m.load) {
          // A peer reports only the nodes it registered.
          if (!peer.nodes.has(l.nodeId) || this.state.node(l.nodeId)?.alive !== true) continue;
          this.loads.set(l.nodeId, l);
          this.viewChanged = true;
        }
        return;
      case "call":
        return this.call(peer, m);
      default: {
        const unreachable: never = m;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private call(peer: Peer, m: CallMessage): void {
    if (peer.kind === "cli" && !READ_ONLY_METHODS.has(m.method)) {
      this.options.log(`closing the connection to ${peer.name}: the tsray command may only read, it called ${m.method}`);
      peer.connection.close(ClusterCloseCode.POLICY_VIOLATION, `${m.method} is not allowed to a cli peer`);
      return;
    }
    let result: Promise<unknown>;
    try {
      result = this.apply(peer, m);
    } catch (e) {
      result = Promise.reject(e);
    }
    result.then(
      (value) => this.reply(peer, { t: "reply", id: m.id, ok: true, value }),
      (error: unknown) => this.reply(peer, { t: "reply", id: m.id, ok: false, error: toWireError(error) }),
    );
  }

  /** Applies one call through the peer's client (in arrival order: each takes effect when made). */
  private apply(peer: Peer, m: CallMessage): Promise<unknown> {
    const c = peer.client;
    switch (m.method) {
      case "registerNode":
        peer.nodes.add(m.args[0].nodeId);
        this.viewChanged = true;
        return c.registerNode(m.args[0]);
      case "unregisterNode":
        peer.nodes.delete(m.args[0]);
        this.dropFromView(m.args[0]);
        return c.unregisterNode(m.args[0]);
      case "getAllNodeInfo":
        return c.getAllNodeInfo();
      case "registerActor":
        this.ownerPeers.set(m.args[0].actor.actorId, peer);
        return c.registerActor(m.args[0]);
      case "updateActorState":
        if (m.args[1].state === "DEAD") this.ownerPeers.delete(m.args[0]);
        return c.updateActorState(m.args[0], m.args[1]);
      case "getActorInfo":
        return c.getActorInfo(m.args[0]);
      case "getNamedActorInfo":
        return c.getNamedActorInfo(m.args[0], m.args[1]);
      case "listNamedActors":
        return c.listNamedActors(m.args[0]);
      case "createPlacementGroup":
        peer.groups.add(m.args[0].placementGroupId);
        return c.createPlacementGroup(m.args[0]);
      case "reportPlacementGroupCreated":
        return c.reportPlacementGroupCreated(m.args[0], m.args[1]);
      case "removePlacementGroup":
        peer.groups.delete(m.args[0]);
        return c.removePlacementGroup(m.args[0]);
      case "getPlacementGroup":
        return c.getPlacementGroup(m.args[0]);
      case "getAllPlacementGroup":
        return c.getAllPlacementGroup();
      case "waitPlacementGroupUntilReady":
        return c.waitPlacementGroupUntilReady(m.args[0]);
      case "getClusterStatus":
        return Promise.resolve(this.status());
      default: {
        const unreachable: never = m;
        throw new Error(`unhandled call ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private reply(peer: Peer, message: FromHead): void {
    if (peer.connection.state === "open") this.send(peer, message);
  }

  private send(peer: Peer, message: FromHead): void {
    if (peer.connection.bufferedAmount > MAX_BUFFERED_MESSAGES) {
      this.options.log(`closing the connection to ${peer.name}: it is not reading what it is sent (${peer.connection.bufferedAmount} messages behind)`);
      peer.connection.close(ClusterCloseCode.POLICY_VIOLATION, "too far behind");
      return;
    }
    peer.connection.send(message);
  }

  private broadcast(change: ClusterChange): void {
    if (change.kind === "node" && !change.node.alive) this.dropFromView(change.node.nodeId);
    for (const p of this.peers) if (p.kind !== "cli" && p.connection.state === "open") this.send(p, { t: "change", change });
  }

  private snapshot(): ClusterSnapshot {
    const actors: ActorRecord[] = [];
    for (const { name, namespace } of this.state.namedActors(undefined)) actors.push(this.state.namedActor(namespace, name)!);
    return { nodes: this.state.allNodes(), actors, groups: this.state.allPlacementGroups() };
  }

  /** The head's own nodes report by being asked. */
  private refreshLocalLoad(): void {
    for (const l of this.options.localLoad?.() ?? []) {
      const before = this.loads.get(l.nodeId);
      if (before !== undefined && JSON.stringify(before) === JSON.stringify(l)) continue;
      this.loads.set(l.nodeId, l);
      this.viewChanged = true;
    }
  }

  /** Node `nodeId`'s free resources in its latest report (undefined: none yet, or dead). */
  nodeAvailable(nodeId: string): Readonly<Record<string, number>> | undefined {
    return this.loads.get(nodeId)?.available;
  }

  private resourceView(): NodeLoad[] {
    this.refreshLocalLoad();
    return [...this.loads.values()];
  }

  private dropFromView(nodeId: string): void {
    if (this.loads.delete(nodeId)) this.viewChanged = true;
  }

  /** A peer's connection ended: its nodes are dead. */
  private gone(peer: Peer, why: string): void {
    if (!this.peers.delete(peer)) return;
    peer.client.close(new ConnectionClosedError(`The connection to ${peer.name} closed: ${why}.`));
    const dead = new Set<string>();
    for (const nodeId of peer.nodes) {
      if (this.state.node(nodeId)?.alive !== true) continue;
      this.options.log(`node ${nodeId} is dead: ${why}`);
      this.state.markNodeDead(nodeId);
      dead.add(nodeId);
    }
    if (dead.size > 0) this.actorsDiedWith(dead);
    for (const [actorId, owner] of this.ownerPeers) if (owner === peer) this.ownerPeers.delete(actorId);
    // Its groups end with it (the nodes that reserved their bundles release them: node/node-service.ts).
    for (const id of peer.groups) if (this.state.removePlacementGroup(id)) this.options.log(`placement group ${id} is REMOVED: its creator ${peer.name} is gone`);
  }

  /**
   * Every actor (named or not) that lived on a node that died, and whose owner died too (the
   * connection it registered the actor through is gone), is dead, and a name it held is free. An
   * actor whose owner lives (its connection open, or the head's own runtime) is left to the owner,
   * which restarts it on another node (`maxRestarts`) or reports it dead. The record has no reason
   * field; the head logs which node took each one down.
   */
  private actorsDiedWith(nodes: ReadonlySet<string>): void {
    for (const record of this.state.liveActorsOn(nodes)) {
      // Registered through a connection still open, or by the head's own runtime: its owner lives.
      const owner = this.ownerPeers.get(record.actor.actorId);
      if (owner === undefined || this.peers.has(owner)) continue;
      this.options.log(`actor ${record.actor.actorId} is DEAD: its node ${record.nodeId} died`);
      this.state.updateActor(record.actor.actorId, { state: "DEAD" });
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const p of this.peers) {
      if (now - p.lastSeen <= this.deadAfterMs) continue;
      const why = `no heartbeat from ${p.name} for ${now - p.lastSeen} ms (the bound is ${this.deadAfterMs} ms)`;
      // The transport cuts off a peer that does not answer the close (ws-connection.ts); its nodes are dead now.
      p.connection.close(ClusterCloseCode.HEARTBEAT_TIMEOUT, "heartbeat timeout");
      this.gone(p, why);
    }
    this.refreshLocalLoad();
    if (!this.viewChanged) return;
    this.viewChanged = false;
    this.onViewChange?.();
    const nodes = this.resourceView();
    for (const p of this.peers) if (p.kind !== "cli" && p.connection.state === "open") this.send(p, { t: "resource-view", nodes });
  }
}
