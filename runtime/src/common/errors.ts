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
  | "TSRAY_TASK_UNSCHEDULABLE"
  | "TSRAY_OBJECT_LOST"
  | "TSRAY_OWNER_DIED"
  | "TSRAY_OBJECT_FREED"
  | "TSRAY_TASK_CANCELLED"
  | "TSRAY_GET_TIMEOUT"
  | "TSRAY_OUT_OF_MEMORY"
  | "TSRAY_SERIALIZATION"
  | "TSRAY_INVALID_ARGUMENT"
  | "TSRAY_NOT_INITIALIZED"
  | "TSRAY_NOT_TRANSFORMED"
  | "TSRAY_MODULE_LOAD"
  | "TSRAY_ACTOR_NOT_FOUND"
  | "TSRAY_QUEUE_EMPTY"
  | "TSRAY_QUEUE_FULL"
  | "TSRAY_RUNTIME"
  | "TSRAY_CONNECTION_CLOSED"
  | "TSRAY_AUTHENTICATION"
  | "TSRAY_PROTOCOL_VERSION";

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
 *
 * A chain stays small however long it is (a task may wrap its failed
 * argument's error, or its failed child's, a hundred thousand times over), as
 * Ray keeps the root cause and the path:
 * - the message is this task's name, the root cause (`Name: message`, cut at
 *   {@link MAX_ROOT_CAUSE_TEXT} characters) and, for a chain, the task path
 *   (its first and last {@link TASK_PATH_ENDS} names) — never the inner messages;
 * - `taskPath` holds at most 2 × {@link TASK_PATH_ENDS} names, `taskDepth` the
 *   full count;
 * - the `cause` chain holds at most {@link MAX_TASK_ERRORS_IN_CHAIN} TaskErrors
 *   (this one included), and always the inner task's as `cause`; the last one
 *   has the root cause as its cause. Where it is cut, the inner TaskError kept
 *   is a copy (the original is left as it is: other gets may hold it).
 * So each wrapping costs the same, and a chain's size does not grow with its length.
 * A TaskError's own `stack` is its first line alone: the frames that matter
 * are the root cause's, where the task threw.
 */
export class TaskError extends TsrayError {
  readonly taskName: string;
  /**
   * Task names from this task (first) to the task whose own code threw
   * (last). When `taskDepth` exceeds 2 × {@link TASK_PATH_ENDS}, only the first
   * and the last {@link TASK_PATH_ENDS} are kept (`taskDepth - taskPath.length` are left out between them).
   */
  readonly taskPath: readonly string[];
  /** How many tasks the failure went through, this one and the one that threw included. */
  readonly taskDepth: number;
  constructor(taskName: string, cause: unknown, message?: string) {
    const inner = cause instanceof TaskError ? cause : undefined;
    const depth = inner === undefined ? 1 : depthOf(inner) + 1;
    const path = inner === undefined ? [taskName] : extendPath(taskName, inner, depth);
    // Its own stack would only show where the driver noticed the failure
    // (the stack that matters is the root cause's, thrown in the task), and
    // capturing and formatting one per wrapping is most of a chain's cost.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(
        "TSRAY_TASK_ERROR",
        message ?? taskErrorMessage(taskName, rootCauseOf(cause), path, depth),
        { cause: inner === undefined ? cause : trimChain(inner) },
      );
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.taskName = taskName;
    this.taskPath = path;
    this.taskDepth = depth;
  }

  /** The error the innermost task's own code threw (the end of the `cause` chain's TaskErrors). */
  get rootCause(): unknown {
    return rootCauseOf(this.cause);
  }
}

/** How many task names `TaskError.taskPath` and its message keep at each end of a long path. */
export const TASK_PATH_ENDS = 8;
/** How many TaskErrors one `cause` chain keeps, the outermost included. */
export const MAX_TASK_ERRORS_IN_CHAIN = 4;
/** How much of the root cause's `Name: message` a TaskError's message repeats. */
export const MAX_ROOT_CAUSE_TEXT = 2000;

