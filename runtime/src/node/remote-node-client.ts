/**
 * A `NodeClient` for a node in another process (issue 11): the owner end of the node protocol
 * (node-messages.ts) over one connection. Task leases only: the node queues the request in its
 * own scheduler and grants it with one of its pool workers; the worker handed to the owner in
 * `onGranted` is a proxy (`LeasedWorker` with `isThread` false, so nothing is sent ahead to it:
 * one task per lease, no pipelining across processes yet).
 *
 * Nothing waits for a node that is gone: when the connection closes (the node died, was stopped,
 * or cut off), every lease on it is lost (`onLeaseLost` with a `NodeDiedError`: running tasks are
 * retried under `maxRetries`, else fail with it) and every lease request on it fails
 * (`onLeaseRequestFailed` with a `NodeDiedError`: asked again elsewhere); later requests fail at once.
 * Actors and placement-group bundles are not placed on other processes yet: those calls refuse
 * with an `InvalidArgumentError` saying so.
 */
import { InvalidArgumentError, NodeDiedError } from "../common/errors.js";
import type { FnLocation } from "../common/task-spec.js";
import type { Isolation } from "../common/options.js";
import type { Connection } from "../protocol/connection.js";
import { ResourceSet, CPU } from "../scheduler/resource-set.js";
import type { Units } from "../scheduler/fixed-point.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { NodeView } from "../scheduler/node-view.js";
import type {
  ActorLeaseOwner,
  ActorLeaseSpec,
  ActorWorker,
  CommitBundlesRequest,
  LeasedWorker,
  LeaseOwner,
  NodeClient,
  PrepareBundlesRequest,
  RunTask,
  TaskLeaseSpec,
} from "./node-client.js";
import { unreachableNode, type FromNode, type ToNode } from "./node-messages.js";

/** What the owner's view of the node needs from the cluster state (the node table and resource view). */
export type RemoteNodeView = () => NodeView;

interface Held {
  readonly spec: TaskLeaseSpec;
  worker: RemoteWorker | undefined;
}

export class RemoteNodeClient implements NodeClient {
  readonly sharedSpread = 1;
  private owner: LeaseOwner | undefined;
  /** Lease requests sent and leases granted, by lease id. */
  private readonly leases = new Map<string, Held>();
  /** Locations of the functions the owner numbered (a run names its function by location on the wire). */
  private readonly fns: FnLocation[] = [];
  private diedWith: NodeDiedError | undefined;

  constructor(
    readonly nodeId: string,
    private readonly connection: Connection<ToNode, FromNode>,
    private readonly view: RemoteNodeView,
    /** Told of each lease request sent to the node (remote-nodes.ts counts it against the node's view). */
    private readonly requested?: ((spec: TaskLeaseSpec) => void) | undefined,
  ) {
    connection.onMessage = (m) => this.received(m);
    connection.onClose = (event) => {
      const why = event.error?.message ?? `its connection closed (${event.code}${event.reason === "" ? "" : ` ${event.reason}`})`;
      this.died(new NodeDiedError(nodeId, `Node ${nodeId} is gone: ${why}.`, event.error !== undefined ? { cause: event.error } : undefined));
    };
  }

  /** Whether the connection to the node closed (the node is dead for this owner). */
  get dead(): boolean {
    return this.diedWith !== undefined;
  }

  attach(owner: LeaseOwner): void {
    this.owner = owner;
  }

  requestLease(spec: TaskLeaseSpec): void {
    this.leases.set(spec.id, { spec, worker: undefined });
    if (this.diedWith !== undefined) {
      // Told in a later turn, as a live node would answer: the owner is inside `enqueue` now.
      const error = this.diedWith;
      queueMicrotask(() => this.requestFailed(spec.id, error));
      return;
    }
    const { id, name, demand, placement, classKey, isolation } = spec;
    this.connection.send({ t: "lease", spec: { id, name, demand: demand.toJSON(), placement, classKey, isolation } });
    this.requested?.(spec);
  }

