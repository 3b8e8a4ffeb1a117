/**
 * A worker thread's side of slab pinning (object-store/slab-pool.ts): which
 * slabs of the driver's store this thread may still read, and when to hand
 * them back.
 *
 * Per slab it counts deliveries (occurrences of the slab's bytes in the
 * messages it received, `storeBytesOf`; the driver pinned the slab once for
 * each) and live holders: a received bytes object not decoded yet, and each
 * view a decode made of it (the codec reports them, `DecodeOptions.onView`).
 * A `FinalizationRegistry` says when a holder is collected; decoding bytes
 * turns that holder into the views the decode made, so a decode that made
 * none lets go at once. When a slab's last holder goes, every delivery so
 * far is handed back in one `unpin` message per turn.
 *
 * Invariant: while any view or undecoded bytes of a slab may be reachable in
 * this thread, the deliveries they came with are not handed back, so the
 * driver keeps the slab pinned and its bytes unchanged. When the thread
 * exits, the driver drops its pins (ThreadSlabPins.threadGone).
 */
import type { SlabViewTracker } from "../protocol/encoded-values.js";
import { slabIdOf } from "../protocol/slab-frame.js";
import { storeBytesOf, type FromWorker, type ToWorker } from "../protocol/thread-messages.js";

interface SlabState {
  /** Deliveries received and not handed back. */
  delivered: number;
  /** Holders that may still be reachable. */
  live: number;
}

/** Received bytes not decoded yet, `count` times (the same object may arrive in several messages). */
interface Undecoded {
  readonly slab: number;
  count: number;
}

export class ThreadSlabViews implements SlabViewTracker {
  private readonly slabs = new Map<number, SlabState>();
  private readonly undecoded = new WeakMap<Uint8Array, Undecoded>();
  /** Held value: the slab id of a view, or the record of undecoded bytes. */
  private readonly registry = new FinalizationRegistry<number | Undecoded>((held) => this.collected(held));
  private handBack: Map<number, number> | undefined;

  constructor(private readonly post: (m: FromWorker) => void) {}

  /** Called for every message from the driver, before it is handled. */
  received(m: ToWorker): void {
    const list = storeBytesOf(m);
    if (list === undefined) return;
    for (const bytes of list) {
      const slab = slabIdOf(bytes);
      if (slab === undefined) continue;
      const state = this.state(slab);
      state.delivered++;
      state.live++;
      const pending = this.undecoded.get(bytes);
      if (pending !== undefined) {
        pending.count++;
        continue;
      }
      const record: Undecoded = { slab, count: 1 };
      this.undecoded.set(bytes, record);
      this.registry.register(bytes, record, record);
    }
  }

  decoded(slab: number, bytes: Uint8Array, views: readonly ArrayBufferView[]): void {
    const state = this.state(slab);
    const pending = this.undecoded.get(bytes);
    if (pending !== undefined) {
      this.undecoded.delete(bytes);
      this.registry.unregister(pending);
      state.live -= pending.count;
    }
    for (const view of views) {
      state.live++;
      this.registry.register(view, slab);
    }
    this.settle(slab, state);
  }

  /** Slabs this thread holds right now (for tests). */
  get held(): number {
    return this.slabs.size;
  }

  private collected(held: number | Undecoded): void {
    const slab = typeof held === "number" ? held : held.slab;
    const state = this.slabs.get(slab);
    if (state === undefined) return;
    state.live -= typeof held === "number" ? 1 : held.count;
    this.settle(slab, state);
  }

  private state(slab: number): SlabState {
    let state = this.slabs.get(slab);
    if (state === undefined) this.slabs.set(slab, (state = { delivered: 0, live: 0 }));
    return state;
  }

  private settle(slab: number, state: SlabState): void {
    if (state.live > 0) return;
    this.slabs.delete(slab);
    if (state.delivered === 0) return;
    if (this.handBack === undefined) {
      this.handBack = new Map();
      queueMicrotask(this.flush);
    }
    this.handBack.set(slab, (this.handBack.get(slab) ?? 0) + state.delivered);
  }

  private readonly flush = (): void => {
    const handBack = this.handBack;
    this.handBack = undefined;
    if (handBack === undefined || handBack.size === 0) return;
    this.post({ t: "unpin", slabs: [...handBack.keys()], counts: [...handBack.values()] });
  };
}