/** The first cause that is not a TaskError (followed through at most a chain's worth of TaskErrors, and a bounded walk for chains built by hand). */
function rootCauseOf(cause: unknown): unknown {
  let c = cause;
  for (let steps = 0; c instanceof TaskError && steps < 10_000; steps++) c = causeOf(c);
  return c;
}

function causeOf(error: Error): unknown {
  try {
    return error.cause;
  } catch (e) {
    return e; // a hostile getter: what it threw stands for the cause
  }
}

/** `inner.taskDepth`, or 1 for a TaskError rebuilt without it (an older sender, a hand-built one). */
function depthOf(inner: TaskError): number {
  const d: unknown = inner.taskDepth;
  return typeof d === "number" && Number.isSafeInteger(d) && d >= 1 ? d : 1;
}

/** `taskName` in front of the inner error's path, keeping both ends once the path is long. */
function extendPath(taskName: string, inner: TaskError, depth: number): string[] {
  const p: unknown = inner.taskPath;
  const innerPath = Array.isArray(p) && p.every((n) => typeof n === "string") ? (p as string[]) : [String(inner.taskName)];
  const full = innerPath.length === depth - 1; // nothing left out yet
  if (full && depth <= 2 * TASK_PATH_ENDS) return [taskName, ...innerPath];
  const head = full ? innerPath.slice(0, TASK_PATH_ENDS - 1) : innerPath.slice(0, Math.min(TASK_PATH_ENDS - 1, innerPath.length - TASK_PATH_ENDS));
  return [taskName, ...head, ...innerPath.slice(Math.max(0, innerPath.length - TASK_PATH_ENDS))];
}

/**
 * The chain below a new TaskError: `inner` itself while it holds fewer than
 * {@link MAX_TASK_ERRORS_IN_CHAIN} TaskErrors, else a copy of `inner` whose
 * cause is the root cause. Cutting back to one (rather than to the most that
 * fit) copies one error every few wrappings instead of several at each.
 */
function trimChain(inner: TaskError): unknown {
  let c: unknown = inner;
  for (let n = 0; c instanceof TaskError; n++) {
    if (n === MAX_TASK_ERRORS_IN_CHAIN - 1) return withCause(inner, rootCauseOf(c));
    c = causeOf(c);
  }
  return inner;
}

/** A copy of `error` (same prototype, own properties as values) with another `cause`. */
function withCause(error: TaskError, cause: unknown): TaskError {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as TaskError;
  for (const key of Reflect.ownKeys(error)) {
    if (key === "cause") continue;
    let value: unknown;
    let enumerable = false;
    try {
      value = (error as unknown as Record<PropertyKey, unknown>)[key];
      enumerable = Object.prototype.propertyIsEnumerable.call(error, key);
    } catch {
      value = `[reading ${String(key)} threw]`;
    }
    Object.defineProperty(copy, key, { value, writable: true, enumerable, configurable: true });
  }
  Object.defineProperty(copy, "cause", { value: cause, writable: true, enumerable: false, configurable: true });
  return copy;
}

