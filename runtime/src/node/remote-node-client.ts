/**
 * A `NodeClient` for a node in another process (issue 11): the owner end of the node protocol
 * (node-messages.ts) over one connection. Task leases only: the node queues the request in its
 * own scheduler and grants it with one of its pool workers; the worker handed to the owner in
 * `onGranted` is a proxy (`LeasedWorker` with `isThread` false, so nothing is sent ahead to it:
 * one task at a time per lease, no pipelining across processes yet). A lease whose task ended is
 * reused for the next request of its class queued on the node (`takeQueuedLike`): the owner cancels
 * that request there and runs its task under the lease, which keeps its first id on the wire.
 *
 * Nothing waits for a node that is gone: when the connection closes (the node died, was stopped,
 * or cut off), every lease on it is lost (`onLeaseLost` with a `NodeDiedError`: running tasks are
 * retried under `maxRetries`, else fail with it) and every lease request on it fails
 * (`onLeaseRequestFailed` with a `NodeDiedError`: asked again elsewhere); later requests fail at once.
 * Actors are placed there too (remote-actor-client.ts), and placement-group bundles reserved
 * there in two phases (`bundleCall`; pending calls reject when the node dies).
 * A streaming generator's values come back as `genItem`s and go to the owner's generator streams
 * (`items`), with acks that travel back as `genAck`s (generator-wire.ts).
 */
import { takeOver, type HandleTakeOver } from "./handed-handles.js";
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
import { isActorFromNode, unreachableNode, type ActorFromNode, type BundlesToNode, type FromNode, type ToNode } from "./node-messages.js";
import { RemoteActors } from "./remote-actor-client.js";
import { acksOverWire, type GeneratorAcks, type GeneratorItems } from "./generator-wire.js";
import { printLogLine } from "./log-printer.js";

/** What the owner's view of the node needs from the cluster state (the node table and resource view). */
export type RemoteNodeView = () => NodeView;

interface Held {
  readonly spec: TaskLeaseSpec;
  worker: RemoteWorker | undefined;
  /** The acks of the generator running under it, made with its first value. */
  acks?: GeneratorAcks;
  /** The request was sent to the node (else it waits here, `ClassRequests.waiting`). */
  sent: boolean;
}

/**
 * Lease requests of one scheduling class are sent to the node at most `MAX_REQUESTS_IN_FLIGHT` at a
 * time (Ray's `max_pending_lease_requests_per_scheduling_category`); the rest wait here, in order,
 * and are sent as sent ones end (granted, refused, cancelled). A lease reused for the next task
 * (`takeQueuedLike`) takes a waiting one first, which then never crosses the wire.
 */
interface ClassRequests {
  inFlight: number;
  /** Ids of requests not sent, oldest first from `head` (an id no longer in `leases` was cancelled). */
  waiting: string[];
  head: number;
}

const MAX_REQUESTS_IN_FLIGHT = 16;

export class RemoteNodeClient implements NodeClient {
  readonly sharedSpread = 1;
  private owner: LeaseOwner | undefined;
  /** Lease requests sent and leases granted, by lease id. */
  private readonly leases = new Map<string, Held>();
  /**
   * Owner-side lease ids handed over to another task (`handOver`) → the id the node knows the
   * lease by (its first task's). Leases never handed over are their own id on both sides.
   */
  private readonly wireIds = new Map<string, string>();
  private readonly classes = new Map<string, ClassRequests>();
  /** Locations of the functions the owner numbered (a run names its function by location on the wire). */
  private readonly fns: FnLocation[] = [];
  private diedWith: NodeDiedError | undefined;
  /** Actor leases, actor workers and actor calls on this node (remote-actor-client.ts). */
  readonly actors: RemoteActors;
  /** Bundle messages sent and not yet answered, by request id. */
  private readonly bundleReplies = new Map<number, { resolve: (ok: boolean) => void; reject: (error: Error) => void }>();
  private bundleRequests = 0;
  /** Detached actors placed here outlive their owner's connection (node/node-actor-service.ts). */
  readonly keepsDetachedActors = true;

  constructor(
    readonly nodeId: string,
    private readonly connection: Connection<ToNode, FromNode>,
    private readonly view: RemoteNodeView,
    /** Where streaming generators' values go (the owner's generator streams). */
    private readonly items: GeneratorItems,
    /** Told of each lease request sent to the node (remote-nodes.ts counts it against the node's view). */
    private readonly requested?: ((spec: TaskLeaseSpec) => void) | undefined,
    /** Holds the actors that results from the node carry (handed-handles.ts). */
    handles?: HandleTakeOver,
  ) {
    // A closing connection is the node's death for this owner (`died` follows): nothing more is sent.
    const sendOpen = (m: ToNode) => (connection.state === "closing" || connection.state === "closed" ? undefined : connection.send(m));
    this.actors = new RemoteActors(this, sendOpen, items);
    connection.onMessage = (m) => {
      takeOver(m, handles, sendOpen);
      return isActorFromNode(m) ? this.actors.received(m) : this.received(m);
    };
    connection.onClose = (event) => {
      const why = event.error?.message ?? `its connection closed (${event.code}${event.reason === "" ? "" : ` ${event.reason}`})`;
      this.died(new NodeDiedError(nodeId, `Node ${nodeId} is gone: ${why}.`, event.error !== undefined ? { cause: event.error } : undefined));
    };
  }

