/**
 * Owns every normal (non-actor) task from submission to its last result:
 * dependency wait → the node scheduler's grant (a lease) → a lane of a pool
 * thread → done or failed, plus retries, cancellation, and the CPUs a task
 * lends back while it is blocked in `get`/`wait`.
 *
 * Lower layers are handed in: the store, and the node its tasks run on,
 * through its node client (node/node-client.ts: lease requests, grants, runs,
 * lost leases). The pool's thread messages reach this class through the
 * runtime's wiring.
 *
 * Invariants: a task is in `tasks` until its return objects are settled; it
 * is in its worker's `tasks` set and in its lease's `tasks` exactly while it
 * has been sent to that thread and not finished or been handed back; it is
 * in the scheduler's queue exactly while its phase is "queued".
 */
import { InvalidArgumentError, ModuleLoadError, NodeDiedError, OutOfMemoryError, TaskCancelledError, TaskError, TaskUnschedulableError, WorkerCrashedError } from "../common/errors.js";
import { isModuleLoadFailure, workerLoadFailureMessage } from "../common/module-load-failure.js";
import { returnId } from "../common/ids.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { EncodedArgs, FnLocation, TaskCall, WireError } from "../common/task-spec.js";
import { releaseDeps, resolveHeldDeps } from "./dependency-resolver.js";
import type { Held } from "../object-store/object-location.js";
import { descendantsFirst } from "./cancel-order.js";
import { TaskState, assignedResources, crashError, outOfMemoryError, groupRemoved, mayRetry, retriesOutOfMemory, streamSeen } from "./task-state.js";
import { FunctionNumbers } from "./function-numbers.js";
import { defaultPipelineDepth, type Lease } from "../node/lease.js";
import type { LeasedWorker, LeaseOwner, NodeClient, TaskLeaseSpec } from "../node/node-client.js";
import type { Grant } from "../scheduler/schedule-request.js";
import { CPU } from "../scheduler/resource-set.js";
import { addTransfer } from "../protocol/encoded-values.js";
import { ClaimTable } from "../protocol/task-claims.js";
import { CallChildren } from "./call-children.js";
export interface TaskManagerDeps {
  readonly store: MemoryStore;
  /** The node tasks are submitted to (this manager attaches itself as its owner). */
  readonly node: NodeClient;
  /**
   * The client of another node, for a spillback naming it (that client must
   * have this manager attached as its owner too). Absent: a single node.
   */
  readonly nodeById?: ((nodeId: string) => NodeClient | undefined) | undefined;
  readonly rebuildError: (wire: WireError) => Error;
  readonly pipelineDepth?: number;
  /** Whether streaming generator `taskId` has yielded a value (then it is not retried: owner/generator-streams.ts). */
  readonly streamStarted?: ((taskId: string) => boolean) | undefined;
}

export class TaskManager implements LeaseOwner {
  private readonly tasks = new Map<string, TaskState>();
  /** Return object id → task id, for tasks with several returns (a single return shares the task's id). */
  private readonly byReturn = new Map<string, string>();
  /**
   * Running tasks cancelled recursively → whether with force, until they
   * finish: children they submitted just before the cancel arrive after it.
   */
  private readonly cancelledParents = new Map<string, boolean>();
  /** Tasks submitted by actor calls, for recursive cancel of a call. */
  private readonly callChildren = new CallChildren();
  private readonly depth: number;
  private lanes = 0;
  /** Leases with tasks, by lane. */
  private readonly leases = new Map<number, Lease<TaskState>>();
  private readonly totalCpuUnits: bigint;
  private readonly fns = new FunctionNumbers();

  constructor(private readonly d: TaskManagerDeps) {
    this.depth = d.pipelineDepth ?? defaultPipelineDepth;
    this.totalCpuUnits = d.node.totalCpuUnits();
    d.node.attach(this);
  }

