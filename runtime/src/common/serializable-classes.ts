/**
 * The thread's table of classes whose instances cross the wire as real
 * instances ("class instances as values", issue 13), by stable id.
 *
 * A class is registered when its module evaluates: `@ray.serializable` (the
 * transform emits the call with the class's stable id and `import.meta.url`),
 * `ray.registerSerializable(Cls)` (transform-free: the id is derived from the
 * caller's module, as `ray.remote` does), or the transform's automatic
 * registration of classes used in remote signatures (`registerClass` in
 * `tsray/stubs`). The sender writes `[id, url, fields]`; a receiver that does
 * not know `id` yet imports `url` (which registers it) and decodes again
 * (`decodeLoadingClasses`). One table per thread, like the module cache it
 * mirrors; the codec reads it, which is why it lives in `common/`.
 *
 * Encoding, by default, copies the instance's own enumerable properties and
 * restores the prototype on the other side without calling the constructor
 * (as Python's pickle does for Ray). A class can take over with static methods
 * `[serialize](instance) → data` and `[deserialize](data) → instance` (or the
 * same as options), which is required for classes with private `#fields`
 * (JavaScript cannot read them from outside): those are refused otherwise.
 */
import { InvalidArgumentError, SerializationError } from "./errors.js";
import { sendAdviceOf } from "./send-advice.js";

/** Static method of a serializable class: its instance → plain data that can be sent. */
export const serialize: unique symbol = Symbol.for("tsray.serialize");
/** Static method of a serializable class: the data `[serialize]` made → a new instance. */
export const deserialize: unique symbol = Symbol.for("tsray.deserialize");

/** Custom encoding of a serializable class (both or neither). */
export interface SerializableOptions<T = unknown, D = unknown> {
  /** The instance as sendable data (plain objects, arrays, Map, other registered instances, …). */
  readonly serialize?: (instance: T) => D;
  /** A new instance from what `serialize` returned. */
  readonly deserialize?: (data: D) => T;
}

/** What `registerClass` needs: the stable id and the module that registers the class when imported. */
export interface SerializableContext {
  readonly kind: "tsray:serializable";
  readonly abi: 1;
  readonly id: string;
  readonly name: string;
  readonly url: string;
}

export interface SerializableClass {
  readonly cls: Function;
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly serialize: ((instance: unknown) => unknown) | undefined;
  readonly deserialize: ((data: unknown) => unknown) | undefined;
  /** The first `#private` member seen in the source of the class or a superclass (refused without a hook). */
  readonly privateMember: string | undefined;
  /** A built-in class it extends whose state is not in own properties (`Map`, `Array`, …; refused without a hook). */
  readonly builtinBase: string | undefined;
}

/** Built-ins whose instances keep their state in internal slots, which copying own properties loses. */
const BUILTIN_BASES: readonly Function[] = [Array, Map, Set, Date, RegExp, Promise, WeakMap, WeakSet, ArrayBuffer, DataView];

const byPrototype = new Map<object, SerializableClass>();
const byId = new Map<string, SerializableClass>();

/** The registered class whose prototype is exactly `proto` (subclasses register on their own). */
export function serializableClassOf(proto: unknown): SerializableClass | undefined {
  return byPrototype.get(proto as object);
}

export function serializableClassById(id: string): SerializableClass | undefined {
  return byId.get(id);
}

/**
 * Registers `cls` under `context.id`. Idempotent for the same class; another
 * class under a used id is an `InvalidArgumentError` (the receiving side could
 * not tell which is meant).
 */
