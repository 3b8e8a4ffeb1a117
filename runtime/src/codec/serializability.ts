/**
 * The check that runs before msgpackr sees a value: it refuses what tsray
 * cannot send (functions, symbols, promises, weak collections, boxed
 * primitives, instances of classes that are not registered as serializable
 * (common/serializable-classes.ts; registered ones are walked), values nested deeper
 * than {@link MAX_NESTING_DEPTH}, objects that throw when read, such as a
 * revoked Proxy) with a `SerializationError` naming where the value sat and
 * the path inside it, and notes what the encoder needs to know: whether some
 * part needs an exact form (a `-0`, a string with a lone surrogate, an array
 * with holes or named properties, an object with a `__proto__` key or a null
 * prototype; see exact-forms.ts) and whether it needs msgpackr's
 * structured-clone references (an object reached twice, a cycle, or an
 * Error, whose properties may point back into the value).
 *
 * Cost: one pass over the containers (plain objects, arrays, Map, Set) with a
 * visited-set; everything else is O(1), typed arrays included. Measured: about
 * 50–80 ns for `{ a: 1, b: "x", c: [1, 2, 3] }`. Telling whether an array
 * has named properties is the costly part (JavaScript has no O(1) way to ask):
 * see {@link hasNamedProperties}.
 */
import { inspect, types } from "node:util";
import { ActorHandleBase } from "../api/actor-handle-base.js";
import { SerializationError } from "../common/errors.js";
import { ObjectRef } from "../api/object-ref.js";
import { isArrayIndex, needsUtf16, toExactForms } from "./exact-forms.js";
import { formatPath, type PathSegment } from "./value-path.js";
import { refuse, refuseFunction, refuseInstance, type Refusal } from "./refusals.js";
import { serializableClassOf, type SerializableClass } from "../common/serializable-classes.js";

export type { Refusal } from "./refusals.js";

/**
 * How many containers (objects, arrays, Maps, Sets) may enclose one another.
 * Checked here, at encode, so that whatever encodes also decodes: msgpackr
 * encodes and decodes recursively, and a thread's stack (a worker's 4 MB,
 * the main thread's ~1 MB) bounds how deep it gets. Measured on the main
 * thread before warm-up (the shallowest case): msgpackr packs ~700 nested
 * Sets and ~1,200 nested objects, and unpacks ~3,000 nested objects; 500
 * leaves room for the stack a caller already uses.
 */
export const MAX_NESTING_DEPTH = 500;

export interface Inspection {
  /** The value holds a `-0` somewhere in a plain object, array or Map value. */
  readonly negativeZero: boolean;
  /** Some part needs an exact form (`-0` included): copy the value with `toExactForms` before packing it. */
  readonly exactForms: boolean;
  /** The objects and arrays that must be sent as exact containers; `undefined` when none. */
  readonly exactContainers: ReadonlySet<object> | undefined;
  /** Some object is reached twice (shared or cyclic), or the value holds an Error. */
  readonly needsReferences: boolean;
  /** Instances of serializable classes with their own encoding → what their `[serialize]` returned. */
  readonly customData: ReadonlyMap<object, unknown> | undefined;
}

interface WalkState {
  readonly seen: Set<object>;
  /** Containers nested deeper than this are refused ({@link MAX_NESTING_DEPTH}). */
  readonly maxDepth: number;
  /** Objects that must not be met (refused when they are). */
  readonly forbidden?: ReadonlySet<unknown>;
  negativeZero: boolean;
  exactForms: boolean;
  exactContainers: Set<object> | undefined;
  needsReferences: boolean;
  customData: Map<object, unknown> | undefined;
  /** Custom-encoded instances whose data is being walked: meeting one again is a cycle that cannot be rebuilt. */
  customOpen: Set<object> | undefined;
}

