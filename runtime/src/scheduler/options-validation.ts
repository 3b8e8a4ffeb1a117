/**
 * Validation of user options at the call site: `@ray.remote({...})`,
 * `f.options({...})`, `Cls.options({...})`, `handle.method.options({...})`.
 * Each throws `InvalidArgumentError` naming the option and the owner
 * (`where`, e.g. `add` or `Counter.options`) before anything is submitted.
 *
 * Rules follow Ray's `ray_option_utils.py`, written the TypeScript way:
 * - unknown option names are errors (with a "did you mean" for `num_cpus`-style
 *   or mis-cased names);
 * - resource amounts: numbers ≥ 0, finite, precision 0.0001; `numGpus` above 1
 *   must be whole; `resources` may not name CPU/GPU/memory (use the options);
 * - `numReturns` an integer ≥ 1 or `"streaming"`; `generatorBackpressureNumObjects`
 *   an integer ≥ 1, or -1 for no bound; `maxRetries`/`maxRestarts`/`maxTaskRetries`
 *   integers ≥ -1 (-1: forever); `maxConcurrency` an integer ≥ 1;
 * - `maxTaskRetries` needs `maxRestarts` ≠ 0 and `getIfExists` needs `name`, as in Ray;
 * - `isolation` is `"thread"` or `"process"` (tsray's own option).
 *
 * This is the runtime's one validation module: the public API functions
 * (`ray.init`, `ray.wait`, `ray.cancel`, …) check their option objects with
 * `checkOptionKeys` / `checkInteger` / `describe` from here too.
 */
import { InvalidArgumentError } from "../common/errors.js";
import type { ActorMethodOptions, ActorOptions, ResourceOptions, TaskOptions } from "../common/options.js";
import { UNITS_PER_WHOLE, isWhole, toUnits } from "./fixed-point.js";
import { validateSchedulingStrategy } from "./scheduling-strategy.js";

const RESOURCE_KEYS = ["numCpus", "numGpus", "memory", "resources"] as const;
/**
 * The resources that have their own option, by name. A `Map`, not an object
 * literal: a user's name such as `constructor` or `toString` must not find
 * `Object.prototype`'s members.
 */
const BUILTIN_RESOURCE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ["CPU", "numCpus"],
  ["GPU", "numGpus"],
  ["memory", "memory"],
]);
export const TASK_OPTION_KEYS: readonly string[] = [
  ...RESOURCE_KEYS,
  "maxRetries",
  "retryExceptions",
  "numReturns",
  "generatorBackpressureNumObjects",
  "schedulingStrategy",
  "name",
  "isolation",
];
export const ACTOR_OPTION_KEYS: readonly string[] = [
  ...RESOURCE_KEYS,
  "maxRestarts",
  "maxTaskRetries",
  "maxConcurrency",
  "name",
  "namespace",
  "lifetime",
  "getIfExists",
  "schedulingStrategy",
  "hosting",
  "isolation",
  "concurrencyGroups",
];
export const ACTOR_METHOD_OPTION_KEYS: readonly string[] = ["numReturns", "name", "concurrencyGroup", "generatorBackpressureNumObjects"];
/** What `@ray.method({...})` takes. */
export const METHOD_DECORATOR_KEYS: readonly string[] = ["numReturns", "concurrencyGroup"];

/** Checks options of a remote function (decorator or `.options`). */
export function validateTaskOptions(options: unknown, where: string): asserts options is TaskOptions {
  const record = asRecord(options, where);
  checkKnownKeys(record, TASK_OPTION_KEYS, where, "remote functions");
  validateResourceOptions(record, where);
  checkCount(record, "maxRetries", where, -1);
  checkReturns(record, where);
  const retry = record["retryExceptions"];
  if (
    retry !== undefined &&
    typeof retry !== "boolean" &&
    !(Array.isArray(retry) && retry.every((n) => typeof n === "string" && n !== ""))
  ) {
    throw new InvalidArgumentError(
      `retryExceptions of ${where} must be true, false or a list of error names (e.g. ["TypeError"]).`,
    );
  }
  checkString(record, "name", where);
  validateSchedulingStrategy(record["schedulingStrategy"], where);
  checkIsolation(record, where);
}

