/**
 * The slab pins the driver holds for worker threads (see slab-pool.ts). Each
 * delivery of a slab's bytes to a thread (one occurrence in `storeBytesOf` of
 * a posted message) pins the slab once, counted per thread; the thread hands
 * deliveries back (`unpin` message) once it holds no view of the slab any
 * more, and every pin of a thread is dropped when it exits.
 *
 * Counting deliveries rather than "does the thread hold the slab" keeps this
 * right when a delivery crosses the thread's hand-back: the thread only
 * hands back what it had received when its last view went, so a slab posted
 * again meanwhile stays pinned for the later delivery.
 *
 * Child-process workers cannot share memory: their messages get copies of
 * the bytes instead, and no pin.
 */
import { mapStoreBytes, storeBytesOf, type ToWorker } from "../protocol/thread-messages.js";
import { slabIdOf } from "../protocol/slab-frame.js";
import type { SlabPool } from "./slab-pool.js";

export class ThreadSlabPins {
  /** Per thread: deliveries not handed back, by slab id. */
  private readonly held = new Map<object, Map<number, number>>();

  constructor(private readonly pool: SlabPool) {}

  /**
   * `m` is about to be posted to `thread`: pins its slabs for a thread that
   * shares memory, or returns it with copies for one that does not.
   */
  posting(thread: object, sharesMemory: boolean, m: ToWorker): ToWorker {
    const list = storeBytesOf(m);
    if (list === undefined) return m;
    if (!sharesMemory) return mapStoreBytes(m, (b) => (slabIdOf(b) === undefined ? b : b.slice()));
    for (const bytes of list) {
      const id = slabIdOf(bytes);
      if (id === undefined) continue;
      this.pool.pin(id);
      let counts = this.held.get(thread);
      if (counts === undefined) this.held.set(thread, (counts = new Map()));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return m;
  }

  /**
   * `thread` hands back deliveries. More than it was given is a thread's
   * bug; it is capped, so a thread can never release another holder's pin.
   */
  handedBack(thread: object, slabs: readonly number[], counts: readonly number[]): void {
    const held = this.held.get(thread);
    if (held === undefined) return;
    for (let i = 0; i < slabs.length; i++) {
      const id = slabs[i]!;
      const have = held.get(id) ?? 0;
      const n = Math.min(have, Math.max(0, Math.floor(counts[i] ?? 0)));
      if (n === 0) continue;
      if (n === have) held.delete(id);
      else held.set(id, have - n);
      this.pool.unpin(id, n);
    }
    if (held.size === 0) this.held.delete(thread);
  }

  /** `thread` exited: its memory, and every view in it, is gone. */
  threadGone(thread: object): void {
    const held = this.held.get(thread);
    if (held === undefined) return;
    this.held.delete(thread);
    for (const [id, n] of held) this.pool.unpin(id, n);
  }

  /** Deliveries `thread` has not handed back (for tests). */
  heldBy(thread: object): number {
    let n = 0;
    for (const c of this.held.get(thread)?.values() ?? []) n += c;
    return n;
  }
}
