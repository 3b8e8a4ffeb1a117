/**
 * `ActorPool`: Ray's `ray.util.ActorPool`, built on the public API only.
 *
 * A fixed set of actors shares a stream of work: `submit(fn, v)` runs
 * `fn(actor, v)` on an idle actor (or queues it until one is free), and
 * `getNext()` / `getNextUnordered()` hand back results in submission order or
 * in completion order; each result returned frees its actor for the next
 * queued submission. Semantics follow Ray's python/ray/util/actor_pool.py:
 * - `getNext` after `getNextUnordered` is refused (the order is lost);
 * - asking for a result when nothing is pending is an error;
 * - a `timeout` (seconds) that runs out throws `GetTimeoutError` and leaves the
 *   work pending, unless `ignoreIfTimedout`, which drops that result (and frees
 *   its actor) before throwing;
 * - `map`/`mapUnordered` first drop every result of earlier submissions not yet
 *   returned (as Ray does: their work still runs, its results are ignored),
 *   then submit every value.
 *
 * Invariants: every actor is in `idle`, in exactly one entry of `pending`,
 * or (between a result's `getNext` and its value arriving) in neither;
 * `queued` is non-empty only while `idle` is empty. An actor whose call
 * failed with `ActorDiedError` leaves the pool. Bookkeeping is
 * done synchronously before any await, so overlapping calls never hand one
 * result out twice.
 */
import { actorDescriptorOf } from "../api/actor-handle.js";
import { get, wait } from "../api/api.js";
import { ObjectRef } from "../api/object-ref.js";
import type { ActorHandle } from "../api/remote-types.js";
import { ActorDiedError, GetTimeoutError, InvalidArgumentError } from "../common/errors.js";

/** Runs one value on one actor: `(actor, v) => actor.method.remote(v)`. */
export type PoolFn<C, V, R> = (actor: ActorHandle<C>, value: V) => ObjectRef<R>;

export interface GetNextOptions {
  /** Seconds to wait at most; then `GetTimeoutError`. Absent: as long as it takes. */
  readonly timeout?: number;
  /** On timeout, drop that result and free its actor before throwing (Ray's `ignore_if_timedout`). */
  readonly ignoreIfTimedout?: boolean;
}

interface Pending<C> {
  readonly index: number;
  readonly ref: ObjectRef;
  readonly actor: ActorHandle<C>;
}

/**
 * `C` is the actor's instance type (what `Cls.remote()` hands back as
 * `ActorHandle<C>`); `R` the type of the results `getNext` returns (give it
 * when the pool is built, e.g. `new ActorPool<Worker, number>(actors)`;
 * `map` infers its own).
 */
export class ActorPool<C, R = unknown> {
  readonly #idle: ActorHandle<C>[];
  /** In-flight work by submission index (Map keeps insertion order: oldest first). */
  readonly #pending = new Map<number, Pending<C>>();
  readonly #queued: Array<{ fn: PoolFn<C, unknown, unknown>; value: unknown }> = [];
  #nextTaskIndex = 0;
  #nextReturnIndex = 0;

  constructor(actors: Iterable<ActorHandle<C>>) {
    this.#idle = [];
    for (const a of actors) {
      this.#checkNew(a, "new ActorPool()");
      this.#idle.push(a);
    }
  }

  /**
   * Results of `fn(actor, v)` for every value, in the order of `values`.
   * Results of earlier submissions not yet returned are dropped first, as in Ray.
   */
  map<V, T>(fn: PoolFn<C, V, T>, values: Iterable<V>): AsyncGenerator<T, void, undefined> {
    this.#submitAll(fn, values);
    return this.#drain(false) as AsyncGenerator<T, void, undefined>;
  }

  /** As `map`, but each result as soon as it is ready. */
  mapUnordered<V, T>(fn: PoolFn<C, V, T>, values: Iterable<V>): AsyncGenerator<T, void, undefined> {
    this.#submitAll(fn, values);
    return this.#drain(true) as AsyncGenerator<T, void, undefined>;
  }

