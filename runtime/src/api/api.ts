/**
 * The public functions of `tsray`: `init`, `shutdown`, `put`, `get`, `wait`,
 * `cancel`, `kill`, `getActor`, `getRuntimeContext`, `clusterResources`,
 * `availableResources`, `getGpuIds`. They check their
 * arguments (throwing `InvalidArgumentError` with what to do instead) and
 * hand the call to this thread's current core: the embedded runtime in the
 * driver, the driver's client in a worker thread.
 */
import { actorDescriptorOf, makeActorHandle, type ActorHandle } from "./actor-handle.js";
import type { RuntimeContext } from "../common/context.js";
import { currentCore, installCore, peekCore } from "./core.js";
import { InvalidArgumentError } from "../common/errors.js";
import { ObjectRef } from "./object-ref.js";
import { checkInteger, checkOptionKeys, describe } from "../scheduler/options-validation.js";
import type { CustomResources } from "../common/options.js";
import { randomHex } from "../common/ids.js";
import { inWorker } from "./stubs.js";

/** Checks an options object against the keys `allowed` knows (throws `InvalidArgumentError`). */
function checkObject(options: unknown, allowed: ReadonlySet<string>, what: string): object {
  return checkOptionKeys(options, [...allowed], what);
}

export interface InitOptions {
  /** CPUs of the local node, and worker threads in its pool. Default: `os.availableParallelism()`. */
  readonly numCpus?: number;
  /** GPUs of the node (whole devices). Default: detected with `nvidia-smi -L`, else 0. */
  readonly numGpus?: number;
  /** Bytes of memory tasks and actors may reserve with `memory`. Default: 70% of `os.totalmem()`. */
  readonly memory?: number;
  /** Custom resources of the node, e.g. `{ Custom: 2 }`. */
  readonly resources?: CustomResources;
  /**
   * Where tasks and actors granted GPUs run: `"thread"` (default; a pool thread,
   * which cannot isolate devices: `ray.getGpuIds()` tells the code which to use)
   * or `"process"` (a child process whose `CUDA_VISIBLE_DEVICES` is exactly its GPU ids).
   */
  readonly gpuWorkers?: "thread" | "process";
  /**
   * The JavaScript heap of each worker (thread or child process), in MB, at least 16:
   * a task or actor that outgrows it ends its worker with `OutOfMemoryError` (not
   * retried by default) instead of growing the driver's process. Default: V8's limit.
   * Memory outside the heap (Buffers) is not counted: use `isolation: "process"` for that.
   */
  readonly workerHeapMb?: number;
  /** Namespace for named actors. Default: a fresh anonymous namespace, as in Ray. */
  readonly namespace?: string;
  /** Joining a running cluster; not supported by the local runtime yet. */
  readonly address?: string;
  /** Do not fail when the runtime is already running. */
  readonly ignoreReinitError?: boolean;
}

export interface GetOptions {
  /** Seconds to wait at most; then `GetTimeoutError`. Absent: wait as long as it takes. */
  readonly timeout?: number;
}

export interface WaitOptions {
  /** How many ready refs to wait for. Default 1. */
  readonly numReturns?: number;
  /** Seconds to wait at most; then return what is ready. */
  readonly timeout?: number;
  /** Accepted for Ray compatibility; objects are always local on one node. */
  readonly fetchLocal?: boolean;
}

export interface CancelOptions {
  /** Stop a running task by ending its worker thread (not retried). Default false. */
  readonly force?: boolean;
  /** Also cancel the tasks it submitted. Default true. */
  readonly recursive?: boolean;
}

export interface KillOptions {
  /** Default true: the actor is not restarted even if `maxRestarts` allows. */
  readonly noRestart?: boolean;
}

type InitModules = [typeof import("../node/node-detect.js"), typeof import("../scheduler/node-totals.js"), typeof import("../node/prestart.js")];
let initModules: Promise<InitModules> | undefined;

/** The modules `init()` needs before it can start the pool's threads (driver only; imported once). */
function importInitModules(): Promise<InitModules> {
  return (initModules ??= Promise.all([import("../node/node-detect.js"), import("../scheduler/node-totals.js"), import("../node/prestart.js")]));
}

// Imported as soon as the driver imports tsray, so that `init()` finds them loaded and creates
// the first thread at once; threads never call `init()`, so never load them. A failure surfaces
// in `init()`: the catch only keeps a program that never calls it from an unhandled rejection.
if (!inWorker) importInitModules().catch(() => {});

const initKeys = new Set(["numCpus", "numGpus", "memory", "resources", "gpuWorkers", "namespace", "address", "ignoreReinitError", "workerHeapMb"]);
/** Below this V8 cannot even load a worker's runtime. */
const MIN_WORKER_HEAP_MB = 16;

