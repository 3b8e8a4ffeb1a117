/**
 * The cluster-state protocol: what a node, a driver or the `tsray` command sends to the head over a
 * cluster connection (`ToHead`) and what the head sends back (`FromHead`), after the handshake of
 * protocol/handshake.ts. Type-only tagged unions, as the thread protocol.
 *
 * - `call`: one `ClusterStateClient` method, by name, with its arguments as a tuple; the head
 *   answers with one `reply` of the same `id`, typed by `ClusterCalls[method].reply` (a rule outcome
 *   is a reply value; `ok: false` carries an error the head hit serving it). A client's calls are
 *   applied in the order sent.
 * - `heartbeat`: "still here", every `heartbeatMs`, with each of the sender's nodes' available
 *   resources (the resource report). Any message counts as a sign of life.
 * - From the head: `snapshot` first (the node table, live named actors, placement groups: what
 *   the client's cache holds), then every `change` of the cluster state as it happens (before the
 *   reply of the call that made it), and `resource-view` (alive nodes' available resources) when
 *   it changed.
 */
import type { WireError } from "../codec/index.js";
import type {
  ActorRecord,
  ActorStateUpdate,
  ClusterChange,
  CreatePlacementGroupReply,
  CreatePlacementGroupRequest,
  NodeRecord,
  PlacementGroupRecord,
  RegisterActorReply,
  RegisterActorRequest,
} from "./cluster-state.js";

/** What the head knows of a node beyond its record, for `tsray status`. */
export interface NodeStatus extends NodeRecord {
  /** Resources free at the node's last report; undefined before its first, or once it is dead. */
  readonly available: Readonly<Record<string, number>> | undefined;
  /** Requests waiting at the node's last report (see `NodeLoad`). */
  readonly pending: number | undefined;
  readonly infeasible: number | undefined;
  /** The node's object store at its last report (see `NodeLoad`). */
  readonly objects: number | undefined;
  readonly objectBytes: number | undefined;
  /** Milliseconds since the head last heard from the node's process (undefined: the head's own node). */
  readonly silentMs: number | undefined;
}

export interface ClusterStatus {
  readonly nodes: readonly NodeStatus[];
  /** The liveness settings: heartbeat period, and the silence after which a node is dead. */
  readonly heartbeatMs: number;
  readonly deadAfterMs: number;
}

/** Every call, its arguments and its reply. Names are `ClusterStateClient`'s, plus `getClusterStatus`. */
export interface ClusterCalls {
  registerNode: { args: [node: NodeRecord]; reply: void };
  unregisterNode: { args: [nodeId: string]; reply: void };
  getAllNodeInfo: { args: []; reply: NodeRecord[] };
  registerActor: { args: [request: RegisterActorRequest]; reply: RegisterActorReply };
  updateActorState: { args: [actorId: string, update: ActorStateUpdate]; reply: void };
  getActorInfo: { args: [actorId: string]; reply: ActorRecord | undefined };
  getNamedActorInfo: { args: [name: string, namespace: string]; reply: ActorRecord | undefined };
  listNamedActors: { args: [namespace: string | undefined]; reply: Array<{ readonly name: string; readonly namespace: string }> };
  createPlacementGroup: { args: [request: CreatePlacementGroupRequest]; reply: CreatePlacementGroupReply };
  reportPlacementGroupCreated: { args: [placementGroupId: string, bundleNodes: readonly string[]]; reply: void };
  removePlacementGroup: { args: [placementGroupId: string]; reply: void };
  getPlacementGroup: { args: [placementGroupId: string]; reply: PlacementGroupRecord | undefined };
  getAllPlacementGroup: { args: []; reply: PlacementGroupRecord[] };
  waitPlacementGroupUntilReady: { args: [placementGroupId: string]; reply: "CREATED" | "REMOVED" | "UNKNOWN" };
  getClusterStatus: { args: []; reply: ClusterStatus };
}

export type ClusterMethod = keyof ClusterCalls;

/** The calls the `tsray` command (a "cli" peer) may make: it reads, it never changes the cluster. */
export const READ_ONLY_METHODS: ReadonlySet<ClusterMethod> = new Set<ClusterMethod>([
  "getAllNodeInfo",
  "getActorInfo",
  "getNamedActorInfo",
  "listNamedActors",
  "getPlacementGroup",
  "getAllPlacementGroup",
  "getClusterStatus",
]);

export type CallMessage = {
  [M in ClusterMethod]: { readonly t: "call"; readonly id: number; readonly method: M; readonly args: ClusterCalls[M]["args"] };
}[ClusterMethod];

/** A node's resource report: its free resources, and the requests waiting in its scheduler. */
export interface NodeLoad {
  readonly nodeId: string;
  readonly available: Readonly<Record<string, number>>;
  /** Requests (tasks, actors) queued that could run once resources free up. */
  readonly pending?: number | undefined;
  /** Requests queued that no node known to this one could ever fit. */
  readonly infeasible?: number | undefined;
  /** The node's object store: large objects it holds (made or copied there), and their bytes. */
  readonly objects?: number | undefined;
  readonly objectBytes?: number | undefined;
}

export type ToHead = CallMessage | { readonly t: "heartbeat"; readonly load: readonly NodeLoad[] };

export interface ClusterSnapshot {
  readonly nodes: readonly NodeRecord[];
  /** Named actors that are not DEAD. */
  readonly actors: readonly ActorRecord[];
  readonly groups: readonly PlacementGroupRecord[];
}

export type FromHead =
  | { readonly t: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: "reply"; readonly id: number; readonly ok: false; readonly error: WireError }
  /** `heartbeatMs`: how often the head expects a heartbeat; a client that beats less often adopts it (absent: older heads). */
  | { readonly t: "snapshot"; readonly snapshot: ClusterSnapshot; readonly heartbeatMs?: number | undefined }
  | { readonly t: "change"; readonly change: ClusterChange }
  | { readonly t: "resource-view"; readonly nodes: readonly NodeLoad[] };
