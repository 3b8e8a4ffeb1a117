/**
 * Clocks and unit conversions shared by the cases. `process.hrtime.bigint()`
 * is monotonic and nanosecond-resolution; Date.now() is neither.
 */

/** Milliseconds since an arbitrary origin, monotonic. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `body` once and returns how long it took in milliseconds. */
export async function timeMs(body: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = nowMs();
  await body();
  return nowMs() - t0;
}

/** Operations per second, from a count and a duration in milliseconds. */
export function perSecond(ops: number, ms: number): number {
  return (ops * 1000) / ms;
}

/** Microseconds per operation, from a count and a duration in milliseconds. */
export function microsPerOp(ops: number, ms: number): number {
  return (ms * 1000) / ops;
}

/** Collects garbage between runs when the process was started with --expose-gc (the case runner is). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/**
 * Collects garbage, then yields one macrotask so the finalizers the
 * collection queued (`FinalizationRegistry` callbacks) run before the next
 * run: objects whose last reference died are then really freed (tsray frees
 * an object, and its memory becomes reusable, from such a callback). The
 * same for every contender.
 */
export async function collectGarbageAndFinalize(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
}
