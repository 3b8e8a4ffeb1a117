/**
 * The public `ray.getRuntimeContext()`: the ids of where the code runs (plain
 * data, as before) plus what Ray's runtime context offers about the running
 * task or actor call. The ids are the object's own enumerable properties, so a
 * task may still return its context as a value; the members below are
 * non-enumerable and stay behind.
 *
 * In the driver (Ray's rules): `getAssignedResources()`, `currentActor` and
 * `wasCurrentActorReconstructed` throw `InvalidArgumentError` (they describe a
 * running task or actor); `isCanceled()` is false and `signal` never aborts.
 * In a normal task, `currentActor` and `wasCurrentActorReconstructed` throw.
 */
import type { CoreRuntimeContext, RuntimeContext as RuntimeContextIds } from "../common/context.js";
import { InvalidArgumentError } from "../common/errors.js";
import { makeActorHandle } from "./actor-handle.js";
import type { ActorHandle } from "./remote-types.js";

export interface RuntimeContext extends RuntimeContextIds {
  /**
   * What the running task or actor holds, by resource name in user units, e.g.
   * `{ CPU: 1, GPU: 0.5, Custom: 2 }` (Ray's `get_assigned_resources()`). Plain
   * names, also inside a placement group's bundle. An actor shows what it holds
   * for its life: `{}` for one that asked for nothing (Ray's actor rule).
   */
  getAssignedResources(): Record<string, number>;
  /** A handle to the actor running this code (call it, pass it on). Throws outside an actor. */
  readonly currentActor: ActorHandle<unknown>;
  /** True when this actor instance was restarted after its worker died (`maxRestarts`). Throws outside an actor. */
  readonly wasCurrentActorReconstructed: boolean;
  /** Whether `ray.cancel` reached the running task or actor call. */
  isCanceled(): boolean;
  /**
   * Aborts when the running task or actor call is cancelled (`ray.cancel`), with
   * the `TaskCancelledError` as its reason: hand it to `fetch`, timers, streams,
   * or check `signal.aborted` between steps. Each call has its own.
   */
  readonly signal: AbortSignal;
}

export function runtimeContextOf(core: CoreRuntimeContext): RuntimeContext {
  const { running, ...ids } = core;
  const context = { ...ids } as RuntimeContext;
  const actor = running?.actor;
  const outsideActor = (what: string) =>
    new InvalidArgumentError(
      `getRuntimeContext().${what} is only available inside an actor's constructor or method` +
        (running === undefined ? "; the driver is not an actor." : `, not in task ${ids.taskId ?? ""}.`),
    );
  Object.defineProperties(context, {
    getAssignedResources: {
      value: (): Record<string, number> => {
        if (running === undefined) {
          throw new InvalidArgumentError("getRuntimeContext().getAssignedResources() is only available inside a task or actor; the driver holds no resources.");
        }
        return { ...running.resources };
      },
    },
    currentActor: {
      get: (): ActorHandle<unknown> => {
        if (actor === undefined) throw outsideActor("currentActor");
        return makeActorHandle(actor.descriptor);
      },
    },
    wasCurrentActorReconstructed: {
      get: (): boolean => {
        if (actor === undefined) throw outsideActor("wasCurrentActorReconstructed");
        return actor.reconstructed;
      },
    },
    isCanceled: { value: (): boolean => running?.cancellation?.cancelled === true },
    signal: { get: (): AbortSignal => running?.cancellation?.signal ?? neverAborts() },
  });
  return context;
}

let never: AbortSignal | undefined;

/** The signal of code that no `ray.cancel` can reach (the driver): one shared signal that never aborts. */
function neverAborts(): AbortSignal {
  return (never ??= new AbortController().signal);
}
