/**
 * The error hierarchy users catch. Every class carries a stable `code` that
 * tests and user code may switch on; messages say what to do next.
 *
 * User failures (`TaskError`: the user's own code threw) are kept apart from
 * system failures (a worker, actor, node or object was lost), which extend
 * `SystemError`. All classes are exported from the package root.
 */

export type ErrorCode =
  | "TSRAY_TASK_ERROR"
  | "TSRAY_ACTOR_DIED"
  | "TSRAY_WORKER_CRASHED"
  | "TSRAY_NODE_DIED"
  | "TSRAY_OBJECT_LOST"
  | "TSRAY_OWNER_DIED"
  | "TSRAY_TASK_CANCELLED"
  | "TSRAY_GET_TIMEOUT"
  | "TSRAY_OUT_OF_MEMORY"
  | "TSRAY_SERIALIZATION"
  | "TSRAY_INVALID_ARGUMENT"
  | "TSRAY_NOT_INITIALIZED"
  | "TSRAY_NOT_TRANSFORMED"
  | "TSRAY_ACTOR_NOT_FOUND"
  | "TSRAY_RUNTIME";

/** Base of every error tsray throws. */
export class TsrayError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A task or actor method threw. `cause` is the original error rebuilt on this
 * side (name, message, remote stack); when the failure came through a chain of
 * dependent or nested tasks, `cause` is itself a `TaskError` for the inner task.
 */
export class TaskError extends TsrayError {
  readonly taskName: string;
  constructor(taskName: string, cause: unknown, message?: string) {
    super(
      "TSRAY_TASK_ERROR",
      message ?? `Task ${taskName} failed: ${describeCause(cause)}`,
      { cause },
    );
    this.taskName = taskName;
  }
}

/** Failures of the system rather than of user code. */
export class SystemError extends TsrayError {}

/** The actor is dead: its constructor threw, it was killed, or its worker exited past `maxRestarts`. */
export class ActorDiedError extends SystemError {
  readonly actorId: string;
  constructor(actorId: string, message: string, options?: { cause?: unknown }) {
    super("TSRAY_ACTOR_DIED", message, options);
    this.actorId = actorId;
  }
}

/** The worker running a task exited before the task finished, and retries (`maxRetries`) ran out. */
export class WorkerCrashedError extends SystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TSRAY_WORKER_CRASHED", message, options);
  }
}

/** A node left the cluster (or stopped answering) while it held the task, actor or object. */
export class NodeDiedError extends SystemError {
  readonly nodeId: string;
  constructor(nodeId: string, message: string, options?: { cause?: unknown }) {
    super("TSRAY_NODE_DIED", message, options);
    this.nodeId = nodeId;
  }
}

/** Every copy of an object is gone and it could not be rebuilt from lineage. */
export class ObjectLostError extends SystemError {
  readonly objectId: string;
  constructor(objectId: string, message: string, options?: { cause?: unknown }) {
    super("TSRAY_OBJECT_LOST", message, options);
    this.objectId = objectId;
  }
}

/**
 * The owner of the object is gone, and the object with it: the ref came from
 * an earlier `ray.init()` session, whose runtime `ray.shutdown()` ended.
 */
export class OwnerDiedError extends ObjectLostError {
  override readonly code = "TSRAY_OWNER_DIED";
}

/** The task was cancelled with `ray.cancel` before it produced a value. */
export class TaskCancelledError extends SystemError {
  readonly taskName: string;
  constructor(taskName: string, message?: string) {
    super("TSRAY_TASK_CANCELLED", message ?? `Task ${taskName} was cancelled.`);
    this.taskName = taskName;
  }
}

/** `ray.get(..., { timeout })` ran out of time. The objects may still arrive: get them again later. */
export class GetTimeoutError extends TsrayError {
  readonly timeoutSeconds: number;
  constructor(timeoutSeconds: number, message?: string) {
    super(
      "TSRAY_GET_TIMEOUT",
      message ??
        `ray.get timed out after ${timeoutSeconds} s; the objects are not ready yet. ` +
          "Call ray.get again later, use a longer timeout, or use ray.wait to poll.",
    );
    this.timeoutSeconds = timeoutSeconds;
  }
}

/**
 * A task or actor was killed because it ran out of memory: its worker reached
 * its heap limit (`ray.init({ workerHeapMb })`, or V8's default in a child
 * process). Not retried unless `retryExceptions` is true or names it.
 */
export class OutOfMemoryError extends SystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TSRAY_OUT_OF_MEMORY", message, options);
  }
}

/** A value cannot cross a thread or node boundary (a function, a symbol, an instance of an unknown class, …). */
export class SerializationError extends TsrayError {
  /** Where the value sat, e.g. `argument 2 of add` or `return value of add`, and the path inside it. */
  readonly location: string;
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super("TSRAY_SERIALIZATION", message, options);
    this.location = location;
  }
}

/** An option, argument or call was malformed; nothing was submitted. */
export class InvalidArgumentError extends TsrayError {
  constructor(message: string) {
    super("TSRAY_INVALID_ARGUMENT", message);
  }
}

/** The runtime is not running: call `await ray.init()` first (or again after `ray.shutdown()`). */
export class NotInitializedError extends TsrayError {
  constructor(what: string) {
    super(
      "TSRAY_NOT_INITIALIZED",
      `${what} needs a running tsray runtime: call \`await ray.init()\` first.`,
    );
  }
}

/** `ray.getActor` found no actor by that name in that namespace. */
export class ActorNotFoundError extends TsrayError {
  constructor(name: string, namespace: string) {
    super(
      "TSRAY_ACTOR_NOT_FOUND",
      `No actor named "${name}" in namespace "${namespace}". ` +
        "Create it with Cls.options({ name }).remote(...) first, or check the namespace.",
    );
  }
}

/**
 * `.remote` was reached on something the tsray transform never saw (or that
 * was never wrapped with `ray.remote(...)`).
 */
export class NotTransformedError extends TsrayError {
  constructor(what: string) {
    super(
      "TSRAY_NOT_TRANSFORMED",
      `${what} is not a tsray remote function or class. Either add ` +
        `{ "transform": "@tsray/transformer", "transformProgram": true } to compilerOptions.plugins ` +
        "in tsconfig.json and compile with `tspc`, or wrap it by hand: " +
        "`export const f = ray.remote(function f(...) { ... })` / `export const C = ray.remote(class C { ... })`.",
    );
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
