/**
 * Runs the generator a remote generator function (or actor generator method)
 * returned, on the worker thread that called it. Two ways, as Ray's:
 *
 * - **streaming** (`numReturns: "streaming"`, a generator's default): each
 *   yielded value is encoded and posted as `genItem` at once, so the owner
 *   makes its ref available while the generator goes on; the task's own
 *   result is the number of values. With a backpressure bound the generator
 *   is not asked for its next value while `bound` values wait unconsumed: the
 *   loop awaits the owner's `genAck` (an await, so the thread's other lanes
 *   and actor calls run meanwhile).
 * - **static** (`numReturns: n`): the values are collected and returned as
 *   the task's `n` results; a different count fails the task.
 *
 * Cancelling stops the loop before the generator's next value and calls its
 * `return()` (its `finally` blocks run); a generator suspended in an `await`
 * of its own stops when that await settles (a cancelled task's pending
 * `get`/`wait` reject at once, see ThreadCore.onCancel).
 *
 * Invariant: `settle` is called exactly once per run; a run is in `running`
 * from `run` until then.
 */
import { InvalidArgumentError, TaskCancelledError } from "../common/errors.js";
import type { Streaming } from "../common/task-spec.js";
import { addTransfer, type ValueCodec } from "../protocol/encoded-values.js";
import type { FromWorker } from "../protocol/thread-messages.js";
import { generatorItemId } from "../common/ids.js";
import type { HandleBorrows } from "./handle-borrows.js";

/** How the runner reports values (the thread's batched port, as the executor's `Post`). */
type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;

export interface GeneratorCall {
  readonly taskId: string;
  readonly name: string;
  readonly numReturns: number;
  readonly streaming?: Streaming | undefined;
}

type AnyGenerator = Generator<unknown, unknown, undefined> | AsyncGenerator<unknown, unknown, undefined>;

/**
 * Whether `v` is the object a `function*` or `async function*` returned (not any iterable: an
 * array is a value). Never throws (a revoked Proxy as a result must fail at encoding, naming it,
 * not here, outside the task's error path), as `isThenable`.
 */
export function isGeneratorObject(v: unknown): v is AnyGenerator {
  if (typeof v !== "object" || v === null) return false;
  try {
    const tag = Object.prototype.toString.call(v);
    return tag === "[object Generator]" || tag === "[object AsyncGenerator]";
  } catch {
    return false;
  }
}

class Run {
  cancelled: TaskCancelledError | undefined;
  /** Values the consumer has taken (from `genAck`). */
  consumed = 0;
  /** Set while the loop waits for the consumer (backpressure) or for a cancel. */
  wake: (() => void) | undefined;
  constructor(readonly call: GeneratorCall) {}
}

/** A sync generator that yields without pause lets the thread read its messages (acks, cancels) this often. */
const yieldAfterMs = 1;

export class GeneratorRunner {
  private readonly running = new Map<string, Run>();

  constructor(
    private readonly codec: ValueCodec,
    private readonly post: Post,
    private readonly borrows: HandleBorrows,
  ) {}

  /**
   * Drives `result` (what the function returned) for `call`; `settle(ok, value)`
   * gets the task's result: the number of values (streaming), the values
   * (static), or the error. Call it inside the task's context: the generator's
   * code runs in the context of whoever calls its `next()`.
   */
  run(call: GeneratorCall, result: unknown, settle: (ok: boolean, value: unknown) => void): void {
    if (!isGeneratorObject(result)) {
      return settle(
        false,
        new InvalidArgumentError(
          `${call.name} streams its results (numReturns: "streaming") but returned no generator; ` +
            "declare it as function* or async function*, or give it a numeric numReturns.",
        ),
      );
    }
    const run = new Run(call);
    this.running.set(call.taskId, run);
    const driven = call.streaming !== undefined ? this.stream(run, result, call.streaming.backpressure) : this.collect(run, result);
    driven.then(
      (value) => {
        this.running.delete(call.taskId);
        settle(true, value);
      },
      (error: unknown) => {
        this.running.delete(call.taskId);
        settle(false, error);
      },
    );
  }

  /** The consumer has taken `consumed` values: a paused generator may go on. */
  onAck(taskId: string, consumed: number): void {
    const run = this.running.get(taskId);
    if (run === undefined || consumed <= run.consumed) return;
    run.consumed = consumed;
    run.wake?.();
  }

  /** Stops generator `taskId` before its next value (false if none runs here). */
  cancel(taskId: string, name: string): boolean {
    const run = this.running.get(taskId);
    if (run === undefined) return false;
    run.cancelled ??= new TaskCancelledError(name);
    run.wake?.();
    return true;
  }

  private async stream(run: Run, gen: AnyGenerator, bound: number): Promise<number> {
    const { taskId, name } = run.call;
    let index = 0;
    let since = performance.now();
    try {
      for (;;) {
        if (run.cancelled !== undefined) throw run.cancelled;
        const next = await gen.next();
        if (run.cancelled !== undefined) throw run.cancelled;
        if (next.done === true) return index;
        const { value: bytes, actors } = this.borrows.collect(() => this.codec.encode(next.value, `value ${index + 1} yielded by ${name}`));
        if (actors !== undefined) this.borrows.hold(actors, { k: "deleted", ids: [generatorItemId(taskId, index)] });
        this.post({ t: "genItem", taskId, index, bytes }, addTransfer(undefined, bytes));
        index++;
        if (bound > 0 && index - run.consumed >= bound) {
          // Backpressure: wait (without holding the thread) until the consumer takes one, or a cancel.
          while (index - run.consumed >= bound && run.cancelled === undefined) {
            await new Promise<void>((resolve) => (run.wake = resolve));
            run.wake = undefined;
          }
          since = performance.now();
        } else if (performance.now() - since > yieldAfterMs) {
          // A sync generator never awaits: let the batch go out and acks and cancels come in.
          await new Promise<void>((resolve) => setImmediate(resolve));
          since = performance.now();
        }
      }
    } catch (error) {
      await closeAfter(gen);
      throw error;
    }
  }

  private async collect(run: Run, gen: AnyGenerator): Promise<unknown> {
    const { name, numReturns } = run.call;
    const values: unknown[] = [];
    try {
      for (;;) {
        if (run.cancelled !== undefined) throw run.cancelled;
        const next = await gen.next();
        if (next.done === true) break;
        values.push(next.value);
        if (values.length > numReturns) throw countMismatch(name, numReturns, `more than ${numReturns}`);
      }
    } catch (error) {
      await closeAfter(gen);
      throw error;
    }
    if (values.length !== numReturns) throw countMismatch(name, numReturns, String(values.length));
    return numReturns === 1 ? values[0] : values;
  }
}

/**
 * Ends a generator the loop leaves early (cancel, a value that cannot be
 * sent, too many values): `return()` runs its `finally` blocks. The error
 * the loop left with stays the task's error: as a `for…of` that exits by a
 * throw does (ECMAScript's IteratorClose), an error `return()` throws then is
 * not reported, so the first cause is never hidden by a cleanup's.
 */
async function closeAfter(gen: AnyGenerator): Promise<void> {
  try {
    await gen.return(undefined);
  } catch {
    // IteratorClose semantics: the pending error wins (see above).
  }
}

function countMismatch(name: string, n: number, yielded: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${name} has numReturns ${n} but yielded ${yielded} value${yielded === "1" ? "" : "s"}; a generator with a numeric ` +
      `numReturns must yield exactly that many values (leave numReturns out to stream any number of them).`,
  );
}
