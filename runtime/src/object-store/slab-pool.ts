/**
 * The driver's memory for large objects: `SharedArrayBuffer` slabs (layout in
 * slab-frame.ts) that are reused once nothing can see them any more.
 *
 * Why: on the machines this was measured on, a copy into freshly allocated
 * memory runs at ≈ 0.2–0.3 GB/s (first-touch page faults), the same copy
 * into memory touched before at ≈ 15 GB/s; and a `SharedArrayBuffer` crosses
 * to a thread in ≈ 20 µs at any size, where a plain buffer is copied. So a
 * `ray.put` writes its frame into a reused slab (one copy into warm memory),
 * and readers get views of the slab instead of copies.
 *
 * Pins: each holder of a slab's memory holds one pin on it; the slab is
 * reusable when its pins reach zero. Holders are the object store's entry
 * (until `MemoryStore.delete`), every view the driver made of the slab
 * (`track`/`share`: pinned until the view is garbage-collected), and every
 * delivery of its bytes to a worker thread (thread-slab-pins.ts: pinned
 * until the thread reports that its last view is gone, or exits).
 *
 * Invariant: a slab's bytes are overwritten only by `allocate`, which only
 * takes slabs with no pin, so never while any view of them may be reachable.
 *
 * Reuse: slabs come in size classes (four per power of two, so a slab is at
 * most a quarter plus 4 KiB larger than its object); `allocate` takes a free slab of the exact class of
 * the frame, else makes a new one. Free slabs are kept up to `maxFreeBytes`
 * (default {@link defaultMaxFreeBytes}); a slab freed beyond that is dropped
 * (its memory goes back to the system once the last thread lets go of it).
 *
 * Collection: an object's slab is unpinned only after its last `ObjectRef`
 * is garbage-collected, and V8 does not collect for memory outside its heap,
 * so a loop that `put`s and drops large objects would grow without bound.
 * Before each allocation, the pool therefore forces a full collection
 * (collect-garbage.ts) when its slab memory that is not free for reuse —
 * pinned slabs plus slabs dropped since the last collection — would pass
 * max(`collectAboveBytes`, 2 × the least such memory seen since the last
 * collection): a heap-growth rule, so the cost of collecting stays in
 * proportion to what was allocated (at most one collection per doubling),
 * however much memory live objects hold. The finalizers then free the dead
 * slabs, which later puts reuse. The check counts reused slabs too: were it
 * made only before a new slab, each collection would come when the free list
 * was empty, and the slabs made until its finalizers run would add to the
 * pool every time. So the pool holds at most about the threshold plus what is
 * allocated between a collection and its finalizers.
 */
import { totalmem } from "node:os";
import type { SlabViewTracker } from "../protocol/encoded-values.js";
import { collectGarbage } from "./collect-garbage.js";
import { SLAB_HEADER_BYTES, slabIdOf, writeSlabHeader } from "../protocol/slab-frame.js";

/** The smallest slab; frames are at least 64 KiB anyway (codec/frame.ts). */
const MIN_SLAB_BYTES = 64 * 1024;

/**
 * Free memory the pool keeps by default: min(2 GiB, total memory / 8). Enough
 * for a loop putting objects of up to a gigabyte to run in warm memory,
 * without a store that once held much keeping it from the rest of the system.
 */
export function defaultMaxFreeBytes(totalMemoryBytes: number = totalmem()): number {
  return Math.min(2 * 1024 ** 3, Math.floor(totalMemoryBytes / 8));
}

/**
 * Slab memory in use below which the pool never forces a collection, by
 * default: min(512 MiB, total memory / 16). Small enough that a put loop stays
 * well inside the machine, large enough that programs holding little never pay
 * for a collection.
 */
export function defaultCollectAboveBytes(totalMemoryBytes: number = totalmem()): number {
  return Math.min(512 * 1024 ** 2, Math.floor(totalMemoryBytes / 16));
}

/**
 * Room every class has beyond its geometric size: the slab header plus a
 * frame's header and small body, so that a binary whose size is a power of
 * two (the common case) fits the class just above it instead of one a
 * quarter larger.
 */
const CLASS_EXTRA_BYTES = 4096;

/**
 * The capacity of the slab class that holds `bytes` (header included): four
 * classes per power of two, each plus {@link CLASS_EXTRA_BYTES}, so a slab
 * is at most a quarter plus 4 KiB larger than what it holds.
 */