  /** Whether the connection to the node closed (the node is dead for this owner). */
  get dead(): boolean {
    return this.diedWith !== undefined;
  }

  /** The owner dropped these objects: the node frees what it holds of them. */
  freeObjects(ids: readonly string[]): void {
    if (this.diedWith === undefined) this.connection.send({ t: "freeObjects", objectIds: ids });
  }

  attach(owner: LeaseOwner): void {
    this.owner = owner;
  }

  requestLease(spec: TaskLeaseSpec): void {
    const held: Held = { spec, worker: undefined, sent: false };
    this.leases.set(spec.id, held);
    if (this.diedWith !== undefined) {
      // Told in a later turn, as a live node would answer: the owner is inside `enqueue` now.
      const error = this.diedWith;
      queueMicrotask(() => this.requestFailed(spec.id, error));
      return;
    }
    const requests = this.requestsOf(spec.classKey);
    if (requests.inFlight < MAX_REQUESTS_IN_FLIGHT) this.sendRequest(held, requests);
    else requests.waiting.push(spec.id);
  }

  private requestsOf(classKey: string): ClassRequests {
    let requests = this.classes.get(classKey);
    if (requests === undefined) this.classes.set(classKey, (requests = { inFlight: 0, waiting: [], head: 0 }));
    return requests;
  }

  private sendRequest(held: Held, requests: ClassRequests): void {
    held.sent = true;
    requests.inFlight++;
    const { id, name, demand, placement, classKey, isolation } = held.spec;
    this.connection.send({ t: "lease", spec: { id, name, demand: demand.toJSON(), placement, classKey, isolation } });
    this.requested?.(held.spec);
  }

  /** The oldest request of the class still waiting here (taken off the waiting list), if any. */
  private nextWaiting(requests: ClassRequests): Held | undefined {
    while (requests.head < requests.waiting.length) {
      const held = this.leases.get(requests.waiting[requests.head++]!);
      if (requests.head > 1024 && requests.head * 2 > requests.waiting.length) {
        requests.waiting = requests.waiting.slice(requests.head);
        requests.head = 0;
      }
      if (held !== undefined && !held.sent && held.worker === undefined) return held;
    }
    return undefined;
  }

  /** A sent request ended (granted, refused, cancelled, taken over): the next waiting one of its class goes. */
  private requestEnded(held: Held): void {
    if (!held.sent || this.diedWith !== undefined) return;
    const requests = this.requestsOf(held.spec.classKey);
    requests.inFlight--;
    const next = this.nextWaiting(requests);
    if (next !== undefined) this.sendRequest(next, requests);
  }

  requestLeasesFirst(specs: readonly TaskLeaseSpec[]): void {
    for (const spec of specs) this.requestLease(spec);
  }

  cancelLeaseRequest(id: string): boolean {
    const held = this.leases.get(id);
    if (held === undefined || held.worker !== undefined) return false;
    this.leases.delete(id);
    if (held.sent && this.diedWith === undefined) this.connection.send({ t: "cancelLease", leaseId: id });
    this.requestEnded(held);
    return true;
  }

  // No pipelining to another process: each lease runs one task, then is returned.
  queuedLike(): number {
    return 0;
  }

  takeNextLike(): TaskLeaseSpec | undefined {
    return undefined;
  }

  takeQueuedLike(leaseId: string): TaskLeaseSpec | undefined {
    const wire = this.wireOf(leaseId);
    const held = this.leases.get(wire);
    if (held?.worker === undefined || this.diedWith !== undefined) return undefined;
    const requests = this.requestsOf(held.spec.classKey);
    const waiting = this.nextWaiting(requests);
    if (waiting !== undefined) {
      this.leases.delete(waiting.spec.id);
      return waiting.spec;
    }
    if (requests.inFlight === 0) return undefined;
    for (const [id, queued] of this.leases) {
      if (queued.worker !== undefined || !queued.sent || queued.spec.classKey !== held.spec.classKey) continue;
      // Its request leaves the node's queue (a grant already on its way is given back on arrival).
      this.cancelLeaseRequest(id);
      return queued.spec;
    }
    return undefined;
  }

  handOver(leaseId: string, next: TaskLeaseSpec): void {
    const wire = this.wireOf(leaseId);
    const held = this.leases.get(wire);
    if (held === undefined) return;
    this.wireIds.delete(leaseId);
    this.wireIds.set(next.id, wire);
    this.leases.set(wire, { spec: next, worker: held.worker, sent: true });
  }

  lendCpus(): void {
    // A task on another node blocks in `get` on that node's runtime, which lends its CPUs there.
  }

  reclaimCpus(): void {}

  returnLease(leaseId: string): void {
    const wire = this.wireOf(leaseId);
    this.wireIds.delete(leaseId);
    if (!this.leases.delete(wire) || this.diedWith !== undefined) return;
    this.connection.send({ t: "return", leaseId: wire });
  }

