/**
 * Exact forms: the parts of a value that msgpack (as msgpackr writes and
 * reads it) would change silently, and the markers they travel as.
 *
 * | what                                   | msgpackr alone                   | sent as                      |
 * |----------------------------------------|----------------------------------|------------------------------|
 * | `-0`                                   | `0` (written as an integer)      | {@link NEGATIVE_ZERO} (0x23)  |
 * | a string with a lone surrogate         | U+FFFD in its place (UTF-8)      | {@link Utf16String} (0x27)   |
 * | a string whose UTF-8 form is longer than Node can decode into one string ({@link MAX_UTF8_DECODE_BYTES}) | fails at decode | {@link Utf16String} (0x27) |
 * | an array with holes                    | dense, `undefined` in the holes, and one write per hole (`a.length = 2 ** 32 - 1` never ends) | {@link ExactContainer} (0x28) |
 * | an array with named properties         | the properties dropped           | {@link ExactContainer}       |
 * | an object with an own `__proto__` key  | the key renamed `__proto_`       | {@link ExactContainer}       |
 * | a null-prototype object                | an `Object.prototype` object     | {@link ExactContainer}       |
 * | an object key with a lone surrogate    | U+FFFD in the key                | {@link ExactContainer}       |
 *
 * The serializability check (serializability.ts) finds these while it walks
 * the value; only when it found one is the value copied here, with each
 * such part replaced by its marker, which the codec's extensions write
 * (codec.ts). Everything else is shared with the original, not copied: the
 * common value costs nothing here.
 *
 * An exact container is written as `[open, key, value, key, value, …]`: its
 * keys are array indices (numbers) or property names. `open` ({@link ExactOpen},
 * 0x29) is read first and makes the empty container (a null-prototype object,
 * or an array of the right length), so that a value inside it that points
 * back at it (a cycle) can be given the container itself: such a pointer is
 * an {@link ExactBackRef} (0x2a) holding the container's number, counted in
 * the order containers are written (= the order they are read). msgpackr's own
 * cycle support cannot do this for an extension: it would read the cycle
 * into a plain placeholder object and copy the container's keys onto it
 * (`Object.assign`, which turns a `__proto__` key into a prototype).
 * Sharing without a cycle is left to msgpackr (its pointers hold the marker,
 * which decodes to one container).
 */
import { constants as bufferConstants } from "node:buffer";
import { ClassNotLoaded, serializableClassById, serializableClassOf } from "../common/serializable-classes.js";
import { SerializationError } from "../common/errors.js";

/** Stands for `-0` while a value is being encoded (msgpackr writes `-0` as the integer 0). */
export class NegativeZero {}
export const NEGATIVE_ZERO = new NegativeZero();

/**
 * The longest UTF-8 text Node turns into one string (`buffer.toString`
 * refuses longer input even when the string would be shorter):
 * `buffer.constants.MAX_STRING_LENGTH`, 2 ** 29 − 24 on 64-bit V8.
 */
export const MAX_UTF8_DECODE_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** Stands for a string sent as its UTF-16 code units (lone surrogates kept; any length V8 allows). */
export class Utf16String {
  constructor(readonly value: string) {}
}

const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const loneSurrogate = /\p{Surrogate}/u;

/**
 * Whether `text` must travel as UTF-16 code units: it holds a lone surrogate
 * (UTF-8 cannot express one) or its UTF-8 form is too long to decode. O(1) for
 * one-byte strings (V8 answers `isWellFormed` from the string's
 * representation); the UTF-8 length is measured only for strings long
 * enough that it could be too long.
 */
export function needsUtf16(text: string): boolean {
  if (isWellFormed !== undefined ? !isWellFormed.call(text) : loneSurrogate.test(text)) return true;
  return text.length > MAX_UTF8_DECODE_BYTES / 3 && Buffer.byteLength(text, "utf8") > MAX_UTF8_DECODE_BYTES;
}

/** What an exact container is; the first element of {@link ExactOpen}'s payload. */
export const ExactKind = {
  /** A plain object (`Object.prototype`). */
  Object: 0,
  /** An object whose prototype is `null`. */
  NullPrototypeObject: 1,
  /** An array; the payload's second element is its length. */
  Array: 2,
  /**
   * An instance of a serializable class (common/serializable-classes.ts), its own
   * enumerable properties as entries: payload `[3, 0, classId, url]`; made with
   * the class's prototype, its constructor not called.
   */
  Instance: 3,
} as const;
export type ExactKind = (typeof ExactKind)[keyof typeof ExactKind];

/** The opening of an exact container: what to make before its entries are read. */
export class ExactOpen {
  constructor(
    readonly kind: ExactKind,
    readonly length: number,
    /** For {@link ExactKind.Instance}: the class's id and module. */
    readonly classId?: string,
    readonly url?: string,
  ) {}

