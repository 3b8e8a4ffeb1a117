/**
 * The node client of the node in the owner's own process: lease requests go
 * to its `LocalScheduler`, granted leases get a worker from its `WorkerPool`
 * (a pool thread, or a child process for GPU work with `gpuWorkers:
 * "process"` and for `isolation: "process"`), and tasks are posted to that
 * worker. No message, promise or allocation of its own per task: each method
 * is the direct call it stands for.
 *
 * A task lease request is the owner's `TaskLeaseSpec` itself, queued with no
 * payload; an actor lease request carries its `ActorLeaseSpec` as payload.
 * The scheduler's `onDispatch` and `onSpillback` come to `granted` and
 * `spilledBack`, which tell the two apart by that payload.
 */
import { CPU } from "../scheduler/resource-set.js";
import type { Units } from "../scheduler/fixed-point.js";
import type { Grant, ScheduleRequest } from "../scheduler/schedule-request.js";
import type { LocalScheduler } from "../scheduler/local-scheduler.js";
import type { ClaimTable } from "../protocol/task-claims.js";
import type { NodeView } from "../scheduler/node-view.js";
import type { Isolation } from "../common/options.js";
import { TaskUnschedulableError } from "../common/errors.js";
import type {
  ActorLeaseOwner,
  ActorLeaseSpec,
  CommitBundlesRequest,
  LeaseOwner,
  NodeClient,
  PrepareBundlesRequest,
  RunTask,
  TaskLeaseSpec,
} from "./node-client.js";
import type { PoolWorker, WorkerPool } from "./worker-pool.js";
import type { WorkerClient } from "./worker-client.js";
import type { NodeObjectStore } from "../object-store/node-object-store.js";
import { TaskArguments } from "./task-arguments.js";

export interface LocalNodeParts {
  readonly scheduler: LocalScheduler<unknown>;
  /** The pool (a getter: the runtime builds it after the task manager). */
  readonly pool: () => WorkerPool;
  /** GPU grants run in child processes (`init({ gpuWorkers: "process" })`). */
  readonly gpuProcesses?: boolean;
  /** How this node starts actors' workers; absent: it hosts no actors (a test's bare node). */
  readonly actorWorkers?: ActorWorkerStarter;
  /** The node's object store: task arguments held on other nodes are pulled into it. */
  readonly objects?: NodeObjectStore;
}

/** How a node starts the workers of actors placed on it (their messages and exits reach the actors' owner). */
export interface ActorWorkerStarter {
  /** An actor's own worker: a thread, or a child process with `gpuIds` as `CUDA_VISIBLE_DEVICES`. */
  readonly startActorWorker: (actorId: string, gpuIds: readonly number[], isolation: Isolation) => WorkerClient;
  /** A thread hosting shared actors. */
  readonly startSharedActorHost: () => WorkerClient;
  readonly sharedSpread: number;
}

/** The owners in other processes a node serves: `owns` tells their leases and tasks by id. */
export interface GuestOwners extends LeaseOwner {
  owns(id: string): boolean;
}

/** Only requests without a payload are task leases (an actor's carries its `ActorLeaseSpec`). */
const isTaskLease = (r: ScheduleRequest<unknown>): boolean => r.payload === undefined;

const resolved: Promise<void> = Promise.resolve();

export class LocalNodeClient implements NodeClient {
  readonly nodeId: string;
  readonly sharedSpread: number;
  private owner: LeaseOwner | undefined;
  /** Owners in other processes this node serves too (node-service.ts), told apart by lease or task id. */
  private guests: GuestOwners | undefined;
  private actorOwner: ActorLeaseOwner | undefined;
  private readonly scheduler: LocalScheduler<unknown>;
  /** Arguments held on other nodes, pulled before their task is posted (task-arguments.ts). */
  private readonly args: TaskArguments;

  constructor(private readonly parts: LocalNodeParts) {
    this.scheduler = parts.scheduler;
    this.nodeId = this.scheduler.nodeId;
    this.sharedSpread = parts.actorWorkers?.sharedSpread ?? 1;
    this.args = new TaskArguments(parts.objects, (worker, taskId, error) => this.ownerOf(taskId)?.onArgumentsLost(worker, taskId, error));
  }

  attachActors(owner: ActorLeaseOwner): void {
    if (this.actorOwner !== undefined) throw new Error(`node ${this.nodeId} serves one actor owner per client; it has one already`);
    this.actorOwner = owner;
  }

