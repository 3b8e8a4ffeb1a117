/**
 * The option shapes users write in `@ray.remote({...})`, `f.options({...})`
 * and `Cls.options({...})`. These types are part of the public contract
 * (API.md) and of the transform's stub contract: change them only additively.
 */

/** A reference to a placement group, as returned by `ray.placementGroup(...)`. */
export interface PlacementGroupLike {
  readonly id: string;
}

export type SchedulingStrategy =
  | "DEFAULT"
  | "SPREAD"
  | { readonly nodeId: string; readonly soft: boolean }
  | {
      readonly placementGroup: PlacementGroupLike;
      /** Which bundle to use; -1 or absent: any bundle of the group. */
      readonly bundleIndex?: number;
      readonly captureChildTasks?: boolean;
    };

/** Custom resources, e.g. `{ Custom: 1, "accelerator:A100": 0.5 }`. */
export type CustomResources = { readonly [name: string]: number };

/**
 * Where a task or actor runs: `"thread"` (default), a worker thread of the driver's
 * process, cheap to start and sharing memory with the driver; or `"process"`, a
 * child process of its own, so memory outside the JS heap (Buffers, native
 * allocations), `process.exit` and native crashes cannot take the driver down.
 * See docs/architecture.md, "What a worker contains".
 */
export type Isolation = "thread" | "process";

/** What a task or actor needs while it runs. */
export interface ResourceOptions {
  /** CPUs to hold while running. Tasks default to 1; actors to 1 for placement and 0 while alive. */
  readonly numCpus?: number;
  /** GPUs to hold; fractions pack onto one device. Amounts above 1 must be whole. */
  readonly numGpus?: number;
  /** Bytes of memory to reserve on the node for scheduling. */
  readonly memory?: number;
  readonly resources?: CustomResources;
}

export interface TaskOptions extends ResourceOptions {
  /** Retries after a system failure (worker crash, node death). Default 3; -1 retries forever. */
  readonly maxRetries?: number;
  /** Also retry when the user's code throws: `true`, or only for these error names. Default false. */
  readonly retryExceptions?: boolean | readonly string[];
  /**
   * How many refs `.remote()` returns. Default 1; `n > 1` returns a tuple of `n` refs.
   * For a generator function the default is `"streaming"` (an `ObjectRefGenerator`);
   * a number `n` makes it a static generator that must yield exactly `n` values.
   */
  readonly numReturns?: number | "streaming";
  /**
   * Streaming generators: how many yielded values may wait unconsumed before the
   * generator pauses (Ray's `_generator_backpressure_num_objects`). Default: no bound.
   */
  readonly generatorBackpressureNumObjects?: number;
  readonly schedulingStrategy?: SchedulingStrategy;
  /** Shown in logs, errors and `tsray status` instead of the function's name. */
  readonly name?: string;
  /** Run in a worker thread (default) or a child process of its own. */
  readonly isolation?: Isolation;
}

export interface ActorOptions extends ResourceOptions {
  /** Restarts after the actor's worker dies. Default 0; -1 restarts forever. */
  readonly maxRestarts?: number;
  /** Retries of a method call that was running when the actor died. Default 0. */
  readonly maxTaskRetries?: number;
  /** Method calls that may run at once (async methods interleave). Default 1. */
  readonly maxConcurrency?: number;
  /** A name to find the actor by with `ray.getActor(name)`. */
  readonly name?: string;
  readonly namespace?: string;
  /** `"detached"`: the actor outlives the driver that created it. */
  readonly lifetime?: "detached" | "non_detached";
  /** With `name`: return the existing actor of that name instead of failing. */
  readonly getIfExists?: boolean;
  readonly schedulingStrategy?: SchedulingStrategy;
  /**
   * `"dedicated"` (default): the actor has a worker thread of its own (≈ 10 MB).
   * `"shared"`: it lives with up to 31 other shared actors on one thread, for
   * thousands of light actors; they share that thread's event loop, heap and
   * fate (a crash of the thread is a crash of each). Refused with `numCpus > 0`
   * or `numGpus > 0`.
   */
  readonly hosting?: ActorHosting;
  /** Live in a worker thread (default) or a child process of its own. */
  readonly isolation?: Isolation;
  /**
   * Named groups of methods, each with how many of its calls may run at once, e.g. `{ io: 2, compute: 1 }`
   * (Ray's concurrency groups). A method joins one with `@ray.method({ concurrencyGroup: "io" })` (or a
   * call with `.options({ concurrencyGroup })`); other methods run in the default group, whose limit is
   * `maxConcurrency`. A busy group does not hold up the others.
   */
  readonly concurrencyGroups?: { readonly [group: string]: number };
}

export type ActorHosting = "dedicated" | "shared";

/** Per-call options of an actor method: `handle.method.options({...}).remote(...)`. */
export interface ActorMethodOptions {
  /** As for tasks: a generator method streams by default; a number makes it return exactly that many refs. */
  readonly numReturns?: number | "streaming";
  /** As for tasks: the bound on yielded values not consumed yet. */
  readonly generatorBackpressureNumObjects?: number;
  /** Shown in logs and errors instead of `Class.method`. */
  readonly name?: string;
  /** Run this call in that concurrency group of the actor (see `ActorOptions.concurrencyGroups`). */
  readonly concurrencyGroup?: string;
}

/** What `@ray.method({...})` sets for an actor method: its default `numReturns` and its concurrency group. */
export interface MethodOptions {
  readonly numReturns?: number;
  readonly concurrencyGroup?: string;
}

/** What `@ray.remote(...)` accepts: the union of both kinds. The target decides which applies. */
export type RemoteOptions = TaskOptions | ActorOptions;
