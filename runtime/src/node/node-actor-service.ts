/**
 * The actor part of a node process's service (issue 11): the node end of the actor messages of the
 * node protocol (node-messages.ts, `ActorToNode`). Owners in other processes place actors here
 * (their lease requests queue in this node's scheduler through its `LocalNodeClient`, as guests:
 * `attachGuestActors`), start their workers here, and every caller holding a handle sends method
 * calls here; the workers' answers go back to the caller of each call, the constructor's failure,
 * `exitActor` and the worker's exit to the actor's owner. Everything else a guest actor's worker
 * sends (gets, nested tasks, puts, logs) is served by this node's runtime, as for its own actors.
 *
 * Invariants: an actor is in `actors` from its lease request until its lease is returned (by its
 * owner, or here when its owner is gone and it is not detached, or when an orphan's worker exits);
 * a worker is in `workers` from its start until it exited; a call is in `calls` from its arrival
 * until its answer was sent (or its caller is gone). A call's answer goes to exactly one caller.
 * An owner whose connection closes takes its non-detached actors with it (Ray: owner death ends
 * its actors); its detached actors stay, orphaned, callable by anyone until killed or crashed
 * (no restarts without an owner), and this node reports their death to the cluster state.
 */
import { naming, type HandleHandOver } from "./handed-handles.js";
import { ResourceSet } from "../scheduler/resource-set.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { FromWorker } from "../protocol/thread-messages.js";
import type { Held } from "../object-store/object-location.js";
import type { ActorLeaseOwner, ActorLeaseSpec, ActorWorker, NodeClient } from "./node-client.js";
import type { LocalNodeClient } from "./local-node-client.js";
import { actorItemForCaller, type KeepValue } from "./generator-wire.js";
import { unreachableNode, type ActorCallMessage, type ActorCallReply, type ActorFromNode, type ActorToNode, type NodeLogLine } from "./node-messages.js";

/** Who a call's answer goes to: an owner's connection, or a caller in this node's own process. */
export interface ActorCaller {
  send(m: ActorCallReply): void;
}

/** An owner's connection (it gets lifecycle messages, and its actors' log lines, too). */
export interface ActorPeer {
  send(m: ActorFromNode | NodeLogLine): void;
}

export interface NodeActorServiceParts {
  readonly node: LocalNodeClient;
  /** A call's results as callers get them: large ones kept in this node's store, by location. */
  readonly keepLarge: (taskId: string, results: readonly Uint8Array[]) => readonly Held[];
  /** A generator method's value as its caller gets it: a large one kept in this node's store (generator-wire.ts). */
  readonly keepValue: KeepValue;
  /** Reports an actor dead in the cluster state (its owner is gone and cannot). */
  readonly reportDead: (actorId: string) => void;
  /** The worker of an actor this node's own runtime owns and runs here, while it runs; absent: none. */
  readonly ownActor?: ((actorId: string) => ActorWorker | undefined) | undefined;
  /** Actors the results sent to callers carry, held until those callers hold them (handed-handles.ts). */
  readonly handles?: HandleHandOver | undefined;
}

interface GuestActor {
  readonly id: string;
  /** Undefined once its owner is gone (a detached actor kept alive). */
  owner: ActorPeer | undefined;
  readonly detached: boolean;
  granted: boolean;
  /** The worker it lives on (set when its constructor is posted there). */
  worker: GuestWorker | undefined;
  /**
   * Calls that came before its constructor was posted (another caller's connection may overtake
   * the owner's): posted right after it, in arrival order; answered `actorCallDied` if the actor
   * leaves first. Undefined once the constructor was posted.
   */
  early: Array<EarlyCall> | undefined;
}

interface EarlyCall {
  readonly caller: ActorCaller;
  readonly call: ActorCallMessage;
  /** Its caller cancelled it: its cancel is posted right behind it (in the same batch: the worker never starts it). */
  cancelled?: true;
}

interface GuestWorker {
  readonly key: string;
  readonly owner: ActorPeer;
  readonly client: ActorWorker;
  readonly dedicated: boolean;
  readonly actors: Set<string>;
}

interface PendingCall {
  readonly caller: ActorCaller;
  readonly actorId: string;
  /** The worker of one of this node's own actors it was posted to (a guest actor's is found by id). */
  readonly own?: ActorWorker | undefined;
}

