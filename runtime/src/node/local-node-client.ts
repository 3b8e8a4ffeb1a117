/**
 * The node client of the node in the owner's own process: lease requests go
 * to its `LocalScheduler`, granted leases get a worker from its `WorkerPool`
 * (a pool thread, or a child process for GPU work with `gpuWorkers:
 * "process"` and for `isolation: "process"`), and tasks are posted to that
 * worker. No message, promise or allocation of its own per task: each method
 * is the direct call it stands for.
 *
 * The scheduler is shared with the actor manager (it places actors too): a
 * task lease request is the owner's `TaskLeaseSpec` itself, queued with no
 * payload, so the scheduler's `onDispatch` hands requests without a payload
 * to `granted` (see driver-runtime.ts).
 */
import { CPU } from "../scheduler/resource-set.js";
import type { Units } from "../scheduler/fixed-point.js";
import type { Grant, ScheduleRequest } from "../scheduler/schedule-request.js";
import type { LocalScheduler } from "../scheduler/local-scheduler.js";
import type { ClaimTable } from "../protocol/task-claims.js";
import type { LeaseOwner, NodeClient, RunTask, TaskLeaseSpec } from "./node-client.js";
import type { PoolWorker, WorkerPool } from "./worker-pool.js";
import type { NodeObjectStore } from "../object-store/node-object-store.js";
import { TaskArguments } from "./task-arguments.js";

export interface LocalNodeParts {
  readonly scheduler: LocalScheduler<unknown>;
  /** The pool (a getter: the runtime builds it after the task manager). */
  readonly pool: () => WorkerPool;
  /** GPU grants run in child processes (`init({ gpuWorkers: "process" })`). */
  readonly gpuProcesses?: boolean;
  /** The node's object store: task arguments held on other nodes are pulled into it. */
  readonly objects?: NodeObjectStore;
}

/** Only requests without a payload are task leases (the actor manager's carry their actor). */
const isTaskLease = (r: ScheduleRequest<unknown>): boolean => r.payload === undefined;

export class LocalNodeClient implements NodeClient {
  readonly nodeId: string;
  private owner: LeaseOwner | undefined;
  private readonly scheduler: LocalScheduler<unknown>;
  /** Arguments held on other nodes, pulled before their task is posted (task-arguments.ts). */
  private readonly args: TaskArguments;

  constructor(private readonly parts: LocalNodeParts) {
    this.scheduler = parts.scheduler;
    this.nodeId = this.scheduler.nodeId;
    this.args = new TaskArguments(parts.objects, (worker, taskId, error) => this.owner?.onArgumentsLost(worker, taskId, error));
  }

  attach(owner: LeaseOwner): void {
    if (this.owner !== undefined) throw new Error(`node ${this.nodeId} serves one owner per client; it has one already`);
    this.owner = owner;
  }

  /**
   * The scheduler granted a task lease request (one without a payload, which
   * is therefore a `TaskLeaseSpec`): picks its worker and tells the owner.
   */
  granted(request: ScheduleRequest<unknown>, grant: Grant<unknown>): void {
    const spec = request as unknown as TaskLeaseSpec;
    const gpuIds = grant.gpuIds;
    const pool = this.parts.pool();
    const worker =
      spec.isolation === "process"
        ? pool.processWorker(gpuIds)
        : gpuIds.length > 0 && this.parts.gpuProcesses === true
          ? pool.processWorker(gpuIds)
          : pool.pick();
    this.owner!.onGranted(spec, worker, grant, this);
  }

  /** The scheduler sends a task lease request (one without a payload) to node `nodeId`. */
  spilledBack(request: ScheduleRequest<unknown>, nodeId: string): void {
    this.owner!.onSpillback(request as unknown as TaskLeaseSpec, nodeId);
  }

  /** The pool reports a worker gone: its leases are lost. */
  workerExited(worker: PoolWorker, exitCode: number, error: Error | undefined): void {
    this.owner?.onLeaseLost(worker, exitCode, error);
  }

  requestLease(spec: TaskLeaseSpec): void {
    this.scheduler.submit(spec);
  }

  requestLeasesFirst(specs: readonly TaskLeaseSpec[]): void {
    this.scheduler.submitFront(specs);
  }

  cancelLeaseRequest(id: string): boolean {
    return this.scheduler.cancel(id) !== undefined;
  }

  queuedLike(leaseId: string): number {
    return this.scheduler.queuedLike(leaseId);
  }

  takeNextLike(leaseId: string): TaskLeaseSpec | undefined {
    return this.scheduler.takeNext(leaseId, isTaskLease) as unknown as TaskLeaseSpec | undefined;
  }

  handOver(leaseId: string, next: TaskLeaseSpec): void {
    this.scheduler.handOver(leaseId, next);
  }

  lendCpus(leaseId: string): void {
    this.scheduler.lend(leaseId);
  }

  reclaimCpus(leaseId: string): void {
    this.scheduler.reclaim(leaseId);
  }

  returnLease(leaseId: string, worker: PoolWorker): void {
    // A child-process worker may serve the next grant of the same GPU ids, or stop.
    if (worker.client.gpuIds !== undefined) this.parts.pool().processIdle(worker);
    this.scheduler.release(leaseId);
  }

  totalCpuUnits(): Units {
    return this.scheduler.total().get(CPU);
  }

  availableCpuUnits(): Units {
    return this.scheduler.availableUnits(CPU);
  }

  runTask(worker: PoolWorker, task: RunTask, transfer: ArrayBuffer[] | undefined): void {
    const run = this.args.localRun(task);
    if (run === undefined) return this.args.run(worker, task, transfer);
    if (!this.args.busy) return worker.client.post(run, transfer);
    this.args.post(worker, () => worker.client.post(run, transfer));
  }

  shareClaimCells(worker: PoolWorker, claims: ClaimTable): void {
    if (this.args.busy) return this.args.post(worker, () => worker.client.post({ t: "claimCells", buffer: claims.buffer }));
    worker.client.post({ t: "claimCells", buffer: claims.buffer });
  }

  cancelTask(worker: PoolWorker, taskId: string, name: string): void {
    if (this.args.busy) return this.args.post(worker, () => worker.client.post({ t: "cancel", taskId, name }));
    worker.client.post({ t: "cancel", taskId, name });
  }

  stopWorker(worker: PoolWorker): void {
    void worker.client.terminate();
  }
}