function newState(forbidden?: ReadonlySet<unknown>, maxDepth = MAX_NESTING_DEPTH): WalkState {
  const state: WalkState = {
    seen: new Set(),
    maxDepth,
    negativeZero: false,
    exactForms: false,
    exactContainers: undefined,
    needsReferences: false,
    customData: undefined,
    customOpen: undefined,
  };
  return forbidden === undefined ? state : { ...state, forbidden };
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
  const state = newState();
  const refusal = visit(value, state, 0);
  if (refusal !== undefined) throw refusalError(refusal, location);
  return state;
}

/**
 * The refusal for `value`, or `undefined` when it can be sent. Never throws
 * for a refusal. Meeting one of `forbidden` (e.g. the error whose property is
 * checked) is a refusal too.
 */
export function findRefusal(value: unknown, forbidden?: ReadonlySet<unknown>): Refusal | undefined {
  return visit(value, newState(forbidden), 0);
}

/**
 * `value` ready for packing: itself, or its copy with exact forms where it
 * needs them (exact-forms.ts). For values built from parts already checked
 * one by one, such as an error's wire form (error-serdes.ts checks each
 * property; a cause chain is bounded), which msgpackr packs inside the
 * value's own encode: no nesting limit is applied here. Throws a plain Error
 * for a refusal (there should be none).
 */
export function withExactForms(value: unknown): unknown {
  const state = newState(undefined, Infinity);
  const refusal = visit(value, state, 0);
  if (refusal !== undefined) throw refusalError(refusal, "an error's properties");
  return state.exactForms ? toExactForms(value, state.exactContainers, state.customData) : value;
}

/** The `SerializationError` for a refusal: location, path, what is wrong, what to do. */
export function refusalError(refusal: Refusal, location: string): SerializationError {
  const path = formatPath("value", [...refusal.segments].reverse());
  const advice = refusal.advice.charAt(0).toUpperCase() + refusal.advice.slice(1);
  const message = `Cannot serialize ${location}: ${path} is ${refusal.what}. ${advice}.`;
  return "cause" in refusal
    ? new SerializationError(location, message, { cause: refusal.cause })
    : new SerializationError(location, message);
}

/** A short description of a refusal, without location, e.g. for an error property that was dropped. */
export function describeRefusal(refusal: Refusal): string {
  const path = formatPath("value", [...refusal.segments].reverse());
  return refusal.segments.length === 0 ? refusal.what : `${refusal.what} at ${path}`;
}

/** `depth`: how many containers enclose `value`. */
function visit(value: unknown, state: WalkState, depth: number): Refusal | undefined {
  switch (typeof value) {
    case "number":
      if (value === 0 && 1 / value < 0) state.negativeZero = state.exactForms = true;
      return undefined;
    case "string":
      if (needsUtf16(value)) state.exactForms = true;
      return undefined;
    case "boolean":
    case "undefined":
    case "bigint":
      return undefined;
    case "object":
    case "function":
      return value === null ? undefined : visitGuarded(value, state, depth);
    case "symbol":
      return refuse(
        `a symbol (${String(value)})`,
        "symbols cannot be sent to another worker; use a string instead",
      );
  }
  return undefined;
}

/**
 * Reading an object can run user code (getters, a Proxy's traps) or throw
 * outright (a revoked Proxy throws on any access, `instanceof` included): such
 * a throw is a refusal at this object's path, never an exception out of the
 * check.
 */
function visitGuarded(object: object, state: WalkState, depth: number): Refusal | undefined {
  try {
    if (typeof object === "function" && !(object instanceof ActorHandleBase)) return refuseFunction(object);
    return visitObject(object, state, depth);
  } catch (error) {
    const proxy = types.isProxy(object);
    return {
      segments: [],
      what: `${proxy ? "a Proxy" : "an object"} that threw when read (${describeError(error)})`,
      advice: proxy
        ? "a revoked or throwing Proxy cannot be sent; send the plain data it stands for instead"
        : "send plain data whose properties can be read without throwing",
      cause: error,
    };
  }
}

