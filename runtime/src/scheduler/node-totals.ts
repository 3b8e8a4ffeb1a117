/**
 * A node's totals from `ray.init({ numCpus, numGpus, memory, resources })`
 * (or `tsray start --num-cpus …`), falling back to what the runtime detected
 * on the machine (CPUs from `os.availableParallelism()`, GPUs from
 * `nvidia-smi -L` or 0, memory from `os.totalmem()`). Detection is I/O and
 * stays in the runtime; this only merges and validates.
 *
 * `parseNvidiaSmiList` / `visibleGpuIds` turn detection output into device ids
 * (pure, so they are tested on captured output).
 *
 * Rules: amounts as `toUnits` (≥ 0, finite, 1e-4 precision); the GPU count must
 * be whole (devices are counted, not shared, at node level); `resources` may not
 * name CPU, GPU or memory (use the options); explicit `gpuIds` must match the count.
 */
import { InvalidArgumentError } from "../common/errors.js";
import { isWhole, toUnits } from "./fixed-point.js";
import { CPU, GPU, MEMORY, ResourceSet } from "./resource-set.js";

export interface NodeResourceOptions {
  readonly numCpus?: number;
  readonly numGpus?: number;
  readonly memory?: number;
  readonly resources?: { readonly [name: string]: number };
}

export interface DetectedResources {
  readonly cpus: number;
  readonly gpus: number;
  readonly memoryBytes: number;
  /** Device ids of the detected GPUs (e.g. from `CUDA_VISIBLE_DEVICES`). Default 0..gpus-1. */
  readonly gpuIds?: readonly number[];
}

export interface NodeTotals {
  readonly totals: ResourceSet;
  readonly gpuIds?: readonly number[];
}

export function nodeTotals(options: NodeResourceOptions, detected: DetectedResources, where = "ray.init"): NodeTotals {
  const cpus = toUnits(options.numCpus ?? detected.cpus, `numCpus of ${where}`);
  const gpus = toUnits(options.numGpus ?? detected.gpus, `numGpus of ${where}`);
  if (!isWhole(gpus)) {
    throw new InvalidArgumentError(`numGpus of ${where} must be a whole number of devices, got ${options.numGpus}.`);
  }
  const memory = toUnits(options.memory ?? detected.memoryBytes, `memory of ${where}`);
  const entries: Array<[string, bigint]> = [
    [CPU, cpus],
    [GPU, gpus],
    [MEMORY, memory],
  ];
  for (const [name, value] of Object.entries(options.resources ?? {})) {
    if (name === CPU || name === GPU || name === MEMORY) {
      throw new InvalidArgumentError(`resources of ${where} names "${name}": use the numCpus/numGpus/memory option instead.`);
    }
    if (name === "") throw new InvalidArgumentError(`resources of ${where}: a resource name cannot be empty.`);
    entries.push([name, toUnits(value, `resources.${name} of ${where}`)]);
  }
  const totals = ResourceSet.fromUnits(entries);
  // Detected ids only describe the detected devices; an explicit numGpus overrides them.
  const ids = options.numGpus === undefined ? detected.gpuIds : undefined;
  return ids === undefined ? { totals } : { totals, gpuIds: ids };
}

/** Device indices from `nvidia-smi -L` output (`GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-…)` per line). */
export function parseNvidiaSmiList(output: string): number[] {
  const ids: number[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^GPU (\d+):/.exec(line.trim());
    if (m !== null) ids.push(Number(m[1]));
  }
  return ids;
}

/**
 * The devices a process may use: all of `ids` when `CUDA_VISIBLE_DEVICES` is
 * unset; otherwise the listed indices that exist (UUIDs and bad entries are
 * skipped), in the listed order.
 */
export function visibleGpuIds(ids: readonly number[], cudaVisibleDevices: string | undefined): number[] {
  if (cudaVisibleDevices === undefined) return [...ids];
  const known = new Set(ids);
  const out: number[] = [];
  for (const part of cudaVisibleDevices.split(",")) {
    const t = part.trim();
    if (!/^\d+$/.test(t)) continue;
    const id = Number(t);
    if (known.has(id) && !out.includes(id)) out.push(id);
  }
  return out;
}
