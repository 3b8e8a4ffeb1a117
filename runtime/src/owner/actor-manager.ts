/**
 * Owns the actors its process creates, wherever they are placed: placement
 * through a node client's actor lease (node/node-client.ts: asked of the
 * owner's own node first, which grants it or names another node to ask —
 * Ray's rule applies: 1 free CPU to place an actor that asks for nothing, held
 * 0 while it lives; what it asks for is held for life), its worker on the
 * granted node (dedicated, or a shared host: `hosting: "shared"`, one set of
 * hosts per node; both in actor-threads.ts), the
 * constructor call, the order of its method calls (per-caller submit
 * queues), restarts (`maxRestarts`, `maxTaskRetries`) and `ray.kill`. Names
 * and lifecycle states are registered in the cluster state's actor directory
 * (cluster/cluster-state.ts), the one place names are held, so owners sharing
 * a cluster state see each other's named actors.
 *
 * Phases: pending (waiting for constructor args or a lease) → running (thread
 * up, constructor sent: calls may be sent, the actor's thread queues them
 * behind the constructor) → dead. A running actor whose thread exits goes
 * back to pending-like "restarting" and is re-created on the node that holds
 * its lease (the lease outlives the thread), or dies; one whose node died is
 * placed again like a new actor (its lease died with the node).
 *
 * Invariant: once dead, an actor stays dead, every call it had and every
 * later call fails with `ActorDiedError`, and its name is free again.
 */
import { ActorDiedError, ActorNotFoundError, InvalidArgumentError, NodeDiedError, TaskError } from "../common/errors.js";
import { returnIds } from "../common/ids.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import { resolveDeps } from "./dependency-resolver.js";
import type { ActorCallSubmission, ActorCreation, ActorDescriptor, WireError } from "../common/task-spec.js";
import { ActorSubmitQueue, type QueuedCall } from "./actor-submit-queue.js";
import { cancelActorCall, type InFlight } from "./actor-call-cancel.js";
import { ActorState, nameClash } from "./actor-state.js";
import { ActorThreads } from "./actor-threads.js";
import { callsToRetry } from "./actor-restart-calls.js";
import type { ActorLeaseSpec, ActorWorker, NodeClient } from "../node/node-client.js";
import type { RemoteActorOwner } from "../node/remote-actor-client.js";
import type { Held } from "../object-store/object-location.js";
import type { ForeignActorCalls } from "./foreign-actor-calls.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import type { ActorStateUpdate, RegisterActorReply } from "../cluster/cluster-state.js";

export interface ActorManagerDeps {
  readonly store: MemoryStore;
  /**
   * The owner's own node: actor leases are asked of it first (this manager attaches itself as
   * its actor owner). An actor's worker starts on the node that granted its lease; its
   * messages and exit come back via `onCallDone`…/`onWorkerExit`.
   */
  readonly node: NodeClient;
  /** The client of another node, for a spillback naming it (this manager attached there too). Absent: a single node. */
  readonly nodeById?: ((nodeId: string) => NodeClient | undefined) | undefined;
  readonly rebuildError: (wire: WireError) => Error;
  /** The actor directory: names are claimed and looked up there, lifecycle changes reported there. */
  readonly cluster: ClusterStateClient;
  /** Whether streaming call `taskId` has yielded a value (then it is not retried: owner/generator-streams.ts). */
  readonly streamStarted?: ((taskId: string) => boolean) | undefined;
  /** Calls to actors other processes own, hosted on node processes (foreign-actor-calls.ts); absent: such calls fail. */
  readonly foreign?: ForeignActorCalls | undefined;
  /** A call cancelled after it was sent left its worker (settled, or the worker is gone): it submits nothing more. */
  readonly cancelledCallEnded?: ((taskId: string) => void) | undefined;
  /** The actor is dead for good: what its constructor's arguments held is let go (owner/actor-holds.ts). */
  readonly ended?: ((actorId: string) => void) | undefined;
}

export class ActorManager implements RemoteActorOwner {
  private readonly actors = new Map<string, ActorState>();
  /** The threads its actors live on, dedicated or shared, and what is posted there (actor-threads.ts). */
  private readonly threads = new ActorThreads();
  /** A handle id that stands for another actor (`getIfExists` from a worker). */
  private readonly aliases = new Map<string, string>();
  /** Set by `shutdown`: the cluster-state client may be closed, its rejections are expected. */
  private closing = false;

  constructor(private readonly d: ActorManagerDeps) {
    d.node.attachActors(this);
  }

