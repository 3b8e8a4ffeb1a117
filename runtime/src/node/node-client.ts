/**
 * The seam an owner (owner/task-manager.ts) uses to get its tasks run on a
 * node, after Ray's raylet lease protocol: the owner asks the node for a
 * lease for a task spec; the node queues it and, when its resources are free,
 * grants it with a worker; the owner runs the task (and, pipelined, further
 * tasks of the same scheduling class) on that worker, then returns the lease.
 * A worker that dies takes its leases with it: the owner is told (`onLeaseLost`).
 *
 * Today there is one implementation, `LocalNodeClient` (the node in the
 * owner's own process: its `LocalScheduler` and `WorkerPool`). A remote node
 * will implement the same methods over a connection; everything crossing this
 * seam from the owner is plain data (`TaskLeaseSpec`, the `run` message), never
 * the owner's live records.
 *
 * Pipelining stays exact: the node keeps the queue of lease requests, so a
 * lease's holder asks for the next queued spec of its class (`takeNextLike`)
 * and passes its grant on (`handOver`) without a release and re-grant.
 */
import type { Isolation } from "../common/options.js";
import type { Units } from "../scheduler/fixed-point.js";
import type { ResourceSet } from "../scheduler/resource-set.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { Placement } from "../scheduler/scheduling-strategy.js";
import type { ClaimTable } from "../protocol/task-claims.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import type { PoolWorker } from "./worker-pool.js";
import type { HeldDeps } from "../object-store/object-location.js";

/**
 * What a node needs to grant a lease for one task: plain data, made once per
 * task by its owner (`demand` is an immutable `ResourceSet`, shared by every
 * call with the same options; it crosses a wire as `demand.toJSON()`).
 */
export interface TaskLeaseSpec {
  /** The task id; also the id of the lease while this task holds it. */
  readonly id: string;
  readonly name: string;
  readonly demand: ResourceSet;
  readonly placement: Placement;
  /** The scheduling class (`schedulingClassKey`, plus `|process` for process isolation). */
  readonly classKey: string;
  readonly isolation: Isolation;
}

/**
 * A `run` message: one task for a leased worker, as the owner sends it. Its
 * resolved arguments may name large objects by where they are held
 * (`HeldDeps`): the node makes them local before the worker gets the task
 * (node/task-arguments.ts).
 */
export type RunTask = Omit<Extract<ToWorker, { t: "run" }>, "deps"> & { readonly deps: HeldDeps | undefined };

/** What a node tells the owner it serves. */
export interface LeaseOwner {
  /**
   * The lease for `spec` is granted: its id is `grant.id` (= `spec.id`), it
   * holds `grant.resources` (`grant.gpuIds`), and its tasks run on `worker`.
   */
  onGranted(spec: TaskLeaseSpec, worker: PoolWorker, grant: Grant<unknown>, node: NodeClient): void;
  /**
   * Spillback: this node will not grant `spec` (it cannot fit it, or the
   * strategy spreads it) and names the node that should be asked instead.
   */
  onSpillback(spec: TaskLeaseSpec, nodeId: string): void;
  /** `worker` died: every lease on it is lost, with the tasks sent to it. */
  onLeaseLost(worker: PoolWorker, exitCode: number, error: Error | undefined): void;
  /**
   * Task `taskId`, sent to `worker`, never reached it: an argument held on
   * another node could not be pulled here (`error`, an `ObjectLostError`).
   */
  onArgumentsLost(worker: PoolWorker, taskId: string, error: Error): void;
}

export interface NodeClient {
  readonly nodeId: string;
  /** The owner this node reports grants and lost leases to (one per client). */
  attach(owner: LeaseOwner): void;
  /** Queues a lease request. Throws `InvalidArgumentError` if its placement group does not exist here. */
  requestLease(spec: TaskLeaseSpec): void;
  /** Queues requests first in their classes, in order (tasks taken back from a lane). */
  requestLeasesFirst(specs: readonly TaskLeaseSpec[]): void;
  /** Drops a queued request; false if it was not queued. */
  cancelLeaseRequest(id: string): boolean;

  /** Lease requests queued in the class of lease `leaseId` (0 if it is not held). */
  queuedLike(leaseId: string): number;
  /** Pipelining: takes the next queued request of lease `leaseId`'s class, to run under that lease. */
  takeNextLike(leaseId: string): TaskLeaseSpec | undefined;
  /** The lease's task ended: `next` (from `takeNextLike`) holds it now, under the id `next.id`. */
  handOver(leaseId: string, next: TaskLeaseSpec): void;
  /** The lease's task blocks in `get`/`wait`: its CPUs are lent to the node until `reclaimCpus`. */
  lendCpus(leaseId: string): void;
  reclaimCpus(leaseId: string): void;
  /** The lease has no task left: its resources are free, its worker may take other leases. */
  returnLease(leaseId: string, worker: PoolWorker): void;

  /** The node's CPUs, total and free now, in fixed-point units. */
  totalCpuUnits(): Units;
  availableCpuUnits(): Units;

  /** Sends a task to a leased worker (`transfer`: buffers moved, not copied). */
  runTask(worker: PoolWorker, task: RunTask, transfer: ArrayBuffer[] | undefined): void;
  /** Gives the worker the claim cells of tasks sent ahead to it (task-claims.ts), before the first such task. */
  shareClaimCells(worker: PoolWorker, claims: ClaimTable): void;
  /** Asks the worker to stop a task it was sent (soft cancel). */
  cancelTask(worker: PoolWorker, taskId: string, name: string): void;
  /** Stops the worker (force cancel, a removed placement group): its leases are then lost. */
  stopWorker(worker: PoolWorker): void;
}
