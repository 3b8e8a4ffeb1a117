/**
 * The node-local cache of a remote cluster-state client (see `ClusterStateClient.cache` and
 * docs/architecture.md, "Cluster state"): filled from the head's snapshot and change notifications,
 * and from this process's own writes at the moment it makes them, so it always shows this process's
 * own writes and other processes' a little later.
 *
 * A notification may arrive after an own write that the head has not applied yet (it describes an
 * earlier state). States only move forward in the cluster state, so a record never moves back here:
 * a group never leaves CREATED for PENDING nor REMOVED for anything, an actor never leaves DEAD. An
 * actor going between ALIVE and RESTARTING may show the older of the two for that moment; the
 * head's notification of the own write follows and settles it (the cache only serves name lookups).
 */
import type { ClusterStateCache } from "./cluster-state-client.js";
import type { ActorRecord, NodeRecord, PlacementGroupRecord } from "./cluster-state.js";
import type { ClusterSnapshot, NodeLoad } from "./cluster-messages.js";

const groupRank = { PENDING: 0, CREATED: 1, REMOVED: 2 } as const;

export class RemoteClusterCache implements ClusterStateCache {
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly actors = new Map<string, ActorRecord>();
  /** `namespace\0name` → actor id, for actors that are not DEAD. */
  private readonly names = new Map<string, string>();
  private readonly groups = new Map<string, PlacementGroupRecord>();
  /** Alive nodes' available resources, from the head's last resource view. */
  private view = new Map<string, Readonly<Record<string, number>>>();

  load(snapshot: ClusterSnapshot): void {
    for (const n of snapshot.nodes) this.node(n);
    for (const a of snapshot.actors) this.actor(a);
    for (const g of snapshot.groups) this.group(g);
  }

  node(record: NodeRecord): void {
    const current = this.nodes.get(record.nodeId);
    // A dead node comes back only by registering again, which the head announces as alive.
    this.nodes.set(record.nodeId, record);
    if (!record.alive && current?.alive !== false) this.view.delete(record.nodeId);
  }

  actor(record: ActorRecord): void {
    const id = record.actor.actorId;
    const current = this.actors.get(id);
    if (current?.state === "DEAD") return;
    this.actors.set(id, record);
    if (record.name === undefined) return;
    const key = `${record.namespace}\0${record.name}`;
    if (record.state === "DEAD") {
      if (this.names.get(key) === id) this.names.delete(key);
    } else if (!this.names.has(key)) {
      this.names.set(key, id);
    }
  }

  actorById(actorId: string): ActorRecord | undefined {
    return this.actors.get(actorId);
  }

  /** The head refused an actor this process had cached (its name is held): forget it. */
  forgetActor(actorId: string): void {
    const record = this.actors.get(actorId);
    if (record === undefined) return;
    this.actors.delete(actorId);
    if (record.name !== undefined && this.names.get(`${record.namespace}\0${record.name}`) === actorId) this.names.delete(`${record.namespace}\0${record.name}`);
  }

  group(record: PlacementGroupRecord): void {
    const current = this.groups.get(record.placementGroupId);
    if (current !== undefined && groupRank[current.state] > groupRank[record.state]) return;
    this.groups.set(record.placementGroupId, record);
  }

  /** The head refused a group this process had cached: forget it. */
  forgetGroup(placementGroupId: string): void {
    this.groups.delete(placementGroupId);
  }

  resourceView(nodes: readonly NodeLoad[]): void {
    this.view = new Map(nodes.map((n) => [n.nodeId, n.available]));
  }

  // ------------------------------------------------------------ ClusterStateCache

  namedActor(namespace: string, name: string): ActorRecord | undefined {
    const id = this.names.get(`${namespace}\0${name}`);
    return id === undefined ? undefined : this.actors.get(id);
  }

  placementGroup(placementGroupId: string): PlacementGroupRecord | undefined {
    return this.groups.get(placementGroupId);
  }

  placementGroupNamed(name: string): PlacementGroupRecord | undefined {
    for (const g of this.groups.values()) if (g.name === name && g.state !== "REMOVED") return g;
    return undefined;
  }

  allPlacementGroups(): readonly PlacementGroupRecord[] {
    return [...this.groups.values()];
  }

  /** Node `nodeId`'s free resources in the head's last resource view (undefined: none reported yet). */
  nodeAvailable(nodeId: string): Readonly<Record<string, number>> | undefined {
    return this.view.get(nodeId);
  }

  allNodes(): readonly NodeRecord[] {
    return [...this.nodes.values()];
  }

  /** The alive nodes' totals, summed (`ray.clusterResources()` of a driver that joined). */
  totalResources(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.nodes.values()) if (n.alive) for (const [k, v] of Object.entries(n.resources)) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /**
   * What is free on the alive nodes: `local` (this process's node, exact and current) plus every
   * other node's last report in the resource view; resources with nothing free are left out, as in Ray.
   */
  availableResources(localNodeId: string, local: Readonly<Record<string, number>>): Record<string, number> {
    const out: Record<string, number> = { ...local };
    for (const n of this.nodes.values()) {
      if (!n.alive || n.nodeId === localNodeId) continue;
      for (const [k, v] of Object.entries(this.view.get(n.nodeId) ?? {})) out[k] = (out[k] ?? 0) + v;
    }
    for (const k of Object.keys(out)) if (out[k]! <= 0) delete out[k];
    return out;
  }
}
