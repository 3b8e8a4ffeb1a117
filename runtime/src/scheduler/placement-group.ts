/**
 * Placement groups on one node: the ledger of bundles this node has reserved
 * (what users pass to `ray.placementGroup` is checked by
 * placement-group-options.ts).
 *
 * Why an explicit ledger instead of Ray's renamed resources (`CPU_group_<pg>`,
 * `CPU_group_<i>_<pg>` added to the node's resource map): with renamed
 * resources every allocation has to parse names and charge two entries (the
 * wildcard and the indexed one) consistently, and GPU ids have to be kept in
 * step across both. Here a reserved bundle is simply a smaller `ResourcePool`
 * carved out of the node's pool: a task in the bundle allocates from it with
 * the same code as from the node, gets GPU ids from the devices the bundle
 * holds, and removal frees the carve-out in one step. Reports can still show
 * Ray's names if wanted (`bundleResourceNames`).
 *
 * Invariant: while a bundle is reserved, its resources are subtracted from
 * the node pool's availability and nothing outside the group can use them.
 */
import { ResourcePool, type Allocation } from "./node-resources.js";
import type { BundleView } from "./placement-policy.js";
import type { ResourceSet } from "./resource-set.js";

/** Ray's names for a bundle's resources, for reports: `CPU_group_0_<pg>` and `CPU_group_<pg>`. */
export function bundleResourceNames(resource: string, placementGroupId: string, bundleIndex: number): [string, string] {
  return [`${resource}_group_${bundleIndex}_${placementGroupId}`, `${resource}_group_${placementGroupId}`];
}

interface ReservedBundle {
  readonly pool: ResourcePool;
  /** What the reservation took from the node pool. */
  readonly reservation: Allocation;
}

/** Bundles reserved on one node, by group id and bundle index. */
export class BundleLedger {
  private readonly groups = new Map<string, Map<number, ReservedBundle>>();

  /**
   * Reserves `demand` for bundle `bundleIndex` of a group out of `node`.
   * Returns false (nothing reserved) if it does not fit now.
   */
  reserve(placementGroupId: string, bundleIndex: number, demand: ResourceSet, node: ResourcePool): boolean {
    const reservation = node.tryAllocate(demand);
    if (reservation === undefined) return false;
    const devices = reservation.gpus.map((share) => ({ id: share.id, capacity: share.units }));
    const pool = new ResourcePool(demand, devices);
    let bundles = this.groups.get(placementGroupId);
    if (bundles === undefined) this.groups.set(placementGroupId, (bundles = new Map()));
    bundles.set(bundleIndex, { pool, reservation });
    return true;
  }

  /** Frees every bundle of the group back into `node`. Grants still held inside them are the caller's to end. */
  release(placementGroupId: string, node: ResourcePool): void {
    const bundles = this.groups.get(placementGroupId);
    if (bundles === undefined) return;
    for (const bundle of bundles.values()) node.free(bundle.reservation);
    this.groups.delete(placementGroupId);
  }

  has(placementGroupId: string): boolean {
    return this.groups.has(placementGroupId);
  }

  pool(placementGroupId: string, bundleIndex: number): ResourcePool | undefined {
    return this.groups.get(placementGroupId)?.get(bundleIndex)?.pool;
  }

  /** The group's bundles on this node, as views hosted by `nodeId`, by bundle index. */
  views(placementGroupId: string, nodeId: string): BundleView[] {
    const bundles = this.groups.get(placementGroupId);
    if (bundles === undefined) return [];
    return [...bundles]
      .sort(([a], [b]) => a - b)
      .map(([bundleIndex, b]) => ({ bundleIndex, view: b.pool.view(nodeId) }));
  }

  /** Reserved totals and availability per group and bundle, in user units (for `tsray status`). */
  report(): Array<{ placementGroupId: string; bundleIndex: number; total: ResourceSet; available: ResourceSet }> {
    const out: Array<{ placementGroupId: string; bundleIndex: number; total: ResourceSet; available: ResourceSet }> = [];
    for (const [placementGroupId, bundles] of this.groups) {
      for (const [bundleIndex, b] of bundles) {
        out.push({ placementGroupId, bundleIndex, total: b.pool.total(), available: b.pool.available().positive() });
      }
    }
    return out;
  }
}
