/**
 * The seam an owner (owner/task-manager.ts, owner/actor-manager.ts) uses to get its work run on a
 * node, after Ray's raylet lease protocol: the owner asks the node for a
 * lease for a task spec; the node queues it and, when its resources are free,
 * grants it with a worker; the owner runs the task (and, pipelined, further
 * tasks of the same scheduling class) on that worker, then returns the lease.
 * A worker that dies takes its leases with it: the owner is told (`onLeaseLost`).
 *
 * Today there is one implementation, `LocalNodeClient` (the node in the
 * owner's own process: its `LocalScheduler` and `WorkerPool`). A remote node
 * will implement the same methods over a connection; everything crossing this
 * seam from the owner is plain data (`TaskLeaseSpec`, `ActorLeaseSpec`, the
 * `run` message, bundle requests), never the owner's live records.
 *
 * Pipelining stays exact: the node keeps the queue of lease requests, so a
 * lease's holder asks for the next queued spec of its class (`takeNextLike`)
 * and passes its grant on (`handOver`) without a release and re-grant.
 *
 * Actors lease the same way (Ray's actor creation task): the owner asks a
 * node for an actor lease (`ActorLeaseSpec`, plain data); the node grants it
 * (`ActorLeaseOwner.onActorGranted`) or sends it on to another node
 * (`onActorSpillback`); the granted node starts the actor's worker
 * (`startActorWorker`, or a thread shared with other actors); the lease is
 * held for the actor's life and returned when it dies (`returnActorLease`).
 *
 * Placement-group bundles are reserved in two phases, as Ray's GCS does with
 * its raylets: `prepareBundles` (all of this node's bundles of the group, or
 * none), then `commitBundles` on every node once every node prepared, or
 * `cancelBundles` on the nodes that did (roll back) when one could not.
 * `returnBundles` removes a group: the node drops the requests waiting for it
 * and tells the owners (`onPlacementGroupRemoved`) which leases ran in it.
 * (owner/cluster-placement-groups.ts drives these; a single node's scheduler
 * reserves its groups itself, and only `returnBundles` is used there.)
 */
import type { Isolation } from "../common/options.js";
import type { Units } from "../scheduler/fixed-point.js";
import type { ResourceSet } from "../scheduler/resource-set.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { Placement } from "../scheduler/scheduling-strategy.js";
import type { NodeView } from "../scheduler/node-view.js";
import type { WorkerClient } from "./worker-client.js";
import type { ClaimTable } from "../protocol/task-claims.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import type { Held, HeldDeps } from "../object-store/object-location.js";
import type { WireError } from "../common/task-spec.js";

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
 * What a node needs to place one actor: plain data (the actor's live record
 * stays with its owner). `demand` is held for the actor's life,
 * `placementDemand` must be free to place it (scheduler/resource-demand.ts).
 */
export interface ActorLeaseSpec {
  /** The actor id; also the id of its lease. */
  readonly id: string;
  /** The class name, for warnings. */
  readonly name: string;
  readonly demand: ResourceSet;
  readonly placementDemand: ResourceSet;
  readonly placement: Placement;
}

/**
 * The owner's handle on an actor's worker (or a shared host) on some node: what it posts to the
 * worker (the constructor, calls, `dropActor`) and how it stops it. The in-process node hands
 * back its `WorkerClient`; a remote node client will hand back a proxy of this shape.
 */
export type ActorWorker = Pick<WorkerClient, "actorId" | "exited" | "post" | "terminate">;

/** One bundle to reserve on a node: its index in the group and its resources. */
export interface BundleSpec {
  readonly bundleIndex: number;
  readonly resources: ResourceSet;
}

/** Phase one of a group's reservation on one node: every bundle the plan puts there. */
export interface PrepareBundlesRequest {
  readonly placementGroupId: string;
  /** How many bundles the whole group has (requests naming a larger index are refused). */
  readonly bundleCount: number;
  readonly bundles: readonly BundleSpec[];
}

/** Phase two, sent to every node: the group is ready, bundle i (of `bundles[i]`) held by `bundleNodes[i]`. */
export interface CommitBundlesRequest {
  readonly placementGroupId: string;
  readonly bundleNodes: readonly string[];
  readonly bundles: readonly ResourceSet[];
}

/**
 * A `run` message: one task for a leased worker, as the owner sends it. Its
 * resolved arguments may name large objects by where they are held
 * (`HeldDeps`): the node makes them local before the worker gets the task
 * (node/task-arguments.ts).
 */
export type RunTask = Omit<Extract<ToWorker, { t: "run" }>, "deps"> & { readonly deps: HeldDeps | undefined };

/**
 * The worker a task lease runs on, as its owner sees it: a pool thread of a node in the owner's
 * process (`LeasedWorker`, which has this shape), or a proxy of a worker on a node in another
 * process (remote-node-client.ts, `isThread` false: nothing is sent ahead to it). The owner keeps
 * its bookkeeping on it (tasks sent, how many run, function numbers it was told, claim cells).
 */
export interface LeasedWorker {
  readonly client: Pick<WorkerClient, "exited" | "isThread" | "spoke" | "workerId" | "gpuIds">;
  /** Tasks sent to this worker and not yet finished. */
  readonly tasks: Set<string>;
  /** Of those, how many are running and not blocked in `get`/`wait`. */
  active: number;
  /** Function numbers whose location this worker has been sent (see owner/function-numbers.ts). */
  readonly knownFns: Set<number>;
  /** The claim cells of tasks sent ahead to this worker (task-claims.ts), made with the first one. */
  claims?: ClaimTable;
}

