/**
 * The driver's object store: every object of the local cluster, by id, as
 * encoded bytes (or the error the object stands for). Values are immutable
 * once set: a get decodes a fresh copy, so a caller mutating what it got
 * cannot change what others get — except for objects stored in a slab (see
 * slab-pool.ts: the driver's large puts), whose large binaries are decoded
 * as views shared by every reader, to be treated as read-only.
 *
 * Slab-backed bytes: the entry holds the pin `SlabPool.allocate` gave, and
 * releases it when the entry is dropped (`delete`, `close`, or a duplicate
 * that is ignored). Whoever the store hands such bytes to gets its own view
 * (`SlabPool.share`), which pins the slab until it is collected, so a holder
 * that keeps the bytes past the object's deletion (a task waiting for a
 * worker, a retry) still reads the object, never a later one.
 *
 * Memory: a million small results may sit here at once (a queue of tasks
 * whose refs are all held), so a ready object is stored as its bytes alone
 * (no entry record), and a one-byte encoding (small integers, booleans,
 * null, empty strings/lists) as a shared constant instead of its own buffer.
 *
 * Objects held on another node (issue 10): a large result made on another
 * node stays in that node's object store, and this store, its owner's, keeps
 * only where it is (an `ObjectLocation`, object-location.ts). Such an object
 * is ready like one with bytes: a wait counts it, a task's dependencies pass
 * the location on (the node that runs the task pulls it), and a get pulls it
 * to the owner's node first (`HeldElsewhere.fetch`). Dropping it frees the
 * copies on every node (`HeldElsewhere.dropped`).
 *
 * Invariants: an object is pending (`null`, or an `Entry` without error once
 * someone waits), ready (its bytes or location) or failed (an `Entry` with its error),
 * and only moves from pending to one of the others; waiters are called
 * exactly once, when the object settles, then dropped. Stored bytes are
 * never written to (they may be shared).
 *
 * Settling never recurses: a waiter that settles further objects (a task
 * failing because its argument failed, whose dependents fail in turn, …)
 * runs inside the store's one drain loop, and the waiters of the objects it
 * settles are queued behind it instead of being called from within it. A
 * chain of a hundred thousand dependent tasks fails with a flat stack. A
 * settle is complete as soon as `settle` returns (state and slab views are
 * done at once); only the calls to waiters, and then a drop-on-settle, may
 * run later, within the same outermost settle.
 *
 * Retention (Ray's submitted-task references): what will still read an
 * object — a task's arguments passed by location, a get pulling one — retains
 * it (`retain`/`release`), and a drop (its last ref collected) waits until
 * the last release. A drop-on-settle runs after the waiters of that settle,
 * so a waiter that retains the object is counted before the drop.
 */
import { GetRequest } from "./get-request.js";
import type { Settled, WaitableStore, Waiter } from "./waiter.js";
import type { SlabPool } from "./slab-pool.js";
import { ObjectLostError } from "../common/errors.js";
import { inlineThreshold, type ObjectLocation } from "./object-location.js";

/** How the owner's store reaches objects held on other nodes. */
export interface HeldElsewhere {
  /**
   * The object's bytes on node `to` (the owner's node when undefined): a copy
   * there, or pulled from `location` (one pull per node).
   */
  fetch(id: string, location: ObjectLocation, to: string | undefined): Promise<Uint8Array>;
  /** The owner dropped the object: every node frees its copy. */
  dropped(id: string): void;
  /**
   * The owner's node, when there are others: a large object this store holds
   * goes to a task's arguments by reference (a location there), so a node
   * that runs the task elsewhere pulls it instead of getting it in the task.
   */
  readonly ownerNode: string;
}

/** A pending or failed object (a ready one is stored as its bytes). */
class Entry {
  error: Error | undefined = undefined;
  /** The first waiter and its position (a pending object mostly has one or none). */
  waiter: Waiter | undefined = undefined;
  at = 0;
  /** Any further waiters, as (waiter, position) pairs in arrival order. */
  more: Array<Waiter | number> | undefined = undefined;
  /** A task's or actor call's return (`expect`): counted as work in flight until it settles. */
  expected = false;
}

/** Ready: its bytes or location; pending with nobody waiting yet: `null` (no record per queued task); else an `Entry`. */
type Slot = Uint8Array | ObjectLocation | Entry | null;

/** One shared, never-written buffer per possible one-byte encoding. */
const oneByteValues: readonly Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));

/**
 * Bytes to keep: a one-byte encoding becomes its shared constant (the
 * caller's copy is left to the GC; slab-backed bytes are never this small).
 */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength === 1 ? oneByteValues[bytes[0]!]! : bytes;
}

export class MemoryStore implements WaitableStore {
  private readonly entries = new Map<string, Slot>();
  private closed: Error | undefined;

