/**
 * The driver's placement-group calls (`Core.createPlacementGroup` …): the
 * record goes to the cluster state, the reservation to the driver's node
 * alone on a single node (its scheduler plans and reserves every bundle,
 * reporting ready through `reserved`), or across the nodes of an in-process
 * cluster in two phases (owner/cluster-placement-groups.ts). Calls into a
 * group that does not exist are refused at the call site (`check`).
 */
import type { PlacementGroupTableEntry } from "../api/core.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import type { CreatePlacementGroupReply } from "../cluster/cluster-state.js";
import { InvalidArgumentError, TsrayError } from "../common/errors.js";
import type { SchedulingOptions } from "../common/task-spec.js";
import type { NodeClient } from "../node/node-client.js";
import { ClusterPlacementGroups } from "../owner/cluster-placement-groups.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import type { LocalScheduler } from "../scheduler/local-scheduler.js";
import { ResourceSet } from "../scheduler/resource-set.js";
import type { KeepAlive } from "./keep-alive.js";

export interface DriverPlacementGroupsDeps {
  readonly cluster: ClusterStateClient;
  /** The driver's node, and its scheduler (which reserves groups itself on a single node). */
  readonly node: NodeClient;
  readonly scheduler: LocalScheduler<unknown>;
  /** Every node of an in-process cluster, the driver's first; undefined on a single node. */
  readonly clusterNodes: (() => readonly NodeClient[]) | undefined;
  readonly keepAlive: KeepAlive;
  /** One-way reports to the cluster state (a failure is warned about). */
  readonly tell: (report: Promise<unknown>) => void;
}

export class DriverPlacementGroups {
  /** Placement groups reserved across the nodes (only with other nodes: one node reserves its own). */
  private readonly acrossNodes: ClusterPlacementGroups | undefined;

  constructor(private readonly d: DriverPlacementGroupsDeps) {
    const nodes = d.clusterNodes;
    this.acrossNodes =
      nodes === undefined
        ? undefined
        : new ClusterPlacementGroups({
            local: d.node,
            nodes,
            cluster: d.cluster,
            onInfeasible: (id, reason) => this.infeasible(id, reason),
            onError: (error) => d.tell(Promise.reject(error)),
          });
  }

  create(id: string, bundles: ReadonlyArray<Record<string, number>>, strategy: PlacementGroupStrategy, name: string | undefined): void {
    // The name clash is thrown here, synchronously, as before: decided on the client's node-local
    // cache; the cluster state has the last word (`refused`).
    if (name !== undefined && this.d.cluster.cache.placementGroupNamed(name) !== undefined) {
      throw new InvalidArgumentError(`A placement group named "${name}" already exists; pick another name or remove it first.`);
    }
    this.d.tell(this.d.cluster.createPlacementGroup({ placementGroupId: id, name, strategy, bundles }).then((reply) => this.refused(id, reply)));
    const sets = bundles.map((b) => ResourceSet.of(b));
    if (this.acrossNodes !== undefined) this.acrossNodes.create(id, sets, strategy);
    else this.d.scheduler.createPlacementGroup(id, sets, strategy);
  }

  ready(id: string): Promise<void> {
    const group = this.d.cluster.cache.placementGroup(id);
    if (group === undefined || group.state === "REMOVED") {
      return Promise.reject(new InvalidArgumentError(`Placement group ${id} does not exist or was removed.`));
    }
    if (group.state === "CREATED") return Promise.resolve();
    return this.d.keepAlive.during(
      this.d.cluster.waitPlacementGroupUntilReady(id).then((outcome) => {
        if (outcome === "CREATED") return;
        throw new TsrayError("TSRAY_RUNTIME", `Placement group ${group.name ?? id} was removed before it was ready.`);
      }),
    );
  }

  remove(id: string): void {
    const group = this.d.cluster.cache.placementGroup(id);
    if (group === undefined || group.state === "REMOVED") return;
    // Pending `ready()` calls learn of it from the cluster state (their wait ends with REMOVED).
    this.d.tell(this.d.cluster.removePlacementGroup(id));
    this.returnBundles(id);
  }

  table(): Record<string, PlacementGroupTableEntry> {
    const out: Record<string, PlacementGroupTableEntry> = {};
    for (const g of this.d.cluster.cache.allPlacementGroups()) {
      const id = g.placementGroupId;
      const bundlesToNodeId = Object.fromEntries(g.bundleNodes.map((nodeId, index) => [index, nodeId]));
      out[id] = { placementGroupId: id, name: g.name, strategy: g.strategy, bundles: g.bundles, state: g.state, bundlesToNodeId };
    }
    return out;
  }

  /** A call into a placement group that does not exist (any more) fails at the call site. */
  check(demand: SchedulingOptions, name: string): void {
    const s = demand.schedulingStrategy;
    if (typeof s !== "object" || !("placementGroup" in s)) return;
    const group = this.d.cluster.cache.placementGroup(s.placementGroup.id);
    if (group === undefined || group.state === "REMOVED") {
      throw new InvalidArgumentError(`${name}: placement group ${s.placementGroup.id} does not exist or was removed.`);
    }
    if (s.bundleIndex !== undefined && s.bundleIndex >= group.bundles.length) {
      throw new InvalidArgumentError(
        `${name}: bundleIndex ${s.bundleIndex} is out of range; the placement group has ${group.bundles.length} bundles.`,
      );
    }
  }

  /** A single node's scheduler reserved the group's bundles, all on that node. */
  reserved(id: string): void {
    const group = this.d.cluster.cache.placementGroup(id);
    if (group === undefined || group.state !== "PENDING") return;
    this.d.tell(this.d.cluster.reportPlacementGroupCreated(id, group.bundles.map(() => this.d.node.nodeId)));
  }

  /** Some node gave resources back: a group waiting for room across the nodes may fit now. */
  resourcesFreed(): void {
    this.acrossNodes?.resourcesFreed();
  }

  infeasible(id: string, reason: string): void {
    process.stderr.write(
      `tsray: warning: placement group ${this.d.cluster.cache.placementGroup(id)?.name ?? id} cannot be reserved: ${reason}. ` +
        "It stays pending until that changes; remove it with ray.removePlacementGroup(pg).\n",
    );
  }

  /** Frees the group's bundles on every node holding them; its tasks and actors end (the node clients tell their owners). */
  private returnBundles(id: string): void {
    if (this.acrossNodes !== undefined) this.acrossNodes.remove(id);
    else this.d.tell(this.d.node.returnBundles(id));
  }

  /**
   * The cluster state refused a group this driver had let through on its cache: only possible
   * with a remote cluster state, where another process took the name first. The reservation is
   * dropped; `pg.ready()` then fails as for a removed group.
   */
  private refused(id: string, reply: CreatePlacementGroupReply): void {
    if (reply.kind === "created") return;
    process.stderr.write(
      `tsray: warning: placement group ${id} was refused by the cluster state (${reply.kind === "name-taken" ? `its name is taken by ${reply.holder.placementGroupId}` : "its id is taken"}).\n`,
    );
    this.returnBundles(id);
  }
}
