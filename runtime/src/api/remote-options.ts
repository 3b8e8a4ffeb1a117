/**
 * Compiles the user's option objects (`@ray.remote({...})`, `.options({...})`)
 * into filled-in spec options, once, at the call site. Validation is
 * `scheduler/options-validation.ts` (the one place the rules live); this
 * module only merges options over the decorator's and fills defaults.
 *
 * Resource options stay as the user wrote them (`SchedulingOptions`): the
 * scheduler turns them into demands, and for actors whether an option was
 * given at all matters (Ray's rule: an actor that asks for nothing holds 0 CPU
 * while alive). A placement group in `schedulingStrategy` is reduced to its
 * id, so the options cross to the driver from worker threads as plain data.
 */
import type { ActorSpecOptions, SchedulingOptions, Streaming, TaskSpecOptions } from "../common/task-spec.js";
import { InvalidArgumentError } from "../common/errors.js";
import type { ActorMethodOptions, ActorOptions, SchedulingStrategy, TaskOptions } from "../common/options.js";
import { validateActorMethodOptions, validateActorOptions, validateTaskOptions } from "../scheduler/options-validation.js";

/** A generator function streams by default (Ray's `num_returns="streaming"`), without a backpressure bound. */
export function defaultTaskOptions(name: string, generator = false): TaskSpecOptions {
  return { demand: {}, maxRetries: 3, retryExceptions: false, numReturns: 1, name, ...(generator ? { streaming: unbounded } : {}) };
}

const unbounded: Streaming = { backpressure: -1 };

export function defaultActorOptions(): ActorSpecOptions {
  return {
    demand: {},
    maxRestarts: 0,
    maxTaskRetries: 0,
    maxConcurrency: 1,
    name: undefined,
    namespace: undefined,
    getIfExists: false,
    hosting: "dedicated",
  };
}

/**
 * `base` with `options` applied on top; `where` names the call site in errors.
 * `generator`: the function is a generator function (only those may stream).
 */
export function compileTaskOptions(base: TaskSpecOptions, options: unknown, where: string, generator = false): TaskSpecOptions {
  validateTaskOptions(options, where);
  const o: TaskOptions = options ?? {};
  const returns = compileReturns(base, o, where, generator);
  return {
    demand: mergeDemand(base.demand, o),
    maxRetries: o.maxRetries ?? base.maxRetries,
    retryExceptions: o.retryExceptions ?? base.retryExceptions,
    numReturns: returns.numReturns,
    name: o.name ?? base.name,
    ...(returns.streaming !== undefined ? { streaming: returns.streaming } : {}),
  };
}

/**
 * `numReturns` and streaming after `o` (task or actor method options) over `base`:
 * `"streaming"` (the default of a generator) gives one ref, the generator's end, and
 * `streaming` with its backpressure bound; a number gives that many plain refs
 * (a generator then is a static one). Streaming options on a function that is
 * not a generator function are refused.
 */
export function compileReturns(
  base: { readonly numReturns: number; readonly streaming?: Streaming | undefined },
  o: { readonly numReturns?: number | "streaming"; readonly generatorBackpressureNumObjects?: number },
  where: string,
  generator: boolean,
): { readonly numReturns: number; readonly streaming: Streaming | undefined } {
  const bound = o.generatorBackpressureNumObjects;
  if (!generator && (o.numReturns === "streaming" || bound !== undefined)) {
    const key = o.numReturns === "streaming" ? 'numReturns: "streaming"' : "generatorBackpressureNumObjects";
    throw new InvalidArgumentError(
      `${key} of ${where} applies only to generator functions (function* or async function*), which yield their results one by one.`,
    );
  }
  if (typeof o.numReturns === "number") return { numReturns: o.numReturns, streaming: undefined };
  const streams = o.numReturns === "streaming" || (o.numReturns === undefined && base.streaming !== undefined);
  if (!streams) return { numReturns: base.numReturns, streaming: undefined };
  const backpressure = bound ?? base.streaming?.backpressure ?? -1;
  return { numReturns: 1, streaming: backpressure === -1 ? unbounded : { backpressure } };
}

export function compileActorOptions(base: ActorSpecOptions, options: unknown, where: string): ActorSpecOptions {
  validateActorOptions(options, where);
  const o: ActorOptions = options ?? {};
  const merged: ActorSpecOptions = {
    demand: mergeDemand(base.demand, o),
    maxRestarts: o.maxRestarts ?? base.maxRestarts,
    maxTaskRetries: o.maxTaskRetries ?? base.maxTaskRetries,
    maxConcurrency: o.maxConcurrency ?? base.maxConcurrency,
    name: o.name ?? base.name,
    namespace: o.namespace ?? base.namespace,
    getIfExists: o.getIfExists ?? base.getIfExists,
    hosting: o.hosting ?? base.hosting,
    lifetime: o.lifetime ?? base.lifetime,
    concurrencyGroups: o.concurrencyGroups !== undefined ? { ...o.concurrencyGroups } : base.concurrencyGroups,
    ...((o.lifetime ?? (base.detached === true ? "detached" : undefined)) === "detached" ? { detached: true } : {}),
  };
  // Rules across options hold for the merged result too (e.g. getIfExists from the decorator, name here).
  validateActorOptions(
    {
      ...(merged.name !== undefined ? { name: merged.name } : {}),
      getIfExists: merged.getIfExists,
      maxRestarts: merged.maxRestarts,
      maxTaskRetries: merged.maxTaskRetries,
      hosting: merged.hosting,
      ...(merged.demand.numCpus !== undefined ? { numCpus: merged.demand.numCpus } : {}),
      ...(merged.demand.numGpus !== undefined ? { numGpus: merged.demand.numGpus } : {}),
    },
    where,
  );
  return merged;
}

export function compileMethodOptions(options: unknown, where: string): ActorMethodOptions {
  validateActorMethodOptions(options, where);
  return options ?? {};
}

function mergeDemand(base: SchedulingOptions, o: TaskOptions | ActorOptions): SchedulingOptions {
  const out: { -readonly [K in keyof SchedulingOptions]: SchedulingOptions[K] } = { ...base };
  if (o.numCpus !== undefined) out.numCpus = o.numCpus;
  if (o.numGpus !== undefined) out.numGpus = o.numGpus;
  if (o.memory !== undefined) out.memory = o.memory;
  if (o.resources !== undefined) out.resources = { ...o.resources };
  if (o.schedulingStrategy !== undefined) out.schedulingStrategy = plainStrategy(o.schedulingStrategy);
  if (o.isolation !== undefined) out.isolation = o.isolation;
  return out;
}

/** The strategy as plain data: a placement group object becomes `{ id }`. */
function plainStrategy(s: SchedulingStrategy): SchedulingStrategy {
  if (typeof s !== "object" || !("placementGroup" in s)) return s;
  return {
    placementGroup: { id: s.placementGroup.id },
    ...(s.bundleIndex !== undefined ? { bundleIndex: s.bundleIndex } : {}),
    ...(s.captureChildTasks !== undefined ? { captureChildTasks: s.captureChildTasks } : {}),
  };
}
