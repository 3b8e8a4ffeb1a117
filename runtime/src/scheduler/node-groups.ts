/**
 * The placement groups one node knows, and the bundles it reserved for them
 * (its `BundleLedger`): the part of `LocalScheduler` that is about groups.
 *
 * A group is reserved one of two ways:
 * - by this node alone (`create`): the scheduler plans every bundle on this
 *   node (`place`, run in each dispatch pass) and reports it ready — the
 *   single-node runtime;
 * - across the cluster, in two phases (`prepare` on every node the plan
 *   names, then `commit` on every node, or `cancelPrepared` where a prepare
 *   succeeded when another failed): this node holds the bundles the plan put
 *   here and knows which node holds each other one (`bundleNodes`), so a
 *   request for a bundle elsewhere is sent there. Such a group is never
 *   planned here.
 *
 * Invariant: while a bundle is in the ledger its resources are out of the
 * node pool; a group removed or rolled back leaves nothing in the ledger.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { planBundles, type PlacementGroupStrategy } from "./bundle-planner.js";
import type { ResourcePool } from "./node-resources.js";
import { BundleLedger } from "./placement-group.js";
import type { BundleView, GroupView } from "./placement-policy.js";
import { ResourceSet } from "./resource-set.js";
import type { ScheduleRequest } from "./schedule-request.js";

/**
 * A placement group as this node sees it: the reservation to make (bundles, and the strategy
 * the plan must obey, or "cluster" when the cluster plans it) and whether it is made. The
 * group's record — name, the state users see, which node holds each bundle — is the cluster
 * state's (cluster/cluster-state.ts), not kept here.
 */
interface Group {
  bundles: readonly ResourceSet[];
  readonly strategy: PlacementGroupStrategy | "cluster";
  state: "pending" | "ready";
  reportedAtEpoch: number | undefined;
  /** Set when reserved across the cluster: the node holding each bundle. */
  bundleNodes: readonly string[] | undefined;
}

export type GroupPlacement = { kind: "ready"; id: string } | { kind: "infeasible"; id: string; reason: string };

export class NodeGroups {
  private readonly groups = new Map<string, Group>();
  readonly ledger = new BundleLedger();

  constructor(
    private readonly node: ResourcePool,
    private readonly nodeId: string,
  ) {}

  /** Throws `InvalidArgumentError` when a placement-group request names a group or bundle this node does not know. */
  check(request: ScheduleRequest<unknown>): void {
    if (request.placement.kind !== "placement-group") return;
    const { placementGroupId: id, bundleIndex } = request.placement;
    const group = this.groups.get(id);
    if (group === undefined) {
      throw new InvalidArgumentError(`${request.name}: placement group ${id} does not exist or was removed.`);
    }
    if (bundleIndex >= group.bundles.length) {
      throw new InvalidArgumentError(
        `${request.name}: bundleIndex ${bundleIndex} is out of range; placement group ${id} has ${group.bundles.length} bundles.`,
      );
    }
  }

  create(id: string, bundles: readonly ResourceSet[], strategy: PlacementGroupStrategy): void {
    if (this.groups.has(id)) throw new Error(`placement group ${id} was created twice`);
    if (bundles.length === 0) throw new InvalidArgumentError(`placement group ${id} has no bundles.`);
    this.groups.set(id, { bundles, strategy, state: "pending", reportedAtEpoch: undefined, bundleNodes: undefined });
  }

  /** Phase one (see the file comment): all of `bundles` reserved here, or none (false). */
  prepare(id: string, bundleCount: number, bundles: ReadonlyArray<{ readonly bundleIndex: number; readonly resources: ResourceSet }>): boolean {
    const group = this.clusterGroup(id, bundleCount);
    if (group.state === "ready") throw new Error(`placement group ${id} is committed already`);
    for (const { bundleIndex, resources } of bundles) {
      if (!this.ledger.reserve(id, bundleIndex, resources, this.node)) {
        this.ledger.release(id, this.node);
        return false;
      }
    }
    return true;
  }

