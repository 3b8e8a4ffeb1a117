/**
 * The check that runs before msgpackr sees a value: it refuses what tsray
 * cannot send (functions, symbols, promises, weak collections, boxed
 * primitives, instances of classes it does not know) with a
 * `SerializationError` naming where the value sat and the path inside it, and
 * notes what the encoder needs to know: whether the value holds a negative
 * zero (which msgpack cannot express as an integer; see negative-zero.ts) and
 * whether it needs msgpackr's structured-clone references (an object reached
 * twice, a cycle, or an Error, whose properties may point back into the value).
 *
 * Cost: one pass over the containers (plain objects, arrays, Map, Set) with a
 * visited-set; everything else is O(1), typed arrays included. Measured: about
 * 50–80 ns for `{ a: 1, b: "x", c: [1, 2, 3] }`.
 */
import { ActorHandleBase } from "../actor-handle.js";
import { SerializationError } from "../errors.js";
import { ObjectRef } from "../object-ref.js";
import { formatPath, type PathSegment } from "./value-path.js";

/** Why a value (somewhere inside a bigger one) cannot be sent. */
export interface Refusal {
  /** Leaf first; reverse before formatting. */
  readonly segments: PathSegment[];
  /** e.g. `a function (compute)`. */
  readonly what: string;
  /** What to do instead, a sentence without the final period. */
  readonly advice: string;
}

export interface Inspection {
  /** The value holds a `-0` somewhere in a plain object, array or Map value. */
  readonly negativeZero: boolean;
  /** Some object is reached twice (shared or cyclic), or the value holds an Error. */
  readonly needsReferences: boolean;
}

const SENDABLE =
  "only primitives, plain objects, arrays, Map, Set, Date, RegExp, Error, typed arrays, DataView, " +
  "ArrayBuffer, Buffer, ObjectRef and ActorHandle can be sent";

interface WalkState {
  readonly seen: Set<object>;
  /** Objects that must not be met (refused when they are). */
  readonly forbidden?: ReadonlySet<unknown>;
  negativeZero: boolean;
  needsReferences: boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;
const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const MapPrototype = Map.prototype;
const SetPrototype = Set.prototype;
const DatePrototype = Date.prototype;
const RegExpPrototype = RegExp.prototype;
const ArrayBufferPrototype = ArrayBuffer.prototype;
const SharedArrayBufferPrototype = SharedArrayBuffer.prototype;

/**
 * Inspects `value`; throws `SerializationError` (with `location`) when some
 * part of it cannot be sent.
 */
export function inspectValue(value: unknown, location: string): Inspection {
  const state: WalkState = { seen: new Set(), negativeZero: false, needsReferences: false };
  const refusal = visit(value, state);
  if (refusal !== undefined) throw refusalError(refusal, location);
  return state;
}

/**
 * The refusal for `value`, or `undefined` when it can be sent. Never throws
 * for a refusal. Meeting one of `forbidden` (e.g. the error whose property is
 * checked) is a refusal too.
 */
export function findRefusal(value: unknown, forbidden?: ReadonlySet<unknown>): Refusal | undefined {
  const state: WalkState =
    forbidden === undefined
      ? { seen: new Set(), negativeZero: false, needsReferences: false }
      : { seen: new Set(), forbidden, negativeZero: false, needsReferences: false };
  return visit(value, state);
}

/** The `SerializationError` for a refusal: location, path, what is wrong, what to do. */
export function refusalError(refusal: Refusal, location: string): SerializationError {
  const path = formatPath("value", [...refusal.segments].reverse());
  const advice = refusal.advice.charAt(0).toUpperCase() + refusal.advice.slice(1);
  return new SerializationError(location, `Cannot serialize ${location}: ${path} is ${refusal.what}. ${advice}.`);
}

/** A short description of a refusal, without location, e.g. for an error property that was dropped. */
export function describeRefusal(refusal: Refusal): string {
  const path = formatPath("value", [...refusal.segments].reverse());
  return refusal.segments.length === 0 ? refusal.what : `${refusal.what} at ${path}`;
}

function visit(value: unknown, state: WalkState): Refusal | undefined {
  switch (typeof value) {
    case "number":
      if (value === 0 && 1 / value < 0) state.negativeZero = true;
      return undefined;
    case "string":
    case "boolean":
    case "undefined":
    case "bigint":
      return undefined;
    case "object":
      return value === null ? undefined : visitObject(value, state);
    case "function":
      if (!(value instanceof ActorHandleBase)) return refuseFunction(value as Function);
      return visitObject(value, state);
    case "symbol":
      return refuse(
        `a symbol (${String(value)})`,
        "symbols cannot be sent to another worker; use a string instead",
      );
  }
  return undefined;
}

function visitObject(object: object, state: WalkState): Refusal | undefined {
  if (state.forbidden?.has(object) === true) {
    return refuse("a reference back to an error that holds it", "such cycles cannot be rebuilt");
  }
  if (state.seen.has(object)) {
    state.needsReferences = true;
    return undefined;
  }
  state.seen.add(object);
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto === ObjectPrototype || proto === null) {
    const record = object as Record<string, unknown>;
    for (const key in record) {
      if (!hasOwn.call(record, key)) continue;
      const refusal = visit(record[key], state);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "key", key });
        return refusal;
      }
    }
    return undefined;
  }
  if (proto === ArrayPrototype) {
    const array = object as unknown[];
    for (let i = 0; i < array.length; i++) {
      const refusal = visit(array[i], state);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "index", index: i });
        return refusal;
      }
    }
    return undefined;
  }
  if (ArrayBuffer.isView(object)) return undefined;
  if (proto === MapPrototype) {
    let position = 0;
    for (const [key, entry] of object as Map<unknown, unknown>) {
      let refusal = visit(key, state);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "mapKey", position });
        return refusal;
      }
      refusal = visit(entry, state);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "mapValue", key, position });
        return refusal;
      }
      position++;
    }
    return undefined;
  }
  if (proto === SetPrototype) {
    let position = 0;
    for (const item of object as Set<unknown>) {
      const refusal = visit(item, state);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "setItem", position });
        return refusal;
      }
      position++;
    }
    return undefined;
  }
  if (
    proto === DatePrototype ||
    proto === RegExpPrototype ||
    proto === ArrayBufferPrototype ||
    proto === SharedArrayBufferPrototype
  ) {
    return undefined;
  }
  if (object instanceof ObjectRef || object instanceof ActorHandleBase) return undefined;
  if (object instanceof Error) {
    // Sent with its properties made safe (see error-serdes.ts), which may
    // point back at the error or into the value: keep references on.
    state.needsReferences = true;
    return undefined;
  }
  return refuseInstance(object);
}

