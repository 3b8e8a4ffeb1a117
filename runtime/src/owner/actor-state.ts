/**
 * An actor's record in its owner (owner/actor-manager.ts): its phase, its
 * worker, the calls sent to it and not settled (`inFlight`) and those not sent
 * yet (`queue`), its lease and what ends it (restarts used, `ray.exitActor()`,
 * reference counting).
 */
import type { ActorDiedError } from "../common/errors.js";
import type { ActorCreation, ResolvedDeps } from "../common/task-spec.js";
import type { ActorLeaseSpec, ActorWorker, NodeClient } from "../node/node-client.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { InFlight } from "./actor-call-cancel.js";
import type { ActorSubmitQueue } from "./actor-submit-queue.js";
import { actorLeaseSpecOf } from "./schedulable.js";

export class ActorState {
  phase: "pending" | "running" | "dead" = "pending";
  ctorDeps: ResolvedDeps | undefined;
  client: ActorWorker | undefined;
  readonly inFlight = new Map<string, InFlight>();
  restarts = 0;
  /** What its node granted (held until the actor dies), and that node. */
  grant: Grant<unknown> | undefined;
  node: NodeClient | undefined;
  /** The node its lease request waits at, while it waits. */
  queuedAt: NodeClient | undefined;
  death: ActorDiedError | undefined;
  noRestart = false;
  /** `ray.exitActor()` ran in this call: the actor dies once it is done. */
  exitAfter: string | undefined = undefined;
  /** No handle is left anywhere (reference counting): it ends once its submitted calls are done. */
  outOfScope = false;
  /** Its lease request: plain data, the same for every node asked. */
  readonly spec: ActorLeaseSpec;
  constructor(
    readonly creation: ActorCreation,
    readonly queue: ActorSubmitQueue,
  ) {
    this.spec = actorLeaseSpecOf(creation.actor.actorId, creation.actor.className, creation.demand);
  }
  get id(): string {
    return this.creation.actor.actorId;
  }
}
