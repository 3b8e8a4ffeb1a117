/**
 * Placement groups on one node: validating what users pass to
 * `ray.placementGroup(bundles, { strategy })`, and the ledger of bundles this
 * node has reserved.
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
import { InvalidArgumentError } from "../errors.js";
import { UNITS_PER_WHOLE, isWhole } from "./fixed-point.js";
import { PLACEMENT_GROUP_STRATEGIES, type PlacementGroupStrategy } from "./bundle-planner.js";
import { ResourcePool, type Allocation } from "./node-resources.js";
import type { BundleView } from "./placement-policy.js";
import { GPU, ResourceSet } from "./resource-set.js";

/**
 * Checks bundles (`[{ CPU: 1, GPU: 1 }, { CPU: 2 }]`): a non-empty array of
 * objects, each with at least one amount above zero, amounts valid
 * (see `toUnits`), GPU amounts above 1 whole. Returns them as `ResourceSet`s.
 */
export function validateBundles(bundles: unknown, where = "ray.placementGroup"): ResourceSet[] {
  if (!Array.isArray(bundles) || bundles.length === 0) {
    throw new InvalidArgumentError(`${where}: bundles must be a non-empty array such as [{ CPU: 1 }].`);
  }
  return bundles.map((bundle: unknown, i) => {
    const what = `${where}: bundle ${i}`;
    if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) {
      throw new InvalidArgumentError(`${what} must be an object of resource amounts such as { CPU: 1 }.`);
    }
    const set = ResourceSet.of(bundle as Record<string, number>, what);
    if (set.isEmpty()) {
      throw new InvalidArgumentError(`${what} is empty or all zero; every bundle must reserve something.`);
    }
    const gpu = set.get(GPU);
    if (gpu > UNITS_PER_WHOLE && !isWhole(gpu)) {
      throw new InvalidArgumentError(`${what}: GPU amounts above 1 must be whole, got ${set.toJSON()[GPU]}.`);
    }
    return set;
  });
}

/** Checks the strategy option (default PACK, as in Ray). */
export function validatePlacementGroupStrategy(strategy: unknown, where = "ray.placementGroup"): PlacementGroupStrategy {
  if (strategy === undefined) return "PACK";
  if (PLACEMENT_GROUP_STRATEGIES.includes(strategy as PlacementGroupStrategy)) return strategy as PlacementGroupStrategy;
  throw new InvalidArgumentError(
    `${where}: strategy must be one of ${PLACEMENT_GROUP_STRATEGIES.join(", ")}; got ${JSON.stringify(strategy)}.`,
  );
}

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