  requestLeasesFirst(specs: readonly TaskLeaseSpec[]): void {
    for (const spec of specs) this.requestLease(spec);
  }

  cancelLeaseRequest(id: string): boolean {
    const held = this.leases.get(id);
    if (held === undefined || held.worker !== undefined) return false;
    this.leases.delete(id);
    if (this.diedWith === undefined) this.connection.send({ t: "cancelLease", leaseId: id });
    return true;
  }

  // No pipelining to another process: each lease runs one task, then is returned.
  queuedLike(): number {
    return 0;
  }

  takeNextLike(): TaskLeaseSpec | undefined {
    return undefined;
  }

  handOver(): void {
    throw new Error("a remote node's lease runs one task: there is nothing to hand over");
  }

  lendCpus(): void {
    // A task on another node blocks in `get` on that node's runtime, which lends its CPUs there.
  }

  reclaimCpus(): void {}

  returnLease(leaseId: string): void {
    if (!this.leases.delete(leaseId) || this.diedWith !== undefined) return;
    this.connection.send({ t: "return", leaseId });
  }

  totalCpuUnits(): Units {
    return this.view().total.get(CPU);
  }

  availableCpuUnits(): Units {
    // The owner steals only among pipelined lanes, which remote leases never have.
    return 0n;
  }

  runTask(worker: LeasedWorker, task: RunTask): void {
    if (task.fnLocation !== undefined) this.fns[task.fn] = task.fnLocation;
    const fnLocation = this.fns[task.fn]!;
    const deps = task.deps === undefined ? undefined : { idx: task.deps.idx, bytes: task.deps.bytes };
    const leaseId = this.leaseOf(worker);
    if (leaseId === undefined || this.diedWith !== undefined) return; // lost: `onLeaseLost` was (or is being) told
    this.connection.send({
      t: "run",
      leaseId,
      run: { taskId: task.taskId, fnLocation, name: task.name, args: task.args, deps, numReturns: task.numReturns },
    });
  }

  shareClaimCells(): void {
    throw new Error("claim cells are shared memory: nothing is sent ahead to a worker on another node");
  }

  cancelTask(worker: LeasedWorker, taskId: string, name: string): void {
    const leaseId = this.leaseOf(worker);
    if (leaseId !== undefined && this.diedWith === undefined) this.connection.send({ t: "cancel", leaseId, taskId, name });
  }

  stopWorker(worker: LeasedWorker): void {
    const leaseId = this.leaseOf(worker);
    if (leaseId !== undefined && this.diedWith === undefined) this.connection.send({ t: "stop", leaseId });
  }

  /** Closes the connection (the owner shuts down): the node drops this owner's work. */
  close(reason: string): void {
    this.connection.close(1000, reason);
  }

  // ---------------------------------------------------------------- not across processes yet

  attachActors(_owner: ActorLeaseOwner): void {}

  requestActorLease(spec: ActorLeaseSpec): void {
    throw new InvalidArgumentError(
      `Actor ${spec.name} can only be placed on node ${this.nodeId}, another process: actors do not run on other node processes yet. ` +
        "Give it resources the driver's own node has.",
    );
  }

  cancelActorLease(): boolean {
    return false;
  }

  returnActorLease(): void {}

  startActorWorker(_actorId: string, _gpuIds: readonly number[], _isolation: Isolation): ActorWorker {
    throw new InvalidArgumentError(`actors do not run on node ${this.nodeId} (another process) yet`);
  }

  startSharedActorHost(): ActorWorker {
    throw new InvalidArgumentError(`actors do not run on node ${this.nodeId} (another process) yet`);
  }

  resourceView(): NodeView {
    return this.view();
  }