  /** Submits at once (as Ray's `map` does), not on the first `next()` of the generator. */
  #submitAll<V>(fn: PoolFn<C, V, unknown>, values: Iterable<V>): void {
    this.#dropPending();
    for (const v of values) this.submit(fn as PoolFn<C, V, R>, v);
  }

  async *#drain(unordered: boolean): AsyncGenerator<R, void, undefined> {
    while (this.hasNext()) yield unordered ? await this.getNextUnordered() : await this.getNext();
  }

  /** Runs `fn(actor, value)` on an idle actor now, or as soon as one is returned to the pool. */
  submit<V>(fn: PoolFn<C, V, R>, value: V): void {
    if (typeof fn !== "function") {
      throw new InvalidArgumentError("ActorPool.submit(fn, value): fn must be a function (actor, value) => actor.method.remote(value).");
    }
    const actor = this.#idle.pop();
    if (actor === undefined) {
      this.#queued.push({ fn: fn as PoolFn<C, unknown, unknown>, value });
      return;
    }
    let ref: unknown;
    try {
      ref = fn(actor, value);
    } catch (e) {
      this.#idle.push(actor);
      throw e;
    }
    if (!(ref instanceof ObjectRef)) {
      this.#idle.push(actor);
      throw new InvalidArgumentError(
        "ActorPool.submit(fn, value): fn must return the ObjectRef of one actor call, e.g. (a, v) => a.method.remote(v).",
      );
    }
    const index = this.#nextTaskIndex++;
    this.#pending.set(index, { index, ref, actor });
  }

  /** Whether any submitted work has a result not yet returned. */
  hasNext(): boolean {
    return this.#pending.size > 0;
  }

  /** The next result in submission order. */
  async getNext(options?: GetNextOptions): Promise<R> {
    this.#checkHasNext("getNext");
    if (this.#nextReturnIndex >= this.#nextTaskIndex || !this.#pending.has(this.#nextReturnIndex)) {
      throw new InvalidArgumentError(
        "ActorPool.getNext() cannot follow getNextUnordered(): the submission order is lost. Keep to getNextUnordered().",
      );
    }
    const entry = this.#pending.get(this.#nextReturnIndex)!;
    const timeout = options?.timeout;
    if (timeout !== undefined) {
      const [ready] = await wait([entry.ref], { timeout });
      if (ready.length === 0) {
        if (options?.ignoreIfTimedout !== true) throw timedOut(timeout);
        // Another caller may have taken it meanwhile; drop it only if it is still ours.
        if (this.#pending.get(entry.index) === entry) {
          this.#nextReturnIndex = entry.index + 1;
          this.#release(entry);
        }
        throw timedOut(timeout, true);
      }
    }
    if (this.#pending.get(entry.index) !== entry) return this.getNext(options);
    this.#nextReturnIndex = entry.index + 1;
    this.#pending.delete(entry.index);
    return this.#result(entry);
  }

  /** The next result to finish, whichever submission it came from. */
  async getNextUnordered(options?: GetNextOptions): Promise<R> {
    this.#checkHasNext("getNextUnordered");
    const timeout = options?.timeout;
    const entries = [...this.#pending.values()];
    const [ready] = await wait(
      entries.map((e) => e.ref),
      timeout === undefined ? { numReturns: 1 } : { numReturns: 1, timeout },
    );
    let entry: Pending<C> | undefined;
    if (ready.length > 0) {
      entry = entries.find((e) => e.ref === ready[0]);
    } else {
      if (options?.ignoreIfTimedout !== true) throw timedOut(timeout ?? 0);
      entry = entries[0];
    }
    if (entry === undefined || this.#pending.get(entry.index) !== entry) {
      // An overlapping call took it while we waited: look again.
      if (!this.hasNext()) this.#checkHasNext("getNextUnordered");
      return this.getNextUnordered(options);
    }
    this.#nextReturnIndex = Math.max(this.#nextReturnIndex, entry.index + 1);
    if (ready.length === 0) {
      this.#release(entry);
      throw timedOut(timeout ?? 0, true);
    }
    this.#pending.delete(entry.index);
    return this.#result(entry);
  }

  /** Whether an actor is idle and no submission is waiting for one. */
  hasFree(): boolean {
    return this.#idle.length > 0 && this.#queued.length === 0;
  }

  /** Takes an idle actor out of the pool (undefined if none is free). */
  popIdle(): ActorHandle<C> | undefined {
    return this.hasFree() ? this.#idle.pop() : undefined;
  }

  /** Adds an actor (new, or one taken with `popIdle`) to the pool; it takes queued work at once. */
  push(actor: ActorHandle<C>): void {
    this.#checkNew(actor, "ActorPool.push()");
    this.#returnActor(actor, true);
  }

  /** Forgets `entry` (its result is dropped) and frees its actor at once. */
  #release(entry: Pending<C>): void {
    this.#pending.delete(entry.index);
    this.#returnActor(entry.actor, true);
  }

  /**
   * The value of a result already taken out of `pending`. Its actor stays busy
   * until the value is in (as in Ray) and is not returned to the pool if it
   * died: otherwise every later submission would land on a dead actor.
   */
  async #result(entry: Pending<C>): Promise<R> {
    let alive = true;
    try {
      return (await get(entry.ref)) as R;
    } catch (e) {
      if (e instanceof ActorDiedError) alive = false;
      throw e;
    } finally {
      this.#returnActor(entry.actor, alive);
    }
  }

  #returnActor(actor: ActorHandle<C>, alive: boolean): void {
    if (alive) this.#idle.push(actor);
    if (this.#idle.length === 0) return;
    const next = this.#queued.shift();
    if (next !== undefined) this.submit(next.fn as PoolFn<C, unknown, R>, next.value);
  }

  /** Forgets every earlier submission, oldest first; queued ones start (on freed actors) and are forgotten too. */
  #dropPending(): void {
    for (let oldest = this.#pending.values().next(); !oldest.done; oldest = this.#pending.values().next()) {
      this.#nextReturnIndex = Math.max(this.#nextReturnIndex, oldest.value.index + 1);
      this.#release(oldest.value);
    }
  }

  #checkHasNext(what: string): void {
    if (!this.hasNext()) {
      throw new InvalidArgumentError(`ActorPool.${what}(): no results are pending; call submit() first, or check hasNext().`);
    }
  }

  #checkNew(actor: unknown, what: string): void {
    const d = actorDescriptorOf(actor);
    if (d === undefined) throw new InvalidArgumentError(`${what} takes ActorHandles (from Cls.remote()).`);
    const id = d.actorId;
    const busy = [...this.#pending.values()].map((e) => e.actor);
    if ([...this.#idle, ...busy].some((a) => actorDescriptorOf(a)?.actorId === id)) {
      throw new InvalidArgumentError(`${what}: actor ${id} already belongs to this ActorPool.`);
    }
  }
}

function timedOut(timeout: number, ignored = false): GetTimeoutError {
  return new GetTimeoutError(
    timeout,
    `ActorPool: timed out after ${timeout} s waiting for a result` +
      (ignored ? "; that result was dropped (ignoreIfTimedout) and its actor freed." : "; it is still pending: ask again later."),
  );
}
