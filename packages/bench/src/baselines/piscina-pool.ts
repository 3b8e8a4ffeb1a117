/**
 * piscina pools for the baselines: a fixed number of threads (min = max, so
 * none start or idle out during a run), otherwise piscina's defaults, which
 * are its fast path (Atomics wake-up, one task per thread at a time).
 */
import { Piscina } from "piscina";

const workerFile = new URL("./piscina-worker.js", import.meta.url).href;

export function piscinaPool(threads: number): Piscina {
  return new Piscina({ filename: workerFile, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
}

/** Waits until every thread has answered once, so no measured run pays for thread start-up. */
export async function warmPool(pool: Piscina, threads: number): Promise<void> {
  await Promise.all(Array.from({ length: threads * 4 }, () => pool.run(null, { name: "noop" })));
}