  /**
   * Registers and starts an actor. With a name already taken: `getIfExists`
   * returns the existing actor's descriptor (and `creation`'s id becomes an
   * alias of it); otherwise it throws.
   *
   * The clash is decided synchronously (`.remote()` throws it) on the
   * client's node-local cache of the directory; the registration itself goes
   * to the cluster state, which has the last word (see `registered`).
   */
  create(creation: ActorCreation): ActorDescriptor {
    const { actorId } = creation.actor;
    if (creation.name !== undefined) {
      const holder = this.d.cluster.cache.namedActor(creation.namespace, creation.name);
      if (holder !== undefined) {
        if (!creation.getIfExists) throw nameClash(creation);
        this.aliases.set(actorId, holder.actor.actorId);
        return holder.actor;
      }
    }
    const queue = new ActorSubmitQueue(this.d.store, {
      send: (q) => this.send(state, q, 0),
      failDeps: (q, error) => this.settleError(q.call, new TaskError(q.call.name, error)),
    });
    const state = new ActorState(creation, queue);
    this.actors.set(actorId, state);
    const registration = this.d.cluster.registerActor({
      actor: creation.actor,
      name: creation.name,
      namespace: creation.namespace,
      getIfExists: creation.getIfExists,
    });
    registration.then((reply) => this.registered(state, reply), (error: unknown) => this.clusterUnreachable(error));
    const { refIdx, refIds } = creation.args;
    if (refIdx === undefined || refIds === undefined) {
      this.submit(state);
    } else {
      resolveDeps(this.d.store, refIdx, refIds, (outcome) => {
        if (state.phase === "dead") return;
        if (outcome.error !== undefined) {
          return this.die(
            state,
            `an argument of its constructor failed: ${outcome.error.message}`,
            new TaskError(`${creation.actor.className}.constructor`, outcome.error),
          );
        }
        state.ctorDeps = outcome.deps;
        this.submit(state);
      });
    }
    return creation.actor;
  }

  /** Like `create`, for a creation that came from a worker thread: a name clash kills that handle's actor. */
  createFromWorker(creation: ActorCreation): void {
    try {
      this.create(creation);
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      const queue = new ActorSubmitQueue(this.d.store, { send: () => undefined, failDeps: () => undefined });
      const state = new ActorState({ ...creation, demand: {} }, queue);
      this.actors.set(creation.actor.actorId, state);
      this.die(state, error.message, error);
    }
  }

  submitCall(call: ActorCallSubmission): void {
    for (const id of returnIds(call.taskId, call.numReturns)) this.d.store.expect(id);
    const state = this.actors.get(this.resolve(call.actorId));
    if (state === undefined && this.d.foreign !== undefined) return this.d.foreign.submit(call);
    if (state === undefined) {
      return this.settleError(call, new ActorDiedError(call.actorId, `No actor ${call.actorId} on this cluster (it may belong to a runtime that was shut down).`));
    }
    if (state.phase === "dead") return this.settleError(call, state.death!);
    state.queue.push(call);
  }

  /** Actors waiting for (or living in) a removed placement group die. */
  onPlacementGroupRemoved(pending: readonly { readonly id: string }[], running: readonly { readonly id: string }[]): void {
    for (const r of [...pending.map((p) => p.id), ...running.map((g) => g.id)]) {
      const state = this.actors.get(r);
      if (state === undefined) continue;
      state.noRestart = true;
      this.die(state, "its placement group was removed (ray.removePlacementGroup)", undefined);
    }
  }

  /**
   * `ray.exitActor()` ran in the actor's call `taskId`: once that call is done (at once when it is
   * not a method call in flight, e.g. the constructor) the actor dies without restarting, its
   * other calls failing with `ActorDiedError` saying it exited.
   */
  exitActor(actorId: string, taskId: string): void {
    const state = this.actors.get(actorId);
    if (state === undefined || state.phase === "dead") return;
    state.noRestart = true;
    state.exitAfter = taskId;
    if (!state.inFlight.has(taskId)) this.exited(state);
  }

  /** No handle left (reference counting; never for named or detached actors): ends after its submitted calls. */
  outOfScope(actorId: string): void {
    const state = this.actors.get(actorId);
    if (state === undefined) return; // die() ignores a dead one
    state.outOfScope = true;
    this.endIfOutOfScope(state);
  }

  private endIfOutOfScope(state: ActorState): void {
    if (state.outOfScope && state.inFlight.size === 0 && state.queue.size === 0 && state.retryOnStart === undefined) this.die(state, "it went out of scope: no handle to it was left", undefined);
  }