export function slabClassBytes(bytes: number): number {
  const payload = Math.max(MIN_SLAB_BYTES, bytes - CLASS_EXTRA_BYTES);
  const below = 2 ** Math.floor(Math.log2(payload - 1)); // the largest power of two under `payload`
  const step = below / 4;
  return Math.ceil(payload / step) * step + CLASS_EXTRA_BYTES;
}

export interface SlabPoolOptions {
  /** Free slabs kept for reuse, in bytes (≥ 0). Default {@link defaultMaxFreeBytes}. */
  readonly maxFreeBytes?: number;
  /** Slab memory in use (pinned, or dropped and not yet collected) below which no collection is forced, in bytes (≥ 0). Default {@link defaultCollectAboveBytes}. */
  readonly collectAboveBytes?: number;
  /** Runs a full garbage collection (tests count calls). Default {@link collectGarbage}. */
  readonly collect?: () => void;
}

/** What the pool holds right now, and what it has done (for tests and diagnostics). */
export interface SlabPoolStatus {
  /** Slabs with at least one pin, and their capacity in bytes. */
  readonly pinnedSlabs: number;
  readonly pinnedBytes: number;
  /** Pins on them in all (store entries, driver views, deliveries to threads). */
  readonly pins: number;
  /** Free slabs kept for reuse, and their capacity in bytes (≤ maxFreeBytes). */
  readonly freeSlabs: number;
  readonly freeBytes: number;
  readonly maxFreeBytes: number;
  /** Allocations served by a new slab / by a reused one, since the pool was made. */
  readonly created: number;
  readonly reused: number;
  /** Free slabs dropped because keeping them would exceed maxFreeBytes. */
  readonly dropped: number;
  /** Garbage collections the pool forced because its slab memory grew. */
  readonly collections: number;
}

interface Slab {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  pins: number;
}

export class SlabPool implements SlabViewTracker {
  readonly maxFreeBytes: number;
  private readonly pinned = new Map<number, Slab>();
  /** Free slabs by capacity; the most recently freed last (its pages are the likeliest to be resident). */
  private readonly free = new Map<number, Slab[]>();
  private freeBytes = 0;
  private nextId = 1;
  private created = 0;
  private reused = 0;
  private dropped = 0;
  /** Capacity of the pinned slabs. */
  private pinnedBytes = 0;
  /** Capacity of the slabs dropped since the last forced collection (their memory goes when V8 collects them). */
  private droppedBytes = 0;
  /** The least of pinnedBytes + droppedBytes since the last forced collection (0 before the first). */
  private inUseFloor = 0;
  private collections = 0;
  /** Set by a forced collection until the event loop has had a turn (see `finalizersDue`). */
  private finalizing: Promise<void> | undefined;
  private readonly collectAboveBytes: number;
  private readonly collect: () => void;
  private readonly views = new FinalizationRegistry<number>((id) => this.unpin(id));