  /** What msgpackr writes as the payload (0x29). */
  payload(): unknown[] {
    return this.kind === ExactKind.Instance ? [this.kind, 0, this.classId, this.url] : [this.kind, this.length];
  }
}

/**
 * An instance of a serializable class with its own encoding (`[serialize]`):
 * written as `[classId, url, data]` (0x2b), read back through `[deserialize]`.
 * The check refuses data that leads back to the instance (it would have to exist
 * before its own data is read).
 */
export class CustomInstance {
  constructor(
    readonly classId: string,
    readonly url: string,
    public data: unknown,
  ) {}
}

/** A container sent key by key. `items` is `[open, key, value, key, value, …]`. */
export class ExactContainer {
  /** Its number in the order of writing; set by the codec when it writes the container. */
  wireId = -1;
  /** True while its entries are being copied: a value met then that is this container is a cycle. */
  copying = true;
  constructor(readonly items: unknown[]) {}
}

/** A pointer from inside an exact container back to it (or to one enclosing it). */
export class ExactBackRef {
  constructor(readonly target: ExactContainer) {}
}

/** Whether an Object.keys key of an array is an index (vs a named property). */
export function isArrayIndex(key: string): boolean {
  const n = Number(key);
  return n >>> 0 === n && n !== 4294967295 && String(n) === key;
}

const ObjectPrototype = Object.prototype;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A copy of `value` with every part from the table above replaced by its
 * marker. `exactContainers` are the objects and arrays the check found to
 * need one (it already paid for finding holes and named properties). Only
 * containers the check walks are copied (plain and null-prototype objects,
 * arrays, Map, Set), with sharing and cycles kept; everything else is reused
 * as is. Recursion is bounded by the check's nesting limit.
 */
export function toExactForms(
  value: unknown,
  exactContainers: ReadonlySet<object> | undefined,
  customData?: ReadonlyMap<object, unknown>,
): unknown {
  return copy(value, new Map(), exactContainers, customData);
}

function copy(
  value: unknown,
  copies: Map<object, unknown>,
  exact: ReadonlySet<object> | undefined,
  custom?: ReadonlyMap<object, unknown>,
): unknown {
  if (typeof value === "number") return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
  if (typeof value === "string") return needsUtf16(value) ? new Utf16String(value) : value;
  if (typeof value !== "object" || value === null) return value;
  const existing = copies.get(value);
  if (existing !== undefined) {
    return existing instanceof ExactContainer && existing.copying ? new ExactBackRef(existing) : existing;
  }
  if (custom !== undefined && custom.has(value)) {
    const entry = serializableClassOf(Object.getPrototypeOf(value))!;
    const marker = new CustomInstance(entry.id, entry.url, undefined);
    copies.set(value, marker);
    marker.data = copy(custom.get(value), copies, exact, custom);
    return marker;
  }
  if (exact?.has(value) === true) return copyExact(value, copies, exact, custom);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === ObjectPrototype) {
    const source = value as Record<string, unknown>;
    const target: Record<string, unknown> = {};
    copies.set(value, target);
    // No own "__proto__" key here (such objects are exact containers), so assignment is safe.
    for (const key in source) if (hasOwn.call(source, key)) target[key] = copy(source[key], copies, exact, custom);
    return target;
  }
  if (Array.isArray(value) && proto === Array.prototype) {
    const target: unknown[] = new Array<unknown>(value.length);
    copies.set(value, target);
    for (let i = 0; i < value.length; i++) target[i] = copy(value[i], copies, exact, custom);
    return target;
  }
  if (value instanceof Map && proto === Map.prototype) {
    const target = new Map<unknown, unknown>();
    copies.set(value, target);
    for (const [key, entry] of value) target.set(copy(key, copies, exact, custom), copy(entry, copies, exact, custom));
    return target;
  }
  if (value instanceof Set && proto === Set.prototype) {
    const target = new Set<unknown>();
    copies.set(value, target);
    for (const item of value) target.add(copy(item, copies, exact, custom));
    return target;
  }
  return value;
}

