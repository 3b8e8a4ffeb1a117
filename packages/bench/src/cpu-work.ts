/**
 * The CPU-bound body of the speed-up case, shared by the tsray task, the
 * piscina worker and the one-thread reference so all three run the very same
 * code. It is a plain integer loop whose result depends on every iteration,
 * so the JIT cannot drop it.
 */

/** Spins for `iterations` rounds of an xorshift and returns the final state. */
export function spin(iterations: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/**
 * Iterations that take about `targetMs` on this thread, once spin() is
 * optimised. Measured rather than fixed so the case means "~250 ms tasks" on
 * any machine; refined until a timing lands within 10% of the target, taking
 * the fastest of three timings each time (on a busy machine a slow one only
 * means we were descheduled).
 */
export function calibrateSpin(targetMs: number): number {
  for (let i = 0; i < 5; i++) spin(2e6); // let the JIT optimise spin() before timing it
  let n = 1e6;
  for (let round = 0; round < 8; round++) {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      spin(n);
      best = Math.min(best, performance.now() - t0);
    }
    const next = Math.round((n * targetMs) / Math.max(best, 0.01));
    if (Math.abs(best - targetMs) < targetMs * 0.1) return n;
    n = next;
  }
  return n;
}
