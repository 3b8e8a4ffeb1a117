/**
 * How owners and nodes talk to the cluster state (Ray's GCS client). Every
 * call is asynchronous, as a remote implementation (a socket to the head
 * process) will need: answers are plain data, rule outcomes are answers (the
 * caller turns them into its user's errors), and a call fails only when the
 * cluster state cannot be reached (or the client was closed).
 *
 * The methods are named after Ray's GCS services so that a reader who knows
 * Ray finds them: NodeInfoGcsService (`registerNode`, `unregisterNode`,
 * `getAllNodeInfo`), ActorInfoGcsService (`registerActor`, `getActorInfo`,
 * `getNamedActorInfo`, `listNamedActors`; `updateActorState` stands for the
 * lifecycle reports Ray's GCS receives from raylets and core workers) and
 * PlacementGroupInfoGcsService (`createPlacementGroup`, `removePlacementGroup`,
 * `getPlacementGroup`, `getAllPlacementGroup`, `waitPlacementGroupUntilReady`;
 * `reportPlacementGroupCreated` stands for the commit of bundle reservations
 * that Ray's GCS placement-group scheduler does with the raylets).
 *
 * Implementations: `InProcessClusterStateClient` (a `ClusterState` in the
 * same process: today's single machine and the in-process test cluster).
 * `RemoteClusterStateClient` sends the same calls over a connection to the head (the ws cluster).
 */
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
import type { NodeLoad } from "./cluster-messages.js";

export interface ClusterStateClient {
  // NodeInfo
  registerNode(node: NodeRecord): Promise<void>;
  /** Marks the node dead (Ray: UnregisterNode / a missed heartbeat deadline). */
  unregisterNode(nodeId: string): Promise<void>;
  getAllNodeInfo(): Promise<NodeRecord[]>;

  // ActorInfo
  registerActor(request: RegisterActorRequest): Promise<RegisterActorReply>;
  updateActorState(actorId: string, update: ActorStateUpdate): Promise<void>;
  getActorInfo(actorId: string): Promise<ActorRecord | undefined>;
  getNamedActorInfo(name: string, namespace: string): Promise<ActorRecord | undefined>;
  /** `namespace` undefined: every namespace (Ray's `all_namespaces=True`). */
  listNamedActors(namespace: string | undefined): Promise<Array<{ readonly name: string; readonly namespace: string }>>;

  // PlacementGroupInfo
  createPlacementGroup(request: CreatePlacementGroupRequest): Promise<CreatePlacementGroupReply>;
  /** The group's bundles are reserved, bundle i on node `bundleNodes[i]`. */
  reportPlacementGroupCreated(placementGroupId: string, bundleNodes: readonly string[]): Promise<void>;
  removePlacementGroup(placementGroupId: string): Promise<void>;
  getPlacementGroup(placementGroupId: string): Promise<PlacementGroupRecord | undefined>;
  getAllPlacementGroup(): Promise<PlacementGroupRecord[]>;
  /**
   * Resolves once the group is no longer PENDING, with its state then
   * (`UNKNOWN`: there is no such group). Rejects when the client is closed first.
   */
  waitPlacementGroupUntilReady(placementGroupId: string): Promise<"CREATED" | "REMOVED" | "UNKNOWN">;

  /**
   * The node-local cache: synchronous reads for the few answers the public API
   * gives synchronously (a name clash thrown by `.remote()`, `ray.placementGroupTable()`,
   * a call into a removed group refused at the call site). In process it reads
   * the cluster state itself; a remote client keeps it from the head's change
   * notifications and its own calls, so it may lag behind other processes'
   * writes but always shows this process's own (see docs/architecture.md, "Cluster state").
   */
  readonly cache: ClusterStateCache;

  /**
   * Sends `report()` (a node's free resources and waiting requests) to the head from now on, with
   * each heartbeat. Only clients that report to a head have it (remote ones, a head's own node).
   */
  reportLoad?(nodeId: string, report: () => Omit<NodeLoad, "nodeId">): void;

  /** Rejects every pending wait with `reason` and stops listening; later calls reject with it too. */
  close(reason: Error): void;
}

export interface ClusterStateCache {
  namedActor(namespace: string, name: string): ActorRecord | undefined;
  placementGroup(placementGroupId: string): PlacementGroupRecord | undefined;
  placementGroupNamed(name: string): PlacementGroupRecord | undefined;
  allPlacementGroups(): readonly PlacementGroupRecord[];
  /** The node table, dead nodes included (`ray.nodes()`). */
  allNodes(): readonly NodeRecord[];
}
