/**
 * The owner end of the actor messages of the node protocol (node-messages.ts, issue 11), used by
 * `RemoteNodeClient` for a node in another process: actor leases, the actor's worker there as a
 * proxy of the `ActorWorker` shape (what the owner posts to it becomes `actorPost` / `actorCall`
 * messages; its exit comes back as `actorWorkerExited`), and method calls from this process to
 * actors hosted there — the owner's own, or another owner's (a handle from `ray.getActor`).
 *
 * Nothing waits for a node that is gone (`died`): lease requests there fail (with the node's
 * `NodeDiedError`), every worker proxy exits, every call sent there is lost; anything asked later
 * is answered the same way in a later turn. A streaming call's (generator method's) values come
 * back as `actorGenItem`s and go to this process's generator streams (`items`) with acks that go
 * back as `actorGenAck`s (generator-wire.ts); when the node dies the call is lost like any other.
 */
import { ActorDiedError, InvalidArgumentError } from "../common/errors.js";
import { actorAcksOverWire, type GeneratorAcks, type GeneratorItems } from "./generator-wire.js";
import type { Isolation } from "../common/options.js";
import type { WireError } from "../common/task-spec.js";
import type { Held } from "../object-store/object-location.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import { ResourceSet } from "../scheduler/resource-set.js";
import type { ActorLeaseOwner, ActorLeaseSpec, ActorWorker, NodeClient } from "./node-client.js";
import { unreachableNode, type ActorCallMessage, type ActorCallReply, type ActorFromNode, type ActorToNode } from "./node-messages.js";

/** What an owner of actors (owner/actor-manager.ts) hears from actors on nodes in other processes. */
export interface RemoteActorOwner extends ActorLeaseOwner {
  /** The node refused the actor's lease request (`InvalidArgumentError`), or died before granting it (`NodeDiedError`). */
  onActorLeaseFailed(spec: ActorLeaseSpec, error: Error): void;
  onCallDone(actorId: string, taskId: string, results: readonly Held[]): void;
  onCallFailed(actorId: string, taskId: string, wire: WireError): void;
  /** The call will never be answered: no live actor there, its worker or node died, or it could not be sent. */
  onCallLost(actorId: string, taskId: string, error: Error): void;
  onConstructorFailed(actorId: string, wire: WireError): void;
  exitActor(actorId: string, taskId: string): void;
  onWorkerExit(client: ActorWorker, exitCode: number, error: Error | undefined): void;
  /** `ray.kill` of this owner's actor, asked by another caller. */
  kill(actorId: string, noRestart: boolean): void;
}

/**
 * Hands an actor call's answer to the owner of this process's actor calls (from a node process, or
 * this node's own service); a streaming call's values go to `items`, with `acks` for its worker.
 */
export function answerCall(owner: RemoteActorOwner, m: ActorCallReply, items: GeneratorItems, acks: GeneratorAcks): void {
  switch (m.t) {
    case "actorGenItem":
      return items.onItem(acks, m.taskId, m.index, m.value);
    case "actorCallDone":
      return owner.onCallDone(m.actorId, m.taskId, m.results);
    case "actorCallFailed":
      return owner.onCallFailed(m.actorId, m.taskId, m.error);
    case "actorCallDied":
      return owner.onCallLost(m.actorId, m.taskId, new ActorDiedError(m.actorId, m.message));
    default:
      return unreachableNode(m);
  }
}

export function isRemoteActorOwner(owner: ActorLeaseOwner): owner is RemoteActorOwner {
  return typeof (owner as Partial<RemoteActorOwner>).onCallLost === "function";
}

/** The proxy of an actor's worker (or a shared host) on another node. */
class RemoteActorWorker implements ActorWorker {
  exited = false;
  private readonly exitWaiters: Array<(code: number) => void> = [];

  constructor(
    readonly key: string,
    readonly actorId: string | undefined,
    private readonly actors: RemoteActors,
  ) {}