  prepareBundles(request: PrepareBundlesRequest): Promise<boolean> {
    if (request.bundles.length === 0) return Promise.resolve(true);
    return Promise.reject(new InvalidArgumentError(`placement-group bundles are not reserved on node ${this.nodeId} (another process) yet`));
  }

  commitBundles(_request: CommitBundlesRequest): Promise<void> {
    return Promise.resolve();
  }

  cancelBundles(): Promise<void> {
    return Promise.resolve();
  }

  returnBundles(): Promise<void> {
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- what the node sends

  private received(m: FromNode): void {
    const owner = this.owner!;
    switch (m.t) {
      case "granted": {
        const held = this.leases.get(m.leaseId);
        // Cancelled while the grant was on its way: give it back.
        if (held === undefined || held.worker !== undefined) return this.connection.send({ t: "return", leaseId: m.leaseId });
        const worker = remoteWorker(m.leaseId, `${this.nodeId}/${m.workerId}`, m.gpuIds);
        held.worker = worker;
        const grant: Grant<unknown> = {
          id: m.leaseId,
          request: held.spec,
          nodeId: this.nodeId,
          resources: ResourceSet.of(m.resources, "a grant's resources"),
          gpuIds: m.gpuIds,
          gpuShares: [],
        };
        return owner.onGranted(held.spec, worker, grant, this);
      }
      case "refused":
        return this.requestFailed(m.leaseId, new InvalidArgumentError(m.message));
      case "done": {
        const worker = this.leases.get(m.leaseId)?.worker;
        if (worker !== undefined) owner.onDone(worker, m.taskId, m.results);
        return;
      }
      case "failed": {
        const worker = this.leases.get(m.leaseId)?.worker;
        if (worker !== undefined) owner.onFailed(worker, m.taskId, m.error, m.errorName);
        return;
      }
      case "argsLost": {
        const worker = this.leases.get(m.leaseId)?.worker;
        if (worker !== undefined) owner.onArgumentsLost(worker, m.taskId, new InvalidArgumentError(m.message));
        return;
      }
      case "lost": {
        const held = this.leases.get(m.leaseId);
        if (held?.worker === undefined) return;
        this.leases.delete(m.leaseId);
        held.worker.client.exited = true;
        return owner.onLeaseLost(held.worker, m.exitCode, m.message === undefined ? undefined : new Error(m.message));
      }
      default:
        return unreachableNode(m);
    }
  }

  private requestFailed(leaseId: string, error: Error): void {
    const held = this.leases.get(leaseId);
    if (held === undefined || held.worker !== undefined) return;
    this.leases.delete(leaseId);
    this.owner!.onLeaseRequestFailed(held.spec, error);
  }

  /** The lease of a proxy this client made, while it is held. */
  private leaseOf(worker: LeasedWorker): string | undefined {
    const leaseId = (worker as RemoteWorker).leaseId;
    return this.leases.get(leaseId)?.worker === worker ? leaseId : undefined;
  }

  private died(error: NodeDiedError): void {
    if (this.diedWith !== undefined) return;
    this.diedWith = error;
    const all = [...this.leases.values()];
    this.leases.clear();
    for (const held of all) {
      if (held.worker === undefined) this.owner?.onLeaseRequestFailed(held.spec, error);
      else {
        held.worker.client.exited = true;
        this.owner?.onLeaseLost(held.worker, 1, error);
      }
    }
  }
}

/** The proxy of a pool worker on another node, for one lease (`leaseId`). */
interface RemoteWorker extends LeasedWorker {
  readonly client: LeasedWorker["client"] & { exited: boolean };
  readonly leaseId: string;
}

function remoteWorker(leaseId: string, workerId: string, gpuIds: readonly number[]): RemoteWorker {
  return {
    leaseId,
    client: { exited: false, isThread: false, spoke: true, workerId, gpuIds: gpuIds.length > 0 ? gpuIds : undefined },
    tasks: new Set<string>(),
    active: 0,
    knownFns: new Set<number>(),
  };
}
