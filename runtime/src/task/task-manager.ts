/**
 * Owns every normal (non-actor) task from submission to its last result:
 * dependency wait → CPU slot (a lease) → a lane of a pool thread → done or
 * failed, plus retries, cancellation, and the CPU a task lends back while it
 * is blocked in `get`/`wait`.
 *
 * Lower layers (slots, pool, store) are handed in; the pool's thread events
 * reach this class through the runtime's wiring.
 *
 * Invariants: a task is in `tasks` until its return objects are settled; it
 * is in its worker's `tasks` set and in its lease's `tasks` exactly while it
 * has been sent to that thread and not finished or been handed back.
 */
import type { CpuSlots, SlotRequest } from "../cpu-slots.js";
import { TaskCancelledError, TaskError, WorkerCrashedError } from "../errors.js";
import { returnIds } from "../ids.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { ResolvedDeps, TaskSubmission, WireError } from "../worker/protocol.js";
import type { PoolWorker, WorkerPool } from "../worker/worker-pool.js";
import { resolveDeps } from "./dependency-resolver.js";
import { defaultPipelineDepth, type Lease } from "./lease.js";
import { addTransfer } from "../encoded-values.js";

export interface TaskManagerDeps {
  readonly store: MemoryStore;
  readonly slots: CpuSlots;
  readonly pool: () => WorkerPool;
  readonly rebuildError: (wire: WireError) => Error;
  /** What this node has in all, to tell demands it can never meet. */
  readonly node: { readonly numCpus: number; readonly numGpus: number; readonly resources: Readonly<Record<string, number>> };
  /** A task that no node could ever run (e.g. more CPUs than exist): reported once per task name. */
  readonly onInfeasible: (taskName: string, demand: string, node: string) => void;
  readonly pipelineDepth?: number;
}

class TaskState implements SlotRequest {
  phase: "deps" | "queued" | "sent" = "deps";
  deps: ResolvedDeps | undefined;
  lease: Lease<TaskState> | undefined;
  /** Outstanding `get`/`wait` requests of the task while it runs. */
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
  /** Tasks no node can run: they wait here (as in Ray) until cancelled or the runtime stops. */
  private readonly parked = new Set<TaskState>();
  private readonly depth: number;
  private lanes = 0;
  /** Leases with tasks, by lane. */
  private readonly leases = new Map<number, Lease<TaskState>>();
  private readonly isTask = (r: SlotRequest): boolean => r instanceof TaskState;

  constructor(private readonly d: TaskManagerDeps) {
    this.depth = d.pipelineDepth ?? defaultPipelineDepth;
  }

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

  /** Called by the slots once the task's CPUs are granted: a new lease on the least busy thread. */
  dispatch(state: TaskState): void {
    const worker = this.d.pool().pick();
    const lease: Lease<TaskState> = {
      lane: ++this.lanes,
      worker,
      cpus: state.cpus,
      tasks: [],
      holding: true,
      blocked: false,
      stealing: false,
    };
    this.leases.set(lease.lane, lease);
    worker.active++;
    this.send(lease, state);
    this.fill(lease);
  }

