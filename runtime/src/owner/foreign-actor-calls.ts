/**
 * Calls to actors this process does not own (issue 11), after Ray's direct actor calls: a handle
 * from `ray.getActor` of another driver's named or detached actor, or a handle passed into a task
 * on the node that hosts the actor. The actor's node is looked up in the cluster state's actor
 * directory once per actor, and each call is sent to that node (`ActorCallRoute`: a node process's
 * `RemoteActors`, or this node's own service for an actor hosted here for another process); its
 * answer comes back through the actor manager (`done` / `failed` / `lost`).
 *
 * Calls from one caller keep their order (one `ActorSubmitQueue` per actor, paused until the
 * actor is located). An actor that cannot be located or reached fails its calls with
 * `ActorDiedError` saying why; after a lost call the location is looked up again for later calls.
 * The owner does not see these calls: they are not retried when the actor restarts.
 *
 * `ray.cancel` of such a call (`cancel`) behaves as for an owned actor's (actor-call-cancel.ts,
 * shared): one still queued here (its actor being located, its arguments not ready) never runs;
 * a sent one fails with `TaskCancelledError` at once and its node is told over the route that
 * carried it (`cancelCall`), which posts `cancel` to the actor's worker; its late answer is ignored.
 */
import { ActorDiedError, TaskError } from "../common/errors.js";
import { returnIds } from "../common/ids.js";
import type { ActorCallSubmission, WireError } from "../common/task-spec.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Held } from "../object-store/object-location.js";
import type { ActorCallMessage } from "../node/node-messages.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import { ActorSubmitQueue, type QueuedCall } from "./actor-submit-queue.js";
import { cancelActorCall, type CancellableActor, type CancelPost, type InFlight } from "./actor-call-cancel.js";

/** Where calls to an actor hosted on some node go. */
export interface ActorCallRoute {
  callActor(call: ActorCallMessage): void;
  killActor(actorId: string, noRestart: boolean): void;
  /** `ray.cancel` of call `taskId` sent over this route: the actor's worker drops it, or aborts its signal. */
  cancelCall(actorId: string, taskId: string, name: string): void;
}

export interface ForeignActorDeps {
  readonly store: MemoryStore;
  readonly cluster: ClusterStateClient;
  /** The route to node `nodeId`'s actors; undefined when this process cannot reach it. */
  readonly route: (nodeId: string) => ActorCallRoute | undefined;
  readonly rebuildError: (wire: WireError) => Error;
}

interface Foreign extends CancellableActor {
  readonly queue: ActorSubmitQueue;
  route: ActorCallRoute | undefined;
  locating: boolean;
  /** Its calls sent and not answered, each with the route it went by (its cancel goes the same way). */
  readonly inFlight: Map<string, Sent>;
  /** Where a sent call's cancel goes: to its route. */
  readonly client: { post(m: CancelPost): void };
}

interface Sent extends InFlight {
  readonly route: ActorCallRoute;
}

export class ForeignActorCalls {
  private readonly actors = new Map<string, Foreign>();
  /** Calls sent and not answered: task id → its actor (which may have left `actors` meanwhile). */
  private readonly sent = new Map<string, Foreign>();
  /** Actors this process killed (`ray.kill`): their calls fail at once. */
  private readonly killed = new Set<string>();

  constructor(private readonly d: ForeignActorDeps) {}

  submit(call: ActorCallSubmission): void {
    if (this.killed.has(call.actorId)) return this.settle(call, killedError(call.actorId));
    let actor = this.actors.get(call.actorId);
    if (actor === undefined) {
      const queue = new ActorSubmitQueue(this.d.store, {
        send: (q) => this.send(actor!, q),
        failDeps: (q, error) => this.settle(q.call, new TaskError(q.call.name, error)),
      });
      const inFlight = new Map<string, Sent>();
      const client = { post: (m: CancelPost) => inFlight.get(m.taskId)?.route.cancelCall(call.actorId, m.taskId, m.name) };
      this.actors.set(call.actorId, (actor = { queue, route: undefined, locating: false, inFlight, client }));
    }
    actor.queue.push(call);
    if (actor.route === undefined) this.locate(call.actorId, actor);
  }

  /** `ray.kill` of an actor another process owns: its node asks the owner (or ends an orphan); with `noRestart`, this process's calls to it fail from now on. */
  kill(actorId: string, noRestart: boolean): void {
    if (noRestart) this.killed.add(actorId);
    const actor = noRestart ? this.actors.get(actorId) : undefined;
    if (actor !== undefined) this.actors.delete(actorId);
    for (const q of actor?.queue.drain() ?? []) this.settle(q.call, killedError(actorId));
    void this.d.cluster.getActorInfo(actorId).then(
      (record) => (record?.nodeId === undefined || record.state === "DEAD" ? undefined : this.d.route(record.nodeId)?.killActor(actorId, noRestart)),
      () => undefined,
    );
  }

