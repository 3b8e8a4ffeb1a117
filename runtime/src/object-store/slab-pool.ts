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
 */
import { totalmem } from "node:os";
import type { SlabViewTracker } from "../encoded-values.js";
import { SLAB_HEADER_BYTES, slabIdOf, writeSlabHeader } from "./slab-frame.js";

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
  private readonly views = new FinalizationRegistry<number>((id) => this.unpin(id));

  constructor(options: SlabPoolOptions = {}) {
    const max = options.maxFreeBytes ?? defaultMaxFreeBytes();
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxFreeBytes must be a whole number ≥ 0, got ${max}`);
    this.maxFreeBytes = max;
  }

  /**
   * Memory for a frame of `byteLength` bytes in a slab, pinned once (the
   * caller's pin, released with `unpin`). Its contents are garbage: the codec
   * writes every byte (a `CodecOptions.allocate`).
   */
  allocate(byteLength: number): Uint8Array {
    const capacity = slabClassBytes(SLAB_HEADER_BYTES + byteLength);
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
    if (this.freeBytes + capacity > this.maxFreeBytes) {
      this.dropped++;
      return;
    }
    const list = this.free.get(capacity);
    if (list === undefined) this.free.set(capacity, [slab]);
    else list.push(slab);
    this.freeBytes += capacity;
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
    let pinnedBytes = 0;
    let pins = 0;
    for (const s of this.pinned.values()) {
      pinnedBytes += s.buffer.byteLength;
      pins += s.pins;
    }
    let freeSlabs = 0;
    for (const list of this.free.values()) freeSlabs += list.length;
    return {
      pinnedSlabs: this.pinned.size,
      pinnedBytes,
      pins,
      freeSlabs,
      freeBytes: this.freeBytes,
      maxFreeBytes: this.maxFreeBytes,
      created: this.created,
      reused: this.reused,
      dropped: this.dropped,
    };
  }
}
