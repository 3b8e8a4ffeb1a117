/**
 * What users pass to `ray.placementGroup(bundles, { strategy })`, checked.
 * Apart from the ledger (api/placement-group.ts) and the planner, because the
 * public API loads it in every thread, where neither is needed.
 */
import { InvalidArgumentError } from "../common/errors.js";
import type { PlacementGroupStrategy } from "./bundle-planner.js";
import { UNITS_PER_WHOLE, isWhole } from "./fixed-point.js";
import { GPU, ResourceSet } from "./resource-set.js";

export const PLACEMENT_GROUP_STRATEGIES: readonly PlacementGroupStrategy[] = [
  "PACK",
  "SPREAD",
  "STRICT_PACK",
  "STRICT_SPREAD",
];

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