  /** Rolls phase one back; false if nothing was prepared here. */
  cancelPrepared(id: string): boolean {
    if (!this.ledger.has(id) || this.groups.get(id)?.state === "ready") return false;
    this.ledger.release(id, this.node);
    return true;
  }

  /** Phase two: ready, bundle i of resources `bundles[i]` held by node `bundleNodes[i]`. */
  commit(id: string, bundleNodes: readonly string[], bundles: readonly ResourceSet[]): void {
    const group = this.clusterGroup(id, bundles.length);
    group.bundles = bundles;
    group.bundleNodes = bundleNodes;
    group.state = "ready";
  }

  /** Forgets the group and frees its bundles here; false if it was not known. */
  remove(id: string): boolean {
    if (!this.groups.delete(id)) return false;
    this.ledger.release(id, this.node);
    return true;
  }

  state(id: string): "pending" | "ready" | undefined {
    return this.groups.get(id)?.state;
  }

  hasPending(): boolean {
    for (const group of this.groups.values()) if (group.state === "pending") return true;
    return false;
  }

  /**
   * Plans the pending groups this node reserves alone, at dispatch pass `epoch`: reserves
   * those that fit now, and returns what to report. Returns whether anything was reserved.
   */
  place(epoch: number, report: (placement: GroupPlacement) => void): boolean {
    let reserved = false;
    for (const [id, group] of this.groups) {
      if (group.state !== "pending" || group.reportedAtEpoch === epoch || group.strategy === "cluster") continue;
      const plan = planBundles(group.bundles, group.strategy, [this.node.view(this.nodeId)], this.nodeId);
      if (plan.kind === "place") {
        group.bundles.forEach((bundle, index) => {
          if (!this.ledger.reserve(id, index, bundle, this.node)) throw new Error(`bundle ${index} of ${id} did not fit as planned`);
        });
        group.state = "ready";
        reserved = true;
        report({ kind: "ready", id });
      } else if (plan.kind === "infeasible") {
        if (group.reportedAtEpoch === undefined) report({ kind: "infeasible", id, reason: plan.reason });
        group.reportedAtEpoch = epoch;
      } else {
        group.reportedAtEpoch = undefined; // feasible again: report it again if it turns infeasible
      }
    }
    return reserved;
  }

  /** What the placement policy knows of the group (see placement-policy.ts). */
  view(id: string): GroupView | undefined {
    const group = this.groups.get(id);
    if (group === undefined) return undefined;
    if (group.state === "pending") return { state: "pending" };
    const here = this.ledger.views(id, this.nodeId);
    const where = group.bundleNodes;
    if (where === undefined) return { state: "ready", bundles: here };
    // A bundle on another node is seen as its reservation: whether it is busy is that node's
    // to judge (a request sent there waits in its queue, as any spilled request does).
    const elsewhere: BundleView[] = [];
    where.forEach((nodeId, bundleIndex) => {
      const reserved = group.bundles[bundleIndex]!;
      if (nodeId !== this.nodeId) elsewhere.push({ bundleIndex, view: { nodeId, total: reserved, available: reserved } });
    });
    return { state: "ready", bundles: [...here, ...elsewhere].sort((a, b) => a.bundleIndex - b.bundleIndex) };
  }

  /** A group reserved across the cluster, made known here (pending) if it was not. */
  private clusterGroup(id: string, bundleCount: number): Group {
    let group = this.groups.get(id);
    if (group === undefined) {
      const unknown = Array.from({ length: bundleCount }, () => ResourceSet.EMPTY);
      group = { bundles: unknown, strategy: "cluster", state: "pending", reportedAtEpoch: undefined, bundleNodes: undefined };
      this.groups.set(id, group);
    }
    if (group.strategy !== "cluster") throw new Error(`placement group ${id} is reserved by node ${this.nodeId} alone`);
    return group;
  }
}
