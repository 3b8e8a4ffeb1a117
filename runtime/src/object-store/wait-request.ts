/**
 * `ray.wait` over the memory store: resolves with one readiness flag per
 * input id once `numReturns` of them have settled (a failed object counts as
 * ready; the failure surfaces in `get`) or the timeout passes. At most
 * `numReturns` flags are true: the first ready ids in input order.
 *
 * The caller has validated the input (no duplicates, 1 ≤ numReturns ≤ length,
 * timeout ≥ 0).
 */
import type { MemoryStore } from "./memory-store.js";

export function waitFor(
  store: MemoryStore,
  ids: readonly string[],
  numReturns: number,
  timeoutS: number | undefined,
): Promise<boolean[]> {
  const closed = store.isClosed;
  if (closed !== undefined) return Promise.reject(closed);
  return new Promise<boolean[]>((resolve, reject) => {
    const ready = new Array<boolean>(ids.length).fill(false);
    let count = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      store.untrack(finish);
      if (error !== undefined) return reject(error);
      // Keep only the first `numReturns` ready ones, in input order.
      let kept = 0;
      for (let i = 0; i < ready.length; i++) {
        if (ready[i] && ++kept > numReturns) ready[i] = false;
      }
      resolve(ready);
    };
    for (let i = 0; i < ids.length && !done; i++) {
      store.whenSettled(ids[i]!, () => {
        if (done) return;
        ready[i] = true;
        if (++count >= numReturns) finish();
      });
    }
    if (done) return;
    if (timeoutS === 0) return finish();
    store.track(finish);
    if (timeoutS !== undefined) timer = setTimeout(() => finish(), timeoutS * 1000);
  });
}