function refuse(what: string, advice: string): Refusal {
  return { segments: [], what, advice };
}

function refuseFunction(fn: Function): Refusal {
  const name = fn.name ? ` (${fn.name})` : "";
  if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) {
    return refuse(
      `a class${name}`,
      "classes cannot be sent to another worker; send plain data, or make the class a remote actor class (@ray.remote) and pass its handle",
    );
  }
  return refuse(
    `a function${name}`,
    "functions cannot be sent to a task; pass data, or make it a remote function (@ray.remote) and call it with .remote()",
  );
}

function refuseInstance(object: object): Refusal {
  if (object instanceof Promise) {
    return refuse(
      "a Promise",
      "await it first and send its value, or send an ObjectRef (from ray.put or .remote()) instead",
    );
  }
  for (const Weak of [WeakMap, WeakSet, WeakRef, FinalizationRegistry]) {
    if (object instanceof Weak) {
      return refuse(`a ${Weak.name}`, "weak collections and references cannot be sent; use a Map, a Set or the value itself");
    }
  }
  for (const Boxed of [Number, String, Boolean, BigInt, Symbol] as Function[]) {
    if (object instanceof Boxed) {
      return refuse(`a boxed ${Boxed.name} (an object wrapping a primitive)`, "send the primitive instead (value.valueOf())");
    }
  }
  const className = classNameOf(object);
  const what = className === undefined ? "an object with a custom prototype" : `an instance of class ${className}`;
  return refuse(
    what,
    `${SENDABLE}; convert it to one of these first (for example a plain object: { ...value })`,
  );
}

function classNameOf(object: object): string | undefined {
  try {
    const ctor: unknown = (Object.getPrototypeOf(object) as { constructor?: unknown } | null)?.constructor;
    return typeof ctor === "function" && ctor.name ? ctor.name : undefined;
  } catch {
    return undefined;
  }
}