  /** The owner's key for it (the node's own worker id appears in the lines it logs). */
  get workerId(): string {
    return this.key;
  }

  post(message: ToWorker): void {
    this.actors.post(this, message);
  }

  terminate(): Promise<number> {
    if (this.exited) return Promise.resolve(0);
    this.actors.send({ t: "stopActorWorker", key: this.key });
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  markExited(code: number): void {
    this.exited = true;
    for (const resolve of this.exitWaiters.splice(0)) resolve(code);
  }
}

export class RemoteActors {
  private owner: RemoteActorOwner | undefined;
  /** Lease requests sent and not yet answered. */
  private readonly requested = new Map<string, ActorLeaseSpec>();
  private readonly workers = new Map<string, RemoteActorWorker>();
  /** Calls sent and not yet answered: task id → actor id. */
  private readonly calls = new Map<string, string>();
  private keys = 0;
  private diedWith: Error | undefined;
  /** The acks of streaming calls sent here: only for a call still in flight, while the node lives. */
  private readonly acks = actorAcksOverWire(
    (taskId) => (this.diedWith === undefined ? this.calls.get(taskId) : undefined),
    (m) => this.send(m),
  );

  constructor(
    private readonly node: NodeClient,
    readonly send: (m: ActorToNode) => void,
    /** Where streaming calls' values go (the caller's generator streams). */
    private readonly items: GeneratorItems,
  ) {}

  attach(owner: ActorLeaseOwner): void {
    if (!isRemoteActorOwner(owner)) throw new Error(`node ${this.node.nodeId} is in another process: its actor owner must take remote answers`);
    this.owner = owner;
  }

  requestActorLease(spec: ActorLeaseSpec): void {
    if (this.diedWith !== undefined) {
      const error = this.diedWith;
      // Told in a later turn, as a live node would answer: the owner is inside its submit now.
      queueMicrotask(() => this.owner?.onActorLeaseFailed(spec, error));
      return;
    }
    this.requested.set(spec.id, spec);
    const { id, name, demand, placementDemand, placement } = spec;
    this.send({ t: "actorLease", spec: { id, name, demand: demand.toJSON(), placementDemand: placementDemand.toJSON(), placement, detached: spec.detached === true } });
  }

  cancelActorLease(actorId: string): boolean {
    if (!this.requested.delete(actorId)) return false;
    if (this.diedWith === undefined) this.send({ t: "cancelActorLease", actorId });
    return true;
  }

  returnActorLease(actorId: string): void {
    if (this.diedWith === undefined) this.send({ t: "returnActorLease", actorId });
  }

  startWorker(actorId: string | undefined, gpuIds: readonly number[], isolation: Isolation): ActorWorker {
    const worker = new RemoteActorWorker(`w${++this.keys}`, actorId, this);
    if (this.diedWith !== undefined) {
      const error = this.diedWith;
      queueMicrotask(() => this.workerExited(worker, 1, error));
      return worker;
    }
    this.workers.set(worker.key, worker);
    this.send({ t: "startActorWorker", key: worker.key, actorId, gpuIds, isolation });
    return worker;
  }

  /** A method call to an actor hosted on this node (the owner's own, or another owner's). */
  callActor(call: ActorCallMessage): void {
    if (this.diedWith !== undefined) {
      const error = new ActorDiedError(call.actorId, `Actor ${call.actorId} is unreachable: ${this.diedWith.message}`, { cause: this.diedWith });
      queueMicrotask(() => this.owner?.onCallLost(call.actorId, call.taskId, error));
      return;
    }
    this.calls.set(call.taskId, call.actorId);
    this.send({ t: "actorCall", call });
  }

  /** `ray.kill` of an actor hosted there by another owner (or orphaned). */
  killActor(actorId: string, noRestart: boolean): void {
    if (this.diedWith === undefined) this.send({ t: "killActor", actorId, noRestart });
  }