  private exited(state: ActorState): void {
    this.die(state, "it exited with ray.exitActor()", undefined);
  }

  onConstructorFailed(actorId: string, wire: WireError): void {
    const state = this.actors.get(actorId);
    if (state === undefined || state.phase === "dead") return;
    const cause = new TaskError(`${state.creation.actor.className}.constructor`, this.d.rebuildError(wire));
    this.die(state, `its constructor threw: ${cause.message}`, cause);
  }

  /** A call's results: bytes, or where a node in another process keeps a large one. */
  onCallDone(actorId: string, taskId: string, results: readonly Held[]): void {
    const f = this.actors.get(actorId)?.inFlight.get(taskId);
    if (f === undefined) return this.d.foreign?.done(taskId, results);
    const state = this.actors.get(actorId)!;
    state.inFlight.delete(taskId);
    this.left(f);
    const ids = returnIds(taskId, f.q.call.numReturns);
    for (let i = 0; i < ids.length; i++) {
      const r = results[i]!;
      if (r instanceof Uint8Array) this.d.store.putBytes(ids[i]!, r);
      else this.d.store.putLocation(ids[i]!, r);
    }
    if (state.exitAfter === taskId) this.exited(state);
    this.endIfOutOfScope(state);
  }

  onCallFailed(actorId: string, taskId: string, wire: WireError): void {
    const state = this.actors.get(actorId);
    const f = state?.inFlight.get(taskId);
    if (state === undefined || f === undefined) return this.d.foreign?.failed(taskId, wire);
    state.inFlight.delete(taskId);
    this.left(f);
    this.settleError(f.q.call, new TaskError(f.q.call.name, this.d.rebuildError(wire)));
    if (state.exitAfter === taskId) this.exited(state);
    this.endIfOutOfScope(state);
  }

  /** A call to an actor on a node process will not be answered: this owner's own calls end with their worker's exit (`onWorkerExit`); another owner's fail. */
  onCallLost(actorId: string, taskId: string, error: Error): void {
    const state = this.actors.get(actorId);
    const f = state?.inFlight.get(taskId);
    if (f === undefined) return this.d.foreign?.lost(taskId, error);
    if (!(error instanceof ActorDiedError)) {
      // Not the actor's death (e.g. refused before it was sent): it fails alone, the actor lives on.
      state!.inFlight.delete(taskId);
      this.settleError(f.q.call, error);
    }
  }

  /** A node process refused the actor's lease (it dies), or died before granting it (asked again from this owner's node). */
  onActorLeaseFailed(spec: ActorLeaseSpec, error: Error): void {
    const state = this.actors.get(spec.id);
    if (state === undefined || state.phase !== "pending") return;
    state.queuedAt = undefined;
    if (error instanceof NodeDiedError) return this.submit(state);
    this.die(state, error.message, error);
  }

  /** The worker of actor `actorId` while it runs on this owner's own node (calls from other processes go straight to it). */
  localWorker(actorId: string): ActorWorker | undefined {
    const state = this.actors.get(actorId);
    return state?.phase === "running" && state.node === this.d.node ? state.client : undefined;
  }

  /** The actor a `done`/`failed` for `taskId` from `client` is about (`client` may host several). */
  actorOfCall(client: ActorWorker, taskId: string): string {
    if (client.actorId !== undefined) return client.actorId;
    for (const id of this.threads.actorsOn(client)) {
      if (this.actors.get(id)?.inFlight.has(taskId) === true) return id;
    }
    return "";
  }

  onWorkerExit(client: ActorWorker, exitCode: number, error: Error | undefined): void {
    // After shutdown: a node process's connection closing reports its workers gone; nothing is restarted.
    if (this.closing) return;
    const why = error !== undefined ? `its worker threw ${error.name}: ${error.message}` : `its worker exited with code ${exitCode}`;
    // A shared host takes every actor on it down: each restarts or dies on its own terms.
    const ids = client.actorId !== undefined ? [client.actorId] : this.threads.exited(client);
    for (const id of ids) {
      const state = this.actors.get(id);
      if (state === undefined || state.client !== client || state.phase === "dead") continue;
      this.lost(state, why, error);
    }
  }