  /**
   * Owners in other processes (node-service.ts): their lease requests are queued here like the
   * local owner's, and a grant, a lost worker or a lost argument of theirs is told to them.
   */
  attachGuests(guests: GuestOwners): void {
    this.guests = guests;
  }

  private ownerOf(id: string): LeaseOwner | undefined {
    return this.guests !== undefined && this.guests.owns(id) ? this.guests : this.owner;
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
    if (request.payload !== undefined) return this.actorOwner!.onActorGranted(request.payload as ActorLeaseSpec, grant, this);
    const spec = request as unknown as TaskLeaseSpec;
    const gpuIds = grant.gpuIds;
    const pool = this.parts.pool();
    const worker =
      spec.isolation === "process"
        ? pool.processWorker(gpuIds)
        : gpuIds.length > 0 && this.parts.gpuProcesses === true
          ? pool.processWorker(gpuIds)
          : pool.pick();
    this.ownerOf(spec.id)!.onGranted(spec, worker, grant, this);
  }

  /** The scheduler sends a lease request to node `nodeId`: the owner asks there. */
  spilledBack(request: ScheduleRequest<unknown>, nodeId: string): void {
    if (request.payload !== undefined) return this.actorOwner!.onActorSpillback(request.payload as ActorLeaseSpec, nodeId);
    const spec = request as unknown as TaskLeaseSpec;
    this.ownerOf(spec.id)!.onSpillback(spec, nodeId);
  }

  /** The scheduler dropped a request that can never run (hard affinity to a node not in the cluster). */
  unschedulable(request: ScheduleRequest<unknown>, reason: string): void {
    if (request.payload !== undefined) return this.actorOwner!.onActorUnschedulable(request.payload as ActorLeaseSpec, reason);
    const spec = request as unknown as TaskLeaseSpec;
    this.ownerOf(spec.id)!.onLeaseRequestFailed(spec, new TaskUnschedulableError(`Task ${spec.name} can never be scheduled: ${reason}. Use a node id from ray.nodes() that is alive, or soft: true to fall back to any node.`));
  }

  /** The pool reports a worker gone: its leases are lost. */
  workerExited(worker: PoolWorker, exitCode: number, error: Error | undefined): void {
    this.owner?.onLeaseLost(worker, exitCode, error);
    this.guests?.onLeaseLost(worker, exitCode, error);
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

  // ---------------------------------------------------------------- actors

  requestActorLease(spec: ActorLeaseSpec): void {
    this.scheduler.submit({
      id: spec.id,
      name: spec.name,
      demand: spec.demand,
      placementDemand: spec.placementDemand,
      placement: spec.placement,
      payload: spec,
    });
  }

  cancelActorLease(actorId: string): boolean {
    return this.scheduler.cancel(actorId) !== undefined;
  }

  returnActorLease(actorId: string): void {
    this.scheduler.release(actorId);
  }

  startActorWorker(actorId: string, gpuIds: readonly number[], isolation: Isolation): WorkerClient {
    return this.actorWorkers().startActorWorker(actorId, gpuIds, isolation);
  }

  startSharedActorHost(): WorkerClient {
    return this.actorWorkers().startSharedActorHost();
  }

  private actorWorkers(): ActorWorkerStarter {
    if (this.parts.actorWorkers === undefined) throw new Error(`node ${this.nodeId} was made without a way to start actor workers`);
    return this.parts.actorWorkers;
  }

  // ---------------------------------------------------------------- placement groups

  resourceView(): NodeView {
    return this.scheduler.view();
  }

  prepareBundles(request: PrepareBundlesRequest): Promise<boolean> {
    return Promise.resolve(this.scheduler.prepareBundles(request.placementGroupId, request.bundleCount, request.bundles));
  }

  commitBundles(request: CommitBundlesRequest): Promise<void> {
    this.scheduler.commitBundles(request.placementGroupId, request.bundleNodes, request.bundles);
    return resolved;
  }

  cancelBundles(placementGroupId: string): Promise<void> {
    this.scheduler.cancelPreparedBundles(placementGroupId);
    return resolved;
  }

  returnBundles(placementGroupId: string): Promise<void> {
    const { pending, running } = this.scheduler.removePlacementGroup(placementGroupId);
    if (pending.length > 0 || running.length > 0) {
      this.owner?.onPlacementGroupRemoved(pending, running);
      this.actorOwner?.onPlacementGroupRemoved(pending, running);
    }
    return resolved;
  }
}
