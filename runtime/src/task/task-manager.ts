/**
 * Owns every normal (non-actor) task from submission to its last result:
 * dependency wait → CPU slot → a pool thread → done/failed, plus retries,
 * cancellation and the CPU a task lends back while it is blocked in `get`.
 *
 * Lower layers (slots, pool, store) are handed in; the pool's thread events
 * reach this class through the runtime's wiring.
 *
 * Invariants: a task is in `tasks` until its return objects are settled;
 * `holding` is true exactly while it holds its CPUs; it is in its worker's
 * `tasks` set exactly while it is running there.
 */
import type { CpuSlots, SlotRequest } from "../cpu-slots.js";
import { TaskCancelledError, TaskError, WorkerCrashedError } from "../errors.js";
import { returnIds } from "../ids.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { ResolvedDeps, TaskSubmission, ToWorker, WireError } from "../worker/protocol.js";
import type { PoolWorker, WorkerPool } from "../worker/worker-pool.js";
import { resolveDeps } from "./dependency-resolver.js";
import { addTransfer } from "./task-args.js";

export interface TaskManagerDeps {
  readonly store: MemoryStore;
  readonly slots: CpuSlots;
  readonly pool: () => WorkerPool;
  readonly rebuildError: (wire: WireError) => Error;
  /** A task that no node could ever run (e.g. more CPUs than exist). */
  readonly onInfeasible: (taskName: string, demand: string) => void;
}

class TaskState implements SlotRequest {
  phase: "deps" | "queued" | "running" = "deps";
  deps: ResolvedDeps | undefined;
  worker: PoolWorker | undefined;
  holding = false;
  blocked = 0;
  attempts = 0;
  cancelled: "no" | "soft" | "force" = "no";
  children: string[] | undefined;
  readonly cpus: number;
  constructor(
    readonly spec: TaskSubmission,
    readonly returns: readonly string[],
    private readonly manager: TaskManager,
  ) {
    this.cpus = spec.numCpus;
  }
  start(): void {
    this.manager.dispatch(this);
  }
}

export class TaskManager {
  private readonly tasks = new Map<string, TaskState>();
  /** Return object id → task id, for tasks with several returns (a single return shares the task's id). */
  private readonly byReturn = new Map<string, string>();
  private readonly warnedInfeasible = new Set<string>();

  constructor(private readonly d: TaskManagerDeps) {}

  submit(spec: TaskSubmission): void {
    const returns = returnIds(spec.taskId, spec.numReturns);
    for (const id of returns) this.d.store.expect(id);
    const state = new TaskState(spec, returns, this);
    this.tasks.set(spec.taskId, state);
    if (spec.numReturns > 1) for (const id of returns) this.byReturn.set(id, spec.taskId);
    if (spec.parentTaskId !== undefined) {
      const parent = this.tasks.get(spec.parentTaskId);
      if (parent !== undefined) (parent.children ??= []).push(spec.taskId);
    }
    const { refIdx, refIds } = spec.args;
    if (refIdx === undefined || refIds === undefined) return this.enqueue(state);
    resolveDeps(this.d.store, refIdx, refIds, (outcome) => {
      if (this.tasks.get(spec.taskId) !== state) return; // cancelled meanwhile
      if (outcome.error !== undefined) return this.finishWithError(state, new TaskError(spec.name, outcome.error));
      state.deps = outcome.deps;
      this.enqueue(state);
    });
  }

  /** Called by the slots once the task holds its CPUs. */
  dispatch(state: TaskState): void {
    state.phase = "running";
    state.holding = true;
    const worker = this.d.pool().pick();
    state.worker = worker;
    worker.tasks.add(state.spec.taskId);
    worker.active++;
    const { spec } = state;
    const message: ToWorker = {
      t: "run",
      taskId: spec.taskId,
      fn: spec.fn,
      name: spec.name,
      args: spec.args.bytes,
      deps: state.deps,
      numReturns: spec.numReturns,
    };
    // Arguments are transferred only when no retry could need them again.
    const transfer = spec.maxRetries === 0 ? addTransfer(undefined, spec.args.bytes) : undefined;
    worker.client.post(message, transfer);
  }

