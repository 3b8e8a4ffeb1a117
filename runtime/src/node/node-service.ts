/**
 * A node serving owners in other processes (issue 11): the node end of the node protocol
 * (node-messages.ts). An owner (a driver) opens two connections to the node's endpoint, each
 * starting with an `open`: `leases` carries this protocol, `objects` the object transfer
 * (joined to the node's object store, so a large pull never queues in front of a lease message),
 * `owner` the owner protocol (protocol/owner-messages.ts, served by the node's runtime).
 *
 * Lease requests are queued in the node's own scheduler through its `LocalNodeClient`, as
 * "guests" of it (local-node-client.ts `GuestOwners`): a grant, a lost worker or a lost argument
 * of a guest lease comes back here and is told to the owner that asked; runs are posted to the
 * leased pool worker through the same client, so arguments held elsewhere are pulled first
 * (task-arguments.ts). The worker's `done`/`failed` for a guest task is handed here by the node's
 * runtime (`taskMessage`): large results stay in this node's store, the owner gets their location.
 * So are a guest generator's values (`genItem`), sent on to its owner as they come, and the owner's
 * `genAck`s are posted to the worker (generator-wire.ts).
 *
 * Invariants: a lease is in `leases` from its grant until it is returned, its worker died or its
 * owner's connection closed; a task is in `tasks` from its run until its result was sent. An
 * owner whose connection closes loses nothing here but its own work: its queued requests are
 * dropped, and the workers running its tasks are stopped (nobody would read their results).
 * Functions are numbered with the node's own numbering, so a thread shared by the node's own
 * tasks and guests never confuses two functions. Guest leases use negative lanes on the thread.
 */
import { ResourceSet } from "../scheduler/resource-set.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { FnLocation, WireError } from "../common/task-spec.js";
import type { Connection } from "../protocol/connection.js";
import { naming, type HandleHandOver } from "./handed-handles.js";
import { CloseCode } from "../protocol/connection.js";
import type { ObjectTransferMessage } from "../protocol/object-transfer.js";
import type { Held } from "../object-store/object-location.js";
import type { LocalObjectStore } from "../object-store/local-object-store.js";
import type { ActorWorker, LeasedWorker, NodeClient, TaskLeaseSpec } from "./node-client.js";
import type { GuestOwners, LocalNodeClient } from "./local-node-client.js";
import type { PoolWorker } from "./worker-pool.js";
import { isToNode } from "./node-message-checks.js";
import { isActorToNode, unreachableNode, type FromNode, type ToNode, type WireLeaseSpec, type WireRun } from "./node-messages.js";
import { NodeActorService, type ActorPeer } from "./node-actor-service.js";
import { BundlesByOwner, isBundlesToNode } from "./node-bundles.js";
import { ackForWorker, itemForOwner, type KeepValue } from "./generator-wire.js";

type OwnerConnection = Connection<FromNode, ToNode>;

export interface NodeServiceParts {
  readonly node: LocalNodeClient;
  /** The node's object store: owners' objects are pulled into it, large results kept in it. */
  readonly objects: LocalObjectStore;
  /** The node's number for a function (shared with its own task manager). */
  readonly functionNumber: (fn: FnLocation) => number;
  /** The task's results as the owner gets them: large ones kept in this node's store, by location. */
  readonly keepLarge: (taskId: string, results: readonly Uint8Array[]) => readonly Held[];
  /** A generator's value as the owner gets it: a large one kept in this node's store (generator-wire.ts). */
  readonly keepValue: KeepValue;
  readonly log: (line: string) => void;
  /** Reports a guest actor dead in the cluster state (its owner is gone and cannot). */
  readonly reportActorDead: (actorId: string) => void;
  /** An `owner` channel (issue 11): the owner protocol, served by the node's runtime (owner/owner-links.ts); absent: refused. */
  readonly ownerLink?: ((connection: Connection<unknown, unknown>, job: string | undefined) => void) | undefined;
  /** Actors the results sent to owners carry, held until those owners hold them (handed-handles.ts). */
  readonly handles?: HandleHandOver | undefined;
  /** The worker of an actor the node's own runtime owns and runs here (node-actor-service.ts `call`). */
  readonly ownActor?: ((actorId: string) => ActorWorker | undefined) | undefined;
}

interface GuestLease {
  readonly id: string;
  readonly spec: TaskLeaseSpec;
  readonly owner: OwnerConnection;
  /** A pool worker of this node (the node's `LocalNodeClient` grants only those). */
  worker: PoolWorker | undefined;
  grant: Grant<unknown> | undefined;
  /** The task running under it, if any. */
  taskId: string | undefined;
  readonly lane: number;
  /** Requests its task waits in (`get`/`wait`/a generator's next); > 0: its CPUs are lent to the node. */
  blocked: number;
}