function visitObject(object: object, state: WalkState, depth: number): Refusal | undefined {
  if (state.forbidden?.has(object) === true) {
    return refuse("a reference back to an error that holds it", "such cycles cannot be rebuilt");
  }
  if (state.customOpen?.has(object) === true) {
    return refuse(
      "a reference back to an instance from inside what its [ray.serialize] returned",
      "such cycles cannot be rebuilt (the instance must exist before its data is read); return data without it",
    );
  }
  if (state.seen.has(object)) {
    state.needsReferences = true;
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(object);
  const container =
    proto === ObjectPrototype || proto === null || proto === ArrayPrototype || proto === MapPrototype || proto === SetPrototype;
  if (container && depth >= state.maxDepth) {
    return refuse(
      `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of objects, arrays, Maps and Sets inside one another`,
      `flatten the value (for example a linked list into an array): tsray sends at most ${MAX_NESTING_DEPTH} levels`,
    );
  }
  state.seen.add(object);
  if (proto === ObjectPrototype || proto === null) {
    const record = object as Record<string, unknown>;
    // msgpackr would read a null prototype back as Object.prototype, a key
    // "__proto__" as "__proto_", and a lone surrogate in a key as U+FFFD.
    if (proto === null) markExact(object, state);
    for (const key in record) {
      if (!hasOwn.call(record, key)) continue;
      if (key === "__proto__" || needsUtf16(key)) markExact(object, state);
      const refusal = visit(record[key], state, depth + 1);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "key", key });
        return refusal;
      }
    }
    return undefined;
  }
  if (proto === ArrayPrototype) return visitArray(object as unknown[], state, depth);
  if (ArrayBuffer.isView(object)) return undefined;
  if (proto === MapPrototype) {
    let position = 0;
    for (const [key, entry] of object as Map<unknown, unknown>) {
      let refusal = visit(key, state, depth + 1);
      if (refusal !== undefined) {
        refusal.segments.push({ kind: "mapKey", position });
        return refusal;
      }
      refusal = visit(entry, state, depth + 1);
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
      const refusal = visit(item, state, depth + 1);
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
  // Only objects that are nothing else get here: plain data never pays for this lookup.
  const registered = serializableClassOf(proto);
  if (registered !== undefined) return visitInstance(object, registered, state, depth);
  return refuseInstance(object);
}

/**
 * An instance of a serializable class: its own enumerable properties are
 * walked as a plain object's are (and it travels as an exact container, see
 * exact-forms.ts), or, with a `[serialize]` hook, what the hook returns.
 */
function visitInstance(object: object, entry: SerializableClass, state: WalkState, depth: number): Refusal | undefined {
  if (depth >= state.maxDepth) {
    return refuse(
      `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of objects inside one another`,
      `flatten the value: tsray sends at most ${MAX_NESTING_DEPTH} levels`,
    );
  }
  state.exactForms = true;
  if (entry.serialize !== undefined) {
    let data: unknown;
    try {
      data = entry.serialize(object);
    } catch (error) {
      return { segments: [], what: `an instance of class ${entry.name} whose [ray.serialize] hook threw (${describeError(error)})`, advice: "fix the hook", cause: error };
    }
    (state.customData ??= new Map()).set(object, data);
    (state.customOpen ??= new Set()).add(object);
    const refusal = visit(data, state, depth + 1);
    state.customOpen.delete(object);
    return refusal;
  }
  if (entry.builtinBase !== undefined) {
    return refuse(
      `an instance of class ${entry.name}, which extends ${entry.builtinBase} (whose contents are not properties tsray can copy)`,
      `give ${entry.name} its own encoding: static [ray.serialize](x) returning plain data (e.g. [...x]) and ` +
        "static [ray.deserialize](data) returning an instance",
    );
  }
  if (entry.privateMember !== undefined) {
    return refuse(
      `an instance of class ${entry.name}, which has private members (${entry.privateMember}) that cannot be read from outside the class`,
      `give ${entry.name} its own encoding: static [ray.serialize](x) returning plain data and static [ray.deserialize](data) ` +
        "returning an instance (or the serialize/deserialize options of ray.registerSerializable)",
    );
  }
  markExact(object, state);
  const record = object as Record<string, unknown>;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const refusal = visit(record[key], state, depth + 1);
    if (refusal !== undefined) {
      refusal.segments.push({ kind: "key", key });
      return refusal;
    }
  }
  return undefined;
}