  /**
   * `parentTaskId`: the task that submitted this one, if a task did (for
   * recursive cancel). Throws `InvalidArgumentError` for bad resource options
   * (checked before anything is queued).
   */
  submit(taskId: string, call: TaskCall, args: EncodedArgs, parentTaskId: string | undefined): void {
    const state = new TaskState(taskId, call, args);
    const n = call.numReturns;
    for (let i = 0; i < n; i++) this.d.store.expect(returnId(taskId, n, i));
    this.tasks.set(taskId, state);
    if (n > 1) for (let i = 0; i < n; i++) this.byReturn.set(returnId(taskId, n, i), taskId);
    if (parentTaskId !== undefined) {
      const parent = this.tasks.get(parentTaskId);
      if (parent !== undefined) (parent.children ??= []).push(taskId);
      else this.callChildren.adopt(parentTaskId, taskId);
      // The parent was cancelled recursively while this submission was still
      // on its way from the parent's thread: it is cancelled like its siblings.
      const force = this.cancelledParents.get(parentTaskId);
      if (force !== undefined) return this.cancel(taskId, force, true);
    }
    const { refIdx, refIds } = args;
    if (refIdx === undefined || refIds === undefined) return this.enqueue(state);
    resolveHeldDeps(this.d.store, refIdx, refIds, (outcome) => {
      if (this.tasks.get(taskId) !== state) return releaseDeps(this.d.store, outcome.deps); // cancelled meanwhile
      if (outcome.error !== undefined) return this.finishWithError(state, new TaskError(call.name, outcome.error));
      state.deps = outcome.deps;
      this.enqueue(state);
    });
  }

  /** The node granted the task's lease, on `worker`: a new lane there. */
  onGranted(spec: TaskLeaseSpec, worker: LeasedWorker, grant: Grant<unknown>, node: NodeClient): void {
    const state = this.tasks.get(spec.id)!;
    state.queuedAt = undefined;
    const gpuIds = grant.gpuIds.length > 0 ? grant.gpuIds : undefined;
    const lease: Lease<TaskState> = {
      lane: ++this.lanes,
      node,
      worker,
      grantId: grant.id,
      cpuUnits: grant.resources.get(CPU),
      gpuIds,
      resources: assignedResources(grant),
      tasks: [],
      blocked: false,
    };
    this.leases.set(lease.lane, lease);
    worker.active++;
    this.send(lease, state);
    this.fill(lease);
  }

  /**
   * A node sent the task's lease request on to another node (Ray's
   * spillback): it is asked there. A node this owner cannot reach fails the
   * task (never requeued here: the same node would send it away again).
   */
  onSpillback(spec: TaskLeaseSpec, nodeId: string): void {
    const state = this.tasks.get(spec.id);
    if (state === undefined) return;
    const node = this.d.nodeById?.(nodeId);
    if (node === undefined) {
      return this.finishWithError(
        state,
        new TaskError(state.name, new Error(`Task ${state.name} was sent to node ${nodeId}, which this driver cannot reach.`)),
      );
    }
    this.enqueue(state, node);
  }

  /**
   * The node will never grant the task's lease request: it refused it (the task fails), or it
   * died first (the request is asked again of the owner's node, which places it on a live one;
   * the task never ran, so no retry is spent).
   */
  onLeaseRequestFailed(spec: TaskLeaseSpec, error: Error): void {
    const state = this.tasks.get(spec.id);
    if (state === undefined || state.phase !== "queued" || state.spec !== spec) return;
    if (error instanceof NodeDiedError) return this.enqueue(state);
    this.finishWithError(state, error instanceof TaskUnschedulableError ? error : new TaskError(state.name, error));
  }

  /** The number threads know function `fn` by (a node serving other owners numbers theirs alike). */
  functionNumber(fn: FnLocation): number {
    return this.fns.numberOf(fn);
  }

  /** Tasks waiting for (or running in) a removed placement group: they fail, running ones are stopped. */
  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void {
    for (const r of pending) {
      const state = this.tasks.get(r.id);
      if (state !== undefined && state.spec === r) this.finishWithError(state, groupRemoved(state));
    }
    for (const g of running) {
      const state = this.tasks.get(g.id);
      if (state?.lease === undefined) continue;
      for (const t of state.lease.tasks) t.cancelled = "force";
      state.lease.node.stopWorker(state.lease.worker);
    }
  }

