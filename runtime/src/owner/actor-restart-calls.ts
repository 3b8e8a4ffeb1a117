/**
 * What becomes of an actor's calls in flight when its instance is lost and it restarts
 * (owner/actor-manager.ts `lost`): a cancelled call is let go, a call with retries left
 * (`maxTaskRetries`, -1: always) runs again on the new instance, and any other call fails with
 * `ActorDiedError` saying the actor is restarting. A streaming call that yielded values is never
 * run again (its values were seen: owner/generator-streams.ts).
 */
import { ActorDiedError } from "../common/errors.js";
import type { ActorCallSubmission } from "../common/task-spec.js";
import type { InFlight } from "./actor-call-cancel.js";
import type { ActorState } from "./actor-state.js";

export interface RestartCallsDeps {
  readonly streamStarted: ((taskId: string) => boolean) | undefined;
  /** A cancelled call left the actor. */
  readonly left: (f: InFlight) => void;
  readonly settleError: (call: ActorCallSubmission, error: Error) => void;
}

/** Empties `state.inFlight`; returns the calls to send again, in the order they were sent. */
export function callsToRetry(state: ActorState, why: string, error: Error | undefined, d: RestartCallsDeps): InFlight[] {
  const retry: InFlight[] = [];
  const maxTask = state.creation.maxTaskRetries;
  const { actorId, className } = state.creation.actor;
  for (const f of state.inFlight.values()) {
    if (f.cancelled === true) {
      d.left(f);
      continue;
    }
    const seen = f.q.call.streaming !== undefined && d.streamStarted?.(f.q.call.taskId) === true;
    if (!seen && (maxTask === -1 || f.retries < maxTask)) retry.push(f);
    else {
      const message = `Actor ${className} (${actorId}) died while running ${f.q.call.name}: ${why}; it is restarting. Set maxTaskRetries to retry such calls.`;
      d.settleError(f.q.call, new ActorDiedError(actorId, message, { cause: error }));
    }
  }
  state.inFlight.clear();
  return retry;
}