  /** The actor's instance is gone (its thread exited, or it was killed to restart): restart it or let it die. */
  private lost(state: ActorState, why: string, error: Error | undefined): void {
    const actorId = state.id;
    const max = state.creation.maxRestarts;
    const nodeDied = error instanceof NodeDiedError;
    if (state.noRestart || (max !== -1 && state.restarts >= max)) {
      return this.die(state, `${why}${nodeDied ? " (its node died)" : ""} (restarts used: ${state.restarts} of maxRestarts ${max})`, error);
    }
    state.restarts++;
    this.report(actorId, { state: "RESTARTING" });
    this.threads.detach(state);
    state.queue.pause();
    const retry = callsToRetry(state, why, error, { streamStarted: this.d.streamStarted, left: (f) => this.left(f), settleError: (c, e) => this.settleError(c, e) });
    if (nodeDied) {
      // Its lease died with its node: it is placed again (on any node that fits), as when created.
      state.grant = undefined;
      state.node = undefined;
      state.phase = "pending";
      state.retryOnStart = retry.map((f) => ({ q: f.q, retries: f.retries + 1 }));
      return this.submit(state);
    }
    // Restart in place: the actor keeps the resources (and GPU ids) it held.
    this.startThread(state);
    for (const f of retry) this.send(state, f.q, f.retries + 1);
    state.queue.resume();
  }

  /** `ray.kill`: stops the actor's thread; it restarts only if `noRestart` is false and restarts remain. */
  kill(actorId: string, noRestart: boolean): void {
    const state = this.actors.get(this.resolve(actorId));
    if (state === undefined) return this.d.foreign?.kill(actorId, noRestart);
    if (state.phase === "dead") return;
    if (noRestart) {
      state.noRestart = true;
      return this.die(state, "it was killed with ray.kill", undefined);
    }
    if (state.client !== undefined && state.creation.hosting === "shared") {
      // Its thread-mates live on: only this instance goes, at once.
      return this.lost(state, "it was killed with ray.kill", undefined);
    }
    if (state.client !== undefined) {
      // Calls made from now on wait for the restart instead of reaching the dying thread.
      state.queue.pause();
      void state.client.terminate();
    }
  }

  /** `ray.cancel` of an actor call (actor-call-cancel.ts): the call's id when it had been sent, so the caller can cancel what it submitted. */
  cancelCall(objectId: string, force: boolean): string | undefined {
    return cancelActorCall(() => this.actors.values(), objectId, force, (call, error) => {
      this.settleError(call, error);
      // A queued call of an actor with no handle left was what kept it: it may end now.
      const state = this.actors.get(this.resolve(call.actorId));
      if (state !== undefined) this.endIfOutOfScope(state);
    });
  }

  /** `ray.getActor`: asks the actor directory, so actors of other owners sharing the cluster state are found too. */
  async lookup(name: string, namespace: string): Promise<ActorDescriptor> {
    const record = await this.d.cluster.getNamedActorInfo(name, namespace);
    if (record === undefined) throw new ActorNotFoundError(name, namespace);
    return record.actor;
  }

  /**
   * Ends every actor. Their DEAD states (which free their names for other owners sharing the
   * cluster state) are reported before this returns its promise: the caller may close the
   * cluster-state client right after calling it.
   */
  async shutdown(): Promise<void> {
    const dedicated: Promise<number>[] = [];
    for (const state of this.actors.values()) {
      // A detached actor on a node process outlives this owner (that node keeps it).
      if (state.creation.detached === true && state.node?.keepsDetachedActors === true && state.phase === "running") continue;
      if (state.client !== undefined && state.creation.hosting === "dedicated") dedicated.push(state.client.terminate());
      if (state.phase !== "dead") this.report(state.id, { state: "DEAD" });
      state.phase = "dead";
    }
    this.closing = true;
    await Promise.all([...dedicated, this.threads.terminateAll()]);
  }

  /** The actor's lease is granted on `node`: its worker starts there. */
  onActorGranted(spec: ActorLeaseSpec, grant: Grant<unknown>, node: NodeClient): void {
    const state = this.actors.get(spec.id);
    if (state === undefined || state.phase === "dead") {
      // Died while the grant was on its way (killed, or a name clash): give it back.
      node.returnActorLease(spec.id);
      return;
    }
    state.queuedAt = undefined;
    state.grant = grant;
    state.node = node;
    this.startThread(state);
    const again = state.retryOnStart;
    state.retryOnStart = undefined;
    for (const r of again ?? []) this.send(state, r.q, r.retries);
    state.queue.resume();
  }