  /**
   * @param ownerGone For an id the store has no entry for: the error it stands
   *   for when its owner is known to be gone (a ref from a runtime that was shut
   *   down), else `undefined` (the object is pending). Such ids are never stored.
   */
  constructor(
    private readonly slabs?: SlabPool,
    private readonly ownerGone: (id: string) => Error | undefined = () => undefined,
    private readonly elsewhere?: HeldElsewhere,
  ) {}

  /**
   * Work in flight: task and actor-call returns expected and not settled,
   * plus gets and waits in progress. The driver keeps the process alive
   * while it is above zero and lets it exit when it is zero (driver/keep-alive.ts).
   */
  private outstanding = 0;
  private busyListener: ((busy: boolean) => void) | undefined;

  /** `listener(true)` when work in flight goes from none to some, `listener(false)` when the last of it ends. */
  onBusyChange(listener: (busy: boolean) => void): void {
    this.busyListener = listener;
  }

  /** Whether any work is in flight (see `outstanding`). */
  get busy(): boolean {
    return this.outstanding > 0;
  }

  private more(): void {
    if (this.outstanding++ === 0) this.busyListener?.(true);
  }

  private less(): void {
    if (--this.outstanding === 0) this.busyListener?.(false);
  }

  /** Marks a task's return as pending unless the id is known; until it settles it counts as work in flight. */
  expect(id: string): void {
    const slot = this.entries.get(id);
    if (slot === undefined) {
      this.entries.set(id, null);
      this.more();
    } else if (slot instanceof Entry && slot.error === undefined && !slot.expected) {
      // Someone waited for it before its task was submitted: it becomes a return now.
      slot.expected = true;
      this.more();
    }
  }

  putBytes(id: string, bytes: Uint8Array): void {
    this.settle(id, compact(bytes));
  }

  putError(id: string, error: Error): void {
    this.settle(id, error);
  }

  /** The object is ready, held by the store of node `location.heldOn` (not here). */
  putLocation(id: string, location: ObjectLocation): void {
    this.settle(id, location);
  }

  /**
   * Node `nodeId` now holds a copy of an object held elsewhere (it pulled
   * one): later pulls may come from there when the node that made it is gone.
   */
  addCopy(id: string, nodeId: string): void {
    const slot = this.entries.get(id);
    if (slot === undefined || slot === null || slot instanceof Uint8Array || slot instanceof Entry) return;
    if (slot.heldOn === nodeId || slot.copies?.includes(nodeId) === true) return;
    this.entries.set(id, { ...slot, copies: [...(slot.copies ?? []), nodeId] });
  }

  /** With other nodes: the owner's node (see `HeldElsewhere.ownerNode`); undefined on a single node. */
  get ownerNode(): string | undefined {
    return this.elsewhere?.ownerNode;
  }

  /** Objects something will still read, by how many readers: not dropped until the last `release`. */
  private readonly retained = new Map<string, number>();
  private readonly dropWhenReleased = new Set<string>();

  retain(id: string): void {
    this.retained.set(id, (this.retained.get(id) ?? 0) + 1);
  }

  release(id: string): void {
    const n = (this.retained.get(id) ?? 1) - 1;
    if (n > 0) return void this.retained.set(id, n);
    this.retained.delete(id);
    if (this.dropWhenReleased.delete(id)) this.delete(id);
  }

  fetchFor(waiter: Waiter, at: number, location: ObjectLocation, to?: string): void {
    const id = location.objectId;
    this.retain(id);
    this.fetch(id, location, to).then(
      (bytes) => {
        this.release(id);
        waiter.settled(at, bytes);
      },
      (error: Error) => {
        this.release(id);
        waiter.settled(at, error);
      },
    );
  }

  /** The bytes of an object held on another node, on node `to` (default: the owner's; see `HeldElsewhere`). */
  fetch(id: string, location: ObjectLocation, to?: string): Promise<Uint8Array> {
    if (this.elsewhere !== undefined) return this.elsewhere.fetch(id, location, to);
    return Promise.reject(new ObjectLostError(id, `Object ${id} is held on node ${location.heldOn}, which this store cannot reach.`));
  }

  private askOwner: ((id: string) => void) | undefined;

  /**
   * Ids this store meets unknown (nobody here made them) go to `ask` once, at their first
   * waiter: a ref another process owns (issue 11, owner/owner-links.ts), whose owner is asked
   * and settles it here with `putBytes`/`putLocation`/`putError`; `ask` ignores this runtime's own ids.
   */
  askOwnersWith(ask: (id: string) => void): void {
    this.askOwner = ask;
  }

  /** Whether the store has a record of `id` (pending, ready or failed): false once dropped, or never made here. */
  knows(id: string): boolean {
    return this.entries.has(id);
  }