/** Checks options of an actor class (decorator or `.options`). */
export function validateActorOptions(options: unknown, where: string): asserts options is ActorOptions {
  const record = asRecord(options, where);
  checkKnownKeys(record, ACTOR_OPTION_KEYS, where, "actors");
  validateResourceOptions(record, where);
  checkCount(record, "maxRestarts", where, -1);
  checkCount(record, "maxTaskRetries", where, -1);
  checkCount(record, "maxConcurrency", where, 1);
  checkString(record, "name", where);
  // Empty namespaces are refused everywhere, as ray.init() and ray.getActor() do (an empty name cannot be looked up).
  checkString(record, "namespace", where);
  const lifetime = record["lifetime"];
  if (lifetime !== undefined && lifetime !== "detached" && lifetime !== "non_detached") {
    throw new InvalidArgumentError(`lifetime of ${where} must be "detached" or "non_detached".`);
  }
  const getIfExists = record["getIfExists"];
  if (getIfExists !== undefined && typeof getIfExists !== "boolean") {
    throw new InvalidArgumentError(`getIfExists of ${where} must be a boolean.`);
  }
  if (getIfExists === true && record["name"] === undefined) {
    throw new InvalidArgumentError(`getIfExists of ${where} needs a name: Cls.options({ name, getIfExists: true }).`);
  }
  if ((record["maxTaskRetries"] ?? 0) !== 0 && (record["maxRestarts"] ?? 0) === 0) {
    throw new InvalidArgumentError(
      `maxTaskRetries of ${where} needs maxRestarts ≠ 0: calls are only retried on a restarted actor.`,
    );
  }
  checkHosting(record, where);
  validateSchedulingStrategy(record["schedulingStrategy"], where);
  checkIsolation(record, where);
  checkConcurrencyGroups(record["concurrencyGroups"], where);
}

/** `concurrencyGroups`: a plain object of group name → how many of its calls may run at once (an integer ≥ 1). */
function checkConcurrencyGroups(groups: unknown, where: string): void {
  if (groups === undefined) return;
  if (typeof groups !== "object" || groups === null || Array.isArray(groups) || Object.getPrototypeOf(groups) !== Object.prototype) {
    throw new InvalidArgumentError(`concurrencyGroups of ${where} must be an object of group name → limit, e.g. { io: 2, compute: 1 }; got ${describe(groups)}.`);
  }
  for (const [name, limit] of Object.entries(groups)) {
    if (name === "") throw new InvalidArgumentError(`concurrencyGroups of ${where}: a group needs a non-empty name.`);
    checkInteger(limit, `concurrencyGroups.${name}`, where, 1);
  }
}

/** Checks `@ray.method({...})`'s options. */
export function validateMethodDecoratorOptions(options: unknown, where: string): void {
  const record = asRecord(options, where);
  checkKnownKeys(record, METHOD_DECORATOR_KEYS, where, "@ray.method");
  checkCount(record, "numReturns", where, 1);
  checkString(record, "concurrencyGroup", where);
}

/** `hosting` is "dedicated" or "shared"; a shared thread cannot give each of its actors a CPU or a GPU of its own. */
function checkHosting(record: Record<string, unknown>, where: string): void {
  const hosting = record["hosting"];
  if (hosting === undefined || hosting === "dedicated") return;
  if (hosting !== "shared") throw new InvalidArgumentError(`hosting of ${where} must be "dedicated" or "shared".`);
  if (record["isolation"] === "process") {
    throw new InvalidArgumentError(
      `hosting: "shared" of ${where} cannot be combined with isolation: "process": a shared actor lives on a thread ` +
        `with others. Use hosting: "dedicated" (the default) for an actor in a process of its own.`,
    );
  }
  for (const key of ["numCpus", "numGpus"] as const) {
    const amount = record[key];
    if (typeof amount === "number" && amount > 0) {
      throw new InvalidArgumentError(
        `hosting: "shared" of ${where} cannot be combined with ${key}: ${amount}: actors that share a thread share its CPU ` +
          `and cannot hold a CPU or GPU each. Use hosting: "dedicated" (the default) for this actor, or drop ${key}.`,
      );
    }
  }
}

/** Checks per-call options of an actor method. */
export function validateActorMethodOptions(
  options: unknown,
  where: string,
): asserts options is ActorMethodOptions {
  const record = asRecord(options, where);
  checkKnownKeys(record, ACTOR_METHOD_OPTION_KEYS, where, "actor methods");
  checkReturns(record, where);
  checkString(record, "name", where);
  checkString(record, "concurrencyGroup", where);
}