  onDone(worker: PoolWorker, taskId: string, results: readonly Uint8Array[]): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.lease?.worker !== worker) return;
    this.leave(state);
    this.forget(state);
    for (let i = 0; i < state.returns.length; i++) this.d.store.putBytes(state.returns[i]!, results[i]!);
  }

  onFailed(worker: PoolWorker, taskId: string, wire: WireError, errorName: string): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.lease?.worker !== worker) return;
    this.leave(state);
    if (state.cancelled !== "no") return this.finishWithError(state, new TaskCancelledError(state.spec.name));
    const retry = state.spec.retryExceptions;
    if ((retry === true || (Array.isArray(retry) && retry.includes(errorName))) && this.mayRetry(state)) {
      return this.enqueue(state);
    }
    this.finishWithError(state, new TaskError(state.spec.name, this.d.rebuildError(wire)));
  }

  /** The thread handed back tasks it had not started (their lane's running task blocked): queue them first again. */
  onBounced(worker: PoolWorker, taskIds: readonly string[], stolenLane: number | undefined): void {
    if (stolenLane !== undefined) {
      const stolen = this.leases.get(stolenLane);
      if (stolen !== undefined) stolen.stealing = false;
    }
    const back: TaskState[] = [];
    for (const id of taskIds) {
      const state = this.tasks.get(id);
      if (state === undefined || state.lease?.worker !== worker) continue;
      this.leave(state);
      if (state.cancelled !== "no") this.finishWithError(state, new TaskCancelledError(state.spec.name));
      else {
        state.phase = "queued";
        back.push(state);
      }
    }
    this.d.slots.requeueFront(back);
  }

  /** Every task on a thread that exited is retried (system failure) or fails. */
  onWorkerExit(worker: PoolWorker, exitCode: number, error: Error | undefined): void {
    for (const taskId of worker.tasks) {
      const state = this.tasks.get(taskId);
      if (state === undefined) continue;
      this.leave(state);
      if (state.cancelled !== "no") {
        this.finishWithError(state, new TaskCancelledError(state.spec.name));
      } else if (this.mayRetry(state)) {
        this.enqueue(state);
      } else {
        const why = error !== undefined ? `threw ${error.name}: ${error.message}` : `exited with code ${exitCode}`;
        this.finishWithError(
          state,
          new WorkerCrashedError(
            `The worker running task ${state.spec.name} ${why} before the task finished ` +
              `(${state.attempts} retries used of maxRetries ${state.spec.maxRetries}). ` +
              "Raise maxRetries if the crash is transient.",
            error !== undefined ? { cause: error } : undefined,
          ),
        );
      }
    }
    worker.tasks.clear();
  }

  /** The running task waits in `get`/`wait`: its lease lends its CPUs back until the reply. */
  onBlocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    const lease = state?.lease;
    if (state === undefined || lease === undefined || state.blocked++ > 0) return;
    lease.blocked = true;
    if (lease.holding) {
      lease.holding = false;
      lease.worker.active--;
      this.d.slots.release(lease.cpus);
    }
  }

  /** Its reply was sent: the lease takes its CPUs back at once (possibly oversubscribing for a while, as Ray does). */
  onUnblocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    const lease = state?.lease;
    if (state === undefined || lease === undefined || state.blocked === 0 || --state.blocked > 0) return;
    lease.blocked = false;
    if (!lease.holding) {
      lease.holding = true;
      lease.worker.active++;
      this.d.slots.acquireAnyway(lease.cpus);
    }
    this.fill(lease);
  }

  /**
   * `ray.cancel`: a task not yet sent is dropped; a sent one is, with `force`,
   * stopped by terminating its thread (not retried), otherwise asked to stop
   * (a not-started one is dropped by the thread, a running one has its pending
   * `get`s failed) and its result ignored. Either way its refs fail with
   * `TaskCancelledError`. Unknown or finished: nothing to do.
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
      if (!this.parked.delete(state)) this.d.slots.withdraw(state);
      this.finishWithError(state, new TaskCancelledError(state.spec.name));
    } else if (force) {
      state.cancelled = "force";
      void state.lease!.worker.client.terminate();
    } else if (state.cancelled === "no") {
      state.cancelled = "soft";
      state.lease!.worker.client.post({ t: "cancel", taskId: state.spec.taskId, name: state.spec.name });
      for (const id of state.returns) this.d.store.putError(id, new TaskCancelledError(state.spec.name));
    }
  }

  /** Whether `objectId` is the return of a task this manager knows. */
  owns(objectId: string): boolean {
    return this.tasks.has(this.byReturn.get(objectId) ?? objectId);
  }

  private enqueue(state: TaskState): void {
    state.phase = "queued";
    const missing = this.infeasible(state.spec);
    if (missing === undefined) return this.d.slots.request(state);
    this.parked.add(state);
    if (!this.warnedInfeasible.has(state.spec.name)) {
      this.warnedInfeasible.add(state.spec.name);
      const { node } = this.d;
      this.d.onInfeasible(state.spec.name, missing, describeResources(node.numCpus, node.numGpus, node.resources));
    }
  }

  /** The demand this node can never meet, described; undefined if it can. */
  private infeasible(spec: TaskSubmission): string | undefined {
    const { node } = this.d;
    const custom = Object.entries(spec.resources ?? {}).filter(([k, v]) => v > (node.resources[k] ?? 0));
    if (spec.numCpus <= node.numCpus && spec.numGpus <= node.numGpus && custom.length === 0) return undefined;
    return describeResources(spec.numCpus, spec.numGpus, spec.resources ?? {});
  }

  /**
   * Sends queued tasks of the same demand ahead to the lease's lane: at most
   * the pipeline depth, and at most this lease's fair share of the queue
   * (queued ÷ the leases of this size the node can hold), so a short queue of
   * long tasks is spread over the CPUs instead of lining up in one lane.
   */
  private fill(lease: Lease<TaskState>): void {
    if (lease.cpus === 0 || !lease.holding || lease.blocked || lease.worker.client.exited) return;
    const lanesPossible = Math.max(1, Math.floor(this.d.slots.total / lease.cpus));
    const share = Math.floor(this.d.slots.queued() / lanesPossible);
    const limit = Math.min(this.depth, lease.tasks.length + share);
    while (lease.tasks.length < limit) {
      const next = this.d.slots.takeHead(lease.cpus, this.isTask) as TaskState | undefined;
      if (next === undefined) return;
      this.send(lease, next);
    }
  }

  private send(lease: Lease<TaskState>, state: TaskState): void {
    state.phase = "sent";
    state.lease = lease;
    lease.tasks.push(state);
    lease.worker.tasks.add(state.spec.taskId);
    const { spec } = state;
    // Arguments are transferred only when no retry could need them again.
    const transfer = spec.maxRetries === 0 ? addTransfer(undefined, spec.args.bytes) : undefined;
    lease.worker.client.post(
      {
        t: "run",
        lane: lease.lane,
        taskId: spec.taskId,
        fn: spec.fn,
        name: spec.name,
        args: spec.args.bytes,
        deps: state.deps,
        numReturns: spec.numReturns,
      },
      transfer,
    );
  }

  /** Takes a task off its lease and thread; a lease left empty ends and gives its CPUs back. */
  private leave(state: TaskState): void {
    const lease = state.lease;
    if (lease === undefined) return;
    state.lease = undefined;
    lease.worker.tasks.delete(state.spec.taskId);
    const i = lease.tasks.indexOf(state);
    if (i >= 0) lease.tasks.splice(i, 1);
    if (i === 0 && state.blocked > 0) lease.blocked = false; // ended while blocked: the lease only drains now
    state.blocked = 0;
    if (lease.tasks.length === 0) {
      this.leases.delete(lease.lane);
      if (lease.holding) {
        lease.holding = false;
        lease.worker.active--;
        this.d.slots.release(lease.cpus);
        this.stealFor(lease.cpus);
      }
    } else {
      this.fill(lease);
    }
  }

  /**
   * CPUs went idle and nothing is queued for them: ask the lane with the most
   * tasks waiting behind a running one (same demand) to hand them back.
   */
  private stealFor(cpus: number): void {
    if (this.d.slots.queued() > 0 || this.d.slots.available() < cpus) return;
    let victim: Lease<TaskState> | undefined;
    for (const l of this.leases.values()) {
      if (l.cpus === cpus && !l.stealing && l.tasks.length > 1 && (victim === undefined || l.tasks.length > victim.tasks.length)) {
        victim = l;
      }
    }
    if (victim === undefined) return;
    victim.stealing = true;
    victim.worker.client.post({ t: "steal", lane: victim.lane });
  }

  private mayRetry(state: TaskState): boolean {
    const max = state.spec.maxRetries;
    if (max !== -1 && state.attempts >= max) return false;
    state.attempts++;
    return true;
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

function describeResources(cpus: number, gpus: number, custom: Readonly<Record<string, number>>): string {
  const parts = [`CPU: ${cpus}`];
  if (gpus > 0) parts.push(`GPU: ${gpus}`);
  for (const [k, v] of Object.entries(custom)) parts.push(`${k}: ${v}`);
  return `{ ${parts.join(", ")} }`;
}
