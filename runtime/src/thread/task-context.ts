/**
 * What the thread knows about the call running right now, carried through
 * its async continuations by `AsyncLocalStorage`, so interleaved async tasks
 * (and actor methods with `maxConcurrency > 1`) are told apart: for log
 * labels, for tagging `get` requests with the task that blocks, and for
 * cancellation.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ActorDescriptor } from "../common/task-spec.js";

export interface TaskContext {
  readonly taskId: string;
  /** `add`, `Counter.increment`, … as shown in logs and errors. */
  readonly name: string;
  /**
   * Set while this thread imports a module to find a remote function (the
   * context reaches the module's top-level code): API calls made then are the
   * entry-module trap and fail with a clear error instead of recursing.
   */
  readonly importing?: string;
  /** The actor whose constructor or method this is (a shared thread hosts several), for `getRuntimeContext()`. */
  readonly actorId?: string;
  /** GPU devices granted to this task (or its actor), for `ray.getGpuIds()`. */
  readonly gpuIds?: readonly number[] | undefined;
  /** What this task (or its actor) holds, for `getAssignedResources()`; absent: the default task's `{ CPU: 1 }`. */
  readonly resources?: Readonly<Record<string, number>> | undefined;
  /** This task's or actor call's own cancellation (absent while a module is imported). */
  readonly cancellation?: CallCancellation;
  /** The actor whose constructor or method runs, as `currentActor` and `wasCurrentActorReconstructed` show it. */
  readonly actor?: HostedActorInfo;
}

/** What an actor's calls know of it (one object per actor instance, shared by its calls' contexts). */
export interface HostedActorInfo {
  readonly descriptor: ActorDescriptor;
  /** This instance is a restart (Ray's `was_current_actor_reconstructed`). */
  readonly reconstructed: boolean;
  /** What the actor holds for its life (Ray's actor rule: `{}` for an actor that asked for nothing). */
  readonly resources: Readonly<Record<string, number>>;
}

/**
 * The cancellation of one running task or actor call: `ray.cancel` reaches it
 * through the thread's `cancel` message. Each call has its own, so cancelling
 * one of several interleaved calls of an async actor aborts only that one.
 * The `AbortController` is made only when the call reads its signal: most
 * tasks never do, and the hot path stays one small object per task.
 */
export class CallCancellation {
  private controller: AbortController | undefined;
  private reason: Error | undefined;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /** Aborts (with the `TaskCancelledError` as reason) when the call is cancelled; already aborted if it was. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Once; later calls change nothing. */
  cancel(reason: Error): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

export type TaskContextStorage = AsyncLocalStorage<TaskContext>;

export function createTaskContextStorage(): TaskContextStorage {
  return new AsyncLocalStorage<TaskContext>();
}

/**
 * Whether a task's result is to be awaited. Never throws: reading `then` of a
 * revoked Proxy (or through a throwing trap or getter) would, out of the
 * thread's message handler, killing the thread; such a result is not a
 * thenable, and encoding it then fails with a SerializationError that names it.
 */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  if (typeof v !== "object" || v === null) return false;
  try {
    return typeof (v as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}
