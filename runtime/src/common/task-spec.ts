/**
 * The task spec: what a call, an actor creation or an actor call is, as plain
 * data. Built once by the API (per remote function and options), carried by
 * every message that submits work (thread ports, child processes and, with the
 * cluster, sockets), and read by the owner, the scheduler and the thread that
 * runs it, so it lives below all of them (Ray's `TaskSpecification`).
 */
import type { ActorHosting, Isolation, ResourceOptions, SchedulingStrategy } from "./options.js";

/**
 * What a task or actor asks the scheduler for, as the user wrote it
 * (validated; absent means default). Plain data: it crosses thread ports.
 */
export interface SchedulingOptions extends ResourceOptions {
  readonly schedulingStrategy?: SchedulingStrategy;
  /** Thread or child-process worker: part of the scheduling class, so the two never share a lease. */
  readonly isolation?: Isolation;
}

/** Task options compiled once from the user's options (defaults filled, validated). */
export interface TaskSpecOptions {
  readonly demand: SchedulingOptions;
  readonly maxRetries: number;
  readonly retryExceptions: boolean | readonly string[];
  readonly numReturns: number;
  readonly name: string;
  /** Set for a streaming generator (then `numReturns` is 1: the ref of its end). */
  readonly streaming?: Streaming | undefined;
}

/**
 * A streaming generator call: the worker reports each yielded value as it is
 * produced (owner/generator-streams.ts). `backpressure`: how many may wait
 * unconsumed before the generator pauses; -1 for no bound.
 */
export interface Streaming {
  readonly backpressure: number;
}

/** Actor options compiled once. */
export interface ActorSpecOptions {
  readonly demand: SchedulingOptions;
  readonly maxRestarts: number;
  readonly maxTaskRetries: number;
  readonly maxConcurrency: number;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly getIfExists: boolean;
  readonly hosting: ActorHosting;
  /** `"detached"`: not ended when its handles are gone (only `ray.kill` ends it). Absent: `"non_detached"`. */
  readonly lifetime?: "detached" | "non_detached" | undefined;
  /** Absent: no groups but the default one. */
  readonly concurrencyGroups?: Readonly<Record<string, number>> | undefined;
  /** `lifetime: "detached"` (absent: not detached). */
  readonly detached?: boolean;
}

export interface RemoteClassInfo extends FnLocation {
  readonly className: string;
  readonly methods: readonly string[];
  /** See `ActorDescriptor.methodReturns`. */
  readonly methodReturns?: Readonly<Record<string, number>> | undefined;
  /** The methods among `methods` that are generator functions (they stream by default); absent when none. */
  readonly generators?: readonly string[] | undefined;
}

/** The codec's portable form of an error; opaque to everything but the codec. */
export type WireError = unknown;

/** Where a remote function or class is defined: a worker imports `url`, then looks `id` up. */
export interface FnLocation {
  readonly id: string;
  readonly url: string;
}

/**
 * A call's arguments: `bytes` encodes the argument array with every top-level
 * `ObjectRef` replaced by `null`; `refIdx[k]` is the position of the k-th such
 * ref and `refIds[k]` its object id. Both are absent when no argument is a ref.
 */
export interface EncodedArgs {
  readonly bytes: Uint8Array;
  readonly refIdx?: readonly number[] | undefined;
  readonly refIds?: readonly string[] | undefined;
}

/**
 * What every call of one remote function with one set of options shares:
 * built once (by `ray.remote` / `.options()`), not per call.
 */
export interface TaskCall {
  readonly fn: FnLocation;
  readonly name: string;
  readonly numReturns: number;
  /** Resources and strategy as the user gave them (validated); the driver's scheduler turns them into a demand. */
  readonly demand: SchedulingOptions;
  readonly maxRetries: number;
  readonly retryExceptions: boolean | readonly string[];
  /** Set for a streaming generator: see `Streaming`. */
  readonly streaming?: Streaming | undefined;
}

/** What a caller (driver or worker) submits to run a remote function. */
export interface TaskSubmission extends TaskCall {
  readonly taskId: string;
  readonly args: EncodedArgs;
  /** The task that submitted this one, if it was submitted from inside a task (for recursive cancel). */
  readonly parentTaskId?: string | undefined;
}

/** A live named actor: its name and the namespace it is registered in (`ray.listNamedActors`). */
export interface NamedActor {
  readonly name: string;
  readonly namespace: string;
}

/** The portable description of an actor, from which any thread builds a handle. */
export interface ActorDescriptor {
  readonly actorId: string;
  readonly className: string;
  readonly methods: readonly string[];
  /** Methods whose calls return several refs (`@ray.method({ numReturns })`), by name; absent when none. */
  readonly methodReturns?: Readonly<Record<string, number>> | undefined;
  /** The generator methods (streaming by default); absent when none. */
  readonly generators?: readonly string[] | undefined;
}

export interface ActorCreation {
  readonly actor: ActorDescriptor;
  readonly cls: FnLocation;
  readonly args: EncodedArgs;
  /** Resources and strategy as the user gave them (Ray's actor rule applies: see scheduler/resource-demand.ts). */
  readonly demand: SchedulingOptions;
  readonly maxRestarts: number;
  readonly maxTaskRetries: number;
  readonly maxConcurrency: number;
  readonly name?: string | undefined;
  readonly namespace: string;
  readonly getIfExists: boolean;
  /** `"shared"`: hosted with other actors on a shared thread (see node/shared-actor-hosts.ts). */
  readonly hosting: "dedicated" | "shared";
  /** Concurrency groups and their limits (`ActorOptions.concurrencyGroups`); absent when none. */
  readonly concurrencyGroups?: Readonly<Record<string, number>> | undefined;
  /** `lifetime: "detached"`: on a node process it outlives its owner (absent: not detached). */
  readonly detached?: boolean;
}

export interface ActorCallSubmission {
  readonly taskId: string;
  readonly actorId: string;
  readonly method: string;
  readonly name: string;
  readonly args: EncodedArgs;
  readonly numReturns: number;
  /** Set for a call of a generator method that streams. */
  readonly streaming?: Streaming | undefined;
  /** Who submitted it: calls from one caller run in submission order. */
  readonly callerId: string;
  /** The concurrency group chosen for this call (`.options({ concurrencyGroup })`); absent: the method's own. */
  readonly group?: string | undefined;
}

/** Arguments that were refs, resolved by the driver: `idx[k]` receives `bytes[k]`. */
export interface ResolvedDeps {
  readonly idx: readonly number[];
  readonly bytes: readonly Uint8Array[];
}

