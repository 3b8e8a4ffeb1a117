/**
 * Runs normal tasks on a worker thread: finds the function (importing its
 * module once), decodes the arguments, calls it inside the task's context,
 * awaits a promise, encodes the result(s) and reports `done` or `failed`.
 *
 * Tasks arrive in lanes (one per driver lease): a lane runs its tasks one
 * after another in arrival order, lanes run independently. While a lane's
 * running task is blocked in `get`/`wait` its lease has lent its CPU out, so
 * the lane hands its not-started tasks back to the driver (`bounce`), and
 * bounces any that still arrive, until the task is unblocked.
 */
import { InvalidArgumentError, TaskCancelledError, TsrayError } from "../errors.js";
import { addTransfer, decodeArgs, type ValueCodec } from "../encoded-values.js";
import type { FunctionRegistry, RemoteTarget } from "./function-registry.js";
import type { FnLocation, FromWorker, ToWorker } from "./protocol.js";
import { isThenable, type TaskContextStorage } from "./task-context.js";
import type { ErrorCodec } from "./thread-core.js";

export type RunMessage = Extract<ToWorker, { t: "run" }>;
export type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;
type FunctionTarget = Extract<RemoteTarget, { kind: "function" }>;

interface Lane {
  readonly id: number;
  running: RunMessage | undefined;
  /** The running task until it settles (`running` stays set a little longer, see `settle`). */
  runningId: string | undefined;
  /** When the running task started (`performance.now()`). */
  startedAt: number;
  readonly queue: RunMessage[];
  blocked: boolean;
}

export class TaskExecutor {
  private readonly lanes = new Map<number, Lane>();
  /** Function locations by the driver's number (sent once per thread, see task/function-numbers.ts). */
  private readonly fnLocations: FnLocation[] = [];
  /** Remote functions found for those numbers. */
  private readonly fns: Array<FunctionTarget | undefined> = [];

  constructor(
    private readonly registry: FunctionRegistry,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly context: TaskContextStorage,
    private readonly post: Post,
  ) {}

  run(m: RunMessage): void {
    // Kept on receipt, whatever becomes of this task: later tasks of the function come without it.
    if (m.fnLocation !== undefined) this.fnLocations[m.fn] = m.fnLocation;
    let lane = this.lanes.get(m.lane);
    if (lane === undefined) {
      lane = { id: m.lane, running: undefined, runningId: undefined, startedAt: 0, queue: [], blocked: false };
      this.lanes.set(m.lane, lane);
    }
    if (lane.blocked) this.post({ t: "bounce", taskIds: [m.taskId] });
    else if (lane.running !== undefined) lane.queue.push(m);
    else this.start(lane, m);
  }

  /** The task's first pending `get`/`wait` went out. */
  blocked(taskId: string): void {
    const lane = this.laneRunning(taskId);
    if (lane === undefined) return;
    lane.blocked = true;
    if (lane.queue.length > 0) this.post({ t: "bounce", taskIds: lane.queue.splice(0).map((q) => q.taskId) });
  }

  /**
   * The driver wants work back for a CPU that went idle elsewhere: the back
   * half of the lane's not-started tasks (all but the next one to run would
   * make two idle-and-steal rounds where one does).
   */
  steal(laneId: number): void {
    const lane = this.lanes.get(laneId);
    const keep = lane === undefined ? 0 : Math.floor(lane.queue.length / 2);
    const ids = lane === undefined ? [] : lane.queue.splice(keep).map((q) => q.taskId);
    // Always answer, even with nothing, so the driver's steal is settled.
    this.post({ t: "bounce", taskIds: ids, lane: laneId });
  }

  /** The task's last pending `get`/`wait` was answered. */
  unblocked(taskId: string): void {
    const lane = this.laneRunning(taskId);
    if (lane !== undefined) lane.blocked = false;
  }

  /** Drops a task that has not started (non-forced cancel); false if it is not waiting here. */
  cancelQueued(taskId: string, name: string): boolean {
    for (const lane of this.lanes.values()) {
      const i = lane.queue.findIndex((q) => q.taskId === taskId);
      if (i >= 0) {
        lane.queue.splice(i, 1);
        this.fail(taskId, new TaskCancelledError(name));
        return true;
      }
    }
    return false;
  }

  finish(taskId: string, name: string, numReturns: number, value: unknown): void {
    let results: Uint8Array[];
    try {
      results = encodeResults(this.codec, name, numReturns, value);
    } catch (e) {
      return this.fail(taskId, e);
    }
    let transfer: ArrayBuffer[] | undefined;
    for (const r of results) transfer = addTransfer(transfer, r);
    this.post({ t: "done", taskId, results }, transfer);
  }

  fail(taskId: string, error: unknown): void {
    this.post({ t: "failed", taskId, error: this.errors.toWire(error), errorName: errorNameOf(error) });
  }

  /** The lane whose running task is `taskId` (a thread has few lanes at once). */
  private laneRunning(taskId: string): Lane | undefined {
    for (const lane of this.lanes.values()) if (lane.runningId === taskId) return lane;
    return undefined;
  }

  private start(lane: Lane, m: RunMessage): void {
    lane.running = m;
    lane.runningId = m.taskId;
    lane.startedAt = performance.now();
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

  private execute(lane: Lane, m: RunMessage, target: FunctionTarget): void {
    this.context.run({ taskId: m.taskId, name: m.name, gpuIds: m.gpuIds }, () => {
      let result: unknown;
      try {
        result = target.fn(...decodeArgs(this.codec, m.args, m.deps));
      } catch (e) {
        return this.settle(lane, m, false, e);
      }
      if (isThenable(result)) {
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
   * (`setImmediate`), so a `steal` or `cancel` is not stuck behind a run of
   * CPU-bound tasks; tiny tasks follow each other at once.
   */
  private settle(lane: Lane, m: RunMessage, ok: boolean, value: unknown): void {
    if (ok) this.finish(m.taskId, m.name, m.numReturns, value);
    else this.fail(m.taskId, value);
    lane.runningId = undefined;
    lane.blocked = false;
    // `lane.running` stays set until the next one starts, so arrivals queue behind.
    if (performance.now() - lane.startedAt > yieldAfterMs) setImmediate(() => this.startNext(lane));
    else this.startNext(lane);
  }

  private startNext(lane: Lane): void {
    lane.running = undefined;
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
