/**
 * What an owner keeps of one actor it owns (owner/actor-manager.ts): its phase, its worker and
 * node, the calls sent to it (`inFlight`) and not sent yet (`queue`), its restarts, what ends it
 * (`ray.exitActor()`, reference counting) and how it died; and the error of a name clash.
 */
import { InvalidArgumentError, type ActorDiedError } from "../common/errors.js";
import type { ActorCreation, ResolvedDeps } from "../common/task-spec.js";
import type { ActorLeaseSpec, ActorWorker, NodeClient } from "../node/node-client.js";
import type { Grant } from "../scheduler/schedule-request.js";
import type { ActorSubmitQueue, QueuedCall } from "./actor-submit-queue.js";
import type { InFlight } from "./actor-call-cancel.js";
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
  /** Calls in flight when its node died, sent again (before any queued call) once it is placed anew. */
  retryOnStart: Array<{ readonly q: QueuedCall; readonly retries: number }> | undefined;
  /** No handle is left anywhere (reference counting): it ends once its submitted calls are done. */
  outOfScope = false;
  /** Its lease request: plain data, the same for every node asked. */
  readonly spec: ActorLeaseSpec;
  constructor(
    readonly creation: ActorCreation,
    readonly queue: ActorSubmitQueue,
  ) {
    const spec = actorLeaseSpecOf(creation.actor.actorId, creation.actor.className, creation.demand);
    this.spec = creation.detached === true ? { ...spec, detached: true } : spec;
  }
  get id(): string {
    return this.creation.actor.actorId;
  }
}

export function nameClash(creation: ActorCreation): InvalidArgumentError {
  return new InvalidArgumentError(
    `An actor named "${creation.name}" already exists in namespace "${creation.namespace}". ` +
      "Pick another name, use getIfExists: true, or ray.getActor(name).",
  );
}