export class NodeService implements GuestOwners {
  /** Lease requests and leases of guests, by lease id (= the id of the task that asked). */
  private readonly leases = new Map<string, GuestLease>();
  /** Running guest tasks → their lease. */
  private readonly tasks = new Map<string, GuestLease>();
  private lanes = 0;
  /** Actors of owners in other processes placed on this node (node-actor-service.ts). */
  readonly actors: NodeActorService;
  private readonly peers = new WeakMap<OwnerConnection, ActorPeer>();
  /** Placement-group bundles reserved here, by owner: released when the owner is gone. */
  private readonly bundles: BundlesByOwner<OwnerConnection>;

  constructor(private readonly parts: NodeServiceParts) {
    parts.node.attachGuests(this);
    this.bundles = new BundlesByOwner(parts.node);
    this.actors = new NodeActorService({ node: parts.node, keepLarge: parts.keepLarge, keepValue: parts.keepValue, reportDead: parts.reportActorDead, handles: parts.handles, ownActor: parts.ownActor });
  }

  private peerOf(owner: OwnerConnection): ActorPeer {
    let peer = this.peers.get(owner);
    if (peer === undefined) this.peers.set(owner, (peer = { send: (m) => send(owner, m) }));
    return peer;
  }

  /** A connection from an owner (after the handshake): its first message says what it carries. */
  accept(connection: Connection<unknown, unknown>, peer: string): void {
    connection.onMessage = (first) => {
      const m = first as ToNode | ObjectTransferMessage;
      if (m.t !== "open") return connection.close(CloseCode.PROTOCOL_ERROR, "the first message must be an open");
      if (m.channel === "objects") {
        // The object transfer takes the connection over (and checks every message itself).
        this.parts.objects.connect(m.from, connection as unknown as Connection<ObjectTransferMessage, ObjectTransferMessage>);
        return;
      }
      if (m.channel === "owner") {
        // The owner protocol takes it over (and checks that only its messages come on it).
        if (this.parts.ownerLink === undefined) return connection.close(CloseCode.PROTOCOL_ERROR, "this node answers no owner requests");
        return this.parts.ownerLink(connection, m.job);
      }
      const owner = connection as unknown as OwnerConnection;
      owner.onMessage = (message) => this.received(owner, message, peer);
      owner.onClose = () => this.ownerGone(owner);
    };
  }

  owns(id: string): boolean {
    return this.leases.has(id) || this.tasks.has(id);
  }

  private received(owner: OwnerConnection, m: ToNode, peer: string): void {
    if (!isToNode(m) || m.t === "open") {
      this.parts.log(`closing the connection of ${peer}: a ${String(m.t)} message on its lease channel`);
      return owner.close(CloseCode.PROTOCOL_ERROR, "an object-transfer or open message on the lease channel");
    }
    if (isActorToNode(m)) return this.actors.received(this.peerOf(owner), m);
    if (isBundlesToNode(m)) return this.bundles.serve(owner, m, (reply) => send(owner, reply));
    switch (m.t) {
      case "lease":
        return this.requestLease(owner, m.spec);
      case "cancelLease": {
        const lease = this.leases.get(m.leaseId);
        if (lease === undefined || lease.owner !== owner) return;
        if (lease.worker === undefined) {
          this.parts.node.cancelLeaseRequest(m.leaseId);
          this.leases.delete(m.leaseId);
        } else this.returnLease(lease);
        return;
      }
      case "run":
        return this.run(owner, m.leaseId, m.run);
      case "cancel": {
        const lease = this.leases.get(m.leaseId);
        if (lease?.worker !== undefined && lease.owner === owner) this.parts.node.cancelTask(lease.worker, m.taskId, m.name);
        return;
      }
      case "stop": {
        const lease = this.leases.get(m.leaseId);
        if (lease?.worker !== undefined && lease.owner === owner) this.parts.node.stopWorker(lease.worker);
        return;
      }
      case "return": {
        const lease = this.leases.get(m.leaseId);
        if (lease?.worker !== undefined && lease.owner === owner) this.returnLease(lease);
        return;
      }
      case "genAck": {
        const lease = this.leases.get(m.leaseId);
        if (lease?.worker !== undefined && lease.owner === owner && lease.taskId === m.taskId) lease.worker.client.post(ackForWorker(m));
        return;
      }
      case "actorsHeld":
        return this.parts.handles?.handedOver(m.objectIds);
      case "freeObjects":
        for (const id of m.objectIds) this.parts.objects.free(id);
        return;
      default:
        return unreachableNode(m);
    }
  }