export class NodeActorService implements ActorLeaseOwner {
  private readonly actors = new Map<string, GuestActor>();
  /** By owner, then by the key the owner gave it. */
  private readonly keys = new Map<ActorPeer, Map<string, GuestWorker>>();
  private readonly workers = new Map<ActorWorker, GuestWorker>();
  private readonly calls = new Map<string, PendingCall>();

  constructor(private readonly parts: NodeActorServiceParts) {
    parts.node.attachGuestActors(this);
  }

  owns(actorId: string): boolean {
    return this.actors.has(actorId);
  }


  received(peer: ActorPeer, m: ActorToNode): void {
    switch (m.t) {
      case "actorLease":
        return this.requestLease(peer, m.spec.detached, {
          ...m.spec,
          // The owner placed it here: it waits for this node (hard affinity), never spilled on by this node's scheduler.
          placement: m.spec.placement.kind === "placement-group" ? m.spec.placement : { kind: "node-affinity", nodeId: this.parts.node.nodeId, soft: false },
          demand: ResourceSet.of(m.spec.demand, `the demand of actor ${m.spec.name}`),
          placementDemand: ResourceSet.of(m.spec.placementDemand, `the placement demand of actor ${m.spec.name}`),
        });
      case "cancelActorLease": {
        const actor = this.ownActor(peer, m.actorId);
        if (actor !== undefined && !actor.granted) {
          this.parts.node.cancelActorLease(m.actorId);
          this.forget(actor);
        }
        return;
      }
      case "returnActorLease": {
        const actor = this.ownActor(peer, m.actorId);
        if (actor !== undefined) this.release(actor);
        return;
      }
      case "startActorWorker":
        return this.startWorker(peer, m.key, m.actorId, m.gpuIds, m.isolation);
      case "actorPost": {
        const worker = this.keys.get(peer)?.get(m.key);
        if (worker === undefined || worker.client.exited) return;
        const message = m.message;
        if (message.t === "createActor") {
          const actor = this.ownActor(peer, message.actorId);
          if (actor === undefined || !actor.granted) return;
          actor.worker = worker;
          worker.actors.add(actor.id);
          worker.client.post(message);
          const early = actor.early ?? [];
          actor.early = undefined;
          for (const { caller, call, cancelled } of early) {
            this.call(caller, call);
            if (cancelled === true) this.cancelCall(caller, call.actorId, call.taskId, call.name);
          }
          return;
        } else if (message.t === "dropActor") {
          worker.actors.delete(message.actorId);
          const actor = this.actors.get(message.actorId);
          if (actor?.worker === worker) actor.worker = undefined;
        }
        return worker.client.post(message);
      }
      case "stopActorWorker": {
        const worker = this.keys.get(peer)?.get(m.key);
        if (worker !== undefined && !worker.client.exited) void worker.client.terminate();
        return;
      }
      case "actorCall":
        return this.call(peer, m.call);
      case "killActor":
        return this.kill(m.actorId, m.noRestart);
      case "cancelActorCall":
        return this.cancelCall(peer, m.actorId, m.taskId, m.name);
      case "actorGenAck":
        return this.ack(peer, m.taskId, m.consumed);
      default:
        return unreachableNode(m);
    }
  }

  /**
   * A method call from `caller`: posted to the actor's worker, or answered `actorCallDied` when no
   * live actor is here. An actor this node's own runtime owns and runs here (created by a task on
   * this node) takes calls from other processes the same way: straight to its worker, its answers
   * back to the caller (the owner does not see them, as for any caller that does not own an actor).
   */
  call(caller: ActorCaller, call: ActorCallMessage): void {
    const actor = this.actors.get(call.actorId);
    const worker = actor?.worker;
    if (actor?.early !== undefined) {
      actor.early.push({ caller, call });
      return;
    }
    const own = actor === undefined ? this.parts.ownActor?.(call.actorId) : undefined;
    if (own !== undefined && !own.exited) {
      this.calls.set(call.taskId, { caller, actorId: call.actorId, own });
      return own.post(call);
    }
    if (worker === undefined || worker.client.exited) {
      return caller.send({ t: "actorCallDied", actorId: call.actorId, taskId: call.taskId, message: `Actor ${call.actorId} is not alive on node ${this.parts.node.nodeId}.` });
    }
    this.calls.set(call.taskId, { caller, actorId: call.actorId });
    worker.client.post(call);
  }

