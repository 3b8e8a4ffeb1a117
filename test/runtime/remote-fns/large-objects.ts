// Remote functions of the large-object suites (slabs, views, pins).
import * as ray from "tsray";

export interface ArraySummary {
  readonly length: number;
  readonly sum: number;
  /** Whether the array is a view of shared memory (the driver's slab). */
  readonly shared: boolean;
}

function summary(a: Float64Array): ArraySummary {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return { length: a.length, sum, shared: a.buffer instanceof SharedArrayBuffer };
}

export const summarize = ray.remote(function summarize(a: Float64Array): ArraySummary {
  return summary(a);
});

/** `summarize` of an array the task gets itself (a nested ref is not resolved by the driver). */
export const summarizeNested = ray.remote(async function summarizeNested(box: { ref: ray.ObjectRef<Float64Array> }): Promise<ArraySummary> {
  return summary(await ray.get(box.ref));
});

/** Sum of a plain array of numbers (its frame holds no binary, so decoding it makes no view). */
export const sumNumbers = ray.remote(function sumNumbers(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
});

/** Kept by `keep` in this thread until `dropKept`. */
let kept: Float64Array | undefined;

export const keep = ray.remote(function keep(a: Float64Array): number {
  kept = a;
  return a.length;
});

export const readKept = ray.remote(function readKept(i: number): number {
  return kept![i]!;
});

/** Drops the kept array and collects garbage in this thread (when the process runs with --expose-gc). */
export const dropKept = ray.remote(async function dropKept(): Promise<boolean> {
  kept = undefined;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  // Let the finalizers run, then let the thread post what they queued.
  await new Promise((r) => setTimeout(r, 0));
  return true;
});
