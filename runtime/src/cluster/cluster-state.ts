/**
 * The cluster state (Ray's GCS): what every process of a cluster may have to
 * look up, kept in one place.
 * - the node table: each node's id, address, resource totals and liveness;
 * - the actor directory: each actor's descriptor, name and namespace, node
 *   and lifecycle state, and the name → actor lookup per namespace;
 * - the placement-group table: each group's name, strategy, bundles, state,
 *   and the node each bundle was reserved on.
 *
 * Plain data in, plain data out: every argument and answer is serializable
 * (a ws transport will carry them to a head process later), records are
 * immutable (a change stores a new record, so one handed out never changes
 * under its reader), and nothing here does I/O or keeps timers. Rule outcomes
 * (a name clash, an unknown group) are answers, not thrown errors: the
 * client turns them into the user's errors on its side of the wire.
 *
 * What it does not hold: resources in use, queues and bundle reservations
 * (the node's scheduler keeps those), objects and their owners (owners do).
 *
 * Invariants: a name is held in its namespace by at most one actor that is
 * not DEAD, and is free again the moment that actor is DEAD; a group name is
 * held by at most one group that is not REMOVED; states only move forward
 * (an actor may go back and forth between ALIVE and RESTARTING, never out of
 * DEAD; a group never leaves REMOVED).
 */
import type { ActorDescriptor } from "../common/task-spec.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";

// ------------------------------------------------------------ node table (Ray: NodeInfoGcsService)

export interface NodeRecord {
  readonly nodeId: string;
  /** How other processes reach the node (`in-process://<id>` for nodes in this process). */
  readonly address: string;
  /** Resource totals in user units (`{ CPU: 2, memory: … }`). */
  readonly resources: Readonly<Record<string, number>>;
  readonly alive: boolean;
  /**
   * The job whose ids the node's runtime mints (common/ids.ts `ownerOf`), when it runs one: a
   * process holding a ref that job owns asks that node (owner/owner-links.ts, issue 11).
   */
  readonly jobId?: string | undefined;
}

// ------------------------------------------------------------ actor directory (Ray: ActorInfoGcsService)

/** Ray's actor states, without the ones tsray never shows (dependencies unresolved = PENDING). */
export type ActorLifecycle = "PENDING" | "ALIVE" | "RESTARTING" | "DEAD";

export interface ActorRecord {
  readonly actor: ActorDescriptor;
  readonly name: string | undefined;
  readonly namespace: string;
  /** Where the actor runs; undefined until it is placed. */
  readonly nodeId: string | undefined;
  readonly state: ActorLifecycle;
}

export interface RegisterActorRequest {
  readonly actor: ActorDescriptor;
  readonly name?: string | undefined;
  readonly namespace: string;
  /** With a name already held: answer `exists` (the holder) instead of `clash`. */
  readonly getIfExists: boolean;
}

/** `registered`: the actor is in the directory (and holds its name). `exists`/`clash`: the name is held by `holder`; nothing was registered. */
export type RegisterActorReply =
  | { readonly kind: "registered" }
  | { readonly kind: "exists"; readonly holder: ActorRecord }
  | { readonly kind: "clash"; readonly holder: ActorRecord };

export interface ActorStateUpdate {
  readonly state: ActorLifecycle;
  readonly nodeId?: string | undefined;
}

// ------------------------------------------------------------ placement groups (Ray: PlacementGroupInfoGcsService)

export type PlacementGroupLifecycle = "PENDING" | "CREATED" | "REMOVED";

export interface PlacementGroupRecord {
  readonly placementGroupId: string;
  readonly name: string | undefined;
  readonly strategy: PlacementGroupStrategy;
  readonly bundles: ReadonlyArray<Readonly<Record<string, number>>>;
  readonly state: PlacementGroupLifecycle;
  /** The node holding each bundle (by bundle index); empty until the group is CREATED. */
  readonly bundleNodes: readonly string[];
}

export interface CreatePlacementGroupRequest {
  readonly placementGroupId: string;
  readonly name: string | undefined;
  readonly strategy: PlacementGroupStrategy;
  readonly bundles: ReadonlyArray<Readonly<Record<string, number>>>;
}

