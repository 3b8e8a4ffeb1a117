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
import { InvalidArgumentError } from "../errors.js";
import { UNITS_PER_WHOLE, isWhole } from "./fixed-point.js";
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
  private availableSet: ResourceSet;
  private gpus: GpuAllocator;

  /**
   * @param total what the pool holds; a node's `GPU` total must be whole.
   * @param gpuDevices explicit devices (ids and capacities); default: `GPU` whole devices 0..n-1.
   */
  constructor(total: ResourceSet, gpuDevices?: readonly GpuDevice[]) {
    this.totalSet = total;
    this.availableSet = total;
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
    return this.availableSet;
  }

  gpuDevices(): readonly GpuDevice[] {
    return this.gpus.list();
  }

  canAllocate(demand: ResourceSet): boolean {
    return this.availableSet.fits(demand) && this.gpus.canAllocate(demand.get(GPU));
  }

  /** Takes `demand` if it fits now; otherwise returns undefined and changes nothing. */
  tryAllocate(demand: ResourceSet): Allocation | undefined {
    if (!this.availableSet.fits(demand)) return undefined;
    const gpus = this.gpus.tryAllocate(demand.get(GPU));
    if (gpus === undefined) return undefined;
    this.availableSet = this.availableSet.subtract(demand);
    return { resources: demand, gpus };
  }

  /**
   * Gives back an allocation. `cpuLent`: its CPU was already returned by
   * `lendCpu`, so only the rest comes back now.
   */
  free(allocation: Allocation, cpuLent = false): void {
    const back = cpuLent ? allocation.resources.omit([CPU]) : allocation.resources;
    this.gpus.free(allocation.gpus);
    this.availableSet = this.availableSet.add(back);
  }

  /** Returns the allocation's CPUs while its task is blocked (GPUs and the rest stay held). */
  lendCpu(allocation: Allocation): void {
    this.availableSet = this.availableSet.add(allocation.resources.pick([CPU]));
  }

  /** Takes the lent CPUs back, even if that leaves CPU negative. */
  reclaimCpu(allocation: Allocation): void {
    this.availableSet = this.availableSet.subtract(allocation.resources.pick([CPU]));
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
    this.availableSet = this.availableSet.add(total.subtract(this.totalSet));
    this.totalSet = total;
  }

  /** A snapshot for the placement functions. */
  view(nodeId: string): NodeView {
    return {
      nodeId,
      total: this.totalSet,
      available: this.availableSet,
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
