/**
 * The actor behind `ray.Queue` (Ray's `_QueueActor`): a FIFO list of items
 * with an optional bound, whose blocking `put`/`get` wait inside the actor
 * (it runs with many concurrent calls, so a waiting `get` does not hold up
 * the `put` that will satisfy it). It never throws for "empty" or "full":
 * it answers with a status, and the `Queue` wrapper on the caller's side
 * throws `Empty`/`Full`, so those errors reach users as themselves rather
 * than wrapped in a `TaskError`.
 *
 * Defined with the transform-free spelling and an explicit context, so its id
 * is stable and any worker can load it from this module's URL.
 *
 * Invariant: `items.length <= maxsize` when `maxsize > 0`. Waiters re-check
 * their condition when woken (another call may have taken the item or the
 * room first), so a wake-up is a hint, never a hand-over.
 */
import { remote } from "../api/remote.js";

/** What `get` and `getNowait` answer: an item, or that there was none (in time). */
export type Taken<T> = { readonly ok: true; readonly item: T } | { readonly ok: false };

type Waiter = (woken: boolean) => void;

class QueueActor {
  readonly items: unknown[] = [];
  readonly #getters: Waiter[] = [];
  readonly #putters: Waiter[] = [];

  /** `maxsize` ≤ 0: no bound. */
  constructor(readonly maxsize: number) {}

  getMaxsize(): number {
    return this.maxsize;
  }

  qsize(): number {
    return this.items.length;
  }

  empty(): boolean {
    return this.items.length === 0;
  }

  full(): boolean {
    return this.maxsize > 0 && this.items.length >= this.maxsize;
  }

  /** Adds `item`, waiting for room up to `timeout` seconds (null: as long as it takes); false if it ran out. */
  async put(item: unknown, timeout: number | null): Promise<boolean> {
    const deadline = deadlineOf(timeout);
    while (this.full()) {
      if (!(await waitOn(this.#putters, deadline))) return false;
    }
    this.items.push(item);
    wakeOne(this.#getters);
    return true;
  }

  /** Takes the oldest item, waiting for one up to `timeout` seconds (null: as long as it takes). */
  async get(timeout: number | null): Promise<Taken<unknown>> {
    const deadline = deadlineOf(timeout);
    while (this.empty()) {
      if (!(await waitOn(this.#getters, deadline))) return { ok: false };
    }
    return this.getNowait();
  }

  putNowait(item: unknown): boolean {
    return this.putNowaitBatch([item]);
  }

  /** Adds all of `items` or, when they do not all fit, none. */
  putNowaitBatch(items: unknown[]): boolean {
    if (this.maxsize > 0 && this.items.length + items.length > this.maxsize) return false;
    for (const item of items) {
      this.items.push(item);
      wakeOne(this.#getters);
    }
    return true;
  }

  getNowait(): Taken<unknown> {
    if (this.empty()) return { ok: false };
    const item = this.items.shift();
    wakeOne(this.#putters);
    return { ok: true, item };
  }

  /** `n` oldest items, or null (taking none) when fewer are there. */
  getNowaitBatch(n: number): unknown[] | null {
    if (n > this.items.length) return null;
    const taken = this.items.splice(0, n);
    for (let i = 0; i < n; i++) wakeOne(this.#putters);
    return taken;
  }
}

function deadlineOf(timeout: number | null): number | undefined {
  return timeout === null ? undefined : Date.now() + timeout * 1000;
}

/** Waits until woken (true) or until `deadline` passes (false). */
function waitOn(waiters: Waiter[], deadline: number | undefined): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waiter: Waiter = (woken) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(woken);
    };
    waiters.push(waiter);
    if (deadline !== undefined) {
      timer = setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
    }
  });
}

function wakeOne(waiters: Waiter[]): void {
  waiters.shift()?.(true);
}

export type { QueueActor };

/** The remote class; its id names the runtime's module, not the user's. */
export const RemoteQueueActor = remote(QueueActor, {
  kind: "tsray:class",
  abi: 1,
  id: "tsray/util/queue-actor.js#QueueActor",
  name: "QueueActor",
  url: import.meta.url,
});
