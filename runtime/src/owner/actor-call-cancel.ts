/**
 * `ray.cancel` of an actor method call (`ActorManager.cancelCall`). One not
 * sent yet never runs; a sent one fails with `TaskCancelledError` at once and
 * the actor's worker is told: it drops the call if it has not started it,
 * else aborts the call's signal (an async method stops where it listens; a
 * synchronous one runs to its end; a generator method also stops before
 * its next value, and its `ObjectRefGenerator` ends with the error). A cancelled call is never retried (the
 * restart path skips in-flight calls marked `cancelled`).
 */
import { InvalidArgumentError, TaskCancelledError } from "../common/errors.js";
import type { ActorCallSubmission } from "../common/task-spec.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import type { ActorSubmitQueue, QueuedCall } from "./actor-submit-queue.js";

/** A call sent to an actor's worker and not settled yet. */
export interface InFlight {
  readonly q: QueuedCall;
  retries: number;
  /** `ray.cancel` reached it after it was sent: its refs have failed already, and it is never retried. */
  cancelled?: true;
}

/** What cancelling needs of an actor's live state. */
export interface CancellableActor {
  readonly queue: ActorSubmitQueue;
  readonly inFlight: ReadonlyMap<string, InFlight>;
  /** Where the cancel of a sent call goes: the actor's worker (an owned actor), or the route to its node (a foreign call). */
  readonly client: { post(m: CancelPost): void } | undefined;
}

/** What the actor's worker is told when one of its calls is cancelled (the thread side's `cancel`). */
export type CancelPost = Extract<ToWorker, { t: "cancel" }>;

/**
 * Cancels the call `objectId` names (its id, or a return ref `<call id>.<i>` of a call with
 * several returns) among `actors()`; `settleError` fails its refs. Returns the call's id when it
 * had been sent to its worker (only such a call can have submitted tasks), so the caller can
 * cancel what it submitted and what it still submits until it leaves its worker.
 */
export function cancelActorCall(
  actors: () => Iterable<CancellableActor>,
  objectId: string,
  force: boolean,
  settleError: (call: ActorCallSubmission, error: Error) => void,
): string | undefined {
  if (force) {
    throw new InvalidArgumentError("ray.cancel(ref, { force: true }) is not supported for actor method calls; kill the actor with ray.kill instead.");
  }
  const found = cancelOneCall(actors(), objectId, false, settleError);
  if (found !== undefined) return found === "sent" ? objectId : undefined;
  // A ref of a call with several returns is `<call id>.<i>` (common/ids.ts `returnId`).
  const dot = objectId.lastIndexOf(".");
  if (dot > 0 && /^\d+$/.test(objectId.slice(dot + 1))) {
    const callId = objectId.slice(0, dot);
    if (cancelOneCall(actors(), callId, true, settleError) === "sent") return callId;
  }
  return undefined;
}

/**
 * `several`: `taskId` was derived from a return id, so only a call with several returns matches.
 * Where the call was found: still queued here, or sent to its worker; undefined: not pending.
 */
function cancelOneCall(
  actors: Iterable<CancellableActor>,
  taskId: string,
  several: boolean,
  settleError: (call: ActorCallSubmission, error: Error) => void,
): "queued" | "sent" | undefined {
  const accept = (q: QueuedCall) => !several || q.call.numReturns > 1;
  for (const state of actors) {
    const q = state.queue.remove(taskId, accept);
    if (q !== undefined) {
      settleError(q.call, new TaskCancelledError(q.call.name));
      return "queued";
    }
    const f = state.inFlight.get(taskId);
    if (f !== undefined && accept(f.q)) {
      if (f.cancelled === true) return "sent";
      f.cancelled = true;
      settleError(f.q.call, new TaskCancelledError(f.q.call.name));
      state.client?.post({ t: "cancel", taskId, name: f.q.call.name });
      return "sent";
    }
  }
  return undefined;
}
