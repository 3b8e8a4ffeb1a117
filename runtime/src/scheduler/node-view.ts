/**
 * A read-only snapshot of one node's (or one placement-group bundle's)
 * resources: what the pure placement functions decide on.
 *
 * It is plain data so the cluster can ship one per node over the wire and run
 * the same `placement-policy.ts` / `bundle-planner.ts` on the head or on any
 * node. GPU availability is carried per device because sums hide
 * fragmentation: two devices each half used have 1 GPU free in total, yet a
 * 1-GPU task cannot run there.
 */
import { UNITS_PER_WHOLE, isWhole, type Units } from "./fixed-point.js";
import { planGpuShares } from "./gpu-allocator.js";
import { CPU, GPU, MEMORY, type ResourceSet } from "./resource-set.js";

export interface NodeView {
  readonly nodeId: string;
  readonly total: ResourceSet;
  readonly available: ResourceSet;
  /** Capacity per GPU device (normally 1 GPU each). Absent: whole devices, as many as `total` says. */
  readonly gpuCapacity?: readonly Units[];
  /** Available units per GPU device. Absent: judged on the `GPU` sum alone. */
  readonly gpuAvailable?: readonly Units[];
  /** False for a node known dead; such nodes are never chosen. Default true. */
  readonly alive?: boolean;
}

/** Whether the node could ever run `demand` (on an otherwise idle node). */
export function isFeasibleOn(view: NodeView, demand: ResourceSet): boolean {
  if (view.alive === false) return false;
  if (!view.total.fits(demand)) return false;
  return gpuPlanExists(view.gpuCapacity ?? wholeDevices(view.total.get(GPU)), demand.get(GPU));
}

/** Whether the node can run `demand` right now. */
export function isAvailableOn(view: NodeView, demand: ResourceSet): boolean {
  if (view.alive === false) return false;
  if (!view.available.fits(demand)) return false;
  if (view.gpuAvailable === undefined) return gpuPlanExists(undefined, demand.get(GPU));
  return gpuPlanExists(view.gpuAvailable, demand.get(GPU));
}

/**
 * The most used of the node's CPU and memory, in [0, 1] (can exceed 1 while
 * CPUs are lent back and reclaimed). Ray's hybrid policy scores nodes by this
 * ("critical resource utilization"); resources the node lacks are skipped.
 */
export function criticalUtilization(view: NodeView): number {
  let highest = 0;
  for (const name of [CPU, MEMORY]) {
    const total = view.total.get(name);
    if (total <= 0n) continue;
    const used = total - view.available.get(name);
    const utilization = Number(used) / Number(total);
    if (utilization > highest) highest = utilization;
  }
  return highest;
}

function wholeDevices(gpuTotal: Units): Units[] {
  return Array.from({ length: Number(gpuTotal / UNITS_PER_WHOLE) }, () => UNITS_PER_WHOLE);
}

function gpuPlanExists(devices: readonly Units[] | undefined, demand: Units): boolean {
  if (demand <= 0n) return true;
  // A demand ≥ 1 that is not whole can never be given out (see gpu-allocator.ts).
  if (demand >= UNITS_PER_WHOLE && !isWhole(demand)) return false;
  return devices === undefined || planGpuShares(devices, demand) !== undefined;
}
