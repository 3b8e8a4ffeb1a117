/**
 * Placement groups reserved across the nodes of a cluster (Ray's GCS
 * placement-group scheduler): plans which node holds each bundle
 * (scheduler/bundle-planner.ts over every node's resource view, read through
 * its node client) and reserves the plan in two phases through the node
 * clients — `prepareBundles` on every node the plan names, then, once all
 * said yes, `commitBundles` on every node (so each knows where every bundle
 * is) and the cluster state's record (`reportPlacementGroupCreated`, naming
 * each bundle's node); if one said no, `cancelBundles` on every node that
 * said yes, so nothing stays held, and the group waits for the next change.
 *
 * A group that fits nowhere now waits: it is planned again whenever a node
 * frees resources (`resourcesFreed`); one that could never fit (no node, or
 * no set of nodes its strategy allows, has the room in total) is reported
 * infeasible once and waits too, as on one node.
 *
 * It runs in the driver while the cluster state is plain data without I/O;
 * everything it sends and reads is plain data, so it can move to the head
 * with the ws cluster. A single node does not use it: its scheduler
 * reserves groups itself (LocalScheduler.createPlacementGroup).
 *
 * Invariant: a group is in `pending` until it is committed or removed, and
 * at most one reservation of it is in flight (`reserving`).
 */
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import type { BundleSpec, NodeClient } from "../node/node-client.js";
import { planBundles, type PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import type { ResourceSet } from "../scheduler/resource-set.js";

export interface ClusterPlacementGroupsDeps {
  /** The owner's own node, asked first (the planner prefers it). */
  readonly local: NodeClient;
  /** Every node of the cluster, the local one included. */
  readonly nodes: () => readonly NodeClient[];
  readonly cluster: ClusterStateClient;
  /** The group can never be reserved as things stand (said once per group). */
  readonly onInfeasible: (placementGroupId: string, reason: string) => void;
  /** A reservation step failed for a reason other than room (a node out of reach). */
  readonly onError: (error: unknown) => void;
}

interface PendingGroup {
  readonly bundles: readonly ResourceSet[];
  readonly strategy: PlacementGroupStrategy;
  reserving: boolean;
  /** A node freed resources while a reservation was in flight (not by rolling this one back): plan again if it fails. */
  missed: boolean;
  rollingBack: boolean;
  warned: boolean;
  removed: boolean;
}

export class ClusterPlacementGroups {
  private readonly pending = new Map<string, PendingGroup>();

  constructor(private readonly d: ClusterPlacementGroupsDeps) {}

  /** Starts reserving a group (its record is in the cluster state already, PENDING). */
  create(id: string, bundles: readonly ResourceSet[], strategy: PlacementGroupStrategy): void {
    const group: PendingGroup = { bundles, strategy, reserving: false, missed: false, rollingBack: false, warned: false, removed: false };
    this.pending.set(id, group);
    // The owner's node knows the group from now on: requests into it wait there until it commits.
    this.step(this.d.local.prepareBundles({ placementGroupId: id, bundleCount: bundles.length, bundles: [] }));
    this.tryReserve(id, group);
  }

  /** The group is removed: its bundles are returned on every node (requests and grants in it end there). */
  remove(id: string): void {
    const group = this.pending.get(id);
    if (group !== undefined) group.removed = true;
    this.pending.delete(id);
    for (const node of this.d.nodes()) this.step(node.returnBundles(id));
  }

  /** Some node gave resources back: pending groups may fit now. */
  resourcesFreed(): void {
    if (this.pending.size === 0) return;
    for (const [id, group] of this.pending) {
      if (!group.reserving) this.tryReserve(id, group);
      else if (!group.rollingBack) group.missed = true;
    }
  }

  private tryReserve(id: string, group: PendingGroup): void {
    const nodes = this.d.nodes();
    const plan = planBundles(group.bundles, group.strategy, nodes.map((n) => n.resourceView()), this.d.local.nodeId);
    if (plan.kind === "wait") return;
    if (plan.kind === "infeasible") {
      if (!group.warned) this.d.onInfeasible(id, plan.reason);
      group.warned = true;
      return;
    }
    group.reserving = true;
    group.missed = false;
    // Not committed: a node could not prepare (what it needs was taken meanwhile); the group
    // waits for the next release, as a group that does not fit now does, or plans again at once
    // if one came while this reservation was in flight.
    void this.reserve(id, group, plan.nodeIds, nodes).then(
      (committed) => {
        group.reserving = false;
        if (!committed && group.missed && this.pending.get(id) === group) this.tryReserve(id, group);
      },
      (error: unknown) => {
        group.reserving = false;
        this.d.onError(error);
      },
    );
  }

  /** The two phases for one plan; true once committed. */
  private async reserve(id: string, group: PendingGroup, bundleNodes: readonly string[], nodes: readonly NodeClient[]): Promise<boolean> {
    const byNode = new Map<string, BundleSpec[]>();
    bundleNodes.forEach((nodeId, bundleIndex) => {
      let list = byNode.get(nodeId);
      if (list === undefined) byNode.set(nodeId, (list = []));
      list.push({ bundleIndex, resources: group.bundles[bundleIndex]! });
    });
    const involved = nodes.filter((n) => byNode.has(n.nodeId));
    const answers = await Promise.all(
      involved.map((node) =>
        node.prepareBundles({ placementGroupId: id, bundleCount: group.bundles.length, bundles: byNode.get(node.nodeId)! }).then(
          (ok) => ok,
          () => false,
        ),
      ),
    );
    if (group.removed || answers.includes(false)) {
      // Roll back every prepare that succeeded; a group removed meanwhile is returned there again,
      // in case the prepare reached a node after the removal did.
      const prepared = involved.filter((_, k) => answers[k]);
      group.rollingBack = true;
      try {
        await Promise.all(prepared.map((node) => (group.removed ? node.returnBundles(id) : node.cancelBundles(id))));
      } finally {
        group.rollingBack = false;
      }
      return false;
    }
    this.pending.delete(id);
    await Promise.all(nodes.map((node) => node.commitBundles({ placementGroupId: id, bundleNodes, bundles: group.bundles })));
    await this.d.cluster.reportPlacementGroupCreated(id, bundleNodes);
    return true;
  }

  private step(done: Promise<unknown>): void {
    done.then(undefined, (error: unknown) => this.d.onError(error));
  }
}