/** Checks `numCpus`, `numGpus`, `memory` and `resources`; other keys are ignored. */
export function validateResourceOptions(options: unknown, where: string): asserts options is ResourceOptions {
  const record = asRecord(options, where);
  for (const key of ["numCpus", "numGpus", "memory"] as const) {
    if (record[key] !== undefined) toUnits(record[key], `${key} of ${where}`);
  }
  const gpus = record["numGpus"];
  if (typeof gpus === "number") {
    const units = toUnits(gpus, `numGpus of ${where}`);
    if (units > UNITS_PER_WHOLE && !isWhole(units)) {
      throw new InvalidArgumentError(
        `numGpus of ${where} is ${gpus}: amounts above 1 must be whole GPUs (use 1, 2, … or a fraction below 1).`,
      );
    }
  }
  const resources = record["resources"];
  if (resources === undefined) return;
  if (typeof resources !== "object" || resources === null || Array.isArray(resources)) {
    throw new InvalidArgumentError(`resources of ${where} must be an object such as { Custom: 1 }.`);
  }
  for (const [name, value] of Object.entries(resources)) {
    if (name === "") throw new InvalidArgumentError(`resources of ${where}: a resource name cannot be empty.`);
    const option = BUILTIN_RESOURCE_OPTIONS.get(name);
    if (option !== undefined) {
      throw new InvalidArgumentError(`resources of ${where} names "${name}": use the ${option} option instead.`);
    }
    toUnits(value, `resources.${name} of ${where}`);
  }
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all in
 * `known` (with a "did you mean" for near misses); returns it as a record.
 */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string): Record<string, unknown> {
  const record = asRecord(options, where);
  checkKnownKeys(record, known, where, where);
  return record;
}

/** Checks that `value` (named `key`) is an integer ≥ `min`; returns it. */
export function checkInteger(value: unknown, key: string, where: string, min: number): number {
  checkCount({ [key]: value }, key, where, min);
  return value as number;
}

/** A short description of a bad value for error messages. */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`;
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "null prototype"})`;
  return String(v);
}

function asRecord(options: unknown, where: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`Options of ${where} must be an object, got ${describe(options)}.`);
  }
  return options as Record<string, unknown>;
}

function checkKnownKeys(record: Record<string, unknown>, known: readonly string[], where: string, kind: string): void {
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    throw new InvalidArgumentError(
      `Unknown option "${key}" for ${where}` +
        (suggestion ? `; did you mean "${suggestion}"?` : `. Options of ${kind}: ${known.join(", ")}.`),
    );
  }
}

/** A known key equal to `key` once case and underscores are ignored (`num_cpus`, `NumCPUs` → `numCpus`). */
function closest(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.replace(/_/g, "").toLowerCase();
  return known.find((k) => norm(k) === norm(key));
}

function checkCount(record: Record<string, unknown>, key: string, where: string, min: number): void {
  const value = record[key];
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const range = min === -1 ? "an integer ≥ -1 (-1: no limit)" : `an integer ≥ ${min}`;
    throw new InvalidArgumentError(`${key} of ${where} must be ${range}, got ${describe(value)}.`);
  }
}

/** `numReturns` (a count or `"streaming"`) and the generator backpressure bound (≥ 1, or -1: none). */
function checkReturns(record: Record<string, unknown>, where: string): void {
  const n = record["numReturns"];
  if (n !== undefined && n !== "streaming" && (typeof n !== "number" || !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(
      `numReturns of ${where} must be an integer ≥ 1, or "streaming" for a generator (its values one by one), got ${describe(n)}.`,
    );
  }
  const bound = record["generatorBackpressureNumObjects"];
  if (bound !== undefined && (typeof bound !== "number" || !Number.isInteger(bound) || (bound < 1 && bound !== -1))) {
    throw new InvalidArgumentError(
      `generatorBackpressureNumObjects of ${where} must be an integer ≥ 1 (values yielded and not yet consumed before the generator pauses) or -1 (no bound), got ${describe(bound)}.`,
    );
  }
}

function checkIsolation(record: Record<string, unknown>, where: string): void {
  const value = record["isolation"];
  if (value !== undefined && value !== "thread" && value !== "process") {
    throw new InvalidArgumentError(
      `isolation of ${where} must be "thread" (a worker thread, the default) or "process" (a child process of its own), got ${describe(value)}.`,
    );
  }
}

function checkString(record: Record<string, unknown>, key: string, where: string, allowEmpty = false): void {
  const value = record[key];
  if (value === undefined) return;
  if (typeof value !== "string" || (!allowEmpty && value === "")) {
    throw new InvalidArgumentError(`${key} of ${where} must be a ${allowEmpty ? "" : "non-empty "}string.`);
  }
}
