/**
 * `Core`: what the public API needs from whichever runtime serves this thread.
 * The driver thread runs the embedded local runtime (`runtime.ts`); a worker
 * thread runs a client that forwards to the driver (`worker/thread-core.ts`).
 *
 * The one current core per thread lives here. That is the nature of a
 * module-level API (`ray.get`, `f.remote()`, …, like Ray's global worker);
 * everything below the API gets its collaborators passed in.
 */
import type { ActorHandleBase } from "./actor-handle.js";
import type { RuntimeContext } from "./context.js";
import { NotInitializedError } from "./errors.js";
import type { ObjectRef } from "./object-ref.js";
import type { ActorDescriptor, FnLocation } from "./worker/protocol.js";

/** Task options compiled once from the user's options (defaults filled, validated). */
export interface TaskSpecOptions {
  readonly numCpus: number;
  readonly numGpus: number;
  readonly resources: Readonly<Record<string, number>> | undefined;
  readonly maxRetries: number;
  readonly retryExceptions: boolean | readonly string[];
  readonly numReturns: number;
  readonly name: string;
}

/** Actor options compiled once. `numCpus` is what the live actor holds. */
export interface ActorSpecOptions {
  readonly numCpus: number;
  readonly maxRestarts: number;
  readonly maxTaskRetries: number;
  readonly maxConcurrency: number;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly getIfExists: boolean;
}

export interface RemoteClassInfo extends FnLocation {
  readonly className: string;
  readonly methods: readonly string[];
}

export interface Core {
  /** Returns one ref, or an array of `numReturns` refs when it is above 1. */
  submitTask(fn: FnLocation, args: readonly unknown[], options: TaskSpecOptions): ObjectRef | ObjectRef[];
  createActor(cls: RemoteClassInfo, args: readonly unknown[], options: ActorSpecOptions): ActorHandleBase;
  submitActorTask(
    actor: ActorDescriptor,
    method: string,
    args: readonly unknown[],
    numReturns: number,
    name: string,
  ): ObjectRef | ObjectRef[];
  put(value: unknown): ObjectRef;
  /** Values in order; rejects as soon as one ref holds an error, or with `GetTimeoutError`. */
  get(refs: readonly ObjectRef[], timeoutS: number | undefined): Promise<unknown[]>;
  getOne(ref: ObjectRef, timeoutS: number | undefined): Promise<unknown>;
  /** Readiness per input ref (validated by the caller): true for at most `numReturns` of them. */
  wait(refs: readonly ObjectRef[], numReturns: number, timeoutS: number | undefined): Promise<readonly boolean[]>;
  cancel(ref: ObjectRef, force: boolean, recursive: boolean): void;
  kill(actor: ActorDescriptor, noRestart: boolean): void;
  getActor(name: string, namespace: string | undefined): Promise<ActorDescriptor>;
  runtimeContext(): RuntimeContext;
  shutdown(): Promise<void>;
}

let current: Core | undefined;

export function currentCore(what: string): Core {
  if (current === undefined) throw new NotInitializedError(what);
  return current;
}

export function peekCore(): Core | undefined {
  return current;
}

export function installCore(core: Core | undefined): void {
  current = core;
}
