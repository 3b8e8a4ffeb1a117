/**
 * The public functions of `tsray` (`init` is the driver's: driver/init.ts): `shutdown`, `put`, `get`, `wait`,
 * `cancel`, `kill`, `getActor`, `getRuntimeContext`, `clusterResources`,
 * `availableResources`, `getGpuIds`. They check their
 * arguments (throwing `InvalidArgumentError` with what to do instead) and
 * hand the call to this thread's current core: the embedded runtime in the
 * driver, the driver's client in a worker thread.
 */
import { actorDescriptorOf, makeActorHandle } from "./actor-handle.js";
import type { ActorHandle } from "./remote-types.js";
import { runtimeContextOf, type RuntimeContext } from "./runtime-context.js";
import { currentCore, installCore, peekCore, type NodeInfo } from "./core.js";
import { InvalidArgumentError } from "../common/errors.js";
import type { NamedActor } from "../common/task-spec.js";
import { ObjectRef } from "./object-ref.js";
import { ObjectRefGenerator } from "./object-ref-generator.js";
import { generatorTaskOf } from "../common/ids.js";
import { checkInteger, checkOptionKeys, describe } from "../scheduler/options-validation.js";
import { inWorker } from "./stubs.js";

/** Checks an options object against the keys `allowed` knows (throws `InvalidArgumentError`). */
function checkObject(options: unknown, allowed: ReadonlySet<string>, what: string): object {
  return checkOptionKeys(options, [...allowed], what);
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
 * Frees the objects now, on every node that holds a copy, without waiting
 * for their refs to be collected (Ray's `ray._private.internal_api.free`).
 * A later `get` of one rejects with `ObjectFreedError`; an object still
 * being computed is freed as soon as it is ready.
 */
export function free(refs: ObjectRef | readonly ObjectRef[]): void {
  const list = refs instanceof ObjectRef ? [refs] : refs;
  checkRefs(list, "ray.free()");
  currentCore("ray.free()").free(list.map((r) => r.id));
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
 * Cancels the task or actor call that produces `ref`: one still waiting for
 * its arguments, a CPU or its turn (at the caller or at the actor) never runs,
 * and its ref fails with `TaskCancelledError`. A running one is stopped with
 * `force` (its thread is ended; no retry; refused for actor calls); without
 * `force` its ref fails at once, its `getRuntimeContext().signal` aborts and its
 * pending `ray.get`s fail, but synchronous code runs on to its end. Cancelled
 * calls are never retried. A streaming generator (the `ObjectRefGenerator`, or
 * any ref it gave out) is cancelled whole: it stops before its next value (a
 * running one hears its signal), and its iteration ends with a ref whose `get`
 * rejects with `TaskCancelledError`.
 */
export function cancel(ref: ObjectRef | ObjectRefGenerator, options?: CancelOptions): void {
  if (!(ref instanceof ObjectRef) && !(ref instanceof ObjectRefGenerator)) {
    throw new InvalidArgumentError(`ray.cancel() takes an ObjectRef or an ObjectRefGenerator, got ${describe(ref)}.`);
  }
  const o = checkObject(options, new Set(["force", "recursive"]), "ray.cancel()") as CancelOptions;
  // A streaming generator is cancelled whole: through itself, or any of the refs it gave out.
  const generatorTask = ref instanceof ObjectRefGenerator ? ref.completed().id : generatorTaskOf(ref.id);
  const target = generatorTask !== undefined ? new ObjectRef(generatorTask) : ref as ObjectRef;
  currentCore("ray.cancel()").cancel(target, o.force === true, o.recursive !== false);
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
  if (o.namespace !== undefined && (typeof o.namespace !== "string" || o.namespace === "")) {
    throw new InvalidArgumentError(`ray.getActor(): namespace must be a non-empty string, got ${describe(o.namespace)}.`);
  }
  const actor = await currentCore("ray.getActor()").getActor(name, o.namespace);
  return makeActorHandle<C>(actor);
}

/**
 * Inside an actor: ends it once the current call is done (Ray's `ray.actor.exit_actor()`). The
 * call's result is delivered; calls queued behind it fail with `ActorDiedError` saying it
 * exited, and the actor is not restarted whatever its `maxRestarts`. Throws
 * `InvalidArgumentError` outside an actor.
 */
export function exitActor(): void {
  currentCore("ray.exitActor()").exitActor();
}

export interface ListNamedActorsOptions {
  /** List the named actors of every namespace (each with its namespace), not only the current one. */
  readonly allNamespaces?: boolean;
}

/**
 * The live named actors, as Ray's `ray.util.list_named_actors`: their names in
 * the current namespace, or with `{ allNamespaces: true }` every named actor
 * with its namespace.
 */
export async function listNamedActors(options?: { readonly allNamespaces?: false }): Promise<string[]>;
export async function listNamedActors(options: { readonly allNamespaces: true }): Promise<NamedActor[]>;
export async function listNamedActors(options?: ListNamedActorsOptions): Promise<string[] | NamedActor[]>;
export async function listNamedActors(options?: ListNamedActorsOptions): Promise<string[] | NamedActor[]> {
  const o = checkObject(options, new Set(["allNamespaces"]), "ray.listNamedActors()") as ListNamedActorsOptions;
  if (o.allNamespaces !== undefined && typeof o.allNamespaces !== "boolean") {
    throw new InvalidArgumentError(`ray.listNamedActors(): allNamespaces must be a boolean, got ${describe(o.allNamespaces)}.`);
  }
  const core = currentCore("ray.listNamedActors()");
  if (o.allNamespaces === true) return [...(await core.listNamedActors(undefined))];
  const actors = await core.listNamedActors(core.runtimeContext().namespace);
  return actors.map((a) => a.name);
}

/**
 * True inside tsray's worker threads and child-process workers, false in the
 * driver. Workers import the modules that define remote functions, so the
 * top-level code of such a module runs in every worker too: code compiled
 * without the transform guards its program with it, e.g.
 * `if (!ray.isWorker()) await main();` (the transform adds that guard itself).
 */
export function isWorker(): boolean {
  return inWorker;
}

/**
 * Where this code runs (job, node, worker, task, actor, namespace) and, inside a
 * task or actor call, its assigned resources, its actor (`currentActor`,
 * `wasCurrentActorReconstructed`) and its cancellation (`isCanceled()`, `signal`):
 * see api/runtime-context.ts.
 */
export function getRuntimeContext(): RuntimeContext {
  return runtimeContextOf(currentCore("ray.getRuntimeContext()").runtimeContext());
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

/**
 * Every node of the cluster, alive or dead (a dead node stays listed, as in Ray): one node for the
 * embedded local runtime, every node of the cluster after `ray.init({ address })`. Driver only.
 */
export function nodes(): NodeInfo[] {
  const core = currentCore("ray.nodes()");
  if (core.nodes === undefined) throw new InvalidArgumentError("ray.nodes() can only be called in the driver; pass what a task needs as an argument.");
  return core.nodes();
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