  /** The id the node knows lease `leaseId` by. */
  private wireOf(leaseId: string): string {
    return this.wireIds.get(leaseId) ?? leaseId;
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
      run: {
        taskId: task.taskId,
        fnLocation,
        name: task.name,
        args: task.args,
        deps,
        numReturns: task.numReturns,
        ...(task.streaming !== undefined ? { streaming: task.streaming } : {}),
      },
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

  // ---------------------------------------------------------------- actors (remote-actor-client.ts)

  attachActors(owner: ActorLeaseOwner): void {
    this.actors.attach(owner);
  }

  requestActorLease(spec: ActorLeaseSpec): void {
    this.actors.requestActorLease(spec);
  }

  cancelActorLease(actorId: string): boolean {
    return this.actors.cancelActorLease(actorId);
  }

  returnActorLease(actorId: string): void {
    this.actors.returnActorLease(actorId);
  }

  startActorWorker(actorId: string, gpuIds: readonly number[], isolation: Isolation): ActorWorker {
    return this.actors.startWorker(actorId, gpuIds, isolation);
  }

  startSharedActorHost(): ActorWorker {
    return this.actors.startWorker(undefined, [], "thread");
  }

  // ---------------------------------------------------------------- not across processes yet

  resourceView(): NodeView {
    return this.view();
  }

  // ---------------------------------------------------------------- placement groups (two phases over the connection)

  prepareBundles(request: PrepareBundlesRequest): Promise<boolean> {
    const { placementGroupId, bundleCount } = request;
    const bundles = request.bundles.map((b) => ({ bundleIndex: b.bundleIndex, resources: b.resources.toJSON() }));
    return this.bundleCall((reqId) => ({ t: "prepareBundles", reqId, placementGroupId, bundleCount, bundles }));
  }

  async commitBundles(request: CommitBundlesRequest): Promise<void> {
    const { placementGroupId, bundleNodes } = request;
    await this.bundleCall((reqId) => ({ t: "commitBundles", reqId, placementGroupId, bundleNodes, bundles: request.bundles.map((b) => b.toJSON()) }));
  }

  async cancelBundles(placementGroupId: string): Promise<void> {
    await this.bundleCall((reqId) => ({ t: "cancelBundles", reqId, placementGroupId }));
  }

  async returnBundles(placementGroupId: string): Promise<void> {
    // A dead node holds nothing any more: removing a group there is done.
    if (this.diedWith !== undefined) return;
    await this.bundleCall((reqId) => ({ t: "returnBundles", reqId, placementGroupId }));
  }

  /** Sends one bundle message; its `bundlesDone` resolves it, the node's death rejects it. */
  private bundleCall(message: (reqId: number) => BundlesToNode): Promise<boolean> {
    if (this.diedWith !== undefined) return Promise.reject(this.diedWith);
    const reqId = ++this.bundleRequests;
    return new Promise<boolean>((resolve, reject) => {
      this.bundleReplies.set(reqId, { resolve, reject });
      this.connection.send(message(reqId));
    });
  }

  // ---------------------------------------------------------------- what the node sends

  private received(m: Exclude<FromNode, ActorFromNode>): void {
    const owner = this.owner!;
    switch (m.t) {
      case "granted": {
        const held = this.leases.get(m.leaseId);
        // Cancelled while the grant was on its way: give it back.
        if (held === undefined || held.worker !== undefined) return this.connection.send({ t: "return", leaseId: m.leaseId });
        this.requestEnded(held);
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
      case "bundlesDone": {
        const pending = this.bundleReplies.get(m.reqId);
        this.bundleReplies.delete(m.reqId);
        return pending?.resolve(m.ok);
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
      case "genItem": {
        const held = this.leases.get(m.leaseId);
        if (held?.worker === undefined) return;
        // Acks go to the lease while it is held (a generator that ended needs none).
        held.acks ??= acksOverWire(m.leaseId, (ack) => {
          if (this.leases.get(m.leaseId) === held && this.diedWith === undefined) this.connection.send(ack);
        });
        return this.items.onItem(held.acks, m.taskId, m.index, m.value);
      }
      case "lost": {
        const held = this.leases.get(m.leaseId);
        if (held?.worker === undefined) return;
        this.leases.delete(m.leaseId);
        this.wireIds.delete(held.spec.id);
        held.worker.client.exited = true;
        return owner.onLeaseLost(held.worker, m.exitCode, m.message === undefined ? undefined : new Error(m.message));
      }
      case "log":
        return printLogLine(m, m.workerId, this.nodeId, m.pid);
      default:
        return unreachableNode(m);
    }
  }

  private requestFailed(leaseId: string, error: Error): void {
    const held = this.leases.get(leaseId);
    if (held === undefined || held.worker !== undefined) return;
    this.leases.delete(leaseId);
    this.requestEnded(held);
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
    this.actors.died(error);
    for (const pending of this.bundleReplies.values()) pending.reject(error);
    this.bundleReplies.clear();
    const all = [...this.leases.values()];
    this.leases.clear();
    this.wireIds.clear();
    this.classes.clear();
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