  /** What the object settled to; undefined while it is pending or unknown. */
  peek(id: string): Settled | undefined {
    const slot = this.entries.get(id);
    if (slot === undefined) return this.ownerGone(id);
    if (slot === null) return undefined;
    return slot instanceof Entry ? slot.error : this.handOutSettled(slot);
  }

  /** Tells `waiter` (with position `at`) once `id` settles: at once if it has. */
  whenSettled(id: string, waiter: Waiter, at: number): void {
    const slot = this.entries.get(id);
    if (slot !== undefined && slot !== null && !(slot instanceof Entry)) return waiter.settled(at, this.handOutSettled(slot));
    const gone = slot === undefined ? this.ownerGone(id) : undefined;
    if (gone !== undefined) return waiter.settled(at, gone);
    if (slot === undefined || slot === null) {
      const entry = new Entry();
      entry.expected = slot === null;
      entry.waiter = waiter;
      entry.at = at;
      this.entries.set(id, entry);
      // A ref another process owns (borrowed): its owner is asked once, and settles it here.
      if (slot === undefined) this.askOwner?.(id);
    } else if (slot.error !== undefined) {
      waiter.settled(at, slot.error);
    } else if (slot.waiter === undefined) {
      slot.waiter = waiter;
      slot.at = at;
    } else {
      (slot.more ??= []).push(waiter, at);
    }
  }

  /**
   * Drops the object: its bytes are freed once nothing else holds them. A
   * pending object is dropped as soon as it settles (after its waiters ran).
   */
  delete(id: string): void {
    this.deletedListener?.(id);
    const slot = this.entries.get(id);
    if (slot === undefined) return;
    if (this.retained.size > 0 && this.retained.has(id)) return void this.dropWhenReleased.add(id);
    if (slot === null || (slot instanceof Entry && slot.error === undefined)) this.dropOnSettle.add(id);
    else this.drop(id, slot);
  }

  private readonly dropOnSettle = new Set<string>();
  private deletedListener: ((id: string) => void) | undefined;

  /** Hears every `delete`: what the object's value held is let go (owner/actor-holds.ts). */
  onDelete(listener: (id: string) => void): void {
    this.deletedListener = listener;
  }

  /**
   * `ray.free`: the object's bytes are released now (and its copies on every
   * node, through `HeldElsewhere.dropped`); it stands for `error` from then
   * on, until it is deleted. A pending object settles as `error` when its
   * value comes (its bytes are released at once). Unknown or failed: nothing to free.
   */
  free(id: string, error: Error): void {
    const slot = this.entries.get(id);
    if (slot === undefined || (slot instanceof Entry && slot.error !== undefined)) return;
    if (slot === null || slot instanceof Entry) {
      this.freeOnSettle.set(id, error);
      return;
    }
    this.drop(id, slot);
    const freed = new Entry();
    freed.error = error;
    this.entries.set(id, freed);
  }

  private readonly freeOnSettle = new Map<string, Error>();

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of one object; rejects with its error, or `GetTimeoutError` after `timeoutS` seconds. */
  getOne(id: string, timeoutS: number | undefined): Promise<Uint8Array> {
    const settled = this.peek(id);
    if (settled instanceof Uint8Array) return Promise.resolve(settled);
    if (settled instanceof Error) return Promise.reject(settled);
    return this.getMany([id], timeoutS).then((list) => list[0]!);
  }