function copyExact(
  value: object,
  copies: Map<object, unknown>,
  exact: ReadonlySet<object>,
  custom: ReadonlyMap<object, unknown> | undefined,
): ExactContainer {
  let open: ExactOpen;
  let keys: string[];
  const proto: unknown = Object.getPrototypeOf(value);
  const instanceOf = proto === null || proto === ObjectPrototype ? undefined : serializableClassOf(proto);
  if (instanceOf !== undefined) {
    open = new ExactOpen(ExactKind.Instance, 0, instanceOf.id, instanceOf.url);
    keys = [];
    for (const key in value) if (hasOwn.call(value, key)) keys.push(key);
  } else if (Array.isArray(value)) {
    open = new ExactOpen(ExactKind.Array, value.length);
    // For a sparse array Object.keys lists only the present indices (V8 keeps such arrays as dictionaries).
    keys = Object.keys(value);
  } else {
    open = new ExactOpen(proto === null ? ExactKind.NullPrototypeObject : ExactKind.Object, 0);
    keys = [];
    for (const key in value) if (hasOwn.call(value, key)) keys.push(key);
  }
  const items: unknown[] = [open];
  const container = new ExactContainer(items);
  copies.set(value, container);
  const isArray = open.kind === ExactKind.Array;
  const source = value as Record<string, unknown>;
  for (const key of keys) {
    items.push(isArray && isArrayIndex(key) ? Number(key) : needsUtf16(key) ? new Utf16String(key) : key);
    items.push(copy(source[key], copies, exact, custom));
  }
  container.copying = false;
  return container;
}

/**
 * Decoding: the container an {@link ExactOpen} payload describes, empty.
 * Throws a plain Error for a payload no encoder writes, and `ClassNotLoaded`
 * for an instance of a class this thread has not registered (yet).
 */
export function openExactContainer(payload: unknown): object {
  if (Array.isArray(payload) && payload.length === 4 && payload[0] === ExactKind.Instance) {
    const [, , classId, url] = payload as [unknown, unknown, unknown, unknown];
    if (typeof classId === "string" && typeof url === "string") {
      return Object.create(registeredClass(classId, url).cls.prototype as object) as object;
    }
  }
  if (Array.isArray(payload) && payload.length === 2) {
    const [kind, length] = payload as [unknown, unknown];
    if (kind === ExactKind.Object) return {};
    if (kind === ExactKind.NullPrototypeObject) return Object.create(null) as object;
    if (kind === ExactKind.Array && typeof length === "number" && length >>> 0 === length) {
      const array: unknown[] = [];
      array.length = length;
      return array;
    }
  }
  throw new Error("an exact container's opening is malformed");
}

/**
 * Decoding: fills `target` (made by {@link openExactContainer}) from the
 * `[open, key, value, …]` items. Every key becomes an own data property
 * (a key already found on the prototype chain is defined, not assigned: a
 * key "__proto__" stays a key, and no setter on a prototype runs).
 */
export function fillExactContainer(target: object, items: readonly unknown[]): object {
  const isArray = Array.isArray(target);
  if (items.length % 2 !== 1) throw new Error("an exact container has a key without a value");
  for (let i = 1; i < items.length; i += 2) {
    const key = items[i];
    if (typeof key !== "string" && !(isArray && typeof key === "number" && key >>> 0 === key && key !== 4294967295)) {
      throw new Error("an exact container has a malformed key");
    }
    // A key found nowhere on the prototype chain: assignment makes the same own data property
    // as defineProperty, ≈ 5× faster. Anything else (`__proto__`, a setter or read-only
    // property of the class, an existing key) is defined.
    if (key in target) {
      Object.defineProperty(target, key, { value: items[i + 1], writable: true, enumerable: true, configurable: true });
    } else {
      (target as Record<string | number, unknown>)[key] = items[i + 1];
    }
  }
  return target;
}

/** Decoding: a string from its UTF-16 code units (as `Buffer.from(text, "utf16le")` wrote them). */
export function utf16ToString(payload: unknown): string {
  if (!(payload instanceof Uint8Array) || payload.byteLength % 2 !== 0) {
    throw new Error("a UTF-16 string's payload is malformed");
  }
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf16le");
}

/** The class registered as `classId`, or `ClassNotLoaded` (the caller may import `url` and decode again). */
function registeredClass(classId: string, url: string): NonNullable<ReturnType<typeof serializableClassById>> {
  const entry = serializableClassById(classId);
  if (entry === undefined) throw new ClassNotLoaded(classId, url);
  return entry;
}

/** Decoding: a {@link CustomInstance} payload `[classId, url, data]` → the class's `[deserialize](data)`. */
export function readCustomInstance(payload: unknown): unknown {
  if (!Array.isArray(payload) || payload.length !== 3 || typeof payload[0] !== "string" || typeof payload[1] !== "string") {
    throw new Error("a custom-encoded instance is malformed");
  }
  const entry = registeredClass(payload[0], payload[1]);
  if (entry.deserialize === undefined) {
    throw new SerializationError("decode", `Cannot decode an instance of class "${entry.id}": it was sent with a serialize hook, but here the class has no deserialize hook.`);
  }
  try {
    return entry.deserialize(payload[2]);
  } catch (error) {
    throw new SerializationError(
      "decode",
      `Cannot decode an instance of class ${entry.name}: its deserialize hook threw (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
}
