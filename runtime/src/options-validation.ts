/**
 * Compiles the user's option objects (`@ray.remote({...})`, `.options({...})`,
 * `ray.init({...})`) into fully-filled internal options, once, at the call
 * site. Anything malformed throws `InvalidArgumentError` naming the option
 * and what was expected; nothing is submitted then.
 */
import type { ActorSpecOptions, TaskSpecOptions } from "./core.js";
import { InvalidArgumentError } from "./errors.js";
import type { ActorMethodOptions, ActorOptions, TaskOptions } from "./options.js";

const resourceKeys = ["numCpus", "numGpus", "memory", "resources"] as const;
const taskKeys = new Set<string>([
  ...resourceKeys,
  "maxRetries",
  "retryExceptions",
  "numReturns",
  "schedulingStrategy",
  "name",
]);
const actorKeys = new Set<string>([
  ...resourceKeys,
  "maxRestarts",
  "maxTaskRetries",
  "maxConcurrency",
  "name",
  "namespace",
  "lifetime",
  "getIfExists",
  "schedulingStrategy",
]);
const methodKeys = new Set<string>(["numReturns", "name"]);

export function defaultTaskOptions(name: string): TaskSpecOptions {
  return {
    numCpus: 1,
    numGpus: 0,
    resources: undefined,
    maxRetries: 3,
    retryExceptions: false,
    numReturns: 1,
    name,
  };
}

export function defaultActorOptions(): ActorSpecOptions {
  return {
    numCpus: 0,
    maxRestarts: 0,
    maxTaskRetries: 0,
    maxConcurrency: 1,
    name: undefined,
    namespace: undefined,
    getIfExists: false,
  };
}

/** `base` with `options` applied on top; `what` names the call site in errors. */
export function compileTaskOptions(base: TaskSpecOptions, options: unknown, what: string): TaskSpecOptions {
  const o = checkObject(options, taskKeys, what) as TaskOptions;
  checkResources(o, what);
  if (o.schedulingStrategy !== undefined) checkStrategy(o.schedulingStrategy, what);
  if (o.retryExceptions !== undefined && typeof o.retryExceptions !== "boolean") {
    if (!Array.isArray(o.retryExceptions) || !o.retryExceptions.every((n) => typeof n === "string")) {
      throw new InvalidArgumentError(`${what}: retryExceptions must be a boolean or a list of error names.`);
    }
  }
  return {
    numCpus: o.numCpus ?? base.numCpus,
    numGpus: o.numGpus ?? base.numGpus,
    resources: o.resources ?? base.resources,
    maxRetries: o.maxRetries === undefined ? base.maxRetries : retries(o.maxRetries, "maxRetries", what),
    retryExceptions: o.retryExceptions ?? base.retryExceptions,
    numReturns: o.numReturns === undefined ? base.numReturns : positiveInt(o.numReturns, "numReturns", what),
    name: o.name === undefined ? base.name : nonEmpty(o.name, "name", what),
  };
}

export function compileActorOptions(base: ActorSpecOptions, options: unknown, what: string): ActorSpecOptions {
  const o = checkObject(options, actorKeys, what) as ActorOptions;
  checkResources(o, what);
  if (o.schedulingStrategy !== undefined) checkStrategy(o.schedulingStrategy, what);
  if (o.lifetime !== undefined && o.lifetime !== "detached" && o.lifetime !== "non_detached") {
    throw new InvalidArgumentError(`${what}: lifetime must be "detached" or "non_detached".`);
  }
  if (o.getIfExists !== undefined && typeof o.getIfExists !== "boolean") {
    throw new InvalidArgumentError(`${what}: getIfExists must be a boolean.`);
  }
  const name = o.name === undefined ? base.name : nonEmpty(o.name, "name", what);
  if (o.getIfExists === true && name === undefined) {
    throw new InvalidArgumentError(`${what}: getIfExists needs a name.`);
  }
  return {
    numCpus: o.numCpus ?? base.numCpus,
    maxRestarts: o.maxRestarts === undefined ? base.maxRestarts : retries(o.maxRestarts, "maxRestarts", what),
    maxTaskRetries:
      o.maxTaskRetries === undefined ? base.maxTaskRetries : retries(o.maxTaskRetries, "maxTaskRetries", what),
    maxConcurrency:
      o.maxConcurrency === undefined ? base.maxConcurrency : positiveInt(o.maxConcurrency, "maxConcurrency", what),
    name,
    namespace: o.namespace === undefined ? base.namespace : nonEmpty(o.namespace, "namespace", what),
    getIfExists: o.getIfExists ?? base.getIfExists,
  };
}