  /**
   * `ray.cancel` of one of these calls (`objectId`: its id, or one of its return refs): as for an
   * owned actor's call (actor-call-cancel.ts), `force` refused. Unknown or answered: nothing.
   */
  cancel(objectId: string, force: boolean): void {
    // An actor left `actors` (killed, or not locatable) may still have calls in flight.
    cancelActorCall(() => new Set([...this.actors.values(), ...this.sent.values()]), objectId, force, (call, error) => this.settle(call, error));
  }

  /** Whether call `taskId` is one of these (its answer belongs here). */
  has(taskId: string): boolean {
    return this.sent.has(taskId);
  }

  done(taskId: string, results: readonly Held[]): void {
    const call = this.take(taskId)?.live;
    if (call === undefined) return;
    const ids = returnIds(taskId, call.numReturns);
    for (let i = 0; i < ids.length; i++) {
      const r = results[i]!;
      if (r instanceof Uint8Array) this.d.store.putBytes(ids[i]!, r);
      else this.d.store.putLocation(ids[i]!, r);
    }
  }

  failed(taskId: string, wire: WireError): void {
    const call = this.take(taskId)?.live;
    if (call !== undefined) this.settle(call, new TaskError(call.name, this.d.rebuildError(wire)));
  }

  lost(taskId: string, error: Error): void {
    const taken = this.take(taskId);
    if (taken === undefined) return;
    if (taken.live !== undefined) this.settle(taken.live, error);
    // Looked up again for later calls: the actor may have restarted elsewhere, or be dead for good.
    const actor = this.actors.get(taken.actorId);
    if (actor !== undefined && error instanceof ActorDiedError && actor.route !== undefined) {
      actor.route = undefined;
      actor.queue.pause();
      this.locate(taken.actorId, actor);
    }
  }

  /** Call `taskId` leaves the calls in flight; `live`: the call when its refs wait for this answer (not cancelled). */
  private take(taskId: string): { readonly actorId: string; readonly live: ActorCallSubmission | undefined } | undefined {
    const actor = this.sent.get(taskId);
    const f = actor?.inFlight.get(taskId);
    if (f === undefined) return undefined;
    actor!.inFlight.delete(taskId);
    this.sent.delete(taskId);
    return { actorId: f.q.call.actorId, live: f.cancelled === true ? undefined : f.q.call };
  }

  private locate(actorId: string, actor: Foreign, since = Date.now()): void {
    if (actor.locating) return;
    actor.locating = true;
    const fail = (why: string): void => {
      actor.locating = false;
      this.actors.delete(actorId);
      const error = new ActorDiedError(actorId, `Actor ${actorId} cannot be called from here: ${why}.`);
      for (const q of actor.queue.drain()) this.settle(q.call, error);
    };
    this.d.cluster.getActorInfo(actorId).then(
      (record) => {
        if (record === undefined) return fail("no such actor in the cluster (it may belong to a runtime that was shut down)");
        if (record.state === "DEAD") return fail(`it is dead`);
        if (record.nodeId === undefined) {
          // Registered, not yet placed (its owner is placing it): asked again shortly, for a bounded time.
          if (Date.now() - since > PLACEMENT_WAIT_MS) return fail(`it was not placed on any node within ${PLACEMENT_WAIT_MS / 1000} s`);
          setTimeout(() => this.relocate(actorId, actor, since), 100);
          return;
        }
        const route = this.d.route(record.nodeId);
        if (route === undefined) return fail(`its node ${record.nodeId} is not reachable from this process (actors are called on node processes only)`);
        actor.locating = false;
        actor.route = route;
        actor.queue.resume();
      },
      (error: unknown) => fail(`the cluster state did not answer (${error instanceof Error ? error.message : String(error)})`),
    );
  }

  private relocate(actorId: string, actor: Foreign, since: number): void {
    actor.locating = false;
    this.locate(actorId, actor, since);
  }

  private send(actor: Foreign, q: QueuedCall): void {
    const { call, deps } = q;
    const route = actor.route!;
    actor.inFlight.set(call.taskId, { q, retries: 0, route });
    this.sent.set(call.taskId, actor);
    route.callActor({
      t: "callActor",
      actorId: call.actorId,
      taskId: call.taskId,
      method: call.method,
      name: call.name,
      args: call.args.bytes,
      deps,
      numReturns: call.numReturns,
      streaming: call.streaming,
      ...(call.group !== undefined ? { group: call.group } : {}),
    });
  }

  private settle(call: ActorCallSubmission, error: Error): void {
    for (const id of returnIds(call.taskId, call.numReturns)) this.d.store.putError(id, error);
  }
}

/** How long a call waits for an actor that is registered but not placed yet. */
const PLACEMENT_WAIT_MS = 60_000;

function killedError(actorId: string): ActorDiedError {
  return new ActorDiedError(actorId, `Actor ${actorId} is dead: it was killed with ray.kill.`);
}