/** Starts the embedded local runtime (a pool of worker threads). Inside a worker it does nothing. */
export async function init(options?: InitOptions): Promise<void> {
  if (inWorker) return;
  const o = checkObject(options, initKeys, "ray.init()") as InitOptions;
  if (o.address !== undefined) {
    throw new InvalidArgumentError(
      `ray.init(): joining a cluster (address ${JSON.stringify(o.address)}) is not supported by this build; ` +
        "call ray.init() without an address to start the embedded local runtime.",
    );
  }
  if (o.gpuWorkers !== undefined && o.gpuWorkers !== "thread" && o.gpuWorkers !== "process") {
    throw new InvalidArgumentError(`ray.init(): gpuWorkers must be "thread" or "process", got ${describe(o.gpuWorkers)}.`);
  }
  if (o.workerHeapMb !== undefined) checkInteger(o.workerHeapMb, "workerHeapMb", "ray.init()", MIN_WORKER_HEAP_MB);
  if (o.namespace !== undefined && (typeof o.namespace !== "string" || o.namespace === "")) {
    throw new InvalidArgumentError(`ray.init(): namespace must be a non-empty string, got ${describe(o.namespace)}.`);
  }
  // Driver-only modules, imported dynamically so that `import "tsray"` stays small in worker threads.
  // The pool's threads start first (small modules), so their boot overlaps loading the driver's runtime.
  const [{ detectGpuIds, detectResources }, { nodeTotals }, { newDriverIdentity, prestartThreads }] = await importInitModules();
  // Validates every option; GPUs (nvidia-smi) come later, detected while the runtime loads.
  const withoutGpus = nodeTotals(o, detectResources(), "ray.init()");
  if (peekCore() !== undefined) {
    if (o.ignoreReinitError === true) return;
    throw new InvalidArgumentError(
      "ray.init() was called twice; call ray.shutdown() first, or pass ignoreReinitError: true.",
    );
  }
  const namespace = o.namespace ?? `anonymous-${randomHex(4)}`;
  const identity = newDriverIdentity();
  const threads = Math.max(1, Math.ceil(Number(withoutGpus.totals.toJSON()["CPU"] ?? 0)));
  const prestarted = prestartThreads(identity, namespace, threads, { heapMb: o.workerHeapMb });
  // Loaded here, not at the top: worker threads import this module but never the driver's runtime.
  let DriverRuntime: typeof import("../driver/driver-runtime.js").DriverRuntime;
  let gpuIds: readonly number[];
  try {
    [{ DriverRuntime }, gpuIds] = await Promise.all([
      import("../driver/driver-runtime.js"),
      o.numGpus === undefined ? detectGpuIds(process.env) : Promise.resolve([]),
    ]);
    if (peekCore() !== undefined) throw new InvalidArgumentError("ray.init() was called twice at once.");
  } catch (e) {
    await Promise.all(prestarted.map((t) => t.client.terminate()));
    throw e;
  }
  const node = gpuIds.length === 0 ? withoutGpus : nodeTotals(o, detectResources(gpuIds), "ray.init()");
  installCore(
    new DriverRuntime({ node, gpuWorkers: o.gpuWorkers ?? "thread", namespace, identity, prestarted, workerHeapMb: o.workerHeapMb }),
  );
}

/** Stops the runtime: worker threads end, pending gets fail; the process can then exit on its own. */
export async function shutdown(): Promise<void> {
  const core = peekCore();
  if (core === undefined) return;
  if (inWorker) return core.shutdown();
  installCore(undefined);
  await core.shutdown();
}

export function isInitialized(): boolean {
  return peekCore() !== undefined;
}

/** Stores `value` (a copy: later changes to it are not seen) and returns a ref to it. */
export function put<T>(value: T): ObjectRef<T> {
  if (value instanceof ObjectRef) {
    throw new InvalidArgumentError("ray.put() of an ObjectRef: pass the ref itself where it is needed instead.");
  }
  return currentCore("ray.put()").put(value) as ObjectRef<T>;
}

export type ValuesOf<R extends readonly ObjectRef<unknown>[]> = {
  -readonly [K in keyof R]: R[K] extends ObjectRef<infer T> ? T : never;
};

const getKeys = new Set(["timeout"]);

/**
 * The value of one ref, or the values of a list of refs in order. Rejects as
 * soon as any ref holds an error (with that error), or with `GetTimeoutError`
 * after `timeout` seconds.
 */
