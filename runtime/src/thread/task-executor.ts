/**
 * Runs normal tasks on a worker thread: finds the function (importing its
 * module once), decodes the arguments, calls it inside the task's context,
 * awaits a promise, encodes the result(s) and reports `done` or `failed`.
 *
 * Tasks arrive in lanes (one per driver lease): a lane runs its tasks one
 * after another in arrival order, lanes run independently. A task sent
 * ahead (it came with a claim) starts only if the thread can claim it: the
 * driver may have revoked it to run it elsewhere (task-claims.ts), and then
 * it is dropped without a word.
 */
import { InvalidArgumentError, TaskCancelledError, TsrayError } from "../common/errors.js";
import { addTransfer, decodeArgs, type ValueCodec } from "../protocol/encoded-values.js";
import { ClassNotLoaded, decodeLoadingClasses } from "../common/serializable-classes.js";
import type { FunctionRegistry, RemoteTarget } from "../api/function-registry.js";
import type { FromWorker, ToWorker } from "../protocol/thread-messages.js";
import type { FnLocation } from "../common/task-spec.js";
import { claimable, claimToStart } from "../protocol/task-claims.js";
import { CallCancellation, isThenable, type TaskContextStorage } from "./task-context.js";
import type { ErrorCodec } from "./thread-core.js";
import { GeneratorRunner, isGeneratorObject } from "./generator-runner.js";
import type { HandleBorrows } from "./handle-borrows.js";
import { returnIds } from "../common/ids.js";

export type RunMessage = Extract<ToWorker, { t: "run" }>;
export type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;
type FunctionTarget = Extract<RemoteTarget, { kind: "function" }>;

interface Lane {
  readonly id: number;
  /** The running task; it stays set a little after the task settles, see `settle`. */
  running: RunMessage | undefined;
  /** When the running task started (`performance.now()`). */
  startedAt: number;
  /** The running task's cancellation (its signal). */
  cancellation: CallCancellation | undefined;
  readonly queue: RunMessage[];
}

