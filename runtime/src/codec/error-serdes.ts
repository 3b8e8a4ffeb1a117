/**
 * Errors as plain data and back.
 *
 * `toWireError` turns any thrown value into a {@link WireError}: name,
 * message, stack, `code`, the `cause` chain, an AggregateError's `errors`, the
 * own enumerable properties, and, for tsray's own error classes, which class it
 * was. It never throws: a property (or cause) that cannot be sent is replaced
 * by a string saying what it was, because an error report must not fail on,
 * say, an HTTP client error that carries a socket.
 *
 * `fromWireError` rebuilds an `Error` with the right prototype: tsray's classes
 * (TaskError, ActorDiedError, …, `instanceof` works and fields such as
 * `taskName` are back), JavaScript's built-in classes by name (TypeError,
 * RangeError, …), and a plain `Error` whose `name` is set for anything else.
 * The stack is the remote stack, as it was where the error was thrown.
 *
 * The codec uses the same two functions for errors met inside values.
 */
import * as tsrayErrors from "../common/errors.js";
import { describeRefusal, findRefusal } from "./serializability.js";

/** Marks an object as a WireError, so a cause that is one can be told from a plain-object cause. */
export const WIRE_ERROR_FORMAT = "tsray.error/1";

export interface WireError {
  /** {@link WIRE_ERROR_FORMAT}; set by `toWireError`. Causes and `errors` items are rebuilt only when they carry it. */
  format?: typeof WIRE_ERROR_FORMAT;
  name: string;
  message: string;
  /** The stack where the error was thrown (V8 text: `Name: message\n    at …`). */
  stack?: string;
  /** `error.code` when it is a string (Node's `ENOENT`, tsray's `TSRAY_…`). */
  code?: string;
  /** A WireError when the cause was an Error, else the cause value itself. Absent when the error had no cause. */
  cause?: WireError | unknown;
  /** AggregateError's `errors`, each a WireError or a plain value. */
  errors?: unknown[];
  /** Name of the tsray error class (from `common/errors.ts`) to rebuild; absent for other errors. */
  tsrayClass?: string;
  /** Other own enumerable properties (`taskName`, `actorId`, `errno`, `path`, user fields …). */
  props?: Record<string, unknown>;
}

/** How many causes deep a chain is kept; deeper causes become a note. */
export const MAX_CAUSE_DEPTH = 100;

/**
 * How many errors one report carries in all (the error, its causes, an
 * AggregateError's items and theirs); the rest become notes, and an
 * AggregateError's list is cut with a note saying how many were left out.
 * A report's size is bounded whatever the user's error holds.
 */
export const MAX_ERRORS_PER_REPORT = 100;

/** What one conversion has used: the errors of the chain being converted (to catch cycles) and how many were converted. */
interface Budget {
  readonly chain: Set<unknown>;
  count: number;
}

type ErrorClass = new (...args: never[]) => Error;

/** tsray's error classes by name: every class `common/errors.ts` exports, so new ones are picked up. Built on first use. */
let tsrayClassTable: { byName: Map<string, ErrorClass>; byPrototype: Map<object, string> } | undefined;

function tsrayClasses(): { byName: Map<string, ErrorClass>; byPrototype: Map<object, string> } {
  if (tsrayClassTable !== undefined) return tsrayClassTable;
  const byName = new Map<string, ErrorClass>();
  const byPrototype = new Map<object, string>();
  for (const exported of Object.values(tsrayErrors) as unknown[]) {
    if (typeof exported === "function" && exported.prototype instanceof Error) {
      byName.set(exported.name, exported as ErrorClass);
      byPrototype.set(exported.prototype as object, exported.name);
    }
  }
  return (tsrayClassTable = { byName, byPrototype });
}

/** JavaScript's own error classes, rebuilt by name. */
const builtinClasses = new Map<string, ErrorClass>([
  ["Error", Error],
  ["EvalError", EvalError],
  ["RangeError", RangeError],
  ["ReferenceError", ReferenceError],
  ["SyntaxError", SyntaxError],
  ["TypeError", TypeError],
  ["URIError", URIError],
  ["AggregateError", AggregateError],
]);

/** Keys carried in their own WireError fields rather than in `props`. */
const OWN_FIELDS = new Set(["name", "message", "stack", "cause", "errors", "code"]);

export function toWireError(error: unknown): WireError {
  try {
    return convert(error, { chain: new Set(), count: 0 }, 0);
  } catch (e) {
    // Only a value hostile past what `read` guards (a revoked Proxy fails even `instanceof`).
    return {
      format: WIRE_ERROR_FORMAT,
      name: "Error",
      message: `A value was thrown that could not be read as an error (reading it threw ${describeThrown(e)}).`,
    };
  }
}

export function fromWireError(wire: WireError): Error {
  return rebuild(wire, 0);
}

/** True for objects `toWireError` produced (or that claim its format). */
export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { format?: unknown }).format === WIRE_ERROR_FORMAT &&
    typeof (value as { name?: unknown }).name === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

