/**
 * What the thread knows about the call running right now, carried through
 * its async continuations by `AsyncLocalStorage`, so interleaved async tasks
 * (and actor methods with `maxConcurrency > 1`) are told apart: for log
 * labels, for tagging `get` requests with the task that blocks, and for
 * cancellation.
 */
import { AsyncLocalStorage } from "node:async_hooks";

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
