/**
 * A pool of resources that grants are carved from: a node, or a
 * placement-group bundle reserved on a node (same rules, smaller pool).
 *
 * It owns `total`, `available` and the per-device GPU ledger. It does not know
 * who holds what; the caller keeps each `Allocation` and hands it back.
 *
 * Invariants:
 * - `available = total - (everything allocated) + (CPU currently lent)`;
 * - `available.get(GPU) === gpus.availableUnits()` (GPU sums and devices agree);
 * - every amount of `available` is ≥ 0 except CPU, which `reclaimCpu` may push
 *   below zero: a task that wakes up from `ray.get` takes its CPU back even if
 *   others took it meanwhile, as Ray does (the node is briefly oversubscribed
 *   and dispatches nothing that needs CPU until it drains).
 */
import { InvalidArgumentError } from "../common/errors.js";
import { UNITS_PER_WHOLE, isWhole, type Units } from "./fixed-point.js";
import { GpuAllocator, type GpuDevice, type GpuShare } from "./gpu-allocator.js";
import type { NodeView } from "./node-view.js";
import { CPU, GPU, ResourceSet } from "./resource-set.js";

/** What one grant took from a pool. */
export interface Allocation {
  /** Everything taken, GPU units included. */
  readonly resources: ResourceSet;
  /** Which GPU devices, and how much of each. Empty without GPUs. */
  readonly gpus: readonly GpuShare[];
}

export class ResourcePool {
  private totalSet: ResourceSet;
  /**
   * Availability, updated in place on the dispatch hot path (a grant and a
   * release per task); `available()` hands out an immutable snapshot, built
   * once per change. Zero amounts are not stored.
   */
  private readonly free_ = new Map<string, Units>();
  private snapshot: ResourceSet | undefined;
  private gpus: GpuAllocator;

  /**
   * @param total what the pool holds; a node's `GPU` total must be whole.
   * @param gpuDevices explicit devices (ids and capacities); default: `GPU` whole devices 0..n-1.
   */
  constructor(total: ResourceSet, gpuDevices?: readonly GpuDevice[]) {
    this.totalSet = total;
    this.change(total, 1n);
    this.gpus = gpuDevices ? new GpuAllocator(gpuDevices) : wholeGpus(total);
    if (this.gpus.totalUnits() !== total.get(GPU)) {
      throw new InvalidArgumentError(
        `GPU devices hold ${this.gpus.totalUnits()} units but the GPU total is ${total.get(GPU)}.`,
      );
    }
  }

  total(): ResourceSet {
    return this.totalSet;
  }

  /** Raw availability; CPU may be negative (see the file comment). */
  available(): ResourceSet {
    return (this.snapshot ??= ResourceSet.fromUnits(this.free_));
  }

  /** Available units of one resource (no snapshot built). */
  availableOf(name: string): Units {
    return this.free_.get(name) ?? 0n;
  }

  gpuDevices(): readonly GpuDevice[] {
    return this.gpus.list();
  }

  canAllocate(demand: ResourceSet): boolean {
    return this.fits(demand) && this.gpus.canAllocate(demand.get(GPU));
  }

  /** Takes `demand` if it fits now; otherwise returns undefined and changes nothing. */
  tryAllocate(demand: ResourceSet): Allocation | undefined {
    if (!this.fits(demand)) return undefined;
    const gpus = this.gpus.tryAllocate(demand.get(GPU));
    if (gpus === undefined) return undefined;
    this.change(demand, -1n);
    return { resources: demand, gpus };
  }

  /**
   * Gives back an allocation. `cpuLent`: its CPU was already returned by
   * `lendCpu`, so only the rest comes back now.
   */
  free(allocation: Allocation, cpuLent = false): void {
    this.gpus.free(allocation.gpus);
    this.change(allocation.resources, 1n, cpuLent ? CPU : undefined);
  }

  /** Returns the allocation's CPUs while its task is blocked (GPUs and the rest stay held). */
  lendCpu(allocation: Allocation): void {
    this.changeOne(CPU, allocation.resources.get(CPU));
  }

  /** Takes the lent CPUs back, even if that leaves CPU negative. */
  reclaimCpu(allocation: Allocation): void {
    this.changeOne(CPU, -allocation.resources.get(CPU));
  }

  /**
   * Changes the total; availability moves by the same difference, so grants
   * outstanding keep their share (available may drop below zero until they end).
   * The GPU devices can change only while none is in use (a device cannot be
   * taken away from a running task).
   */
  setTotal(total: ResourceSet, gpuIds?: readonly number[]): void {
    const gpuUnits = total.get(GPU);
    if (!isWhole(gpuUnits)) {
      throw new InvalidArgumentError(`A node's GPU total must be a whole number, got ${total.toString()}.`);
    }
    const count = Number(gpuUnits / UNITS_PER_WHOLE);
    const sameDevices =
      count === this.gpus.list().length &&
      (gpuIds === undefined || gpuIds.every((id, i) => this.gpus.list()[i]?.id === id));
    if (!sameDevices) {
      if (this.gpus.availableUnits() !== this.gpus.totalUnits()) {
        throw new InvalidArgumentError("Cannot change a node's GPU devices while some are in use.");
      }
      this.gpus = GpuAllocator.whole(count, gpuIds);
    }
    this.change(total.subtract(this.totalSet), 1n);
    this.totalSet = total;
  }

  /** Whether `demand` fits what is free (every demanded amount ≤ the amount free). */
  private fits(demand: ResourceSet): boolean {
    for (const [name, units] of demand.entries()) {
      if (units > (this.free_.get(name) ?? 0n)) return false;
    }
    return true;
  }

  /** free += sign × amounts (all but `skip`). */
  private change(amounts: ResourceSet, sign: 1n | -1n, skip?: string): void {
    for (const [name, units] of amounts.entries()) {
      if (name !== skip) this.changeOne(name, sign === 1n ? units : -units);
    }
  }

  private changeOne(name: string, delta: Units): void {
    if (delta === 0n) return;
    const sum = (this.free_.get(name) ?? 0n) + delta;
    if (sum === 0n) this.free_.delete(name);
    else this.free_.set(name, sum);
    this.snapshot = undefined;
  }

  /** A snapshot for the placement functions. */
  view(nodeId: string): NodeView {
    return {
      nodeId,
      total: this.totalSet,
      available: this.available(),
      gpuCapacity: this.gpus.list().map((d) => d.capacity),
      gpuAvailable: this.gpus.availableByDevice(),
    };
  }
}

function wholeGpus(total: ResourceSet): GpuAllocator {
  const units = total.get(GPU);
  if (!isWhole(units)) {
    throw new InvalidArgumentError(`A node's GPU total must be a whole number, got ${total.toString()}.`);
  }
  return GpuAllocator.whole(Number(units / UNITS_PER_WHOLE));
}