  constructor(options: SlabPoolOptions = {}) {
    const max = options.maxFreeBytes ?? defaultMaxFreeBytes();
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxFreeBytes must be a whole number ≥ 0, got ${max}`);
    this.maxFreeBytes = max;
    const above = options.collectAboveBytes ?? defaultCollectAboveBytes();
    if (!Number.isSafeInteger(above) || above < 0) throw new RangeError(`collectAboveBytes must be a whole number ≥ 0, got ${above}`);
    this.collectAboveBytes = above;
    this.collect = options.collect ?? collectGarbage;
  }

  /**
   * Memory for a frame of `byteLength` bytes in a slab, pinned once (the
   * caller's pin, released with `unpin`). Its contents are garbage: the codec
   * writes every byte (a `CodecOptions.allocate`).
   */
  allocate(byteLength: number): Uint8Array {
    const capacity = slabClassBytes(SLAB_HEADER_BYTES + byteLength);
    this.collectIfGrown(capacity);
    let slab = this.free.get(capacity)?.pop();
    if (slab !== undefined) {
      this.freeBytes -= capacity;
      this.reused++;
    } else {
      const buffer = new SharedArrayBuffer(capacity);
      slab = { id: this.nextId++, buffer, pins: 0 };
      writeSlabHeader(buffer, slab.id);
      this.created++;
    }
    slab.pins = 1;
    this.pinned.set(slab.id, slab);
    this.pinnedBytes += capacity;
    return new Uint8Array(slab.buffer, SLAB_HEADER_BYTES, byteLength);
  }

  /** Another holder of slab `id` (which must be pinned already: a free slab may be overwritten any time). */
  pin(id: number, count = 1): void {
    const slab = this.pinned.get(id);
    if (slab === undefined) throw new Error(`tsray: slab ${id} was pinned after it was freed`);
    slab.pins += count;
  }

  /** A holder let go; at zero pins the slab is free for reuse (or dropped, beyond the cap). */
  unpin(id: number, count = 1): void {
    const slab = this.pinned.get(id);
    if (slab === undefined) throw new Error(`tsray: slab ${id} was unpinned more often than pinned`);
    slab.pins -= count;
    if (slab.pins > 0) return;
    if (slab.pins < 0) throw new Error(`tsray: slab ${id} was unpinned more often than pinned`);
    this.pinned.delete(id);
    const capacity = slab.buffer.byteLength;
    this.pinnedBytes -= capacity;
    if (this.freeBytes + capacity > this.maxFreeBytes) {
      this.dropped++;
      this.droppedBytes += capacity;
      return;
    }
    this.inUseFloor = Math.min(this.inUseFloor, this.inUse());
    const list = this.free.get(capacity);
    if (list === undefined) this.free.set(capacity, [slab]);
    else list.push(slab);
    this.freeBytes += capacity;
  }

  /** Slab memory that is neither free for reuse nor returned to the system yet. */
  private inUse(): number {
    return this.pinnedBytes + this.droppedBytes;
  }

  /**
   * Before pinning a slab of `capacity` bytes: a full collection if the memory in
   * use would pass the threshold (see the file comment). Right after it,
   * nothing is freed yet (finalizers run in a later task), so the floor
   * starts at what is in use now and sinks as they free slabs.
   */
  private collectIfGrown(capacity: number): void {
    const inUse = this.inUse();
    if (inUse + capacity <= Math.max(this.collectAboveBytes, 2 * this.inUseFloor)) return;
    this.collect();
    this.collections++;
    this.finalizing ??= afterLoopTurns(2).then(() => {
      this.finalizing = undefined;
    });
    this.droppedBytes = 0;
    this.inUseFloor = this.inUse();
  }

  /**
   * While a forced collection's finalizers wait for their turn: a promise that
   * resolves after two turns of the event loop (finalizers run from the loop,
   * never between microtasks, and each registry's — the store's refs, the
   * driver's views — may take a turn of its own). A caller that would otherwise settle at once
   * (the driver's `get` or `wait` of a stored object) waits for it, so a loop
   * that only awaits such calls still lets dead slabs be freed. `undefined`
   * the rest of the time.
   */
  finalizersDue(): Promise<void> | undefined {
    return this.finalizing;
  }

  /** `view` (of slab `id`, which is pinned) keeps the slab pinned until it is garbage-collected. */
  track(view: object, id: number): void {
    this.pin(id);
    this.views.register(view, id);
  }

  /** The driver decoded bytes of slab `id` (pinned meanwhile by whoever handed them over): each view pins it. */
  decoded(id: number, _bytes: Uint8Array, views: readonly ArrayBufferView[]): void {
    for (const view of views) this.track(view, id);
  }

  /**
   * Another view of `bytes` for a holder that keeps them a while (a task
   * waiting to be sent, a reply being posted): pinned until it is collected.
   * Bytes outside any slab are returned as they are.
   */
  share(bytes: Uint8Array): Uint8Array {
    const id = slabIdOf(bytes);
    if (id === undefined) return bytes;
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.track(view, id);
    return view;
  }

  /** Releases the pin `allocate` gave, for bytes it returned (a no-op for bytes outside any slab). */
  release(bytes: Uint8Array): void {
    const id = slabIdOf(bytes);
    if (id !== undefined) this.unpin(id);
  }

  status(): SlabPoolStatus {
    let pins = 0;
    for (const s of this.pinned.values()) pins += s.pins;
    let freeSlabs = 0;
    for (const list of this.free.values()) freeSlabs += list.length;
    return {
      pinnedSlabs: this.pinned.size,
      pinnedBytes: this.pinnedBytes,
      pins,
      freeSlabs,
      freeBytes: this.freeBytes,
      maxFreeBytes: this.maxFreeBytes,
      created: this.created,
      reused: this.reused,
      dropped: this.dropped,
      collections: this.collections,
    };
  }
}

/** Resolves after `turns` turns of the event loop (each through its check phase, after I/O and queued V8 tasks). */
function afterLoopTurns(turns: number): Promise<void> {
  return new Promise((resolve) => {
    const next = (left: number): void => void (left === 0 ? resolve() : setImmediate(() => next(left - 1)));
    next(turns);
  });
}