  onDone(worker: PoolWorker, taskId: string, results: readonly Uint8Array[]): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.worker !== worker) return;
    this.leaveWorker(state);
    this.forget(state);
    for (let i = 0; i < state.returns.length; i++) this.d.store.putBytes(state.returns[i]!, results[i]!);
  }

  onFailed(worker: PoolWorker, taskId: string, wire: WireError, errorName: string): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.worker !== worker) return;
    this.leaveWorker(state);
    const retry = state.spec.retryExceptions;
    if ((retry === true || (Array.isArray(retry) && retry.includes(errorName))) && this.mayRetry(state)) {
      return this.enqueue(state);
    }
    this.finishWithError(state, new TaskError(state.spec.name, this.d.rebuildError(wire)));
  }

  /** Every task on a thread that exited is retried (system failure) or fails. */
  onWorkerExit(worker: PoolWorker, exitCode: number, error: Error | undefined): void {
    for (const taskId of worker.tasks) {
      const state = this.tasks.get(taskId);
      if (state === undefined) continue;
      this.leaveWorker(state);
      if (state.cancelled === "force") {
        this.finishWithError(state, new TaskCancelledError(state.spec.name));
      } else if (this.mayRetry(state)) {
        this.enqueue(state);
      } else {
        const why = error !== undefined ? `threw ${error.name}: ${error.message}` : `exited with code ${exitCode}`;
        this.finishWithError(
          state,
          new WorkerCrashedError(
            `The worker running task ${state.spec.name} ${why} before the task finished ` +
              `(${state.attempts - 1} retries used of maxRetries ${state.spec.maxRetries}). ` +
              "Raise maxRetries if the crash is transient.",
            error !== undefined ? { cause: error } : undefined,
          ),
        );
      }
    }
    worker.tasks.clear();
  }

  /** The task waits in `get`/`wait`: it lends its CPUs back until the reply. */
  onBlocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.phase !== "running") return;
    if (state.blocked++ > 0) return;
    state.worker!.active--;
    if (state.holding) {
      state.holding = false;
      this.d.slots.release(state.cpus);
    }
  }

  onUnblocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.phase !== "running" || state.blocked === 0) return;
    if (--state.blocked > 0) return;
    state.worker!.active++;
    if (!state.holding) {
      state.holding = true;
      this.d.slots.acquireAnyway(state.cpus);
    }
  }

  /**
   * `ray.cancel`: a task not yet running is dropped; a running one is, with
   * `force`, stopped by terminating its thread (not retried), otherwise asked
   * to stop (its pending `get`s fail) and its result ignored. Either way its
   * refs fail with `TaskCancelledError`. Unknown or finished: nothing to do.
   */
  cancel(objectId: string, force: boolean, recursive: boolean): void {
    const state = this.tasks.get(this.byReturn.get(objectId) ?? objectId);
    if (state === undefined) return;
    if (recursive && state.children !== undefined) {
      for (const child of state.children) this.cancel(child, force, recursive);
    }
    if (state.phase === "deps") {
      this.finishWithError(state, new TaskCancelledError(state.spec.name));
    } else if (state.phase === "queued") {
      this.d.slots.withdraw(state);
      this.finishWithError(state, new TaskCancelledError(state.spec.name));
    } else if (force) {
      state.cancelled = "force";
      void state.worker!.client.terminate();
    } else if (state.cancelled === "no") {
      state.cancelled = "soft";
      state.worker!.client.post({ t: "cancel", taskId: state.spec.taskId, name: state.spec.name });
      for (const id of state.returns) this.d.store.putError(id, new TaskCancelledError(state.spec.name));
    }
  }

  /** Whether `objectId` is the return of a task this manager knows. */
  owns(objectId: string): boolean {
    return this.tasks.has(this.byReturn.get(objectId) ?? objectId);
  }

  private enqueue(state: TaskState): void {
    state.phase = "queued";
    state.worker = undefined;
    if (state.cpus > this.d.slots.total && !this.warnedInfeasible.has(state.spec.name)) {
      this.warnedInfeasible.add(state.spec.name);
      this.d.onInfeasible(state.spec.name, `{ CPU: ${state.cpus} } (this node has ${this.d.slots.total})`);
    }
    this.d.slots.request(state);
  }

  private mayRetry(state: TaskState): boolean {
    const max = state.spec.maxRetries;
    if (max !== -1 && state.attempts >= max) return false;
    state.attempts++;
    return true;
  }

  /** Takes a running task off its thread and gives its CPUs back. */
  private leaveWorker(state: TaskState): void {
    const worker = state.worker;
    if (worker !== undefined) {
      worker.tasks.delete(state.spec.taskId);
      if (state.blocked === 0) worker.active--;
    }
    state.blocked = 0;
    if (state.holding) {
      state.holding = false;
      this.d.slots.release(state.cpus);
    }
  }

  private finishWithError(state: TaskState, error: Error): void {
    this.forget(state);
    for (const id of state.returns) this.d.store.putError(id, error);
  }

  private forget(state: TaskState): void {
    this.tasks.delete(state.spec.taskId);
    if (state.spec.numReturns > 1) for (const id of state.returns) this.byReturn.delete(id);
  }
}