  /**
   * `ray.cancel` by `caller` of its call `taskId`: its worker hears `cancel` (a call not started is
   * dropped and answered cancelled, a running one has its signal aborted). Only the call's own caller
   * may cancel it; one answered already is left alone.
   */
  cancelCall(caller: ActorCaller, actorId: string, taskId: string, name: string): void {
    const actor = this.actors.get(actorId);
    const early = actor?.early?.find((e) => e.call.taskId === taskId && e.caller === caller);
    if (early !== undefined) {
      early.cancelled = true;
      return;
    }
    const pending = this.calls.get(taskId);
    if (pending?.caller !== caller || pending.actorId !== actorId) return;
    const client = pending.own ?? actor?.worker?.client;
    if (client !== undefined && !client.exited) client.post({ t: "cancel", taskId, name });
  }

  /** The caller of streaming call `taskId` took `consumed` of its values: its worker hears it (a paused generator goes on). */
  ack(caller: ActorCaller, taskId: string, consumed: number): void {
    const pending = this.calls.get(taskId);
    if (pending?.caller !== caller) return; // answered already, or not this caller's
    const client = pending.own ?? this.actors.get(pending.actorId)?.worker?.client;
    if (client !== undefined && !client.exited) client.post({ t: "genAck", taskId, consumed });
  }

  /**
   * A message from an actor worker of this node: true when it was a guest's (answered here);
   * false when this node's runtime serves it (its own actors' messages, and every guest's gets,
   * submissions, puts and logs).
   */
  workerMessage(client: ActorWorker, m: FromWorker): boolean {
    const worker = this.workers.get(client);
    // A call from another process to one of this node's own actors is answered here too.
    if (worker === undefined && !((m.t === "done" || m.t === "failed" || m.t === "genItem") && this.calls.get(m.taskId)?.own === client)) return false;
    switch (m.t) {
      case "done":
      case "failed": {
        const pending = this.calls.get(m.taskId);
        if (pending === undefined) return false; // not a call (e.g. a nested task's): the runtime's
        this.calls.delete(m.taskId);
        const { actorId } = pending;
        if (m.t === "done") pending.caller.send(naming({ t: "actorCallDone", actorId, taskId: m.taskId, results: this.parts.keepLarge(m.taskId, m.results) }, this.parts.handles));
        else pending.caller.send({ t: "actorCallFailed", actorId, taskId: m.taskId, error: m.error });
        return true;
      }
      case "genItem": {
        // Sent at once, before the call's answer, on the caller's connection (order: generator-wire.ts).
        const pending = this.calls.get(m.taskId);
        if (pending === undefined) return false; // a generator it called itself: the runtime's
        pending.caller.send(naming(actorItemForCaller(pending.actorId, m.taskId, m.index, m.bytes, this.parts.keepValue), this.parts.handles));
        return true;
      }
      case "actorReady":
        return true;
      case "actorFailed":
        this.toOwner(m.actorId, { t: "actorFailed", actorId: m.actorId, error: m.error });
        return true;
      case "exitActor":
        this.toOwner(m.actorId, { t: "exitActor", actorId: m.actorId, taskId: m.taskId });
        return true;
      case "log": {
        // To the owner, as Ray sends an actor's output to its job's driver; an orphan's (a detached
        // actor whose owner is gone) stay in this node's log.
        const owner = worker === undefined ? undefined : this.ownerOfWorker(worker);
        if (owner === undefined) return false;
        owner.send({ t: "log", stream: m.stream, label: m.label, text: m.text, pid: process.pid, workerId: client.workerId });
        return true;
      }
      default:
        return false;
    }
  }

