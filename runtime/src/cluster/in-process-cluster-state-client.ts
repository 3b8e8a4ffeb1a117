/**
 * A `ClusterStateClient` for a `ClusterState` in the same process: the
 * driver's own on a single machine, and the shared one of an in-process test
 * cluster (several clients, one state).
 *
 * Timing, and why: a call takes effect on the state when it is made (calls
 * from one client are applied in call order, as one ordered connection to the
 * head would deliver them), and its answer comes back through a promise, so
 * it is seen a microtask later at the earliest: callers cannot come to rely
 * on synchronous answers a network would not give. The only synchronous
 * reads are the documented `cache` (here: the state itself, always current).
 */
import type {
  ActorRecord,
  ActorStateUpdate,
  ClusterChange,
  ClusterState,
  CreatePlacementGroupReply,
  CreatePlacementGroupRequest,
  NodeRecord,
  PlacementGroupRecord,
  RegisterActorReply,
  RegisterActorRequest,
} from "./cluster-state.js";
import type { ClusterStateCache, ClusterStateClient } from "./cluster-state-client.js";

type GroupOutcome = "CREATED" | "REMOVED" | "UNKNOWN";

interface GroupWaiter {
  readonly resolve: (outcome: GroupOutcome) => void;
  readonly reject: (error: Error) => void;
}

export class InProcessClusterStateClient implements ClusterStateClient {
  readonly cache: ClusterStateCache;
  /** Pending `waitPlacementGroupUntilReady` calls by group id. */
  private readonly waiters = new Map<string, GroupWaiter[]>();
  private readonly unsubscribe: () => void;
  private closedWith: Error | undefined;

  constructor(private readonly state: ClusterState) {
    this.cache = state;
    this.unsubscribe = state.subscribe((change) => this.changed(change));
  }

  registerNode(node: NodeRecord): Promise<void> {
    return this.call(() => void this.state.registerNode(node));
  }

  unregisterNode(nodeId: string): Promise<void> {
    return this.call(() => void this.state.markNodeDead(nodeId));
  }

  getAllNodeInfo(): Promise<NodeRecord[]> {
    return this.call(() => this.state.allNodes());
  }

  registerActor(request: RegisterActorRequest): Promise<RegisterActorReply> {
    return this.call(() => this.state.registerActor(request));
  }

  updateActorState(actorId: string, update: ActorStateUpdate): Promise<void> {
    return this.call(() => void this.state.updateActor(actorId, update));
  }

  getActorInfo(actorId: string): Promise<ActorRecord | undefined> {
    return this.call(() => this.state.actor(actorId));
  }

  getNamedActorInfo(name: string, namespace: string): Promise<ActorRecord | undefined> {
    return this.call(() => this.state.namedActor(namespace, name));
  }

  listNamedActors(namespace: string | undefined): Promise<Array<{ readonly name: string; readonly namespace: string }>> {
    return this.call(() => this.state.namedActors(namespace));
  }

  createPlacementGroup(request: CreatePlacementGroupRequest): Promise<CreatePlacementGroupReply> {
    return this.call(() => this.state.createPlacementGroup(request));
  }

  reportPlacementGroupCreated(placementGroupId: string, bundleNodes: readonly string[]): Promise<void> {
    return this.call(() => void this.state.markPlacementGroupCreated(placementGroupId, bundleNodes));
  }

  removePlacementGroup(placementGroupId: string): Promise<void> {
    return this.call(() => void this.state.removePlacementGroup(placementGroupId));
  }

  getPlacementGroup(placementGroupId: string): Promise<PlacementGroupRecord | undefined> {
    return this.call(() => this.state.placementGroup(placementGroupId));
  }

  getAllPlacementGroup(): Promise<PlacementGroupRecord[]> {
    return this.call(() => this.state.allPlacementGroups());
  }

  waitPlacementGroupUntilReady(placementGroupId: string): Promise<GroupOutcome> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const group = this.state.placementGroup(placementGroupId);
    if (group === undefined) return Promise.resolve("UNKNOWN");
    if (group.state !== "PENDING") return Promise.resolve(group.state);
    return new Promise((resolve, reject) => {
      let list = this.waiters.get(placementGroupId);
      if (list === undefined) this.waiters.set(placementGroupId, (list = []));
      list.push({ resolve, reject });
    });
  }

  close(reason: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.unsubscribe();
    for (const list of this.waiters.values()) for (const w of list) w.reject(reason);
    this.waiters.clear();
  }

  /** Applies `effect` now; its answer (or the error it threw) arrives through the promise. */
  private call<T>(effect: () => T): Promise<T> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    try {
      return Promise.resolve(effect());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private changed(change: ClusterChange): void {
    if (change.kind !== "placement-group" || change.group.state === "PENDING") return;
    const list = this.waiters.get(change.group.placementGroupId);
    if (list === undefined) return;
    this.waiters.delete(change.group.placementGroupId);
    for (const w of list) w.resolve(change.group.state);
  }
}
