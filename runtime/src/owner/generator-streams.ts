/**
 * The owner's side of streaming generators (Ray's `ObjectRefStream` in its
 * task manager): a generator task's worker reports each yielded value as it
 * is produced (`genItem`); the value is stored at once under its item id
 * (`generatorItemId(taskId, index)`), so the caller's `ObjectRefGenerator`
 * can hand out its ref while the generator goes on. The task's own return
 * (the id of the task) is the stream's end: the number of values, or the
 * error the generator failed with (the task and actor managers settle it as
 * for any task).
 *
 * The caller asks for one value at a time (`next`): answered at once when the
 * value is stored or the end settled without it, else when either happens.
 * Values are stored before the end (one ordered channel from the worker), so
 * "the end settled and value `i` is not stored" means there is no value `i`.
 * No waiter is left on the store per value, so an endless stream costs
 * nothing per value consumed.
 *
 * Backpressure: the caller reports how many values it has taken
 * (`consumed`, only for a bounded generator); that count is passed on to the
 * worker that runs it (`genAck`), where a paused generator goes on.
 *
 * Dropping: when the caller's `ObjectRefGenerator` is collected, the values it
 * never took are freed and later ones are not stored (`drop`).
 *
 * Invariants: a stream record exists only while its end is pending (it is
 * made at the first value or request and dropped when the end settles); a
 * value that arrives after the end settled (a cancelled generator still
 * yielding) is dropped, so nothing is stored that no ref could reach; a
 * pending `next` is answered exactly once, or rejected when the store closes.
 */
import type { GeneratorCalls } from "../api/core.js";
import { ObjectRef } from "../api/object-ref.js";
import { generatorItemId } from "../common/ids.js";
import type { ReferenceCounter } from "../common/reference-counter.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Settled, Waiter } from "../object-store/waiter.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import { isLocation, type Held } from "../object-store/object-location.js";

/** Where a generator runs: acks go back the way its values came. */
export interface GeneratorWorker {
  post(message: ToWorker): void;
}

interface PendingNext {
  readonly index: number;
  readonly resolve: (more: boolean) => void;
  readonly fail: (error?: Error) => void;
}

class Stream implements Waiter {
  /** Values the caller has taken, and how many of them its worker was told. */
  consumed = 0;
  acked = 0;
  worker: GeneratorWorker | undefined;
  waiting: PendingNext | undefined;
  /** Its caller's generator was collected: values that still come are not kept. */
  dropped = false;
  constructor(
    readonly taskId: string,
    private readonly ended: (s: Stream) => void,
  ) {}
  /** Its end settled (the waiter of the task's return). */
  settled(_at: number, _settled: Settled): void {
    this.ended(this);
  }
}

export class GeneratorStreams implements GeneratorCalls {
  private readonly streams = new Map<string, Stream>();
  private readonly ended = (s: Stream): void => {
    if (this.streams.get(s.taskId) === s) this.streams.delete(s.taskId);
    // No value came for the caller's index before the end: there is none.
    this.answer(s, false);
  };

  constructor(
    private readonly store: MemoryStore,
    /** The driver's own refs, for the values its generators hand out (`take`). */
    private readonly refs: ReferenceCounter,
    /**
     * A value that is not stored (its caller's generator was collected, or it came after the end):
     * what it carries is let go as if its object were deleted (actor handles: owner/actor-holds.ts
     * holds them until then, and an object never stored is never deleted).
     */
    private readonly discarded?: (objectId: string) => void,
  ) {}

  /** Generator `taskId` yielded its `index`-th value, from `worker`: its bytes, or where another node holds them. */
  onItem(worker: GeneratorWorker, taskId: string, index: number, value: Held): void {
    const id = generatorItemId(taskId, index);
    // Ended already (cancelled): nobody can ask for it.
    if (this.hasEnded(taskId)) return this.discarded?.(id);
    const stream = this.open(taskId);
    stream.worker = worker;
    this.ack(stream);
    if (stream.dropped) return this.discarded?.(id);
    if (isLocation(value)) this.store.putLocation(id, value);
    else this.store.putBytes(id, value);
    if (stream.waiting?.index === index) this.answer(stream, true);
  }

  next(taskId: string, index: number): Promise<boolean> {
    const closed = this.store.isClosed;
    if (closed !== undefined) return Promise.reject(closed);
    if (this.store.peek(generatorItemId(taskId, index)) !== undefined) return Promise.resolve(true);
    if (this.hasEnded(taskId)) return Promise.resolve(false);
    const stream = this.open(taskId);
    return new Promise<boolean>((resolve, reject) => {
      const fail = (error?: Error) => {
        stream.waiting = undefined;
        reject(error ?? new Error("tsray: the object store closed"));
      };
      stream.waiting = { index, resolve, fail };
      this.store.track(fail);
    });
  }

  take(taskId: string, index: number): ObjectRef {
    return this.refs.trackAll(new ObjectRef(generatorItemId(taskId, index)));
  }

  consumed(taskId: string, consumed: number): void {
    if (this.hasEnded(taskId)) return;
    const stream = this.open(taskId);
    if (consumed <= stream.consumed) return;
    stream.consumed = consumed;
    this.ack(stream);
  }

  drop(taskId: string, taken: number): void {
    if (!this.hasEnded(taskId)) {
      // Nobody will take its values: it runs to its end unbounded, and keeps none of them.
      const stream = this.open(taskId);
      stream.dropped = true;
      stream.consumed = Number.MAX_SAFE_INTEGER;
      this.ack(stream);
    }
    // Values are stored from 0 on without gaps; those taken are freed by their own refs.
    for (let i = taken; ; i++) {
      const id = generatorItemId(taskId, i);
      if (this.store.peek(id) === undefined) return;
      this.store.delete(id);
    }
  }

  /**
   * Whether generator `taskId` has yielded a value: a failed attempt is then
   * not retried (its values were seen; see docs/generators.md, "Retries").
   */
  readonly started = (taskId: string): boolean => this.streams.get(taskId)?.worker !== undefined;

  /** The worker learns what the caller took (once it is known: a release may come before the first value). */
  private ack(stream: Stream): void {
    if (stream.worker === undefined || stream.acked >= stream.consumed) return;
    stream.acked = stream.consumed;
    stream.worker.post({ t: "genAck", taskId: stream.taskId, consumed: stream.consumed });
  }

  private answer(stream: Stream, more: boolean): void {
    const waiting = stream.waiting;
    if (waiting === undefined) return;
    stream.waiting = undefined;
    this.store.untrack(waiting.fail);
    waiting.resolve(more);
  }

  private hasEnded(taskId: string): boolean {
    return !this.streams.has(taskId) && this.store.peek(taskId) !== undefined;
  }

  private open(taskId: string): Stream {
    let stream = this.streams.get(taskId);
    if (stream === undefined) {
      stream = new Stream(taskId, this.ended);
      this.streams.set(taskId, stream);
      this.store.whenSettled(taskId, stream, 0);
    }
    return stream;
  }
}