export function compileMethodOptions(options: unknown, what: string): ActorMethodOptions {
  const o = checkObject(options, methodKeys, what) as ActorMethodOptions;
  if (o.numReturns !== undefined) positiveInt(o.numReturns, "numReturns", what);
  if (o.name !== undefined) nonEmpty(o.name, "name", what);
  return o;
}

/** Checks a plain options object and that every key is one `allowed` knows. */
export function checkObject(options: unknown, allowed: ReadonlySet<string>, what: string): object {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${what}: options must be an object, got ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) {
      throw new InvalidArgumentError(
        `${what}: unknown option "${key}". Valid options: ${[...allowed].join(", ")}.`,
      );
    }
  }
  return options;
}

function checkResources(o: { numCpus?: unknown; numGpus?: unknown; memory?: unknown; resources?: unknown }, what: string): void {
  if (o.numCpus !== undefined) nonNegative(o.numCpus, "numCpus", what);
  if (o.numGpus !== undefined) {
    const g = nonNegative(o.numGpus, "numGpus", what);
    if (g > 1 && !Number.isInteger(g)) {
      throw new InvalidArgumentError(`${what}: numGpus above 1 must be a whole number, got ${g}.`);
    }
  }
  if (o.memory !== undefined) nonNegative(o.memory, "memory", what);
  if (o.resources !== undefined) {
    if (typeof o.resources !== "object" || o.resources === null || Array.isArray(o.resources)) {
      throw new InvalidArgumentError(`${what}: resources must be an object of name → amount.`);
    }
    for (const [k, v] of Object.entries(o.resources)) {
      if (k === "CPU" || k === "GPU") {
        throw new InvalidArgumentError(`${what}: use numCpus / numGpus instead of resources.${k}.`);
      }
      nonNegative(v, `resources.${k}`, what);
    }
  }
}

function checkStrategy(s: unknown, what: string): void {
  if (s === "DEFAULT" || s === "SPREAD") return;
  if (typeof s === "object" && s !== null && ("nodeId" in s || "placementGroup" in s)) return;
  throw new InvalidArgumentError(
    `${what}: schedulingStrategy must be "DEFAULT", "SPREAD", { nodeId, soft } or { placementGroup, bundleIndex }.`,
  );
}

export function nonNegative(v: unknown, key: string, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new InvalidArgumentError(`${what}: ${key} must be a finite number ≥ 0, got ${describe(v)}.`);
  }
  return v;
}

export function positiveInt(v: unknown, key: string, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(`${what}: ${key} must be a whole number ≥ 1, got ${describe(v)}.`);
  }
  return v;
}

/** A retry count: a whole number ≥ 0, or -1 for "forever". */
function retries(v: unknown, key: string, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -1) {
    throw new InvalidArgumentError(`${what}: ${key} must be a whole number ≥ 0, or -1 for no limit; got ${describe(v)}.`);
  }
  return v;
}

function nonEmpty(v: unknown, key: string, what: string): string {
  if (typeof v !== "string" || v.length === 0) {
    throw new InvalidArgumentError(`${what}: ${key} must be a non-empty string, got ${describe(v)}.`);
  }
  return v;
}

export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`;
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "null prototype"})`;
  return String(v);
}