  /** A node sent the actor's lease request on (spillback): it is asked there; a node out of reach kills the actor. */
  onActorSpillback(spec: ActorLeaseSpec, nodeId: string): void {
    const state = this.actors.get(spec.id);
    if (state === undefined || state.phase === "dead") return;
    const node = this.d.nodeById?.(nodeId);
    if (node === undefined) {
      state.queuedAt = undefined;
      return this.die(state, `it was to be placed on node ${nodeId}, which this driver cannot reach`, undefined);
    }
    this.submit(state, node);
  }

  /** The actor's placement names a node not in the cluster: it dies at once (Ray's ActorUnschedulableError). */
  onActorUnschedulable(spec: ActorLeaseSpec, reason: string): void {
    const state = this.actors.get(spec.id);
    if (state === undefined || state.phase === "dead") return;
    state.queuedAt = undefined;
    this.die(state, `it can never be placed: ${reason}. Use a node id from ray.nodes() that is alive, or soft: true`, undefined);
  }

  /** Asks `node` (the owner's own by default) for the actor's lease; a bad placement-group reference kills it. */
  private submit(state: ActorState, node: NodeClient = this.d.node): void {
    try {
      state.queuedAt = node;
      node.requestActorLease(state.spec);
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) throw e;
      state.queuedAt = undefined;
      this.die(state, e.message, e);
    }
  }

  private startThread(state: ActorState): void {
    state.phase = "running";
    this.report(state.id, { state: "ALIVE", nodeId: state.node!.nodeId });
    this.threads.start(state);
  }

  private send(state: ActorState, q: QueuedCall, retries: number): void {
    state.inFlight.set(q.call.taskId, { q, retries });
    this.threads.postCall(state, q);
  }

  /** `f` is no longer in flight. */
  private left(f: InFlight): void {
    if (f.cancelled === true) this.d.cancelledCallEnded?.(f.q.call.taskId);
  }

  private die(state: ActorState, reason: string, cause: unknown): void {
    if (state.phase === "dead") return;
    const wasPending = state.phase === "pending";
    state.phase = "dead";
    const { actor } = state.creation;
    state.death = new ActorDiedError(
      actor.actorId,
      `Actor ${actor.className} (${actor.actorId}) is dead: ${reason.replace(/\.$/, "")}.`,
      cause !== undefined ? { cause } : undefined,
    );
    // Frees its name (the directory frees it only if this actor holds it).
    this.report(actor.actorId, { state: "DEAD" });
    if (wasPending) state.queuedAt?.cancelActorLease(state.id);
    state.queuedAt = undefined;
    if (state.grant !== undefined) {
      state.node!.returnActorLease(state.id);
      state.grant = undefined;
    }
    for (const f of state.inFlight.values()) {
      this.left(f);
      this.settleError(f.q.call, state.death);
    }
    state.inFlight.clear();
    for (const q of state.queue.drain()) this.settleError(q.call, state.death);
    for (const r of state.retryOnStart ?? []) this.settleError(r.q.call, state.death);
    state.retryOnStart = undefined;
    this.threads.detach(state);
    this.d.ended?.(actor.actorId);
  }

  private settleError(call: ActorCallSubmission, error: Error): void {
    for (const id of returnIds(call.taskId, call.numReturns)) this.d.store.putError(id, error);
  }

  private resolve(actorId: string): string {
    return this.aliases.get(actorId) ?? actorId;
  }

  /**
   * The directory's answer to `create`'s registration. In process it is always
   * `registered` (the cache `create` checked is the directory itself); with a
   * remote cluster state another process may have claimed the name between the
   * cache's view and the head's: then this actor dies with the clash as reason
   * (as a named creation from a worker thread does), and with `getIfExists`
   * its handle becomes an alias of the holder.
   */
  private registered(state: ActorState, reply: RegisterActorReply): void {
    if (reply.kind === "registered") return;
    if (reply.kind === "exists") this.aliases.set(state.id, reply.holder.actor.actorId);
    state.noRestart = true;
    const clash = nameClash(state.creation);
    this.die(state, clash.message, clash);
  }

  /** Lifecycle reports are one-way: the directory's answer carries nothing to act on. */
  private report(actorId: string, update: ActorStateUpdate): void {
    this.d.cluster.updateActorState(actorId, update).then(undefined, (error: unknown) => this.clusterUnreachable(error));
  }

  private clusterUnreachable(error: unknown): void {
    // After shutdown the client is closed on purpose; otherwise the directory is out of step and the user should know.
    if (this.closing) return;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tsray: warning: the cluster state did not take an actor update (${message}); ray.getActor may not see the latest.\n`);
  }
}
