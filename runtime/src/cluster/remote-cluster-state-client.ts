/**
 * A `ClusterStateClient` for a cluster state in another process (the head), over one connection
 * (a `WsConnection` in a cluster; any `Connection` in tests). Each method is one `call` message;
 * its promise settles with the head's `reply` of the same id. Waits (`waitPlacementGroupUntilReady`)
 * are calls the head answers when the group is ready.
 *
 * - Every pending call is rejected when the connection closes (with the close's error, or a
 *   `ConnectionClosedError` naming the head) or when `close` is called; later calls reject at once.
 * - `cache` is a `RemoteClusterCache`: the head's snapshot (`ready` resolves once it is in), its
 *   change notifications, and this process's own writes, applied when made.
 * - The client heartbeats every `heartbeatMs` with `load()` (its nodes' available resources), so
 *   the head knows the process is alive (cluster-state-server.ts). The timer does not hold the
 *   process open.
 */
import { ConnectionClosedError } from "../common/errors.js";
import { fromWireError } from "../codec/index.js";
import type { Connection } from "../protocol/connection.js";
import type {
  ActorRecord,
  ActorStateUpdate,
  CreatePlacementGroupReply,
  CreatePlacementGroupRequest,
  NodeRecord,
  PlacementGroupRecord,
  RegisterActorReply,
  RegisterActorRequest,
} from "./cluster-state.js";
import type { ClusterStateClient } from "./cluster-state-client.js";
import type { ClusterCalls, ClusterMethod, ClusterStatus, FromHead, NodeLoad, ToHead } from "./cluster-messages.js";
import { DEFAULT_HEARTBEAT_MS } from "./cluster-state-server.js";
import { RemoteClusterCache } from "./remote-cluster-cache.js";

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export interface RemoteClusterStateClientOptions {
  readonly heartbeatMs?: number | undefined;
  /** This process's nodes' available resources, sent with each heartbeat. */
  readonly load?: (() => readonly NodeLoad[]) | undefined;
  /**
   * Told `true` when a call starts waiting for a reply with none waiting before, `false` when the
   * last one is answered: a driver holds its process open only while it waits for the head.
   */
  readonly holdWhileWaiting?: ((hold: boolean) => void) | undefined;
  /** Called once if the connection to the head is lost (not after `close`). */
  readonly onLost?: ((error: Error) => void) | undefined;
}

export class RemoteClusterStateClient implements ClusterStateClient {
  readonly cache = new RemoteClusterCache();
  /** Resolves once the head's snapshot is in the cache; rejects if the connection closes first. */
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedWith: Error | undefined;
  private heartbeat: NodeJS.Timeout;
  private heartbeatMs: number;
  private settleReady!: (error?: Error) => void;
  /** Nodes of this process whose free resources go with each heartbeat (`reportLoad`). */
  private readonly loads = new Map<string, () => Omit<NodeLoad, "nodeId">>();
  /** Called after the node table or the resource view changed (a driver's scheduler looks again). */
  onViewChange: (() => void) | undefined;