  /** A worker of this node exited: true when it was a guest's. */
  workerExited(client: ActorWorker, exitCode: number, error: Error | undefined): boolean {
    const worker = this.workers.get(client);
    if (worker === undefined) {
      // One of this node's own actors (its owner restarts it or not): calls from other processes fail.
      for (const [taskId, pending] of this.calls) {
        if (pending.own !== client) continue;
        this.calls.delete(taskId);
        pending.caller.send({ t: "actorCallDied", actorId: pending.actorId, taskId, message: `Actor ${pending.actorId} died on node ${this.parts.node.nodeId} while running the call.` });
      }
      return false;
    }
    this.workers.delete(client);
    this.keys.get(worker.owner)?.delete(worker.key);
    const why = error !== undefined ? `its worker threw ${error.name}: ${error.message}` : `its worker exited with code ${exitCode}`;
    for (const actorId of worker.actors) {
      const actor = this.actors.get(actorId);
      if (actor === undefined) continue;
      actor.worker = undefined;
      this.failCalls(actorId, actor.owner, `Actor ${actorId} died on node ${this.parts.node.nodeId}: ${why}.`);
      // An orphan has nobody to restart it: it is dead, and what it held is free.
      if (actor.owner === undefined) {
        this.release(actor);
        this.parts.reportDead(actorId);
      }
    }
    if (this.keys.has(worker.owner)) worker.owner.send({ t: "actorWorkerExited", key: worker.key, exitCode, message: error?.message });
    return true;
  }

  /** An owner's connection closed: its non-detached actors end here, its detached ones stay (orphaned); its calls' answers are dropped. */
  ownerGone(peer: ActorPeer): void {
    for (const [taskId, pending] of this.calls) if (pending.caller === peer) this.calls.delete(taskId);
    for (const actor of [...this.actors.values()]) {
      if (actor.owner !== peer) continue;
      if (actor.detached && actor.worker !== undefined) {
        actor.owner = undefined;
        continue;
      }
      if (!actor.granted) {
        this.parts.node.cancelActorLease(actor.id);
        this.forget(actor);
        continue;
      }
      this.failCalls(actor.id, undefined, `Actor ${actor.id} is dead: its owner is gone (it was not detached).`);
      this.leaveWorker(actor.id);
      this.release(actor);
      this.parts.reportDead(actor.id);
    }
    const workers = this.keys.get(peer);
    this.keys.delete(peer);
    for (const worker of workers?.values() ?? []) {
      // A worker still hosting a detached actor stays; the others go with their owner.
      if (worker.actors.size === 0 && !worker.client.exited) void worker.client.terminate();
    }
  }

  // ------------------------------------------------------------ ActorLeaseOwner (this node's scheduler)

  onActorGranted(spec: ActorLeaseSpec, grant: Grant<unknown>, _node: NodeClient): void {
    const actor = this.actors.get(spec.id);
    if (actor === undefined || actor.owner === undefined) return this.parts.node.returnActorLease(spec.id);
    actor.granted = true;
    actor.owner.send({ t: "actorGranted", actorId: spec.id, resources: grant.resources.toJSON(), gpuIds: grant.gpuIds });
  }

  onActorSpillback(spec: ActorLeaseSpec, nodeId: string): void {
    // This node's scheduler has no view of other nodes for a guest: the owner places it elsewhere.
    const actor = this.actors.get(spec.id);
    if (actor === undefined) return;
    this.forget(actor);
    actor.owner?.send({ t: "actorRefused", actorId: spec.id, message: `Node ${this.parts.node.nodeId} cannot place actor ${spec.name} (it would go to node ${nodeId}).` });
  }

  onActorUnschedulable(spec: ActorLeaseSpec, reason: string): void {
    const actor = this.actors.get(spec.id);
    if (actor === undefined) return;
    this.forget(actor);
    actor.owner?.send({ t: "actorRefused", actorId: spec.id, message: `Actor ${spec.name} can never be placed: ${reason}. Use a node id from ray.nodes() that is alive, or soft: true.` });
  }

  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void {
    // Guest actors in a removed group: the pending ones are refused; their owners kill the running ones for good.
    for (const { id } of pending) {
      const actor = this.actors.get(id);
      if (actor === undefined) continue;
      this.forget(actor);
      actor.owner?.send({ t: "actorRefused", actorId: id, message: `Actor ${id}: its placement group was removed (ray.removePlacementGroup).` });
    }
    for (const { id } of running) this.kill(id, true);
  }

  // ------------------------------------------------------------ internals