  private requestLease(owner: OwnerConnection, wire: WireLeaseSpec): void {
    if (this.leases.has(wire.id)) return send(owner, { t: "refused", leaseId: wire.id, message: `A lease ${wire.id} is already asked for on this node.` });
    // The owner placed it here: it waits for this node (hard affinity), never spilled on by this
    // node's scheduler, which sees the other nodes too (for the node's own tasks).
    const placement = wire.placement.kind === "placement-group" ? wire.placement : { kind: "node-affinity" as const, nodeId: this.parts.node.nodeId, soft: false };
    const spec: TaskLeaseSpec = { ...wire, placement, demand: ResourceSet.of(wire.demand, `the demand of ${wire.name}`) };
    const lease: GuestLease = { id: spec.id, spec, owner, worker: undefined, grant: undefined, taskId: undefined, lane: -++this.lanes, blocked: 0 };
    this.leases.set(spec.id, lease);
    try {
      this.parts.node.requestLease(spec);
    } catch (e) {
      // A placement group this node does not know (groups are reserved on the owner's node for now).
      this.leases.delete(spec.id);
      this.parts.log(`refused lease ${spec.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(owner, { t: "refused", leaseId: spec.id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  // ------------------------------------------------------------ LeaseOwner (what the node client tells guests)

  onGranted(spec: TaskLeaseSpec, worker: LeasedWorker, grant: Grant<unknown>, _node: NodeClient): void {
    const lease = this.leases.get(spec.id)!;
    lease.worker = worker as PoolWorker;
    lease.grant = grant;
    worker.active++;
    send(lease.owner, { t: "granted", leaseId: lease.id, resources: grant.resources.toJSON(), gpuIds: grant.gpuIds, workerId: worker.client.workerId });
  }

  onSpillback(spec: TaskLeaseSpec): void {
    // A guest's request is queued on this node's own scheduler, which has no view of other nodes.
    const lease = this.leases.get(spec.id);
    if (lease === undefined) return;
    this.leases.delete(spec.id);
    send(lease.owner, { t: "refused", leaseId: spec.id, message: `Node ${this.parts.node.nodeId} does not place work on other nodes for another process.` });
  }

  onLeaseLost(worker: LeasedWorker, exitCode: number, error: Error | undefined): void {
    for (const lease of [...this.leases.values()]) {
      if (lease.worker !== worker) continue;
      this.forget(lease);
      this.parts.node.returnLease(lease.id, lease.worker!);
      send(lease.owner, { t: "lost", leaseId: lease.id, exitCode, message: error?.message });
    }
  }

  /** A group was removed here: guests' requests into it are refused, workers running their tasks in it stopped (their owners see them lost). */
  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void {
    for (const { id } of pending) {
      const lease = this.leases.get(id);
      if (lease === undefined || lease.worker !== undefined) continue;
      this.leases.delete(id);
      send(lease.owner, { t: "refused", leaseId: id, message: `Its placement group was removed (ray.removePlacementGroup).` });
    }
    for (const { id } of running) {
      const worker = this.leases.get(id)?.worker;
      if (worker !== undefined) this.parts.node.stopWorker(worker);
    }
  }

  onArgumentsLost(_worker: LeasedWorker, taskId: string, error: Error): void {
    const lease = this.tasks.get(taskId);
    if (lease === undefined) return;
    this.tasks.delete(taskId);
    lease.taskId = undefined;
    send(lease.owner, { t: "argsLost", leaseId: lease.id, taskId, message: error.message });
  }

  onDone(_worker: LeasedWorker, taskId: string, results: readonly Held[]): void {
    const lease = this.tasks.get(taskId);
    if (lease === undefined) return;
    this.tasks.delete(taskId);
    lease.taskId = undefined;
    send(lease.owner, naming({ t: "done", leaseId: lease.id, taskId, results }, this.parts.handles));
  }

  onFailed(_worker: LeasedWorker, taskId: string, error: WireError, errorName: string): void {
    const lease = this.tasks.get(taskId);
    if (lease === undefined) return;
    this.tasks.delete(taskId);
    lease.taskId = undefined;
    send(lease.owner, { t: "failed", leaseId: lease.id, taskId, error, errorName });
  }

  onLeaseRequestFailed(): void {
    // The node's own client never fails a request it queued.
  }

  /**
   * The node's runtime hands every `done`/`failed`/`genItem` of a pool worker here first: true
   * when it was a guest's task (answered to its owner), false when it is the node's own.
   */
  taskMessage(
    worker: LeasedWorker,
    m:
      | { t: "done"; taskId: string; results: readonly Uint8Array[] }
      | { t: "failed"; taskId: string; error: WireError; errorName: string }
      | { t: "genItem"; taskId: string; index: number; bytes: Uint8Array },
  ): boolean {
    const lease = this.tasks.get(m.taskId);
    if (lease === undefined) return false;
    if (m.t === "genItem") send(lease.owner, naming(itemForOwner(lease.id, m.taskId, m.index, m.bytes, this.parts.keepValue), this.parts.handles));
    else if (m.t === "done") this.onDone(worker, m.taskId, this.parts.keepLarge(m.taskId, m.results));
    else this.onFailed(worker, m.taskId, m.error, m.errorName);
    return true;
  }

  /**
   * A guest's task waits in a `get`, `wait` or a generator's `next` on this node's runtime: its
   * lease lends its CPUs to the node until the reply, as the node's own tasks do (a task that
   * submits work here and waits for it would otherwise hold the CPU that work needs). No-op for
   * the node's own tasks.
   */
  onBlocked(taskId: string): void {
    const lease = this.tasks.get(taskId);
    if (lease === undefined || lease.blocked++ > 0) return;
    this.parts.node.lendCpus(lease.id);
  }

  onUnblocked(taskId: string): void {
    const lease = this.tasks.get(taskId);
    if (lease === undefined || lease.blocked === 0 || --lease.blocked > 0) return;
    this.parts.node.reclaimCpus(lease.id);
  }

  /**
   * The node's runtime hands every log line of a pool worker here first: true when a guest's task
   * printed it (sent to that owner, whose terminal shows it), false when it is the node's own.
   */
  forwardLog(worker: LeasedWorker, m: { stream: "out" | "err"; label: string; text: string; taskId?: string | undefined }): boolean {
    const lease = m.taskId === undefined ? undefined : this.tasks.get(m.taskId);
    if (lease === undefined || lease.worker !== worker) return false;
    send(lease.owner, { t: "log", stream: m.stream, label: m.label, text: m.text, pid: process.pid, workerId: worker.client.workerId });
    return true;
  }

  // ------------------------------------------------------------ runs

  private run(owner: OwnerConnection, leaseId: string, run: WireRun): void {
    const lease = this.leases.get(leaseId);
    if (lease?.worker === undefined || lease.owner !== owner || lease.taskId !== undefined) {
      // Its worker died meanwhile (`lost` is on its way to the owner), or a confused owner.
      return;
    }
    const worker = lease.worker;
    lease.taskId = run.taskId;
    this.tasks.set(run.taskId, lease);
    const fn = this.parts.functionNumber(run.fnLocation);
    const fnLocation = worker.knownFns.has(fn) ? undefined : run.fnLocation;
    if (fnLocation !== undefined) worker.knownFns.add(fn);
    const { gpuIds, resources: held } = lease.grant!;
    const resources = held.toJSON();
    const plainCpu = Object.keys(resources).length === 1 && resources["CPU"] === 1;
    this.parts.node.runTask(
      worker,
      {
        t: "run",
        lane: lease.lane,
        taskId: run.taskId,
        fn,
        fnLocation,
        name: run.name,
        args: run.args,
        deps: run.deps,
        numReturns: run.numReturns,
        streaming: run.streaming,
        gpuIds: gpuIds.length > 0 ? gpuIds : undefined,
        resources: plainCpu ? undefined : resources,
        claim: undefined,
      },
      undefined,
    );
  }

  private returnLease(lease: GuestLease): void {
    this.forget(lease);
    this.parts.node.returnLease(lease.id, lease.worker!);
  }

  private forget(lease: GuestLease): void {
    this.leases.delete(lease.id);
    if (lease.taskId !== undefined) this.tasks.delete(lease.taskId);
    if (lease.worker !== undefined) lease.worker.active--;
  }

  /** The owner's connection closed: its requests are dropped, its leases returned, workers running its tasks stopped, its bundles released. */
  private ownerGone(owner: OwnerConnection): void {
    this.actors.ownerGone(this.peerOf(owner));
    this.bundles.ownerGone(owner);
    for (const lease of [...this.leases.values()]) {
      if (lease.owner !== owner) continue;
      if (lease.worker === undefined) {
        this.leases.delete(lease.id);
        this.parts.node.cancelLeaseRequest(lease.id);
        continue;
      }
      const running = lease.taskId !== undefined;
      const worker = lease.worker;
      this.returnLease(lease);
      if (running) this.parts.node.stopWorker(worker);
    }
  }
}

/** Sends to an owner whose connection is open; one that is closing or closed is losing its leases anyway (`ownerGone`). */
function send(owner: OwnerConnection, m: FromNode): void {
  if (owner.state === "open") owner.send(m);
}