  constructor(
    private readonly connection: Connection<ToHead, FromHead>,
    private readonly options: RemoteClusterStateClientOptions = {},
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = (e) => (e === undefined ? resolve() : reject(e))));
    this.ready.catch(() => {});
    connection.onMessage = (m) => this.received(m);
    connection.onClose = (event) => {
      const error =
        event.error ?? new ConnectionClosedError(`The connection to the head closed (${event.code}${event.reason === "" ? "" : ` ${event.reason}`}).`);
      const lost = this.closedWith === undefined;
      this.shut(error);
      if (lost) this.options.onLost?.(error);
    };
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  private beatEvery(ms: number): void {
    clearInterval(this.heartbeat);
    this.heartbeatMs = ms;
    this.heartbeat = setInterval(() => this.beat(), ms);
    this.heartbeat.unref();
  }

  registerNode(node: NodeRecord): Promise<void> {
    if (this.closedWith === undefined) this.cache.node(node);
    const registered = this.call("registerNode", [node]);
    // The node's first resource report right behind its registration, not a heartbeat period later.
    queueMicrotask(() => this.beat());
    return registered;
  }

  unregisterNode(nodeId: string): Promise<void> {
    const node = this.cache.allNodes().find((n) => n.nodeId === nodeId);
    if (node !== undefined && this.closedWith === undefined) this.cache.node({ ...node, alive: false });
    return this.call("unregisterNode", [nodeId]);
  }

  getAllNodeInfo(): Promise<NodeRecord[]> {
    return this.call("getAllNodeInfo", []);
  }

  registerActor(request: RegisterActorRequest): Promise<RegisterActorReply> {
    const id = request.actor.actorId;
    if (this.closedWith === undefined) this.cache.actor({ actor: request.actor, name: request.name, namespace: request.namespace, nodeId: undefined, state: "PENDING" });
    return this.call("registerActor", [request]).then((reply) => {
      if (reply.kind !== "registered") {
        this.cache.forgetActor(id);
        this.cache.actor(reply.holder);
      }
      return reply;
    });
  }

  updateActorState(actorId: string, update: ActorStateUpdate): Promise<void> {
    const current = this.cache.actorById(actorId);
    if (current !== undefined) this.cache.actor({ ...current, state: update.state, nodeId: update.nodeId ?? current.nodeId });
    return this.call("updateActorState", [actorId, update]);
  }

  getActorInfo(actorId: string): Promise<ActorRecord | undefined> {
    return this.call("getActorInfo", [actorId]);
  }

  getNamedActorInfo(name: string, namespace: string): Promise<ActorRecord | undefined> {
    return this.call("getNamedActorInfo", [name, namespace]);
  }

  listNamedActors(namespace: string | undefined): Promise<Array<{ readonly name: string; readonly namespace: string }>> {
    return this.call("listNamedActors", [namespace]);
  }

  createPlacementGroup(request: CreatePlacementGroupRequest): Promise<CreatePlacementGroupReply> {
    const id = request.placementGroupId;
    if (this.closedWith === undefined && this.cache.placementGroup(id) === undefined) {
      this.cache.group({ placementGroupId: id, name: request.name, strategy: request.strategy, bundles: request.bundles, state: "PENDING", bundleNodes: [] });
    }
    return this.call("createPlacementGroup", [request]).then((reply) => {
      if (reply.kind === "name-taken") this.cache.forgetGroup(id);
      return reply;
    });
  }

  reportPlacementGroupCreated(placementGroupId: string, bundleNodes: readonly string[]): Promise<void> {
    const group = this.cache.placementGroup(placementGroupId);
    if (group?.state === "PENDING") this.cache.group({ ...group, state: "CREATED", bundleNodes: [...bundleNodes] });
    return this.call("reportPlacementGroupCreated", [placementGroupId, bundleNodes]);
  }

  removePlacementGroup(placementGroupId: string): Promise<void> {
    const group = this.cache.placementGroup(placementGroupId);
    if (group !== undefined) this.cache.group({ ...group, state: "REMOVED" });
    return this.call("removePlacementGroup", [placementGroupId]);
  }

  getPlacementGroup(placementGroupId: string): Promise<PlacementGroupRecord | undefined> {
    return this.call("getPlacementGroup", [placementGroupId]);
  }

  getAllPlacementGroup(): Promise<PlacementGroupRecord[]> {
    return this.call("getAllPlacementGroup", []);
  }

  waitPlacementGroupUntilReady(placementGroupId: string): Promise<"CREATED" | "REMOVED" | "UNKNOWN"> {
    return this.call("waitPlacementGroupUntilReady", [placementGroupId]);
  }

  reportLoad(nodeId: string, report: () => Omit<NodeLoad, "nodeId">): void {
    this.loads.set(nodeId, report);
  }

  /** The head's view for `tsray status`: every node with its available resources and silence. */
  getClusterStatus(): Promise<ClusterStatus> {
    return this.call("getClusterStatus", []);
  }

  close(reason: Error): void {
    if (this.closedWith !== undefined) return;
    this.shut(reason);
    // Calls sent before still reach the head (a node's last unregisterNode, say).
    this.connection.close(1000, "the client closed");
  }

  private call<M extends ClusterMethod>(method: M, args: ClusterCalls[M]["args"]): Promise<ClusterCalls[M]["reply"]> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.connection.state === "closing" || this.connection.state === "closed") {
        reject(new ConnectionClosedError(`Cannot reach the head: the connection is ${this.connection.state}.`));
        return;
      }
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) this.options.holdWhileWaiting?.(true);
      this.connection.send({ t: "call", id, method, args } as ToHead);
    });
  }

  private received(m: FromHead): void {
    switch (m.t) {
      case "reply": {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) this.options.holdWhileWaiting?.(false);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromWireError(m.error));
        return;
      }
      case "snapshot":
        // Beat at least as often as the head expects, or it cuts this client off as silent (unless the period was chosen).
        if (m.heartbeatMs !== undefined && m.heartbeatMs < this.heartbeatMs && this.options.heartbeatMs === undefined) this.beatEvery(m.heartbeatMs);
        this.cache.load(m.snapshot);
        this.settleReady();
        return;
      case "change":
        if (m.change.kind === "node") this.cache.node(m.change.node);
        else if (m.change.kind === "actor") this.cache.actor(m.change.actor);
        else this.cache.group(m.change.group);
        if (m.change.kind === "node") this.onViewChange?.();
        return;
      case "resource-view":
        this.cache.resourceView(m.nodes);
        this.onViewChange?.();
        return;
      default: {
        const unreachable: never = m;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private beat(): void {
    if (this.connection.state !== "open") return;
    const load: NodeLoad[] = [...(this.options.load?.() ?? [])];
    for (const [nodeId, report] of this.loads) load.push({ nodeId, ...report() });
    this.connection.send({ t: "heartbeat", load });
  }

  private shut(error: Error): void {
    this.closedWith = error;
    clearInterval(this.heartbeat);
    this.settleReady(error);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
