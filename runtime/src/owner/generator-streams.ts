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
 * Backpressure: the caller reports how many values it has taken
 * (`onConsumed`, only for a bounded generator); that count is passed on to
 * the worker that runs it (`genAck`), where a paused generator goes on.
 *
 * Invariants: a stream is kept from its first value until its end settles;
 * a value that arrives after the end settled (a cancelled generator still
 * yielding) is dropped, so nothing is stored that no ref could reach.
 */
import { generatorItemId } from "../common/ids.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Settled, Waiter } from "../object-store/waiter.js";
import type { ToWorker } from "../protocol/thread-messages.js";

/** Where a generator runs: acks go back the way its values came. */
export interface GeneratorWorker {
  post(message: ToWorker): void;
}

class Stream implements Waiter {
  produced = 0;
  consumed = 0;
  constructor(
    readonly taskId: string,
    public worker: GeneratorWorker,
    private readonly ended: (s: Stream) => void,
  ) {}
  /** Its end settled (the waiter of the task's return). */
  settled(_at: number, _settled: Settled): void {
    this.ended(this);
  }
}

export class GeneratorStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly ended = (s: Stream): void => {
    if (this.streams.get(s.taskId) === s) this.streams.delete(s.taskId);
  };

  constructor(private readonly store: MemoryStore) {}

  /** Generator `taskId` yielded its `index`-th value, from `worker`. */
  onItem(worker: GeneratorWorker, taskId: string, index: number, bytes: Uint8Array): void {
    if (this.store.peek(taskId) !== undefined) return; // ended already (cancelled): nobody can ask for it
    let stream = this.streams.get(taskId);
    if (stream === undefined) {
      stream = new Stream(taskId, worker, this.ended);
      this.streams.set(taskId, stream);
      this.store.whenSettled(taskId, stream, 0);
    }
    stream.worker = worker;
    if (index >= stream.produced) stream.produced = index + 1;
    this.store.putBytes(generatorItemId(taskId, index), bytes);
  }

  /** The caller has taken `consumed` values of generator `taskId`: tell its worker. */
  onConsumed(taskId: string, consumed: number): void {
    const stream = this.streams.get(taskId);
    if (stream === undefined || consumed <= stream.consumed) return;
    stream.consumed = consumed;
    stream.worker.post({ t: "genAck", taskId, consumed });
  }

  /**
   * Whether generator `taskId` has yielded a value: a failed attempt is then
   * not retried (its values were seen; see docs/generators.md, "Retries").
   */
  readonly started = (taskId: string): boolean => this.streams.has(taskId);
}
