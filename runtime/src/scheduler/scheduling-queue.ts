/**
 * Pending requests grouped by scheduling class, FIFO within a class.
 *
 * A scheduling class is "same demand shape, same strategy" (Ray groups tasks
 * the same way). Every request of a class gets the same answer from the
 * placement policy, so when the head of a class cannot run, the rest of that
 * class cannot either — but another class (a smaller shape) may. The dispatch
 * pass therefore tries the head of every class, so a 1-CPU task never waits
 * behind a 4-CPU one that does not fit yet. (As in Ray, a big shape can be
 * starved by a stream of small ones; FIFO holds within a class only.)
 *
 * Infeasible classes: when the head is infeasible, the class is reported once
 * (through the callback given to `dispatch`) and skipped until the
 * feasibility epoch changes (nodes, totals or placement groups changed), then
 * re-evaluated. If it becomes feasible and later infeasible again, it is
 * reported again. Its requests stay queued and cancellable.
 *
 * Invariants: every queued id is in exactly one class; no class is empty.
 */
import type { ResourceSet } from "./resource-set.js";

/** What one attempt to start the head of a class did. */
export type AttemptOutcome =
  | { readonly kind: "taken" }
  | { readonly kind: "blocked" }
  | { readonly kind: "infeasible"; readonly missing: ResourceSet; readonly reason: string };

export interface ClassStatus<T> {
  readonly key: string;
  readonly pending: readonly T[];
  /** Set while the class is known infeasible. */
  readonly infeasible?: { readonly missing: ResourceSet; readonly reason: string };
}

/**
 * FIFO with O(1) amortized `shift` (`Array.prototype.shift` is O(n) on long
 * arrays, which made a 100k-deep queue cost ~70 µs per dispatch).
 * Invariant: live items are `items[head..]`.
 */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts items before the current head, in the given order. */
  unshift(items: readonly T[]): void {
    if (items.length <= this.head) {
      this.head -= items.length;
      for (let i = 0; i < items.length; i++) this.items[this.head + i] = items[i] as T;
    } else {
      this.items = [...items, ...this.items.slice(this.head)];
      this.head = 0;
    }
  }

  shift(): void {
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes the first item matching `predicate`; O(n), for cancellation. */
  removeFirst(predicate: (item: T) => boolean): T | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (predicate(item)) {
        this.items.splice(i, 1);
        return item;
      }
    }
    return undefined;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}

interface SchedulingClass<T> {
  readonly key: string;
  readonly items: Fifo<T>;
  infeasible: { missing: ResourceSet; reason: string; epoch: number } | undefined;
}

export class SchedulingQueue<T extends { readonly id: string }> {
  private readonly classes = new Map<string, SchedulingClass<T>>();
  /**
   * Ids of queued requests (a set, not an id → class map: a queue may hold a
   * million requests, and only a cancel needs the class, found by a scan).
   */
  private readonly queued = new Set<string>();

  get size(): number {
    return this.queued.size;
  }

  has(id: string): boolean {
    return this.queued.has(id);
  }

  /** Adds a request at the tail of its class. Ids must be unique among queued requests. */
  enqueue(classKey: string, item: T): void {
    if (this.queued.has(item.id)) throw new Error(`request ${item.id} is already queued`);
    this.classOf(classKey).items.push(item);
    this.queued.add(item.id);
  }

  /** The class of `classKey`, made empty if it has none. */
  private classOf(classKey: string): SchedulingClass<T> {
    let cls = this.classes.get(classKey);
    if (cls === undefined) {
      cls = { key: classKey, items: new Fifo<T>(), infeasible: undefined };
      this.classes.set(classKey, cls);
    }
    return cls;
  }

  /** Puts requests back at the front of their class, in the given order (work handed back). */
  enqueueFront(classKey: string, items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) {
      if (this.queued.has(item.id)) throw new Error(`request ${item.id} is already queued`);
    }
    this.classOf(classKey).items.unshift(items);
    for (const item of items) this.queued.add(item.id);
  }

  /** How many requests wait in a class. */
  classSize(classKey: string): number {
    return this.classes.get(classKey)?.items.length ?? 0;
  }

  /**
   * Removes and returns the head of a class if `accept` takes it, without
   * any attempt: its owner runs it under resources it already holds.
   */
  takeHead(classKey: string, accept: (head: T) => boolean): T | undefined {
    const cls = this.classes.get(classKey);
    const head = cls?.items.peek();
    if (cls === undefined || head === undefined || !accept(head)) return undefined;
    cls.items.shift();
    this.queued.delete(head.id);
    if (cls.items.length === 0) this.classes.delete(classKey);
    return head;
  }

  /** Removes a queued request (cancel); undefined if it is not queued. */
  remove(id: string): T | undefined {
    if (!this.queued.delete(id)) return undefined;
    for (const cls of this.classes.values()) {
      const item = cls.items.removeFirst((queued) => queued.id === id);
      if (item === undefined) continue;
      if (cls.items.length === 0) this.classes.delete(cls.key);
      return item;
    }
    throw new Error(`request ${id} was queued in no class`);
  }

  /** Removes and returns every queued request matching `predicate`. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const cls of [...this.classes.values()]) {
      for (const item of cls.items.toArray().filter(predicate)) {
        this.remove(item.id);
        out.push(item);
      }
    }
    return out;
  }

  /**
   * One pass: for each class in turn, start heads while `attempt` takes them;
   * stop a class at the first "blocked" or "infeasible". `onInfeasible` is called
   * once when a class turns infeasible, with the head that showed it.
   * @param epoch bump it whenever feasibility may have changed; infeasible classes
   *   are skipped while it stays the same.
   */
  dispatch(
    attempt: (head: T) => AttemptOutcome,
    onInfeasible: (head: T, missing: ResourceSet, reason: string) => void,
    epoch: number,
  ): void {
    // A Map iterates safely while entries are deleted (emptied classes are, below).
    for (const cls of this.classes.values()) {
      if (cls.infeasible !== undefined && cls.infeasible.epoch === epoch) continue;
      for (;;) {
        const head = cls.items.peek();
        if (head === undefined) break;
        const outcome = attempt(head);
        if (outcome.kind === "taken") {
          cls.infeasible = undefined;
          // `attempt` may have re-entered and removed it already (e.g. a cancel from a callback).
          if (cls.items.peek() === head) {
            cls.items.shift();
            this.queued.delete(head.id);
          }
          continue;
        }
        if (outcome.kind === "blocked") {
          cls.infeasible = undefined;
        } else {
          const wasInfeasible = cls.infeasible !== undefined;
          cls.infeasible = { missing: outcome.missing, reason: outcome.reason, epoch };
          if (!wasInfeasible) onInfeasible(head, outcome.missing, outcome.reason);
        }
        break;
      }
      if (cls.items.length === 0 && this.classes.get(cls.key) === cls) this.classes.delete(cls.key);
    }
  }

  /** Classes in dispatch order with their pending requests (for status and tests). */
  status(): Array<ClassStatus<T>> {
    return [...this.classes.values()].map((cls) =>
      cls.infeasible === undefined
        ? { key: cls.key, pending: cls.items.toArray() }
        : { key: cls.key, pending: cls.items.toArray(), infeasible: { missing: cls.infeasible.missing, reason: cls.infeasible.reason } },
    );
  }
}