/** What a node tells the owner it serves. */
export interface LeaseOwner {
  /**
   * The lease for `spec` is granted: its id is `grant.id` (= `spec.id`), it
   * holds `grant.resources` (`grant.gpuIds`), and its tasks run on `worker`.
   */
  onGranted(spec: TaskLeaseSpec, worker: LeasedWorker, grant: Grant<unknown>, node: NodeClient): void;
  /**
   * Spillback: this node will not grant `spec` (it cannot fit it, or the
   * strategy spreads it) and names the node that should be asked instead.
   */
  onSpillback(spec: TaskLeaseSpec, nodeId: string): void;
  /** `worker` died: every lease on it is lost, with the tasks sent to it. */
  onLeaseLost(worker: LeasedWorker, exitCode: number, error: Error | undefined): void;
  /**
   * A placement group was removed on this node: `pending` lease requests into it were dropped
   * (fail them), `running` grants ran inside it (stop them; returning them later is harmless).
   */
  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void;
  /**
   * Task `taskId`, sent to `worker`, never reached it: an argument held on
   * another node could not be pulled here (`error`, an `ObjectLostError`).
   */
  onArgumentsLost(worker: LeasedWorker, taskId: string, error: Error): void;
  /** The task's results: bytes, or where the node keeps a large one. */
  onDone(worker: LeasedWorker, taskId: string, results: readonly Held[]): void;
  /** The task threw (`wire`: the error as it crossed; `errorName`: its class name, for `retryExceptions`). */
  onFailed(worker: LeasedWorker, taskId: string, wire: WireError, errorName: string): void;
  /**
   * The lease request for `spec` will never be granted by this node: it refused it (`error`,
   * an `InvalidArgumentError`), or the node died before granting it (a `NodeDiedError`).
   */
  onLeaseRequestFailed(spec: TaskLeaseSpec, error: Error): void;
}

/** What a node tells the owner of the actors it places. */
export interface ActorLeaseOwner {
  /** The actor's lease is granted here: start its worker on `node` (`startActorWorker`). */
  onActorGranted(spec: ActorLeaseSpec, grant: Grant<unknown>, node: NodeClient): void;
  /** This node will not place the actor; `nodeId` should be asked instead. */
  onActorSpillback(spec: ActorLeaseSpec, nodeId: string): void;
  /** The actor can never be placed (hard affinity to a node not in the cluster): it dies, `reason` says why. */
  onActorUnschedulable(spec: ActorLeaseSpec, reason: string): void;
  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void;
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
  returnLease(leaseId: string, worker: LeasedWorker): void;

  /** The node's CPUs, total and free now, in fixed-point units. */
  totalCpuUnits(): Units;
  availableCpuUnits(): Units;

  /** Sends a task to a leased worker (`transfer`: buffers moved, not copied). */
  runTask(worker: LeasedWorker, task: RunTask, transfer: ArrayBuffer[] | undefined): void;
  /** Gives the worker the claim cells of tasks sent ahead to it (task-claims.ts), before the first such task. */
  shareClaimCells(worker: LeasedWorker, claims: ClaimTable): void;
  /** Asks the worker to stop a task it was sent (soft cancel). */
  cancelTask(worker: LeasedWorker, taskId: string, name: string): void;
  /** Stops the worker (force cancel, a removed placement group): its leases are then lost. */
  stopWorker(worker: LeasedWorker): void;

  // ---------------------------------------------------------------- actors

  /** The owner this node reports actor grants and spillbacks to (one per client). */
  attachActors(owner: ActorLeaseOwner): void;
  /** Queues an actor's placement. Throws `InvalidArgumentError` if its placement group does not exist here. */
  requestActorLease(spec: ActorLeaseSpec): void;
  /** Drops a queued actor lease request; false if it was not queued. */
  cancelActorLease(actorId: string): boolean;
  /** The actor died: what its lease held is free. */
  returnActorLease(actorId: string): void;
  /**
   * Starts a worker of its own for a placed actor on this node (a thread, or a child
   * process with `gpuIds` as `CUDA_VISIBLE_DEVICES`); it reports like the node's other workers.
   */
  startActorWorker(actorId: string, gpuIds: readonly number[], isolation: Isolation): ActorWorker;
  /** Starts a thread on this node that hosts `hosting: "shared"` actors. */
  startSharedActorHost(): ActorWorker;
  /** How many shared hosts this node spreads shared actors over before filling them (its cores). */
  readonly sharedSpread: number;

  // ---------------------------------------------------------------- placement groups

  /** This node's resources as the placement policy sees them (plain data: what a node reports). */
  resourceView(): NodeView;
  /**
   * Phase one: reserves every bundle of `request` here, or none (resolves false). The group is
   * known here from then on, pending: requests into it wait. An empty `bundles` only makes it
   * known (the owner's own node, before any plan).
   */
  prepareBundles(request: PrepareBundlesRequest): Promise<boolean>;
  /**
   * Phase two: the group is ready (this node learns where the bundles it does not hold are, so
   * it sends requests for them there). Sent to every node, also those holding none of its
   * bundles, so requests into the group submitted to them find it.
   */
  commitBundles(request: CommitBundlesRequest): Promise<void>;
  /** Rolls a prepare back: the bundles prepared here are free; the group stays known and pending. */
  cancelBundles(placementGroupId: string): Promise<void>;
  /**
   * Removes the group here: its bundles are free, requests waiting for it dropped and grants
   * running in it reported to their owners (`onPlacementGroupRemoved`).
   */
  returnBundles(placementGroupId: string): Promise<void>;
}