function markExact(object: object, state: WalkState): void {
  state.exactForms = true;
  (state.exactContainers ??= new Set()).add(object);
}

/**
 * Walks the indices; the first hole (an index that is not an own property)
 * hands over to {@link visitSparseTail}, which visits only the entries that
 * exist: an array of length 2 ** 32 − 1 with three entries costs three
 * visits, not four billion.
 */
function visitArray(array: unknown[], state: WalkState, depth: number): Refusal | undefined {
  const length = array.length;
  for (let i = 0; i < length; i++) {
    const item = array[i];
    if (item === undefined && !(i in array)) return visitSparseTail(array, i, state, depth);
    const refusal = visit(item, state, depth + 1);
    if (refusal !== undefined) {
      refusal.segments.push({ kind: "index", index: i });
      return refusal;
    }
  }
  if (hasNamedProperties(array)) {
    markExact(array, state);
    return visitKeys(array, Object.keys(array), length, state, depth);
  }
  return undefined;
}

/** An array with a hole at `firstHole`: the entries from there on, found through its own keys. */
function visitSparseTail(array: unknown[], firstHole: number, state: WalkState, depth: number): Refusal | undefined {
  markExact(array, state);
  return visitKeys(array, Object.keys(array), firstHole, state, depth);
}

/** Visits the values of `keys` of an array, skipping indices below `from` (already visited). */
function visitKeys(
  array: unknown[],
  keys: readonly string[],
  from: number,
  state: WalkState,
  depth: number,
): Refusal | undefined {
  const record = array as unknown as Record<string, unknown>;
  for (const key of keys) {
    const index = isArrayIndex(key);
    if (index && Number(key) < from) continue;
    if (!index && needsUtf16(key)) markExact(array, state);
    const refusal = visit(record[key], state, depth + 1);
    if (refusal !== undefined) {
      refusal.segments.push(index ? { kind: "index", index: Number(key) } : { kind: "key", key });
      return refusal;
    }
  }
  return undefined;
}

/** `util.inspect` options under which an array without named properties prints as `[ ... N more items ]`. */
const NAMES_ONLY: Parameters<typeof inspect>[1] = {
  showHidden: false,
  depth: 0,
  colors: false,
  customInspect: false,
  showProxy: false,
  maxArrayLength: 0,
  maxStringLength: 0,
  breakLength: Infinity,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
};

/** Below this length, `Object.keys` is the cheaper way to find named properties (≈ 75 ns for 3 items, 740 ns for 100). */
const INSPECT_NAMES_FROM_LENGTH = 64;

/**
 * Whether a dense array (no holes) has own enumerable properties besides its
 * indices. JavaScript can only list keys, indices included, so `Object.keys`
 * costs O(length) (≈ 8 ns an item, and far more once V8's number-string
 * cache overflows: 120 ms for a million items). For longer arrays,
 * `util.inspect` with no items shown lists only the named properties, in C++
 * (V8's key collection with indices skipped), in ≈ 0.6 µs at any length: an
 * output other than the bare item count means there are some (a false
 * positive would only send the array the slow, exact way). A Proxy is read
 * through its traps instead (inspect would read its target).
 */
function hasNamedProperties(array: unknown[]): boolean {
  const length = array.length;
  if (length < INSPECT_NAMES_FROM_LENGTH || types.isProxy(array)) return Object.keys(array).length !== length;
  return inspect(array, NAMES_ONLY) !== `[ ... ${length} more item${length === 1 ? "" : "s"} ]`;
}

/** A short description of a thrown value that cannot itself throw. */
function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
    return String(error);
  } catch {
    return "a value that cannot be described";
  }
}

