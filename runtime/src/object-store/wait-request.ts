/**
 * `ray.wait` over the memory store: resolves with one readiness flag per
 * input id once `numReturns` of them have settled (a failed object counts as
 * ready; the failure surfaces in `get`) or the timeout passes. At most
 * `numReturns` flags are true: the first ready ids in input order.
 *
 * The caller has validated the input (no duplicates, 1 ≤ numReturns ≤ length,
 * timeout ≥ 0).
 */
import type { Settled, WaitableStore } from "./waiter.js";
import { StoreRequest } from "./store-request.js";

export function waitFor(
  store: WaitableStore,
  ids: readonly string[],
  numReturns: number,
  timeoutS: number | undefined,
): Promise<boolean[]> {
  const closed = store.isClosed;
  if (closed !== undefined) return Promise.reject(closed);
  return new Promise<boolean[]>((resolve, reject) => new WaitRequest(store, ids, numReturns, resolve, reject).start(timeoutS));
}

class WaitRequest extends StoreRequest<boolean[]> {
  private readonly ready: boolean[];
  private count = 0;

  constructor(
    store: WaitableStore,
    ids: readonly string[],
    private readonly numReturns: number,
    resolve: (ready: boolean[]) => void,
    reject: (error: Error) => void,
  ) {
    super(store, ids, resolve, reject);
    this.ready = new Array<boolean>(ids.length).fill(false);
  }

  start(timeoutS: number | undefined): void {
    this.waitAll(timeoutS === 0 ? undefined : timeoutS, () => this.finish());
    if (timeoutS === 0) this.finish();
  }

  settled(at: number, _settled: Settled): void {
    if (this.done) return;
    this.ready[at] = true;
    if (++this.count >= this.numReturns) this.finish();
  }

  /** The first `numReturns` ready ones, in input order. */
  protected result(): boolean[] {
    const ready = this.ready;
    let kept = 0;
    for (let i = 0; i < ready.length; i++) {
      if (ready[i] && ++kept > this.numReturns) ready[i] = false;
    }
    return ready;
  }
}