export function registerClass(cls: Function, context: SerializableContext, options: SerializableOptions = {}): void {
  if (typeof cls !== "function" || typeof cls.prototype !== "object" || cls.prototype === null) {
    throw new InvalidArgumentError(`ray.registerSerializable expects a class, got ${typeof cls}.`);
  }
  // A class that states its instances cannot be sent (e.g. ObjectRefGenerator) is not made sendable by a registration.
  const refused = sendAdviceOf(cls.prototype as object);
  if (refused !== undefined) throw new InvalidArgumentError(`${context.name} cannot be made serializable: ${refused}.`);
  const statics = cls as unknown as Partial<Record<symbol, unknown>>;
  const ser = options.serialize ?? statics[serialize];
  const deser = options.deserialize ?? statics[deserialize];
  if ((ser === undefined) !== (deser === undefined) || (ser !== undefined && (typeof ser !== "function" || typeof deser !== "function"))) {
    throw new InvalidArgumentError(
      `Serializable class ${context.name}: give both serialize and deserialize functions (static [ray.serialize] and ` +
        "[ray.deserialize], or the options of ray.registerSerializable), or neither.",
    );
  }
  const proto = cls.prototype as object;
  const existing = byId.get(context.id) ?? byPrototype.get(proto);
  if (existing !== undefined) {
    if (existing.cls !== cls) {
      throw new InvalidArgumentError(
        `Two different serializable classes have the id "${context.id}". Give each class in a module its own name.`,
      );
    }
    // The same class under a second id (say, the transform's and a hand-written call's): both ids
    // find it, instances are sent under the first. Its encoding is the first registration's.
    byId.set(context.id, existing);
    return;
  }
  const entry: SerializableClass = {
    cls,
    id: context.id,
    url: context.url,
    name: context.name,
    serialize: ser as SerializableClass["serialize"],
    deserialize: deser as SerializableClass["deserialize"],
    privateMember: ser === undefined ? privateMemberOf(cls) : undefined,
    builtinBase: ser === undefined ? BUILTIN_BASES.find((B) => proto instanceof B)?.name : undefined,
  };
  byId.set(entry.id, entry);
  byPrototype.set(proto, entry);
}

/**
 * The first instance `#name` member declared in the source of `cls` or its superclasses (JavaScript
 * offers no other way to know): `#x`, `#x = …`, `#m() {…}`, `get #x()`, at the start of a member
 * (after `{`, `;`, `}` or a line break). `static #x` is not an instance's. A `#` inside a string or
 * comment at such a place would be a false positive (the class is then refused with advice to add
 * the hooks, never sent wrong).
 */
function privateMemberOf(cls: Function): string | undefined {
  for (let c: unknown = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    let source: string;
    try {
      source = Function.prototype.toString.call(c);
    } catch {
      return undefined;
    }
    const found = /(?:^|[;{}])\s*(?:(?:get|set|async|accessor)\s+|\*\s*)*(#[A-Za-z_$][\w$]*)/m.exec(source);
    if (found !== null && /^class[\s{]/.test(source)) return found[1];
  }
  return undefined;
}

/** A class id the receiving thread does not know, even after importing its module. */
export class UnknownClassError extends SerializationError {
  readonly classId: string;
  readonly url: string;
  constructor(classId: string, url: string, loaded: boolean, cause?: unknown) {
    super(
      "decode",
      loaded
        ? `Cannot decode an instance of class "${classId}": importing ${url} did not register it here. ` +
            "Register the class at the top level of its module (@ray.serializable or ray.registerSerializable(Cls)), " +
            "with the same code on both sides."
        : `Cannot decode an instance of class "${classId}": its module ${url} could not be imported here ` +
            `(${cause instanceof Error ? cause.message : String(cause)}).`,
      cause === undefined ? undefined : { cause },
    );
    this.classId = classId;
    this.url = url;
  }
}

/** Thrown by the codec while decoding: `classId` is not registered yet; `decodeLoadingClasses` imports `url`. */
export class ClassNotLoaded extends SerializationError {
  constructor(
    readonly classId: string,
    readonly url: string,
  ) {
    super("decode", `Cannot decode an instance of class "${classId}": it is not registered in this thread (module ${url}).`);
  }
}

/**
 * Runs `decode`; when it meets a class this thread has not registered yet,
 * imports that class's module and decodes again (once per module; a decode
 * that fails is thrown away whole, so nothing half-built escapes). Only the
 * first value of each class in a thread pays for it.
 */
export async function decodeLoadingClasses<T>(decode: () => T): Promise<T> {
  const imported = new Set<string>();
  for (;;) {
    try {
      return decode();
    } catch (error) {
      if (!(error instanceof ClassNotLoaded)) throw error;
      if (imported.has(error.url)) throw new UnknownClassError(error.classId, error.url, true);
      imported.add(error.url);
      try {
        await import(error.url);
      } catch (cause) {
        throw new UnknownClassError(error.classId, error.url, false, cause);
      }
    }
  }
}

/**
 * `decode` at once when every class it meets is registered (the common case: no promise, no
 * microtask, as a plain decode), else `decodeLoadingClasses`. Throws what `decode` throws.
 */
export function decodeNowOrLoading<T>(decode: () => T): T | Promise<T> {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof ClassNotLoaded)) throw error;
    return decodeLoadingClasses(decode);
  }
}