  /** The task's results: bytes, or where a large one made on another node is held (object-location.ts). */
  onDone(worker: LeasedWorker, taskId: string, results: readonly Held[]): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.lease?.worker !== worker) return;
    this.leave(state);
    this.forget(state);
    const n = state.call.numReturns;
    for (let i = 0; i < n; i++) {
      const r = results[i]!;
      if (r instanceof Uint8Array) this.d.store.putBytes(returnId(taskId, n, i), r);
      else this.d.store.putLocation(returnId(taskId, n, i), r);
    }
  }

  /** An argument of the task could not be pulled to its node: the task fails with that (never ran, not retried). */
  onArgumentsLost(worker: LeasedWorker, taskId: string, error: Error): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.lease?.worker !== worker) return;
    this.leave(state);
    this.finishWithError(state, new TaskError(state.name, error));
  }

  onFailed(worker: LeasedWorker, taskId: string, wire: WireError, errorName: string): void {
    const state = this.tasks.get(taskId);
    if (state === undefined || state.lease?.worker !== worker) return;
    this.leave(state);
    if (state.cancelled !== "no") return this.finishWithError(state, new TaskCancelledError(state.name));
    const retry = state.call.retryExceptions;
    // A module that failed to load fails the same way again: never retried (common/errors.ts).
    const retryable = errorName !== ModuleLoadError.name && (retry === true || (Array.isArray(retry) && retry.includes(errorName)));
    if (retryable && !streamSeen(state, this.d.streamStarted) && mayRetry(state)) {
      return this.enqueue(state);
    }
    this.finishWithError(state, new TaskError(state.name, this.d.rebuildError(wire)));
  }

  /**
   * Every task on a thread that exited is retried (system failure) or fails.
   * A worker that ran out of heap (`OutOfMemoryError`) fails the tasks it was
   * running with that error and does not retry them (as Ray does for OOM: the
   * same task would most likely run out again), unless `retryExceptions` is
   * true or names `OutOfMemoryError`; tasks queued behind them in their lanes
   * had not started and are retried as after any crash.
   */
  onLeaseLost(worker: LeasedWorker, exitCode: number, error: Error | undefined): void {
    for (const taskId of worker.tasks) {
      const state = this.tasks.get(taskId);
      if (state === undefined) continue;
      const running = state.lease?.tasks[0] === state;
      this.leave(state);
      if (state.cancelled !== "no") {
        this.finishWithError(state, new TaskCancelledError(state.name));
      } else if (error instanceof OutOfMemoryError && running) {
        if (!streamSeen(state, this.d.streamStarted) && retriesOutOfMemory(state)) this.enqueue(state);
        else this.finishWithError(state, outOfMemoryError(state, error));
      } else if (!worker.client.spoke && isModuleLoadFailure(error)) {
        this.finishWithError(state, new WorkerCrashedError(workerLoadFailureMessage(state.name, worker.client.workerId, error!), { cause: error }));
      } else if (!streamSeen(state, this.d.streamStarted) && mayRetry(state)) {
        this.enqueue(state);
      } else {
        this.finishWithError(state, crashError(state, exitCode, error, streamSeen(state, this.d.streamStarted)));
      }
    }
    worker.tasks.clear();
  }

  /**
   * The running task waits in `get`/`wait`: its lease lends its CPUs back
   * until the reply, and the tasks sent ahead behind it are taken back (first
   * in the queue, so the lent CPUs may run them).
   */
  onBlocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    const lease = state?.lease;
    if (state === undefined || lease === undefined || state.blocked++ > 0) return;
    if (lease.tasks[0] !== state || lease.blocked) return;
    lease.blocked = true;
    lease.worker.active--;
    this.revokeWaiting(lease);
    lease.node.lendCpus(lease.grantId);
    this.stealFor(lease.node, lease.cpuUnits);
  }

  /** Its reply was sent: the lease takes its CPUs back at once (possibly oversubscribing for a while, as Ray does). */
  onUnblocked(taskId: string): void {
    const state = this.tasks.get(taskId);
    const lease = state?.lease;
    if (state === undefined || lease === undefined || state.blocked === 0 || --state.blocked > 0) return;
    if (lease.tasks[0] !== state || !lease.blocked) return;
    lease.blocked = false;
    lease.worker.active++;
    lease.node.reclaimCpus(lease.grantId);
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
    if (!recursive) return this.cancelOne(state, force);
    for (const s of descendantsFirst(state, (id) => this.tasks.get(id))) {
      if (this.tasks.get(s.id) !== s) continue; // settled meanwhile (its argument was cancelled just before)
      if (s.phase === "sent") this.cancelledParents.set(s.id, force);
      this.cancelOne(s, force);
    }
  }

  /**
   * `ray.cancel` of the actor call `callId` (undefined: no such call was pending):
   * with `recursive`, the tasks it submitted that still live are cancelled, with theirs.
   */
  cancelChildrenOf(callId: string | undefined, force: boolean, recursive: boolean): void {
    if (callId === undefined || !recursive) return;
    for (const child of this.callChildren.of(callId)) this.cancel(child, force, true);
  }

  private cancelOne(state: TaskState, force: boolean): void {
    if (state.phase === "deps") {
      this.finishWithError(state, new TaskCancelledError(state.name));
    } else if (state.phase === "queued") {
      state.queuedAt?.cancelLeaseRequest(state.id);
      this.finishWithError(state, new TaskCancelledError(state.name));
    } else if (force) {
      state.cancelled = "force";
      state.lease!.node.stopWorker(state.lease!.worker);
    } else if (state.cancelled === "no") {
      state.cancelled = "soft";
      state.lease!.node.cancelTask(state.lease!.worker, state.id, state.name);
      this.putErrors(state, new TaskCancelledError(state.name));
    }
  }

  /** Whether `objectId` is the return of a task this manager knows. */
  owns(objectId: string): boolean {
    return this.tasks.has(this.byReturn.get(objectId) ?? objectId);
  }

  private enqueue(state: TaskState, node: NodeClient = this.d.node): void {
    state.phase = "queued";
    state.queuedAt = node;
    try {
      node.requestLease(state.spec);
    } catch (e) {
      // Its placement group was removed before the task could be queued.
      if (!(e instanceof InvalidArgumentError)) throw e;
      this.finishWithError(state, new TaskError(state.name, e));
    }
  }

  /**
   * Sends queued tasks of the lease's scheduling class ahead to its lane: at
   * most the pipeline depth, and at most this lease's fair share of the class's
   * queue (queued ÷ the leases of this size the node can hold), so a short
   * queue of long tasks is spread over the CPUs instead of lining up in one lane.
   * Zero-CPU leases do not pipeline (any number of them may run at once), nor
   * do child-process workers (a task sent ahead needs a claim cell in memory
   * shared with its thread, see task-claims.ts).
   */
  private fill(lease: Lease<TaskState>): void {
    const { client } = lease.worker;
    if (lease.cpuUnits === 0n || lease.blocked || client.exited || !client.isThread || lease.tasks.length >= this.depth) return;
    const node = lease.node;
    const queued = node.queuedLike(lease.grantId);
    if (queued === 0) return;
    const total = node === this.d.node ? this.totalCpuUnits : node.totalCpuUnits();
    const lanesPossible = Math.max(1, Number(total / lease.cpuUnits));
    const limit = Math.min(this.depth, lease.tasks.length + Math.floor(queued / lanesPossible));
    const claims = (lease.worker.claims ??= this.claimTable(lease));
    while (lease.tasks.length < limit) {
      // Nothing waits behind a streaming generator: backpressure may pause it for as long as its caller likes.
      if (lease.tasks[lease.tasks.length - 1]?.call.streaming !== undefined) return;
      // Every cell in use: the rest waits in the queue.
      const claim = claims.take();
      if (claim === undefined) return;
      const spec = node.takeNextLike(lease.grantId);
      const next = spec === undefined ? undefined : this.tasks.get(spec.id);
      if (next === undefined) return claims.release(claim);
      next.claim = claim;
      this.send(lease, next);
    }
  }

  /** A thread's claim table, its cells sent to the thread before any task that uses them. */
  private claimTable(lease: Lease<TaskState>): ClaimTable {
    const table = new ClaimTable();
    lease.node.shareClaimCells(lease.worker, table);
    return table;
  }

  private send(lease: Lease<TaskState>, state: TaskState): void {
    state.phase = "sent";
    state.lease = lease;
    lease.tasks.push(state);
    lease.worker.tasks.add(state.id);
    const { call, claim } = state;
    // Arguments are transferred only when no retry could need them again, and
    // never for a task sent ahead: it may be revoked and sent elsewhere.
    const transfer = call.maxRetries === 0 && claim === undefined ? addTransfer(undefined, state.args.bytes) : undefined;
    const fn = this.fns.numberOf(call.fn);
    const { knownFns } = lease.worker;
    const fnLocation = knownFns.has(fn) ? undefined : call.fn;
    if (fnLocation !== undefined) knownFns.add(fn);
    lease.node.runTask(
      lease.worker,
      {
        t: "run",
        lane: lease.lane,
        taskId: state.id,
        fn,
        fnLocation,
        name: call.name,
        args: state.args.bytes,
        deps: state.deps,
        numReturns: call.numReturns,
        gpuIds: lease.gpuIds,
        resources: lease.resources,
        claim,
        streaming: call.streaming,
      },
      transfer,
    );
  }

  /**
   * Takes a task off its lease and thread. The running task's grant passes to
   * the next task of the lane; a lease left empty ends and releases its grant.
   */
  private leave(state: TaskState): void {
    const lease = state.lease;
    if (lease === undefined) return;
    state.lease = undefined;
    if (state.claim !== undefined) {
      lease.worker.claims!.release(state.claim);
      state.claim = undefined;
    }
    lease.worker.tasks.delete(state.id);
    const i = lease.tasks.indexOf(state);
    if (i >= 0) lease.tasks.splice(i, 1);
    state.blocked = 0;
    if (i !== 0) return;
    const next = lease.tasks[0];
    if (lease.blocked) {
      lease.blocked = false;
      lease.worker.active++;
    }
    if (next !== undefined) {
      lease.node.handOver(lease.grantId, next.spec);
      lease.grantId = next.id;
      this.fill(lease);
      return;
    }
    this.leases.delete(lease.lane);
    lease.worker.active--;
    lease.node.returnLease(lease.grantId, lease.worker);
    this.stealFor(lease.node, lease.cpuUnits);
  }

  /**
   * CPUs went idle and nothing queued took them: the tasks waiting behind a
   * running one in the lane with the most of them (same CPU demand) are
   * revoked and queued first again, so the idle CPUs take them at once (the
   * scheduler spreads them by `fill`'s fair share). Repeated while CPUs stay
   * idle and some lane still has tasks waiting that its thread has not claimed.
   */
  private stealFor(node: NodeClient, cpuUnits: bigint): void {
    let tried: Array<Lease<TaskState>> | undefined;
    while (cpuUnits > 0n && node.availableCpuUnits() >= cpuUnits) {
      let victim: Lease<TaskState> | undefined;
      for (const l of this.leases.values()) {
        if (l.node !== node || l.cpuUnits !== cpuUnits || l.tasks.length < 2 || (victim !== undefined && l.tasks.length <= victim.tasks.length)) continue;
        if (tried === undefined || !tried.includes(l)) victim = l;
      }
      if (victim === undefined) return;
      (tried ??= []).push(victim);
      this.revokeWaiting(victim);
    }
  }

  /**
   * Takes back the lease's tasks waiting behind its running one that its
   * thread has not claimed (task-claims.ts: no round trip, even while the
   * thread is busy), and queues them first again, in lane order. A task being
   * cancelled stays: its thread drops it and reports it.
   */
  private revokeWaiting(lease: Lease<TaskState>): void {
    const claims = lease.worker.claims;
    if (claims === undefined || lease.tasks.length < 2) return;
    const back: TaskState[] = [];
    for (const t of lease.tasks.slice(1)) {
      if (t.claim === undefined || t.cancelled !== "no" || !claims.revoke(t.claim)) continue;
      this.leave(t);
      t.phase = "queued";
      t.queuedAt = lease.node;
      back.push(t);
    }
    if (back.length > 0) lease.node.requestLeasesFirst(back.map((t) => t.spec));
  }

  private finishWithError(state: TaskState, error: Error): void {
    this.forget(state);
    this.putErrors(state, error);
  }

  private putErrors(state: TaskState, error: Error): void {
    const n = state.call.numReturns;
    for (let i = 0; i < n; i++) this.d.store.putError(returnId(state.id, n, i), error);
  }

  private forget(state: TaskState): void {
    if (this.cancelledParents.size > 0) this.cancelledParents.delete(state.id);
    this.callChildren.forget(state.id);
    releaseDeps(this.d.store, state.deps);
    this.tasks.delete(state.id);
    const n = state.call.numReturns;
    if (n > 1) for (let i = 0; i < n; i++) this.byReturn.delete(returnId(state.id, n, i));
  }
}
