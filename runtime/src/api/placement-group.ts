/**
 * The public placement-group API: `ray.placementGroup(bundles, { strategy, name })`
 * reserves bundles of resources on the node (atomically: all or none), tasks and
 * actors run inside a bundle with `schedulingStrategy: { placementGroup, bundleIndex }`,
 * and `ray.removePlacementGroup(pg)` frees them. Bookkeeping is the scheduler's
 * (`scheduler/local-scheduler.ts`); this is the user's handle.
 */
import { currentCore } from "./core.js";
import type { PlacementGroupTableEntry } from "./core.js";
import { InvalidArgumentError } from "../common/errors.js";
import { randomHex } from "../common/ids.js";
import type { PlacementGroupLike } from "../common/options.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import { checkOptionKeys, describe } from "../scheduler/options-validation.js";
import { validateBundles, validatePlacementGroupStrategy } from "../scheduler/placement-group-options.js";
import { startUserTimeout } from "../common/user-timeout.js";

export type { PlacementGroupStrategy, PlacementGroupTableEntry };

export interface PlacementGroupOptions {
  /** `PACK` (default), `SPREAD`, `STRICT_PACK` or `STRICT_SPREAD` (infeasible on one node with > 1 bundle). */
  readonly strategy?: PlacementGroupStrategy;
  /** A name to find the group by with `ray.getPlacementGroup(name)`. */
  readonly name?: string;
}

export class PlacementGroup implements PlacementGroupLike {
  /** @internal use `ray.placementGroup(...)`. */
  constructor(
    readonly id: string,
    readonly bundleSpecs: ReadonlyArray<Readonly<Record<string, number>>>,
    readonly strategy: PlacementGroupStrategy,
    readonly name: string | undefined,
  ) {}

  get bundleCount(): number {
    return this.bundleSpecs.length;
  }

  /**
   * Resolves once every bundle is reserved. A group that cannot fit yet stays
   * pending (an infeasible one too, with a warning), so this may never resolve:
   * race it with a timeout if that matters. Rejects if the group is removed first.
   */
  ready(): Promise<void> {
    try {
      return currentCore("placementGroup.ready()").placementGroupReady(this.id);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /**
   * Waits up to `timeoutSeconds` for the group to be reserved: true if it is,
   * false if it is still pending then (as Ray's `pg.wait(timeout_seconds)`).
   * Rejects if the group was removed.
   */
  async wait(timeoutSeconds: number): Promise<boolean> {
    if (typeof timeoutSeconds !== "number" || Number.isNaN(timeoutSeconds) || timeoutSeconds < 0) {
      throw new InvalidArgumentError(`placementGroup.wait(): timeoutSeconds must be a number ≥ 0, got ${describe(timeoutSeconds)}.`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = startUserTimeout(timeoutSeconds, () => resolve(false));
    });
    try {
      return await Promise.race([this.ready().then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reserves `bundles` (e.g. `[{ CPU: 1, GPU: 1 }, { CPU: 2 }]`) and returns the group at once; await `pg.ready()`. */
export function placementGroup(
  bundles: ReadonlyArray<Readonly<Record<string, number>>>,
  options?: PlacementGroupOptions,
): PlacementGroup {
  const where = "ray.placementGroup()";
  const o = checkOptionKeys(options, ["strategy", "name"], where) as PlacementGroupOptions;
  validateBundles(bundles, where);
  const strategy = validatePlacementGroupStrategy(o.strategy, where);
  if (o.name !== undefined && (typeof o.name !== "string" || o.name === "")) {
    throw new InvalidArgumentError(`${where}: name must be a non-empty string, got ${describe(o.name)}.`);
  }
  const specs = bundles.map((b) => Object.freeze({ ...b }));
  const id = `pg-${randomHex(8)}`;
  currentCore(where).createPlacementGroup(id, specs, strategy, o.name);
  return new PlacementGroup(id, Object.freeze(specs), strategy, o.name);
}

/** Frees the group's bundles; tasks and actors waiting for or running in it fail (running ones are stopped). */
export function removePlacementGroup(pg: PlacementGroupLike): void {
  if (typeof pg !== "object" || pg === null || typeof pg.id !== "string") {
    throw new InvalidArgumentError(`ray.removePlacementGroup() takes a placement group, got ${describe(pg)}.`);
  }
  currentCore("ray.removePlacementGroup()").removePlacementGroup(pg.id);
}

/** Every placement group of this runtime (removed ones included), by id. */
export function placementGroupTable(): Record<string, PlacementGroupTableEntry> {
  return currentCore("ray.placementGroupTable()").placementGroupTable();
}

/** The live placement group with this name; throws `InvalidArgumentError` if there is none. */
export function getPlacementGroup(name: string): PlacementGroup {
  const table = placementGroupTable();
  const entry = Object.values(table).find((g) => g.name === name && g.state !== "REMOVED");
  if (entry === undefined) throw new InvalidArgumentError(`No placement group named "${name}".`);
  return new PlacementGroup(entry.placementGroupId, entry.bundles, entry.strategy, entry.name);
}
