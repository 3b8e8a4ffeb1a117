/**
 * Binary values (typed arrays, DataView, ArrayBuffer, Buffer,
 * SharedArrayBuffer) and the one-byte kind code that names each on the wire.
 *
 * Codes 0–10, 16 and 17 are msgpackr's own codes for its typed-array
 * extension (0x74), so small binaries stay in msgpackr's format; 18 and 19 are
 * tsray's and only appear in out-of-band records (see frame.ts); so does 20,
 * a long string's UTF-16 code units (exact-forms.ts), read back as the string.
 */

export const BinaryKind = {
  Int8Array: 0,
  Uint8Array: 1,
  Uint8ClampedArray: 2,
  Int16Array: 3,
  Uint16Array: 4,
  Int32Array: 5,
  Uint32Array: 6,
  Float32Array: 7,
  Float64Array: 8,
  BigInt64Array: 9,
  BigUint64Array: 10,
  ArrayBuffer: 16,
  DataView: 17,
  Buffer: 18,
  SharedArrayBuffer: 19,
  Utf16Text: 20,
} as const;

export type BinaryKind = (typeof BinaryKind)[keyof typeof BinaryKind];

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export interface TypedArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
}

/** Typed-array constructors by kind code (codes 0–10). */
export const typedArrayConstructors: readonly TypedArrayConstructor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

/** The abstract `%TypedArray%` constructor every typed array inherits from. */
export const TypedArrayBase = Object.getPrototypeOf(Uint8Array) as abstract new () => TypedArray;

const kindByPrototype = new Map<object, number>(
  typedArrayConstructors.map((ctor, code) => [ctor.prototype as object, code]),
);
kindByPrototype.set(Buffer.prototype, BinaryKind.Buffer);

/**
 * The kind code of a typed array, Buffer included. A subclass of a typed
 * array travels as its nearest built-in ancestor.
 */
export function typedArrayKind(view: TypedArray): number {
  for (let proto: object | null = Object.getPrototypeOf(view); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const kind = kindByPrototype.get(proto);
    if (kind !== undefined) return kind;
  }
  const name = (Object.getPrototypeOf(view) as { constructor?: { name?: string } } | null)?.constructor?.name;
  throw new TypeError(`${name ?? "this typed array"} is not supported by the tsray codec`);
}

/** The bytes a view spans, as a Uint8Array over the same memory (no copy). */
export function bytesOf(value: ArrayBufferView | ArrayBufferLike): Uint8Array {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}