export type CreatePlacementGroupReply =
  | { readonly kind: "created" }
  | { readonly kind: "name-taken"; readonly holder: PlacementGroupRecord }
  | { readonly kind: "duplicate-id" };

/** What changed, for subscribers (Ray: the GCS publisher's actor and placement-group channels). */
export type ClusterChange =
  | { readonly kind: "node"; readonly node: NodeRecord }
  | { readonly kind: "actor"; readonly actor: ActorRecord }
  | { readonly kind: "placement-group"; readonly group: PlacementGroupRecord };

/** Dead actors kept for listing, oldest dropped first (Ray keeps a bounded cache of destroyed actors too). */
export const DEAD_ACTORS_KEPT = 1000;

export class ClusterState {
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly actors = new Map<string, ActorRecord>();
  /** `namespace\0name` → actor id, for actors that are not DEAD. */
  private readonly actorNames = new Map<string, string>();
  private readonly deadActors: string[] = [];
  private readonly groups = new Map<string, PlacementGroupRecord>();
  private readonly listeners = new Set<(change: ClusterChange) => void>();

  /** Calls `listener` after every change, synchronously; returns the unsubscribe function. */
  subscribe(listener: (change: ClusterChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -------------------------------------------------- nodes

  /** Adds a node, or replaces the record of a node id that registers again. */
  registerNode(node: NodeRecord): void {
    const record: NodeRecord = { ...node, resources: { ...node.resources } };
    this.nodes.set(node.nodeId, record);
    this.publish({ kind: "node", node: record });
  }

  /** Marks a node dead (it stays in the table, as in Ray). False if unknown. */
  markNodeDead(nodeId: string): boolean {
    const node = this.nodes.get(nodeId);
    if (node === undefined) return false;
    if (!node.alive) return true;
    const record = { ...node, alive: false };
    this.nodes.set(nodeId, record);
    this.publish({ kind: "node", node: record });
    return true;
  }

  node(nodeId: string): NodeRecord | undefined {
    return this.nodes.get(nodeId);
  }

  /** Every node, alive or dead, in registration order. */
  allNodes(): NodeRecord[] {
    return [...this.nodes.values()];
  }

  // -------------------------------------------------- actors

  /** Adds an actor to the directory, claiming its name in its namespace when it has one (see `RegisterActorReply`). */
  registerActor(request: RegisterActorRequest): RegisterActorReply {
    const { actor, name, namespace } = request;
    if (this.actors.has(actor.actorId)) throw new Error(`actor ${actor.actorId} was registered twice`);
    if (name !== undefined) {
      const holderId = this.actorNames.get(nameKey(namespace, name));
      if (holderId !== undefined) {
        const holder = this.actors.get(holderId)!;
        return request.getIfExists ? { kind: "exists", holder } : { kind: "clash", holder };
      }
      this.actorNames.set(nameKey(namespace, name), actor.actorId);
    }
    const record: ActorRecord = { actor: copyDescriptor(actor), name, namespace, nodeId: undefined, state: "PENDING" };
    this.actors.set(actor.actorId, record);
    this.publish({ kind: "actor", actor: record });
    return { kind: "registered" };
  }

  /** Moves an actor on in its lifecycle; DEAD frees its name. Unknown or dead actors are left as they are (false). */
  updateActor(actorId: string, update: ActorStateUpdate): boolean {
    const current = this.actors.get(actorId);
    if (current === undefined || current.state === "DEAD") return false;
    const record: ActorRecord = { ...current, state: update.state, nodeId: update.nodeId ?? current.nodeId };
    this.actors.set(actorId, record);
    if (record.state === "DEAD") {
      if (record.name !== undefined && this.actorNames.get(nameKey(record.namespace, record.name)) === actorId) {
        this.actorNames.delete(nameKey(record.namespace, record.name));
      }
      this.deadActors.push(actorId);
      if (this.deadActors.length > DEAD_ACTORS_KEPT) this.actors.delete(this.deadActors.shift()!);
    }
    this.publish({ kind: "actor", actor: record });
    return true;
  }

  actor(actorId: string): ActorRecord | undefined {
    return this.actors.get(actorId);
  }

  /** Live (not DEAD) actors placed on one of `nodeIds`, named or not. */
  liveActorsOn(nodeIds: ReadonlySet<string>): ActorRecord[] {
    const found: ActorRecord[] = [];
    for (const record of this.actors.values()) {
      if (record.state !== "DEAD" && record.nodeId !== undefined && nodeIds.has(record.nodeId)) found.push(record);
    }
    return found;
  }

  /** The live (not DEAD) actor holding `name` in `namespace`. */
  namedActor(namespace: string, name: string): ActorRecord | undefined {
    const id = this.actorNames.get(nameKey(namespace, name));
    return id === undefined ? undefined : this.actors.get(id);
  }

  /** Live named actors, in one namespace or (`namespace` undefined) in all, in registration order. */
  namedActors(namespace: string | undefined): Array<{ readonly name: string; readonly namespace: string }> {
    const out: Array<{ name: string; namespace: string }> = [];
    for (const id of this.actorNames.values()) {
      const a = this.actors.get(id)!;
      if (namespace === undefined || a.namespace === namespace) out.push({ name: a.name!, namespace: a.namespace });
    }
    return out;
  }

  // -------------------------------------------------- placement groups

  /** Records a new group as PENDING; its name (if any) must not be held by a group that is not REMOVED. */
  createPlacementGroup(request: CreatePlacementGroupRequest): CreatePlacementGroupReply {
    const { placementGroupId: id, name } = request;
    if (this.groups.has(id)) return { kind: "duplicate-id" };
    if (name !== undefined) {
      const holder = this.placementGroupNamed(name);
      if (holder !== undefined) return { kind: "name-taken", holder };
    }
    const record: PlacementGroupRecord = {
      placementGroupId: id,
      name,
      strategy: request.strategy,
      bundles: request.bundles.map((b) => ({ ...b })),
      state: "PENDING",
      bundleNodes: [],
    };
    this.groups.set(id, record);
    this.publish({ kind: "placement-group", group: record });
    return { kind: "created" };
  }

  /**
   * A PENDING group's bundles are reserved: `bundleNodes[i]` holds bundle i.
   * False (nothing changes) if the group is unknown or not PENDING.
   */
  markPlacementGroupCreated(placementGroupId: string, bundleNodes: readonly string[]): boolean {
    const current = this.groups.get(placementGroupId);
    if (current === undefined || current.state !== "PENDING") return false;
    if (bundleNodes.length !== current.bundles.length) {
      throw new Error(`placement group ${placementGroupId} has ${current.bundles.length} bundles, ${bundleNodes.length} nodes were given`);
    }
    return this.setGroup({ ...current, state: "CREATED", bundleNodes: [...bundleNodes] });
  }

  /** Marks a group REMOVED (its record stays, as Ray's table shows it). False if unknown or removed already. */
  removePlacementGroup(placementGroupId: string): boolean {
    const current = this.groups.get(placementGroupId);
    if (current === undefined || current.state === "REMOVED") return false;
    return this.setGroup({ ...current, state: "REMOVED" });
  }

  placementGroup(placementGroupId: string): PlacementGroupRecord | undefined {
    return this.groups.get(placementGroupId);
  }

  /** The group holding `name` (not REMOVED). */
  placementGroupNamed(name: string): PlacementGroupRecord | undefined {
    for (const g of this.groups.values()) if (g.name === name && g.state !== "REMOVED") return g;
    return undefined;
  }

  /** Every group, removed ones included, in creation order. */
  allPlacementGroups(): PlacementGroupRecord[] {
    return [...this.groups.values()];
  }

  private setGroup(record: PlacementGroupRecord): true {
    this.groups.set(record.placementGroupId, record);
    this.publish({ kind: "placement-group", group: record });
    return true;
  }

  private publish(change: ClusterChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function nameKey(namespace: string, name: string): string {
  return `${namespace}\0${name}`;
}

/** A copy for the directory: what a handle from `getActor` needs to call every method as the creator's handle does. */
function copyDescriptor(actor: ActorDescriptor): ActorDescriptor {
  return {
    actorId: actor.actorId,
    className: actor.className,
    methods: [...actor.methods],
    ...(actor.methodReturns !== undefined ? { methodReturns: { ...actor.methodReturns } } : {}),
    ...(actor.generators !== undefined ? { generators: [...actor.generators] } : {}),
  };
}