/** `Task <name> failed: <root cause>`, plus the path when the failure went through other tasks. */
function taskErrorMessage(taskName: string, root: unknown, path: readonly string[], depth: number): string {
  let text = describeCause(root);
  if (text.length > MAX_ROOT_CAUSE_TEXT) text = `${text.slice(0, MAX_ROOT_CAUSE_TEXT)}… (${text.length - MAX_ROOT_CAUSE_TEXT} more characters in rootCause)`;
  const head = `Task ${taskName} failed: ${text}`;
  if (depth === 1) return head;
  const left = depth - path.length;
  const names =
    left <= 0
      ? path.join(" → ")
      : `${path.slice(0, TASK_PATH_ENDS).join(" → ")} → … ${left} more … → ${path.slice(TASK_PATH_ENDS).join(" → ")}`;
  return `${head}\n  through ${depth} tasks, outermost first: ${names}`;
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

/**
 * The task can never be scheduled, and failed at once rather than waiting: its hard node affinity
 * names a node that is not (or no longer) in the cluster, as Ray's `TaskUnschedulableError`.
 */
export class TaskUnschedulableError extends SystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TSRAY_TASK_UNSCHEDULABLE", message, options);
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

/**
 * The object was freed with `ray.free()` (its copies on every node are gone); a
 * subclass of `ObjectLostError`, as Ray's `ObjectFreedError`.
 */
export class ObjectFreedError extends ObjectLostError {
  override readonly code = "TSRAY_OBJECT_FREED";
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

/** A `ray.Queue` had no item to give: `getNowait`, or `get` whose `timeout` ran out (Ray's `queue.Empty`). */
export class Empty extends TsrayError {
  constructor(message = "The queue is empty. Use get() to wait for an item, or check empty() first.") {
    super("TSRAY_QUEUE_EMPTY", message);
  }
}

/** A `ray.Queue` had no room: `putNowait`, or `put` whose `timeout` ran out (Ray's `queue.Full`). */
export class Full extends TsrayError {
  constructor(message = "The queue is full. Use put() to wait for room, or check full() first.") {
    super("TSRAY_QUEUE_FULL", message);
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
        `{ "transform": "@tsray/transformer", "transformProgram": true, "name": "@tsray/transformer" } to compilerOptions.plugins ` +
        "in tsconfig.json (the same entry serves tspc and the editor) and compile with `tspc`, or wrap it by hand: " +
        "`export const f = ray.remote(function f(...) { ... })` / `export const C = ray.remote(class C { ... })`.",
    );
  }
}

/**
 * The module that defines a remote function or class failed to load in a
 * worker: it threw while it was evaluated there, or the worker could not
 * find or read it. Not transient, so never retried (not even with
 * `retryExceptions: true`): the same import fails the same way every time.
 * `cause` is the import's own error; `moduleUrl` is what was imported.
 */
export class ModuleLoadError extends TsrayError {
  readonly moduleUrl: string;
  constructor(moduleUrl: string, id: string, cause: unknown) {
    super(
      "TSRAY_MODULE_LOAD",
      `The module ${moduleUrl} (which defines ${id}) failed to load in a tsray worker: ${describeCause(cause)}. ` +
        "Every worker that runs one of its remote functions or classes imports it. If it loads in the driver, " +
        "look for top-level code that fails in a worker (put it behind `if (!ray.isWorker())`), " +
        "or a file or package the worker cannot find. Not retried: the same import would fail again.",
      { cause },
    );
    this.moduleUrl = moduleUrl;
  }
}

function describeCause(cause: unknown): string {
  try {
    if (cause instanceof Error) return `${String(cause.name)}: ${String(cause.message)}`;
    return String(cause);
  } catch {
    // A hostile error (its `name` or `message` getter throws): say so instead of failing to report it.
    return "[an error whose name or message could not be read: its getter threw]";
  }
}

/**
 * A connection to a peer (a worker thread, a child process, another node) is closed: a message was
 * sent on it after it closed, or (as a close event's `error`) the peer ended without closing it;
 * `cause` is then what the peer died of, when known. See protocol/connection.ts.
 */
export class ConnectionClosedError extends SystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TSRAY_CONNECTION_CLOSED", message, options);
  }
}

/**
 * A cluster connection (node, driver, `tsray` command) was refused because its token did not match
 * the cluster's (or one was needed and none was given). Nothing was sent on it.
 */
export class AuthenticationError extends TsrayError {
  constructor(message: string) {
    super("TSRAY_AUTHENTICATION", message);
  }
}

/** The two ends of a cluster connection speak different protocol versions (different tsray releases). */
export class ProtocolVersionError extends TsrayError {
  readonly localVersion: number;
  readonly remoteVersion: number | undefined;
  constructor(message: string, localVersion: number, remoteVersion: number | undefined) {
    super("TSRAY_PROTOCOL_VERSION", message);
    this.localVersion = localVersion;
    this.remoteVersion = remoteVersion;
  }
}
