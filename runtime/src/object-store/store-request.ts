/**
 * What a `get` and a `wait` over the memory store share: the request waits
 * on a list of objects as one record (the store tells it each object's
 * position as it settles, see `Waiter`), finishes exactly once, is failed by
 * the store when it closes, and may time out.
 */
import { startUserTimeout } from "../common/user-timeout.js";
import type { MemoryStore, Settled, Waiter } from "./memory-store.js";

export abstract class StoreRequest<R> implements Waiter {
  protected done = false;
  private timer: NodeJS.Timeout | undefined;
  /** What the store calls to fail the request when it closes (registered while waiting). */
  private readonly fail = (error?: Error) => this.finish(error);

  constructor(
    protected readonly store: MemoryStore,
    protected readonly ids: readonly string[],
    private readonly resolve: (result: R) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  abstract settled(at: number, settled: Settled): void;

  /** The answer once the request finishes without an error. */
  protected abstract result(): R;

  /** Waits on every id (settled ones are told at once); `onTimeout` runs after `timeoutS` seconds unless finished (never, beyond a timer's range). */
  protected waitAll(timeoutS: number | undefined, onTimeout: () => void): void {
    for (let i = 0; i < this.ids.length && !this.done; i++) this.store.whenSettled(this.ids[i]!, this, i);
    if (this.done) return;
    this.store.track(this.fail);
    if (timeoutS !== undefined) this.timer = startUserTimeout(timeoutS, onTimeout);
  }

  protected finish(error?: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.store.untrack(this.fail);
    if (error === undefined) this.resolve(this.result());
    else this.reject(error);
  }
}
