/**
 * Per-device GPU accounting: which GPU ids a task or actor gets.
 *
 * A node's `GPU` total says how many; this says which. Rules, as Ray's
 * `NodeResourceInstanceSet::TryAllocate` (resource_instance_set.cc):
 * - a whole demand (1, 2, …) takes that many devices that are entirely free
 *   (available == capacity == 1 GPU), lowest ids first: concurrent tasks never
 *   share a whole GPU;
 * - a fractional demand (0 < d < 1) goes to the device that is left with the
 *   least room after it ("best fit"), lowest id on ties, so 0.5 + 0.5 share
 *   device 0 before device 1 is touched;
 * - a demand ≥ 1 that is not whole (1.5) can never be allocated (Ray refuses
 *   it too); `resource-demand.ts` rejects it at the call site.
 *
 * A device's capacity is normally 1 GPU. Inside a placement-group bundle it is
 * what the bundle reserved on that device (e.g. 0.5), which is why capacity is
 * kept per device.
 *
 * Invariant: for every device, 0 ≤ available ≤ capacity.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { UNITS_PER_WHOLE, isWhole, type Units } from "./fixed-point.js";

/** One device's share of an allocation. */
export interface GpuShare {
  readonly id: number;
  readonly units: Units;
}

export interface GpuDevice {
  readonly id: number;
  readonly capacity: Units;
}

export class GpuAllocator {
  private readonly devices: GpuDevice[];
  private readonly available: Units[];

  /** @param devices ids with their capacity (1 GPU = `UNITS_PER_WHOLE`), in preference order. */
  constructor(devices: readonly GpuDevice[]) {
    this.devices = devices.map((d) => ({ id: d.id, capacity: d.capacity }));
    this.available = devices.map((d) => d.capacity);
  }

  /** `count` whole devices with ids `ids` (default 0..count-1). */
  static whole(count: number, ids?: readonly number[]): GpuAllocator {
    if (ids !== undefined && (ids.length !== count || new Set(ids).size !== count)) {
      throw new InvalidArgumentError(`Expected ${count} distinct GPU ids, got [${ids.join(", ")}].`);
    }
    const list = ids ?? Array.from({ length: count }, (_, i) => i);
    return new GpuAllocator(list.map((id) => ({ id, capacity: UNITS_PER_WHOLE })));
  }

  /** Device ids and capacities, for building a bundle's allocator or a report. */
  list(): readonly GpuDevice[] {
    return this.devices;
  }

  /** Available units per device, in device order (what a `NodeView` carries). */
  availableByDevice(): readonly Units[] {
    return [...this.available];
  }

  totalUnits(): Units {
    return this.devices.reduce((sum, d) => sum + d.capacity, 0n);
  }

  availableUnits(): Units {
    return this.available.reduce((sum, u) => sum + u, 0n);
  }

  /** Whether `tryAllocate(demand)` would succeed now. */
  canAllocate(demand: Units): boolean {
    return planGpuShares(this.available, demand) !== undefined;
  }

  /** Takes `demand` units; returns the concrete shares, or undefined (nothing changed). */
  tryAllocate(demand: Units): GpuShare[] | undefined {
    if (demand <= 0n) return [];
    const plan = planGpuShares(this.available, demand);
    if (plan === undefined) return undefined;
    return plan.map(({ index, units }) => {
      const device = this.devices[index] as GpuDevice;
      this.available[index] = (this.available[index] as Units) - units;
      return { id: device.id, units };
    });
  }

  /** Returns shares taken by `tryAllocate`. Throws on shares this allocator never gave out. */
  free(shares: readonly GpuShare[]): void {
    for (const share of shares) {
      const index = this.devices.findIndex((d) => d.id === share.id);
      const device = this.devices[index];
      const now = this.available[index];
      if (device === undefined || now === undefined || now + share.units > device.capacity) {
        throw new Error(`GPU ${share.id}: freeing ${share.units} units it did not allocate`);
      }
      this.available[index] = now + share.units;
    }
  }
}

/**
 * The pure allocation rule over per-device availability (also used by
 * `node-view.ts` to answer "could this node run it now?" without an allocator).
 * Returns device indexes with the units to take from each, or undefined.
 */
export function planGpuShares(
  available: readonly Units[],
  demand: Units,
): Array<{ index: number; units: Units }> | undefined {
  if (demand <= 0n) return [];
  if (demand >= UNITS_PER_WHOLE) {
    if (!isWhole(demand)) return undefined;
    let needed = demand / UNITS_PER_WHOLE;
    const picks: Array<{ index: number; units: Units }> = [];
    for (let i = 0; i < available.length && needed > 0n; i++) {
      if (available[i] === UNITS_PER_WHOLE) {
        picks.push({ index: i, units: UNITS_PER_WHOLE });
        needed -= 1n;
      }
    }
    return needed === 0n ? picks : undefined;
  }
  let best = -1;
  let bestLeft = 0n;
  for (let i = 0; i < available.length; i++) {
    const left = (available[i] as Units) - demand;
    if (left >= 0n && (best === -1 || left < bestLeft)) {
      best = i;
      bestLeft = left;
    }
  }
  return best === -1 ? undefined : [{ index: best, units: demand }];
}
