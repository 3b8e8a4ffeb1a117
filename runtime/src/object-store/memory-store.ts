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
 * Invariants: an entry is pending (no bytes, no error), ready (bytes) or
 * failed (error), and only moves from pending to one of the others; waiters
 * are called exactly once, when the entry settles, then dropped.
 */
import { GetTimeoutError } from "../errors.js";
import type { SlabPool } from "./slab-pool.js";

export type Settled = { readonly bytes: Uint8Array; readonly error?: undefined } | { readonly bytes?: undefined; readonly error: Error };

type Waiter = (settled: Settled) => void;

interface Entry {
  settled: Settled | undefined;
  waiters: Waiter[] | undefined;
}

export class MemoryStore {
  private readonly entries = new Map<string, Entry>();
  private closed: Error | undefined;

  constructor(private readonly slabs?: SlabPool) {}

  /** Creates a pending entry (a task's return) unless the id is known. */
  expect(id: string): void {
    if (!this.entries.has(id)) this.entries.set(id, { settled: undefined, waiters: undefined });
  }

  putBytes(id: string, bytes: Uint8Array): void {
    this.settle(id, { bytes });
  }

  putError(id: string, error: Error): void {
    this.settle(id, { error });
  }

  peek(id: string): Settled | undefined {
    const settled = this.entries.get(id)?.settled;
    return settled === undefined ? undefined : this.handOut(settled);
  }

  /** Calls `waiter` once `id` settles (at once if it has). */
  whenSettled(id: string, waiter: Waiter): void {
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { settled: undefined, waiters: undefined };
      this.entries.set(id, entry);
    }
    if (entry.settled !== undefined) waiter(this.handOut(entry.settled));
    else (entry.waiters ??= []).push(waiter);
  }

  /**
   * Drops the object: its bytes are freed once nothing else holds them. A
   * pending object is dropped as soon as it settles (after its waiters ran).
   */
  delete(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    if (entry.settled !== undefined) this.drop(id, entry.settled);
    else this.dropOnSettle.add(id);
  }

  private readonly dropOnSettle = new Set<string>();

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of one object; rejects with its error, or `GetTimeoutError` after `timeoutS` seconds. */
  getOne(id: string, timeoutS: number | undefined): Promise<Uint8Array> {
    const settled = this.peek(id);
    if (settled !== undefined) return settled.error === undefined ? Promise.resolve(settled.bytes) : Promise.reject(settled.error);
    return this.getMany([id], timeoutS).then((list) => list[0]!);
  }

  /**
   * Bytes of every object, in order. Rejects as soon as any of them holds an
   * error (without waiting for the rest), or with `GetTimeoutError`.
   */
  getMany(ids: readonly string[], timeoutS: number | undefined): Promise<Uint8Array[]> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    return new Promise<Uint8Array[]>((resolve, reject) => {
      const out = new Array<Uint8Array>(ids.length);
      let remaining = ids.length;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        this.pending.delete(finish);
        if (error === undefined) resolve(out);
        else reject(error);
      };
      for (let i = 0; i < ids.length && !done; i++) {
        this.whenSettled(ids[i]!, (s) => {
          if (done) return;
          if (s.error !== undefined) return finish(s.error);
          out[i] = s.bytes;
          if (--remaining === 0) finish();
        });
      }
      if (done) return;
      if (remaining === 0) return finish();
      this.pending.add(finish);
      if (timeoutS !== undefined) timer = setTimeout(() => finish(new GetTimeoutError(timeoutS)), timeoutS * 1000);
    });
  }

  /**
   * Registers the finisher of an in-progress request (get or wait), so that
   * `close` can fail it; the request removes it when it finishes.
   */
  track(finish: (error?: Error) => void): void {
    this.pending.add(finish);
  }

  untrack(finish: (error?: Error) => void): void {
    this.pending.delete(finish);
  }

  get isClosed(): Error | undefined {
    return this.closed;
  }

  /** Fails every pending request with `error` and refuses new ones (runtime shutdown). */
  close(error: Error): void {
    this.closed = error;
    for (const finish of [...this.pending]) finish(error);
    this.pending.clear();
    for (const entry of this.entries.values()) if (entry.settled?.bytes !== undefined) this.slabs?.release(entry.settled.bytes);
    this.entries.clear();
  }

  private readonly pending = new Set<(error?: Error) => void>();

  private settle(id: string, settled: Settled): void {
    if (this.closed !== undefined) {
      if (settled.bytes !== undefined) this.slabs?.release(settled.bytes);
      return;
    }
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.entries.set(id, { settled, waiters: undefined });
      return;
    }
    if (entry.settled !== undefined) {
      // Immutable once set: a late duplicate is ignored.
      if (settled.bytes !== undefined) this.slabs?.release(settled.bytes);
      return;
    }
    entry.settled = settled;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w(this.handOut(settled));
    if (this.dropOnSettle.size > 0 && this.dropOnSettle.delete(id)) this.drop(id, settled);
  }

  private drop(id: string, settled: Settled): void {
    this.entries.delete(id);
    if (settled.bytes !== undefined) this.slabs?.release(settled.bytes);
  }

  /** What a reader gets: slab-backed bytes as the reader's own pinned view (see the top of this file). */
  private handOut(settled: Settled): Settled {
    if (this.slabs === undefined || settled.bytes === undefined) return settled;
    const bytes = this.slabs.share(settled.bytes);
    return bytes === settled.bytes ? settled : { bytes };
  }
}