function convert(error: unknown, budget: Budget, depth: number): WireError {
  const { chain } = budget;
  budget.count++;
  if (!(error instanceof Error)) {
    const wire: WireError = {
      format: WIRE_ERROR_FORMAT,
      name: "Error",
      message: `A non-Error value was thrown: ${describeThrown(error)}`,
    };
    const thrown = safeValue(error, chain);
    wire.props = { thrownValue: thrown };
    return wire;
  }
  chain.add(error);
  const wire: WireError = {
    format: WIRE_ERROR_FORMAT,
    name: readString(error, "name") ?? "Error",
    message: readString(error, "message") ?? "",
  };
  const stack = readString(error, "stack");
  if (stack !== undefined) wire.stack = stack;
  const code = read(error, "code");
  if (typeof code === "string") wire.code = code;
  const tsrayClass = nearestTsrayClass(error);
  if (tsrayClass !== undefined) wire.tsrayClass = tsrayClass;
  if (Object.prototype.hasOwnProperty.call(error, "cause")) {
    wire.cause = convertCause(read(error, "cause"), budget, depth);
  }
  if (error instanceof AggregateError) {
    const items = read(error, "errors");
    if (Array.isArray(items)) {
      const room = Math.max(0, MAX_ERRORS_PER_REPORT - budget.count);
      wire.errors = items.slice(0, room).map((item: unknown) => convertCause(item, budget, depth));
      if (items.length > room) wire.errors.push(`[${items.length - room} more errors not sent: a report carries at most ${MAX_ERRORS_PER_REPORT}]`);
    }
  }
  const props = ownProps(error, typeof code === "string", chain);
  if (props !== undefined) wire.props = props;
  chain.delete(error);
  return wire;
}

function convertCause(cause: unknown, budget: Budget, depth: number): unknown {
  if (!(cause instanceof Error)) return safeValue(cause, budget.chain);
  if (budget.chain.has(cause)) return "[circular: an error that is already in this cause chain]";
  if (depth + 1 > MAX_CAUSE_DEPTH) return `[cause chain cut at depth ${MAX_CAUSE_DEPTH}: ${describeThrown(cause)}]`;
  if (budget.count >= MAX_ERRORS_PER_REPORT) return `[not sent, a report carries at most ${MAX_ERRORS_PER_REPORT} errors: ${describeThrown(cause)}]`;
  return convert(cause, budget, depth + 1);
}

function ownProps(error: Error, codeTaken: boolean, chain: ReadonlySet<unknown>): Record<string, unknown> | undefined {
  let props: Record<string, unknown> | undefined;
  let keys: string[];
  try {
    keys = Object.keys(error);
  } catch (cause) {
    return { unreadableProperties: `[could not list properties: ${describeThrown(cause)}]` };
  }
  for (const key of keys) {
    if (OWN_FIELDS.has(key) && (key !== "code" || codeTaken)) continue;
    props ??= {};
    // defineProperty, not assignment: a key named "__proto__" stays a key.
    Object.defineProperty(props, key, {
      value: safeValue(read(error, key), chain),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return props;
}

/**
 * `value` if tsray can send it, else a string saying what it was. A value
 * that leads back to an error of the chain being converted is not sent
 * either: a decoder cannot rebuild an Error that contains itself.
 */
function safeValue(value: unknown, chain: ReadonlySet<unknown>): unknown {
  try {
    const refusal = findRefusal(value, chain);
    return refusal === undefined ? value : `[not serializable: ${describeRefusal(refusal)}]`;
  } catch (error) {
    return `[not serializable: reading it threw ${describeThrown(error)}]`;
  }
}

/** Reads a property; a throwing getter gives a note instead of an exception. */
function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    return `[reading ${key} threw ${describeThrown(error)}]`;
  }
}

function readString(object: object, key: string): string | undefined {
  const value = read(object, key);
  return value === undefined ? undefined : typeof value === "string" ? value : describeThrown(value);
}

function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "object" && value !== null) {
      const json = JSON.stringify(value);
      if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
    }
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "[a value that cannot be read]"; // a revoked Proxy fails even this
    }
  }
}

function nearestTsrayClass(error: Error): string | undefined {
  if (!(error instanceof tsrayErrors.TsrayError)) return undefined;
  for (let proto: object | null = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name = tsrayClasses().byPrototype.get(proto);
    if (name !== undefined) return name;
  }
  return undefined;
}

function rebuild(wire: WireError, depth: number): Error {
  const name = typeof wire.name === "string" ? wire.name : "Error";
  const message = typeof wire.message === "string" ? wire.message : String(wire.message);
  const hasCause = Object.prototype.hasOwnProperty.call(wire, "cause");
  const cause = hasCause ? rebuildCause(wire.cause, depth) : undefined;
  const options = hasCause ? { cause } : undefined;

  const tsrayClass = typeof wire.tsrayClass === "string" ? tsrayClasses().byName.get(wire.tsrayClass) : undefined;
  const builtin = builtinClasses.get(name);
  let error: Error;
  if (tsrayClass !== undefined) {
    // An Error whose prototype is the tsray class, without running that
    // class's constructor (whose arguments differ per class); its fields
    // (`code`, `taskName`, …) are set from the wire below.
    error = Reflect.construct(Error, [message, options], tsrayClass) as Error;
  } else if (builtin === AggregateError) {
    const items = Array.isArray(wire.errors) ? wire.errors.map((item) => rebuildCause(item, depth)) : [];
    error = new AggregateError(items, message, options);
  } else if (builtin !== undefined) {
    error = Reflect.construct(Error, [message, options], builtin) as Error;
  } else {
    error = new Error(message, options);
  }
  if (tsrayClass !== undefined || builtin === undefined) {
    // Like the original: tsray classes and user classes set `this.name`.
    define(error, "name", name, true);
  }
  define(
    error,
    "stack",
    typeof wire.stack === "string" ? wire.stack : `${name}: ${message}\n    at <unknown: no stack was sent>`,
    false,
  );
  if (wire.code !== undefined) define(error, "code", wire.code, true);
  const props = wire.props;
  if (typeof props === "object" && props !== null) {
    for (const key of Object.keys(props)) {
      if (key === "stack" || key === "message") continue;
      define(error, key, props[key], true);
    }
  }
  return error;
}

function rebuildCause(cause: unknown, depth: number): unknown {
  return isWireError(cause) && depth < MAX_CAUSE_DEPTH ? rebuild(cause, depth + 1) : cause;
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable, configurable: true });
}