export function get<T>(ref: ObjectRef<T>, options?: GetOptions): Promise<T>;
export function get<const R extends readonly ObjectRef<unknown>[]>(refs: R, options?: GetOptions): Promise<ValuesOf<R>>;
export function get(refs: ObjectRef | readonly ObjectRef[], options?: GetOptions): Promise<unknown> {
  try {
    const timeout = timeoutOf(checkObject(options, getKeys, "ray.get()") as GetOptions, "ray.get()");
    const core = currentCore("ray.get()");
    if (refs instanceof ObjectRef) return core.getOne(refs, timeout);
    checkRefs(refs, "ray.get()");
    return core.get(refs, timeout);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/**
 * Waits until `numReturns` of `refs` are ready (a failed task counts as
 * ready) or `timeout` seconds pass. Resolves to `[ready, notReady]`: at most
 * `numReturns` ready refs in input order, and every other ref.
 */
export async function wait<R extends ObjectRef<unknown>>(refs: readonly R[], options?: WaitOptions): Promise<[R[], R[]]> {
  checkRefs(refs, "ray.wait()");
  const o = checkObject(options, new Set(["numReturns", "timeout", "fetchLocal"]), "ray.wait()") as WaitOptions;
  const timeout = timeoutOf(o, "ray.wait()");
  if (o.fetchLocal !== undefined && typeof o.fetchLocal !== "boolean") {
    throw new InvalidArgumentError(`ray.wait(): fetchLocal must be a boolean, got ${describe(o.fetchLocal)}.`);
  }
  if (refs.length === 0) return [[], []];
  const numReturns = o.numReturns === undefined ? 1 : checkInteger(o.numReturns, "numReturns", "ray.wait()", 1);
  if (numReturns > refs.length) {
    throw new InvalidArgumentError(
      `ray.wait(): numReturns (${numReturns}) is larger than the number of refs (${refs.length}).`,
    );
  }
  const seen = new Set<string>();
  for (const r of refs) {
    if (seen.has(r.id)) throw new InvalidArgumentError(`ray.wait(): the list has ${r.id} more than once; pass each ref once.`);
    seen.add(r.id);
  }
  const flags = await currentCore("ray.wait()").wait(refs, numReturns, timeout);
  const ready: R[] = [];
  const notReady: R[] = [];
  for (let i = 0; i < refs.length; i++) (flags[i] ? ready : notReady).push(refs[i]!);
  return [ready, notReady];
}

/**
 * Cancels the task that produces `ref`: a task still waiting for its
 * arguments or a CPU is dropped and its ref fails with `TaskCancelledError`.
 * A running task is stopped with `force` (its thread is ended; no retry);
 * without `force` cancellation is best effort: its ref fails at once, its
 * pending `ray.get`s fail, but synchronous code runs on to its end.
 */
export function cancel(ref: ObjectRef, options?: CancelOptions): void {
  if (!(ref instanceof ObjectRef)) throw new InvalidArgumentError(`ray.cancel() takes an ObjectRef, got ${describe(ref)}.`);
  const o = checkObject(options, new Set(["force", "recursive"]), "ray.cancel()") as CancelOptions;
  currentCore("ray.cancel()").cancel(ref, o.force === true, o.recursive !== false);
}

/** Ends an actor at once: its pending and later calls fail with `ActorDiedError`. */
export function kill(handle: ActorHandle<unknown>, options?: KillOptions): void {
  const actor = actorDescriptorOf(handle);
  if (actor === undefined) throw new InvalidArgumentError(`ray.kill() takes an ActorHandle, got ${describe(handle)}.`);
  const o = checkObject(options, new Set(["noRestart"]), "ray.kill()") as KillOptions;
  currentCore("ray.kill()").kill(actor, o.noRestart !== false);
}

/** The named actor, from the current namespace or the one given; `ActorNotFoundError` if there is none. */
export async function getActor<C = unknown>(name: string, options?: { readonly namespace?: string }): Promise<ActorHandle<C>> {
  if (typeof name !== "string" || name === "") {
    throw new InvalidArgumentError(`ray.getActor() needs a non-empty name, got ${describe(name)}.`);
  }
  const o = checkObject(options, new Set(["namespace"]), "ray.getActor()") as { namespace?: string };
  const actor = await currentCore("ray.getActor()").getActor(name, o.namespace);
  return makeActorHandle<C>(actor);
}

export function getRuntimeContext(): RuntimeContext {
  return currentCore("ray.getRuntimeContext()").runtimeContext();
}

/** The node's resources in all, e.g. `{ CPU: 8, GPU: 1, memory: 1.2e10, Custom: 2 }` (driver only for now). */
export function clusterResources(): Record<string, number> {
  return currentCore("ray.clusterResources()").clusterResources();
}

/**
 * What is free right now: totals minus what running tasks and live actors hold
 * and placement groups reserve; resources with nothing free are left out, as in Ray.
 */
export function availableResources(): Record<string, number> {
  return currentCore("ray.availableResources()").availableResources();
}

/** GPU device ids granted to the running task or actor (e.g. `[0]`); `[]` in the driver or without GPUs. */
export function getGpuIds(): number[] {
  return currentCore("ray.getGpuIds()").gpuIds();
}

function timeoutOf(options: { readonly timeout?: number } | undefined, what: string): number | undefined {
  const t = options?.timeout;
  if (t === undefined || t === null) return undefined;
  if (typeof t !== "number" || Number.isNaN(t) || t < 0) {
    throw new InvalidArgumentError(`${what}: timeout must be a number of seconds ≥ 0, got ${describe(t)}.`);
  }
  return t === Infinity ? undefined : t;
}

function checkRefs(refs: unknown, what: string): asserts refs is readonly ObjectRef[] {
  if (!Array.isArray(refs)) {
    throw new InvalidArgumentError(`${what} takes an ObjectRef or a list of them, got ${describe(refs)}.`);
  }
  for (let i = 0; i < refs.length; i++) {
    if (!(refs[i] instanceof ObjectRef)) {
      throw new InvalidArgumentError(`${what}: item ${i} of the list is ${describe(refs[i])}, not an ObjectRef.`);
    }
  }
}