  /** `ray.cancel` of call `taskId` this process sent here (to an actor another process owns): its answer still comes, and is ignored. */
  cancelCall(actorId: string, taskId: string, name: string): void {
    if (this.diedWith === undefined && this.calls.has(taskId)) this.send({ t: "cancelActorCall", actorId, taskId, name });
  }

  post(worker: RemoteActorWorker, message: ToWorker): void {
    switch (message.t) {
      case "callActor":
        return this.callActor(message);
      case "createActor":
      case "dropActor":
      case "cancel":
        if (this.diedWith === undefined && !worker.exited) this.send({ t: "actorPost", key: worker.key, message });
        return;
      case "genAck":
        return this.acks.post(message);
      case "collectHandles":
        // Its thread's borrows are its node's (counted over the owner link, which asks there).
        return;
      case "run":
      case "claimCells":
      case "reply":
        throw new Error(`a ${message.t} message is not for an actor's worker on another node`);
      default:
        return unreachableNode(message);
    }
  }

  received(m: ActorFromNode): void {
    const owner = this.owner!;
    switch (m.t) {
      case "actorGranted": {
        const spec = this.requested.get(m.actorId);
        // Cancelled while the grant was on its way: give it back.
        if (spec === undefined) return this.send({ t: "returnActorLease", actorId: m.actorId });
        this.requested.delete(m.actorId);
        const grant = { id: m.actorId, request: spec, nodeId: this.node.nodeId, resources: ResourceSet.of(m.resources, "an actor grant's resources"), gpuIds: m.gpuIds, gpuShares: [] };
        return owner.onActorGranted(spec, grant, this.node);
      }
      case "actorRefused": {
        const spec = this.requested.get(m.actorId);
        if (spec === undefined) return;
        this.requested.delete(m.actorId);
        return owner.onActorLeaseFailed(spec, new InvalidArgumentError(m.message));
      }
      case "actorFailed":
        return owner.onConstructorFailed(m.actorId, m.error);
      case "exitActor":
        return owner.exitActor(m.actorId, m.taskId);
      case "actorWorkerExited": {
        const worker = this.workers.get(m.key);
        if (worker === undefined) return;
        this.workers.delete(m.key);
        return this.workerExited(worker, m.exitCode, m.message === undefined ? undefined : new Error(m.message));
      }
      case "killRequested":
        return owner.kill(m.actorId, m.noRestart);
      case "actorGenItem":
        // Its values come before its answer (generator-wire.ts): the call is still in flight.
        if (this.calls.has(m.taskId)) answerCall(owner, m, this.items, this.acks);
        return;
      case "actorCallDone":
      case "actorCallFailed":
      case "actorCallDied":
        if (this.calls.delete(m.taskId)) answerCall(owner, m, this.items, this.acks);
        return;
      default:
        return unreachableNode(m);
    }
  }

  /** The node is gone: every request, worker and call on it ends with `error` (a `NodeDiedError`). */
  died(error: Error): void {
    if (this.diedWith !== undefined) return;
    this.diedWith = error;
    const requested = [...this.requested.values()];
    const workers = [...this.workers.values()];
    const calls = [...this.calls];
    this.requested.clear();
    this.workers.clear();
    this.calls.clear();
    const owner = this.owner;
    if (owner === undefined) return;
    for (const spec of requested) owner.onActorLeaseFailed(spec, error);
    // Workers first: the owner fails (or gives up restarting) its own actors' calls with the node's death.
    for (const worker of workers) this.workerExited(worker, 1, error);
    for (const [taskId, actorId] of calls) {
      owner.onCallLost(actorId, taskId, new ActorDiedError(actorId, `Actor ${actorId} died with its node ${this.node.nodeId}: ${error.message}`, { cause: error }));
    }
  }

  private workerExited(worker: RemoteActorWorker, exitCode: number, error: Error | undefined): void {
    worker.markExited(exitCode);
    this.owner?.onWorkerExit(worker, exitCode, error);
  }
}