  /**
   * Bytes of every object, in order. Rejects as soon as any of them holds an
   * error (without waiting for the rest), or with `GetTimeoutError`. `on`:
   * the node that needs the bytes (a worker's get), where objects held
   * elsewhere are pulled to; default the owner's node.
   */
  getMany(ids: readonly string[], timeoutS: number | undefined, on?: string): Promise<Uint8Array[]> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    return new Promise<Uint8Array[]>((resolve, reject) => new GetRequest(this, ids, resolve, reject, on).start(timeoutS));
  }

  /**
   * Registers the finisher of an in-progress request (get or wait), so that
   * `close` can fail it; the request removes it when it finishes.
   */
  track(finish: (error?: Error) => void): void {
    const before = this.pending.size;
    this.pending.add(finish);
    if (this.pending.size > before) this.more();
  }

  untrack(finish: (error?: Error) => void): void {
    if (this.pending.delete(finish)) this.less();
  }

  get isClosed(): Error | undefined {
    return this.closed;
  }

  /** Fails every pending request with `error` and refuses new ones (runtime shutdown). */
  close(error: Error): void {
    this.closed = error;
    for (const finish of [...this.pending]) finish(error);
    this.pending.clear();
    // Nothing can settle any more: no work is in flight.
    const wasBusy = this.outstanding > 0;
    this.outstanding = 0;
    if (wasBusy) this.busyListener?.(false);
    for (const slot of this.entries.values()) if (slot instanceof Uint8Array) this.slabs?.release(slot);
    this.entries.clear();
    this.retained.clear();
    this.dropWhenReleased.clear();
  }

  private readonly pending = new Set<(error?: Error) => void>();

  private settle(id: string, settled: Settled): void {
    const slot = this.entries.get(id);
    if (this.freeOnSettle.size > 0 && this.freeOnSettle.has(id)) {
      // Freed while pending (`free`): it settles as the error, its value let go at once.
      const freed = this.freeOnSettle.get(id)!;
      this.freeOnSettle.delete(id);
      if (!(settled instanceof Error)) this.letGo(id, settled);
      settled = freed;
    }
    if (this.closed !== undefined || (slot !== undefined && slot !== null && (!(slot instanceof Entry) || slot.error !== undefined))) {
      // Closed, or immutable once set (a late duplicate is ignored).
      if (settled instanceof Uint8Array) this.slabs?.release(settled);
      return;
    }
    const wasExpected = slot === null || (slot !== undefined && slot.expected);
    if (!(settled instanceof Error)) {
      this.entries.set(id, settled);
    } else if (slot === undefined || slot === null) {
      const failed = new Entry();
      failed.error = settled;
      this.entries.set(id, failed);
    } else {
      slot.error = settled;
    }
    if (slot !== undefined && slot !== null && slot.waiter !== undefined) {
      const { waiter, at, more } = slot;
      slot.waiter = undefined;
      slot.more = undefined;
      // Each waiter's view is taken now, before a drop-on-settle below releases the bytes.
      this.notify(waiter, at, this.handOutSettled(settled));
      if (more !== undefined) {
        for (let k = 0; k < more.length; k += 2) this.notify(more[k] as Waiter, more[k + 1] as number, this.handOutSettled(settled));
      }
    }
    // After its waiters (the outermost drain's end): one that retains the object keeps it.
    if (this.dropOnSettle.size > 0 && this.dropOnSettle.delete(id)) this.dropsDue.push(id);
    if (wasExpected) this.less();
    this.drain();
  }

  /** Waiter calls not made yet, as (waiter, position, outcome) triples from `notifyHead` on. */
  private readonly notifications: Array<Waiter | number | Settled> = [];
  private notifyHead = 0;
  private draining = false;
  /** Drops-on-settle waiting for the drain to end. */
  private readonly dropsDue: string[] = [];

  private notify(waiter: Waiter, at: number, settled: Settled): void {
    this.notifications.push(waiter, at, settled);
  }

  /**
   * Calls queued waiters in order until none is left, unless an outer call
   * is already doing so (then the waiters just queued run when it reaches them).
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    const q = this.notifications;
    let failure: { error: unknown } | undefined;
    while (this.notifyHead < q.length) {
      const k = this.notifyHead;
      this.notifyHead += 3;
      const waiter = q[k] as Waiter;
      const at = q[k + 1] as number;
      const settled = q[k + 2] as Settled;
      q[k] = q[k + 2] = 0; // no longer held by the queue
      try {
        waiter.settled(at, settled);
      } catch (error) {
        // A waiter's bug must not cost the others their call: the first error goes to the settler once all ran.
        failure ??= { error };
      }
      // Compact now and then so a long drain does not keep every triple it ran.
      if (this.notifyHead >= 3 * 4096 && this.notifyHead * 2 >= q.length) {
        q.splice(0, this.notifyHead);
        this.notifyHead = 0;
      }
    }
    q.length = 0;
    this.notifyHead = 0;
    this.draining = false;
    const due = this.dropsDue;
    if (due.length > 0) {
      // `delete` settles nothing, so nothing is added meanwhile.
      for (let k = 0; k < due.length; k++) this.delete(due[k]!);
      due.length = 0;
    }
    if (failure !== undefined) throw failure.error;
  }

  private drop(id: string, kept: Slot | Settled): void {
    this.entries.delete(id);
    this.letGo(id, kept);
  }

  /**
   * Releases what a value held: its slab, and with other nodes the copies they
   * may hold (of a location, or of large bytes passed by reference).
   */
  private letGo(id: string, kept: Slot | Settled): void {
    if (kept instanceof Uint8Array) {
      this.slabs?.release(kept);
      if (this.elsewhere !== undefined && kept.byteLength >= inlineThreshold) this.elsewhere.dropped(id);
    } else if (kept !== null && !(kept instanceof Entry) && !(kept instanceof Error)) {
      this.elsewhere?.dropped(id);
    }
  }

  /** What a reader gets: slab-backed bytes as the reader's own pinned view (see the top of this file). */
  private handOut(bytes: Uint8Array): Uint8Array {
    return this.slabs === undefined ? bytes : this.slabs.share(bytes);
  }

  private handOutSettled(settled: Settled): Settled {
    return settled instanceof Uint8Array ? this.handOut(settled) : settled;
  }
}
