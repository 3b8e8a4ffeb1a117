/**
 * What this machine has, for `ray.init()` defaults: CPUs from
 * `os.availableParallelism()`, memory for tasks as 70% of `os.totalmem()`
 * (Ray gives tasks roughly 70% of the memory, keeping 30% for its object
 * store), GPUs from `nvidia-smi -L` when it is installed (restricted to
 * `CUDA_VISIBLE_DEVICES` when that is set, as Ray does), else none.
 * Detection never fails: a missing or failing `nvidia-smi` means 0 GPUs.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism, totalmem } from "node:os";
import { parseNvidiaSmiList, visibleGpuIds, type DetectedResources } from "./scheduler/node-totals.js";

/** Share of the machine's memory offered to tasks as the `memory` resource. */
export const MEMORY_FRACTION = 0.7;

export function detectResources(env: NodeJS.ProcessEnv = process.env, gpus = true): DetectedResources {
  const gpuIds = gpus ? detectGpuIds(env) : [];
  return {
    cpus: availableParallelism(),
    gpus: gpuIds.length,
    memoryBytes: Math.floor(totalmem() * MEMORY_FRACTION),
    ...(gpuIds.length > 0 ? { gpuIds } : {}),
  };
}

/** GPU device ids of this machine: `nvidia-smi -L`, filtered by `CUDA_VISIBLE_DEVICES`. */
export function detectGpuIds(env: NodeJS.ProcessEnv = process.env): number[] {
  let listing: string;
  try {
    listing = execFileSync("nvidia-smi", ["-L"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 });
  } catch {
    return []; // not installed (ENOENT), no driver, or it failed: no GPUs
  }
  return visibleGpuIds(parseNvidiaSmiList(listing), env["CUDA_VISIBLE_DEVICES"]);
}