export class TaskExecutor {
  private readonly lanes = new Map<number, Lane>();
  /** Function locations by the driver's number (sent once per thread, see owner/function-numbers.ts). */
  private readonly fnLocations: FnLocation[] = [];
  /** Remote functions found for those numbers. */
  private readonly fns: Array<FunctionTarget | undefined> = [];
  /** This thread's claim cells, once the driver sent them. */
  private claimCells: Int32Array | undefined;
  /** Generators that remote functions and actor methods returned, while they run (streamed or collected). */
  readonly generators: GeneratorRunner;

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly context: TaskContextStorage,
    private readonly post: Post,
    private readonly borrows: HandleBorrows,
  ) {
    this.generators = new GeneratorRunner(codec, post, borrows);
  }

  run(m: RunMessage): void {
    // Kept on receipt, whatever becomes of this task: later tasks of the function come without it.
    if (m.fnLocation !== undefined) this.fnLocations[m.fn] = m.fnLocation;
    let lane = this.lanes.get(m.lane);
    if (lane === undefined) {
      lane = { id: m.lane, running: undefined, startedAt: 0, cancellation: undefined, queue: [] };
      this.lanes.set(m.lane, lane);
    }
    if (lane.running !== undefined) lane.queue.push(m);
    else this.start(lane, m);
  }

  /** The claim cells shared with the driver (sent once, before any task with a claim). */
  setClaimCells(buffer: SharedArrayBuffer): void {
    this.claimCells = new Int32Array(buffer);
  }

  /**
   * Drops a task that has not started (non-forced cancel); false if it is not
   * waiting here. A revoked copy of it (sent here again after) is not it: the
   * driver never revokes a task it is cancelling, so the claimable copy is.
   */
  cancelQueued(taskId: string, name: string): boolean {
    const cells = this.claimCells;
    for (const lane of this.lanes.values()) {
      const i = lane.queue.findIndex((q) => q.taskId === taskId && (q.claim === undefined || claimable(cells, q.claim)));
      if (i >= 0) {
        lane.queue.splice(i, 1);
        this.fail(taskId, new TaskCancelledError(name));
        return true;
      }
    }
    return false;
  }

  /**
   * Non-forced `ray.cancel` of a task that runs here: its signal aborts (the
   * driver has failed its refs already; whatever it still returns is ignored).
   * False if it is not running here.
   */
  cancelRunning(taskId: string, name: string): boolean {
    for (const lane of this.lanes.values()) {
      if (lane.running?.taskId === taskId && lane.cancellation !== undefined) {
        lane.cancellation.cancel(new TaskCancelledError(name));
        return true;
      }
    }
    return false;
  }

  finish(taskId: string, name: string, numReturns: number, value: unknown): void {
    let results: Uint8Array[];
    let actors: string[] | undefined;
    try {
      ({ value: results, actors } = this.borrows.collect(() => encodeResults(this.codec, name, numReturns, value)));
    } catch (e) {
      return this.fail(taskId, e);
    }
    // Handles in the results are held while the result objects are (in the store of the process that owns them).
    if (actors !== undefined) this.borrows.hold(actors, { k: "deleted", ids: returnIds(taskId, numReturns) });
    let transfer: ArrayBuffer[] | undefined;
    for (const r of results) transfer = addTransfer(transfer, r);
    this.report({ t: "done", taskId, results }, transfer);
  }

  fail(taskId: string, error: unknown): void {
    this.report({ t: "failed", taskId, error: this.errors.toWire(error), errorName: errorNameOf(error) });
  }

  /**
   * A task's (or call's) end goes out once the owners count the actor handles it borrowed
   * (handle-borrows.ts): its submitter's hold on the handles in its arguments ends there.
   */
  private report(m: Extract<FromWorker, { t: "done" | "failed" }>, transfer?: ArrayBuffer[]): void {
    const borrowing = this.borrows.settledBorrows();
    if (borrowing === undefined) this.post(m, transfer);
    else void borrowing.then(() => this.post(m, transfer));
  }

  private start(lane: Lane, m: RunMessage): void {
    // Revoked: the driver runs it elsewhere. A loop, not a call per skipped task.
    while (m.claim !== undefined && !claimToStart(this.claimCells, m.claim)) {
      const next = lane.queue.shift();
      if (next === undefined) {
        lane.running = undefined;
        this.lanes.delete(lane.id);
        return;
      }
      m = next;
    }
    lane.running = m;
    lane.startedAt = performance.now();
    lane.cancellation = new CallCancellation();
    const known = this.fns[m.fn];
    if (known !== undefined) return this.execute(lane, m, known);
    const loc = this.fnLocations[m.fn];
    if (loc === undefined) {
      return this.settle(lane, m, false, new TsrayError("TSRAY_RUNTIME", `tsray: ${m.name} came without its function's location.`));
    }
    const target = this.registry.peek(loc.id, loc.url);
    if (target === undefined) {
      this.registry.load(loc.id, loc.url, (doImport) =>
        this.context.run({ taskId: m.taskId, name: m.name, importing: loc.url }, doImport),
      ).then(
        (t) => this.found(lane, m, loc, t),
        (e: unknown) => this.settle(lane, m, false, e),
      );
    } else {
      this.found(lane, m, loc, target);
    }
  }

  private found(lane: Lane, m: RunMessage, loc: FnLocation, target: RemoteTarget): void {
    if (target.kind !== "function") {
      return this.settle(lane, m, false, new InvalidArgumentError(`${loc.id} is not a remote function.`));
    }
    this.fns[m.fn] = target;
    this.execute(lane, m, target);
  }

  /** `args`: already decoded (after the modules of serializable classes in them were imported). */
  private execute(lane: Lane, m: RunMessage, target: FunctionTarget, args?: unknown[]): void {
    const cancellation = lane.cancellation!;
    // Cancelled while its module (or a class module of its arguments) loaded: it never starts.
    if (cancellation.cancelled) return this.settle(lane, m, false, new TaskCancelledError(m.name));
    this.context.run({ taskId: m.taskId, name: m.name, gpuIds: m.gpuIds, resources: m.resources, cancellation }, () => {
      let result: unknown;
      try {
        if (args === undefined) args = decodeArgs(this.codec, m.args, m.deps);
      } catch (e) {
        if (!(e instanceof ClassNotLoaded)) return this.settle(lane, m, false, e);
        decodeLoadingClasses(() => decodeArgs(this.codec, m.args, m.deps)).then(
          (decoded) => this.execute(lane, m, target, decoded),
          (error: unknown) => this.settle(lane, m, false, error),
        );
        return;
      }
      try {
        result = target.fn(...args);
      } catch (e) {
        return this.settle(lane, m, false, e);
      }
      if (m.streaming !== undefined || isGeneratorObject(result)) {
        this.generators.run(m, result, (ok, v) => this.settle(lane, m, ok, v));
      } else if (isThenable(result)) {
        result.then(
          (v) => this.settle(lane, m, true, v),
          (e: unknown) => this.settle(lane, m, false, e),
        );
      } else {
        this.settle(lane, m, true, result);
      }
    });
  }

  /**
   * Reports the task, then starts the lane's next one. After a task that ran
   * long, the next starts only after this thread has read its messages
   * (`setImmediate`), so a `cancel` is not stuck behind a run of
   * CPU-bound tasks; tiny tasks follow each other at once.
   */
  private settle(lane: Lane, m: RunMessage, ok: boolean, value: unknown): void {
    if (ok) this.finish(m.taskId, m.name, m.numReturns, value);
    else this.fail(m.taskId, value);
    // `lane.running` stays set until the next one starts, so arrivals queue behind.
    if (performance.now() - lane.startedAt > yieldAfterMs) setImmediate(() => this.startNext(lane));
    else this.startNext(lane);
  }

  private startNext(lane: Lane): void {
    lane.running = undefined;
    lane.cancellation = undefined;
    const next = lane.queue.shift();
    if (next !== undefined) this.start(lane, next);
    else this.lanes.delete(lane.id);
  }
}

/**
 * The name `retryExceptions` matches: the error's `name`, or what was thrown
 * (`typeof`) for a non-error. A user error must not fail its own report: a
 * `name` getter that throws (or a revoked Proxy thrown) gives a name no
 * retry list can hold, and the wire form notes what happened.
 */
function errorNameOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.name) : typeof error;
  } catch {
    return "[unreadable name]";
  }
}

/** A task that ran longer than this lets the thread read its messages before the lane goes on. */
const yieldAfterMs = 1;

/** One encoded value per return: the value itself, or the elements of the returned array for `numReturns > 1`. */
export function encodeResults(codec: ValueCodec, name: string, numReturns: number, value: unknown): Uint8Array[] {
  if (numReturns === 1) return [codec.encode(value, `the return value of ${name}`)];
  if (!Array.isArray(value) || value.length !== numReturns) {
    throw new InvalidArgumentError(
      `${name} has numReturns ${numReturns} but returned ${Array.isArray(value) ? `an array of ${value.length}` : "no array"}; ` +
        `return an array of exactly ${numReturns} values.`,
    );
  }
  return value.map((v, i) => codec.encode(v, `return value ${i + 1} of ${name}`));
}
