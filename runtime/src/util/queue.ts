/**
 * `ray.Queue`: Ray's `ray.util.queue.Queue`, a first-in first-out queue shared
 * by the driver, tasks and actors, held by an actor (`queue-actor.ts`).
 *
 *   const q = new ray.Queue<number>({ maxsize: 100 });
 *   await q.put(1);                       // waits for room; { block: false } or putNowait: Full at once
 *   await q.get({ timeout: 0.5 });        // waits for an item; Empty when the timeout runs out
 *
 * Passing a queue to a task or actor: `consume.remote(q)` — the class is
 * serializable (common/serializable-classes.ts): a queue crosses as its actor
 * handle and `maxsize`, its only state, and is rebuilt around the same actor.
 * The older spelling still works: `consume.remote(q.actor)`, then
 * `await ray.Queue.attach<number>(actor)` (reads `maxsize` back from the actor).
 *
 * Errors: `Empty` / `Full` (common/errors.ts) where Ray raises `queue.Empty` /
 * `queue.Full`; `InvalidArgumentError` for a negative timeout or batch size;
 * any call after `shutdown()` is refused.
 */
import { actorDescriptorOf } from "../api/actor-handle.js";
import { get, kill } from "../api/api.js";
import type { ActorHandle } from "../api/remote-types.js";
import type { ActorOptions } from "../common/options.js";
import { Empty, Full, InvalidArgumentError } from "../common/errors.js";
import { deserialize, registerClass, serialize } from "../common/serializable-classes.js";
import { describe } from "../scheduler/options-validation.js";
import { RemoteQueueActor, type QueueActor, type Taken } from "./queue-actor.js";

export type { QueueActor };

export interface QueueOptions {
  /** Most items the queue holds; 0 (the default) or less: no bound. */
  readonly maxsize?: number;
  /** Options of the backing actor (default `{ numCpus: 0, maxConcurrency: 1000 }`, as Ray's async queue actor). */
  readonly actorOptions?: ActorOptions;
}

export interface QueuePutOptions {
  /** Wait for room (default true); false: throw `Full` at once if there is none. */
  readonly block?: boolean;
  /** Seconds to wait at most when blocking; then `Full`. Absent: as long as it takes. */
  readonly timeout?: number;
}

export interface QueueGetOptions {
  /** Wait for an item (default true); false: throw `Empty` at once if there is none. */
  readonly block?: boolean;
  /** Seconds to wait at most when blocking; then `Empty`. Absent: as long as it takes. */
  readonly timeout?: number;
}

/** Set by `attach` for the constructor call it makes: a queue over an existing actor. */
let attaching: { readonly actor: ActorHandle<QueueActor>; readonly maxsize: number } | undefined;

export class Queue<T = unknown> {
  /** The backing actor: pass it to tasks and actors, which `Queue.attach` to it. */
  readonly actor: ActorHandle<QueueActor>;
  readonly maxsize: number;
  #shutDown = false;