  private requestLease(peer: ActorPeer, detached: boolean, spec: ActorLeaseSpec): void {
    if (this.actors.has(spec.id)) return peer.send({ t: "actorRefused", actorId: spec.id, message: `Actor ${spec.id} is already placed on this node.` });
    this.actors.set(spec.id, { id: spec.id, owner: peer, detached, granted: false, worker: undefined, early: [] });
    try {
      this.parts.node.requestActorLease(spec);
    } catch (e) {
      this.forget(this.actors.get(spec.id)!);
      peer.send({ t: "actorRefused", actorId: spec.id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private startWorker(peer: ActorPeer, key: string, actorId: string | undefined, gpuIds: readonly number[], isolation: "thread" | "process"): void {
    let keys = this.keys.get(peer);
    if (keys === undefined) this.keys.set(peer, (keys = new Map()));
    if (keys.has(key)) return;
    if (actorId !== undefined && this.ownActor(peer, actorId)?.granted !== true) {
      // Not this owner's placed actor: the worker never starts, and its owner hears it exited.
      return peer.send({ t: "actorWorkerExited", key, exitCode: 1, message: `actor ${actorId} holds no lease on node ${this.parts.node.nodeId}` });
    }
    const client = actorId !== undefined ? this.parts.node.startActorWorker(actorId, gpuIds, isolation) : this.parts.node.startSharedActorHost();
    const worker: GuestWorker = { key, owner: peer, client, dedicated: actorId !== undefined, actors: new Set() };
    keys.set(key, worker);
    this.workers.set(client, worker);
  }

  /** `ray.kill` from a caller that is not the owner: the owner is asked to kill it (as `ray.kill` there would); an orphan dies here at once. */
  kill(actorId: string, noRestart: boolean): void {
    const actor = this.actors.get(actorId);
    if (actor === undefined) return;
    if (actor.owner !== undefined) return actor.owner.send({ t: "killRequested", actorId, noRestart });
    this.failCalls(actorId, undefined, `Actor ${actorId} is dead: it was killed with ray.kill.`);
    this.leaveWorker(actorId);
    this.release(actor);
    this.parts.reportDead(actorId);
  }

  /** The actor leaves its worker: a dedicated one stops, a shared host drops just it. */
  private leaveWorker(actorId: string): void {
    const actor = this.actors.get(actorId);
    const worker = actor?.worker;
    if (actor === undefined || worker === undefined) return;
    actor.worker = undefined;
    worker.actors.delete(actorId);
    if (worker.client.exited) return;
    if (worker.dedicated) void worker.client.terminate();
    else worker.client.post({ t: "dropActor", actorId });
  }

  private release(actor: GuestActor): void {
    if (!this.forget(actor)) return;
    actor.worker?.actors.delete(actor.id);
    if (actor.granted) this.parts.node.returnActorLease(actor.id);
  }

  /** The actor leaves this node's table; calls that waited for its constructor are answered `actorCallDied`. */
  private forget(actor: GuestActor): boolean {
    if (this.actors.get(actor.id) !== actor) return false;
    this.actors.delete(actor.id);
    const early = actor.early ?? [];
    actor.early = undefined;
    for (const { caller, call } of early) {
      caller.send({ t: "actorCallDied", actorId: call.actorId, taskId: call.taskId, message: `Actor ${call.actorId} left node ${this.parts.node.nodeId} before it started.` });
    }
    return true;
  }

  /** Answers `actorCallDied` to every caller of the actor's calls in flight but `except` (its owner, which fails or retries its own). */
  private failCalls(actorId: string, except: ActorCaller | undefined, message: string): void {
    for (const [taskId, pending] of this.calls) {
      if (pending.actorId !== actorId) continue;
      this.calls.delete(taskId);
      if (pending.caller !== except) pending.caller.send({ t: "actorCallDied", actorId, taskId, message });
    }
  }

  /** The live owner of a guest worker's actors (one owner per worker); before its first constructor, the worker's. */
  private ownerOfWorker(worker: GuestWorker): ActorPeer | undefined {
    if (worker.actors.size === 0) return worker.owner;
    for (const id of worker.actors) {
      const owner = this.actors.get(id)?.owner;
      if (owner !== undefined) return owner;
    }
    return undefined;
  }

  private ownActor(peer: ActorPeer, actorId: string): GuestActor | undefined {
    const actor = this.actors.get(actorId);
    return actor?.owner === peer ? actor : undefined;
  }

  private toOwner(actorId: string, m: ActorFromNode): void {
    this.actors.get(actorId)?.owner?.send(m);
  }
}
