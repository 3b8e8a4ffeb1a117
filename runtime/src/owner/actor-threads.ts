/**
 * The threads an owner's actors live on (for owner/actor-manager.ts): a dedicated worker per
 * actor, or a host thread shared with other actors on the same node (`hosting: "shared"`, one set
 * of hosts per node: node/shared-actor-hosts.ts), and the two messages the owner posts there —
 * the constructor (`createActor`) and each method call (`callActor`).
 *
 * Kept apart from the manager, which decides an actor's lifecycle (placement, restarts, death):
 * this file only puts an instance on a thread, reaches it there, and takes it off again.
 *
 * Invariants: `state.client` is set by `start` and cleared by `detach`; `detach` terminates a
 * dedicated thread (unless it exited already) but only drops the one instance from a shared
 * host, whose other actors live on (a host left empty is terminated by its node's hosts).
 */
import type { QueuedCall } from "./actor-submit-queue.js";
import type { ActorState } from "./actor-state.js";
import { SharedActorHostsByNode } from "../node/shared-actor-hosts.js";
import type { ActorWorker } from "../node/node-client.js";

/** Actors per shared host thread: a thread's event loop and heap are shared by this many at most. */
export const ACTORS_PER_SHARED_THREAD = 32;

export class ActorThreads {
  /** The shared-actor host threads of each node. */
  private readonly shared = new SharedActorHostsByNode(ACTORS_PER_SHARED_THREAD);

  /** The actor's instance goes on a thread of the node that granted its lease (`state.node`), and its constructor is posted. */
  start(state: ActorState): void {
    const { creation } = state;
    const node = state.node!;
    state.client =
      creation.hosting === "shared"
        ? this.shared.join(node, state.id)
        : node.startActorWorker(state.id, state.grant?.gpuIds ?? [], creation.demand.isolation ?? "thread");
    state.client.post({
      t: "createActor",
      actorId: state.id,
      cls: creation.cls,
      name: creation.actor.className,
      args: creation.args.bytes,
      deps: state.ctorDeps,
      maxConcurrency: creation.maxConcurrency,
      ...(state.grant !== undefined && state.grant.gpuIds.length > 0 ? { gpuIds: state.grant.gpuIds } : {}),
      actor: creation.actor,
      ...(state.grant !== undefined ? { resources: state.grant.resources.toJSON() } : {}),
      ...(state.restarts > 0 ? { restarted: true } : {}),
      ...(creation.concurrencyGroups !== undefined ? { concurrencyGroups: creation.concurrencyGroups } : {}),
    });
  }

  /** Posts the call to the actor's thread (queued behind its constructor there if that still runs). */
  postCall(state: ActorState, q: QueuedCall): void {
    const { call } = q;
    state.client!.post({
      t: "callActor",
      actorId: state.id,
      taskId: call.taskId,
      method: call.method,
      name: call.name,
      args: call.args.bytes,
      deps: q.deps,
      numReturns: call.numReturns,
      streaming: call.streaming,
      ...(call.group !== undefined ? { group: call.group } : {}),
    });
  }

  /**
   * The actor leaves its thread: a dedicated one is terminated (when it has
   * not exited already), a shared host drops just this instance.
   */
  detach(state: ActorState): void {
    const client = state.client;
    state.client = undefined;
    if (client === undefined || client.exited) return;
    if (state.creation.hosting === "dedicated") {
      void client.terminate();
      return;
    }
    client.post({ t: "dropActor", actorId: state.id });
    this.shared.leave(client, state.id);
  }

  /** The actors on shared host `client` now. */
  actorsOn(client: ActorWorker): ReadonlySet<string> {
    return this.shared.actorsOn(client);
  }

  /** Shared host `client` exited: the actors it held (it is forgotten). */
  exited(client: ActorWorker): readonly string[] {
    return this.shared.exited(client);
  }

  /** Terminates every shared host (dedicated threads are terminated by the manager's shutdown). */
  terminateAll(): Promise<void> {
    return this.shared.terminateAll();
  }
}