  constructor(options: QueueOptions = {}) {
    if (attaching !== undefined) {
      this.actor = attaching.actor;
      this.maxsize = attaching.maxsize;
      return;
    }
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError(`new ray.Queue(options) takes { maxsize?, actorOptions? }, got ${describe(options)}.`);
    }
    const maxsize = options.maxsize ?? 0;
    if (typeof maxsize !== "number" || !Number.isInteger(maxsize)) {
      throw new InvalidArgumentError(`new ray.Queue(): maxsize must be an integer (0 for no bound), got ${describe(maxsize)}.`);
    }
    this.maxsize = maxsize;
    const actorOptions: ActorOptions = { numCpus: 0, maxConcurrency: 1000, ...options.actorOptions };
    this.actor = RemoteQueueActor.options(actorOptions).remote(maxsize);
  }

  /** The queue held by `actor` (the `actor` of a queue made elsewhere, e.g. passed to this task). */
  static async attach<T = unknown>(actor: ActorHandle<QueueActor>): Promise<Queue<T>> {
    if (actorDescriptorOf(actor) === undefined) {
      throw new InvalidArgumentError(`ray.Queue.attach() takes the \`actor\` of a ray.Queue, got ${describe(actor)}.`);
    }
    const maxsize = await get(actor.getMaxsize.remote());
    return queueOver<T>(actor, maxsize);
  }

  /** Sent to tasks and actors as its actor handle and maxsize, its only state (see `registerClass` below). */
  static [serialize](q: Queue<unknown>): [ActorHandle<QueueActor>, number] {
    return [q.actor, q.maxsize];
  }

  /** A queue over the same actor, on the side that receives one. */
  static [deserialize](data: [ActorHandle<QueueActor>, number]): Queue<unknown> {
    return queueOver(data[0], data[1]);
  }

  /** How many items are in the queue now. */
  async size(): Promise<number> {
    return get(this.#live("size").qsize.remote());
  }

  async empty(): Promise<boolean> {
    return get(this.#live("empty").empty.remote());
  }

  async full(): Promise<boolean> {
    return get(this.#live("full").full.remote());
  }

  /** Adds `item` (an ObjectRef given here is resolved first, as for any call). */
  async put(item: T, options: QueuePutOptions = {}): Promise<void> {
    if (options.block === false) return this.putNowait(item);
    const timeout = timeoutOf(options.timeout, "put");
    if (!(await get(this.#live("put").put.remote(item, timeout)))) {
      throw new Full(`ray.Queue.put(): still full after ${timeout} s. Use a longer timeout, or make room with get().`);
    }
  }

  /** Takes the oldest item. */
  async get(options: QueueGetOptions = {}): Promise<T> {
    if (options.block === false) return this.getNowait();
    const timeout = timeoutOf(options.timeout, "get");
    return itemOf<T>(await get(this.#live("get").get.remote(timeout)), () =>
      new Empty(`ray.Queue.get(): still empty after ${timeout} s. Use a longer timeout, or put() items first.`),
    );
  }

  async putNowait(item: T): Promise<void> {
    if (!(await get(this.#live("putNowait").putNowait.remote(item)))) throw new Full();
  }

  /** Adds all of `items`, or (when they do not all fit) none and throws `Full`. */
  async putNowaitBatch(items: Iterable<T>): Promise<void> {
    if (typeof (items as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
      throw new InvalidArgumentError(`ray.Queue.putNowaitBatch() takes an array (or iterable) of items, got ${describe(items)}.`);
    }
    const list = [...items];
    if (!(await get(this.#live("putNowaitBatch").putNowaitBatch.remote(list)))) {
      throw new Full(`ray.Queue.putNowaitBatch(): no room for ${list.length} more items (maxsize ${this.maxsize}); nothing was put.`);
    }
  }

  async getNowait(): Promise<T> {
    return itemOf<T>(await get(this.#live("getNowait").getNowait.remote()), () => new Empty());
  }

  /** The `n` oldest items, or (when fewer are there) none and throws `Empty`. */
  async getNowaitBatch(n: number): Promise<T[]> {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new InvalidArgumentError(`ray.Queue.getNowaitBatch(n): n must be an integer ≥ 0, got ${describe(n)}.`);
    }
    const items = await get(this.#live("getNowaitBatch").getNowaitBatch.remote(n));
    if (items === null) {
      throw new Empty(`ray.Queue.getNowaitBatch(): cannot get ${n} items, fewer are in the queue; nothing was taken.`);
    }
    return items as T[];
  }

  /**
   * Ends the backing actor (Ray's `shutdown(force=True)`; tsray has no graceful
   * actor termination yet, so there is no grace period): items still in the queue are lost, and calls
   * waiting in `put`/`get` (here or in other processes) fail with
   * `ActorDiedError`. Later calls on this object are refused.
   */
  shutdown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    kill(this.actor);
  }

  #live(what: string): ActorHandle<QueueActor> {
    if (this.#shutDown) throw new InvalidArgumentError(`ray.Queue.${what}(): the queue was shut down; make a new one.`);
    return this.actor;
  }
}

function timeoutOf(timeout: unknown, what: string): number | null {
  if (timeout === undefined) return null;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidArgumentError(`ray.Queue.${what}(): timeout must be a number of seconds ≥ 0, got ${describe(timeout)}.`);
  }
  return timeout === Infinity ? null : timeout;
}

function itemOf<T>(taken: Taken<unknown>, none: () => Error): T {
  if (!taken.ok) throw none();
  return taken.item as T;
}

/** A queue over `actor`, made without a new actor (`attach` and a queue received by a task). */
function queueOver<T>(actor: ActorHandle<QueueActor>, maxsize: number): Queue<T> {
  attaching = { actor, maxsize };
  try {
    return new Queue<T>();
  } finally {
    attaching = undefined;
  }
}

// Its id and url are fixed, as QueueActor's are, so any worker finds the class in the runtime's own module.
registerClass(Queue, { kind: "tsray:serializable", abi: 1, id: "tsray/util/queue.js#Queue", name: "Queue", url: import.meta.url });
