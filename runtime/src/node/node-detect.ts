/**
 * What this machine has, for `ray.init()` defaults: CPUs from
 * `os.availableParallelism()`, memory for tasks as 70% of `os.totalmem()`
 * (Ray gives tasks roughly 70% of the memory, keeping 30% for its object
 * store), GPUs from `nvidia-smi -L` when it is installed (restricted to
 * `CUDA_VISIBLE_DEVICES` when that is set, as Ray does), else none.
 * Detection never fails: a missing or failing `nvidia-smi` means 0 GPUs.
 *
 * Driver only: `init()` imports it on demand, so `import "tsray"` in a worker
 * does not load it.
 */
import { accessSync, constants } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { delimiter, join } from "node:path";
import { parseNvidiaSmiList, visibleGpuIds, type DetectedResources } from "../scheduler/node-totals.js";

/** Share of the machine's memory offered to tasks as the `memory` resource. */
export const MEMORY_FRACTION = 0.7;

/** CPUs and memory of this machine, with the GPU ids `detectGpuIds` found (none by default). */
export function detectResources(gpuIds: readonly number[] = []): DetectedResources {
  return {
    cpus: availableParallelism(),
    gpus: gpuIds.length,
    memoryBytes: Math.floor(totalmem() * MEMORY_FRACTION),
    ...(gpuIds.length > 0 ? { gpuIds } : {}),
  };
}

/**
 * GPU device ids of this machine: `nvidia-smi -L`, filtered by
 * `CUDA_VISIBLE_DEVICES`. Asynchronous, so `init()` loads the runtime while
 * nvidia-smi runs (it takes tens to hundreds of ms where it is installed).
 * Where it is not on the PATH it is not spawned at all: forking the driver
 * costs 10–25 ms even when the exec then fails.
 */
export async function detectGpuIds(env: NodeJS.ProcessEnv = process.env): Promise<number[]> {
  if (process.platform !== "win32" && !onPath("nvidia-smi", env["PATH"])) return [];
  // Loaded here: child_process costs the driver ≈ 5–15 ms, which machines without nvidia-smi never pay.
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile("nvidia-smi", ["-L"], { encoding: "utf8", timeout: 5000 }, (error, stdout) => {
      // Not installed, no driver, or it failed: no GPUs.
      resolve(error !== null ? [] : visibleGpuIds(parseNvidiaSmiList(stdout), env["CUDA_VISIBLE_DEVICES"]));
    });
  });
}

/** Whether an executable file `name` is in one of the PATH's directories (as execvp would find it; `true` without a PATH). */
function onPath(name: string, path: string | undefined): boolean {
  if (path === undefined) return true; // the system's default search path: let the spawn find out
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
