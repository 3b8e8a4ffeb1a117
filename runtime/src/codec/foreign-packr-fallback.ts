/**
 * What tsray's msgpack extensions write when another msgpackr `Packr` (not
 * one of tsray's) meets a value of a built-in class tsray has an extension
 * for: exactly the bytes msgpackr would have written had tsray never
 * registered its extensions.
 *
 * Why: msgpackr's `addExtension` is process-global and an extension registered
 * for a class wins over msgpackr's built-in one, for every `Packr` in the
 * process. tsray registers extensions for `Error`, `ArrayBuffer`, `DataView`,
 * `SharedArrayBuffer` and the typed-array base class (see codec.ts), so
 * without this module an application's own `new Packr().pack(new
 * Float64Array(4))` would change (or fail) once tsray has made its first Codec.
 *
 * The functions below mirror msgpackr 2.1.4, `pack.js` (the ESM source Node
 * imports; `dist/node.cjs` bundles the same code):
 * - lines 684–705 and 761–779: the extension lookup, its toJSON fall-through
 *   for built-in extensions (subclasses of Error / ArrayBuffer with a toJSON of
 *   their own), and the "no extension" path a SharedArrayBuffer takes (msgpackr
 *   has no built-in for it: it is written as a plain object of its own
 *   enumerable properties, normally `{}`);
 * - lines 1210–1258: the built-in Error (1210–1226), ArrayBuffer (1237–1243),
 *   TypedArray (1244–1251) and DataView (1252–1258) extensions;
 * - lines 1266–1311: `writeExtBuffer` (1266–1287) and `writeBuffer` (1288–1311);
 * - line 10 (`ByteArray` is `Buffer` on Node) and `unpack.js` line 1232
 *   (`typedArrays`, the typed-array type codes).
 * A msgpackr upgrade may change any of these: test/codec/foreign-msgpackr.test.ts
 * compares the bytes foreign Packrs write before and after tsray registers its
 * extensions, and fails when they drift apart.
 *
 * Not mirrored: msgpackr's typed-struct mode (`randomAccessStructure`) treats
 * a top-level value whose class has any registered extension differently
 * (pack.js line 124), and a `useRecords` *function* sees the plain-object copy
 * of a SharedArrayBuffer rather than the SharedArrayBuffer itself.
 *
 * This module does not import msgpackr; `this` of an extension callback is the
 * Packr, of which only the options read here matter.
 */
import type { AllocateForWrite } from "./binary-writer.js";

/** The options of the Packr running an extension that this module reads. */
export interface ForeignPackrOptions {
  readonly moreTypes?: boolean;
  readonly useToJSON?: boolean;
}

/** msgpackr's `pack` as handed to an extension's `pack` (its third argument). */
export type PackNested = (value: unknown) => void;

/** msgpackr's `ByteArray` (pack.js line 10). */
const ByteArray: Function = typeof Buffer !== "undefined" ? Buffer : Uint8Array;

/** msgpackr's `typedArrays` (unpack.js line 1232): a typed array's type code is its index here. */
const typedArrays = [
  "Int8",
  "Uint8",
  "Uint8Clamped",
  "Int16",
  "Uint16",
  "Int32",
  "Uint32",
  "Float32",
  "Float64",
  "BigInt64",
  "BigUint64",
].map((type) => type + "Array");

const dateToJSON = Date.prototype.toJSON;

interface MaybeToJSON {
  toJSON?: () => unknown;
}

/**
 * pack.js lines 701–705: a built-in extension is skipped for an instance of a
 * subclass that has a toJSON (other than Date's), unless it is a byte view.
 */
function builtInSkipsFor(packr: ForeignPackrOptions, value: object, extensionClass: Function): boolean {
  return (
    value.constructor !== extensionClass &&
    packr.useToJSON !== false &&
    (value as MaybeToJSON).toJSON !== undefined &&
    (value as MaybeToJSON).toJSON !== dateToJSON &&
    !ArrayBuffer.isView(value)
  );
}

/**
 * pack.js lines 761–779, for a value no extension handles: its toJSON if it has
 * one, else `writeObject(value)`, whose bytes are those of a plain object with
 * the same own enumerable properties. (An array or a function never gets here:
 * the classes this module serves are neither.)
 */
function packWithoutExtension(
  packr: ForeignPackrOptions,
  value: object,
  allocate: AllocateForWrite,
  pack: PackNested,
): void {
  allocate(0); // gives msgpackr its target back before packing nested values
  const toJSON = (value as MaybeToJSON).toJSON;
  if (packr.useToJSON !== false && toJSON) {
    const json = toJSON.call(value);
    if (json !== value) {
      pack(json);
      return;
    }
  }
  pack({ ...value });
}

/** msgpackr's built-in Error extension (pack.js lines 1210–1226). */
export function packForeignError(
  packr: ForeignPackrOptions,
  error: Error,
  allocate: AllocateForWrite,
  pack: PackNested,
): void {
  if (builtInSkipsFor(packr, error, Error)) {
    packWithoutExtension(packr, error, allocate, pack);
    return;
  }
  const { target, position } = allocate(packr.moreTypes ? 3 : 0);
  if (packr.moreTypes) {
    target[position] = 0xd4;
    target[position + 1] = 0x65; // 'e' for error
    target[position + 2] = 0;
  }
  const errorData: unknown[] = [error.name, error.message, error.cause];
  if (typeof AggregateError === "function" && error instanceof AggregateError) errorData.push(error.errors);
  pack(errorData);
}

/** msgpackr's built-in ArrayBuffer extension (pack.js lines 1237–1243). */
export function packForeignArrayBuffer(
  packr: ForeignPackrOptions,
  arrayBuffer: ArrayBuffer,
  allocate: AllocateForWrite,
  pack: PackNested,
): void {
  if (builtInSkipsFor(packr, arrayBuffer, ArrayBuffer)) {
    packWithoutExtension(packr, arrayBuffer, allocate, pack);
    return;
  }
  if (packr.moreTypes) writeExtBuffer(arrayBuffer, 0x10, allocate);
  else writeBuffer(arrayBuffer, allocate);
}

/** msgpackr's built-in TypedArray extension (pack.js lines 1244–1251); Buffers included. */
export function packForeignTypedArray(
  packr: ForeignPackrOptions,
  typedArray: ArrayBufferView,
  allocate: AllocateForWrite,
): void {
  const constructor = typedArray.constructor;
  if (constructor !== ByteArray && packr.moreTypes) {
    writeExtBuffer(typedArray, typedArrays.indexOf(constructor.name), allocate);
  } else {
    writeBuffer(typedArray, allocate);
  }
}

/** msgpackr's built-in DataView extension (pack.js lines 1252–1258). */
export function packForeignDataView(packr: ForeignPackrOptions, dataView: DataView, allocate: AllocateForWrite): void {
  if (packr.moreTypes) writeExtBuffer(dataView, 0x11, allocate);
  else writeBuffer(dataView, allocate);
}

/** msgpackr has no SharedArrayBuffer extension: it writes one as a plain object (pack.js lines 761–779). */
export function packForeignSharedArrayBuffer(
  packr: ForeignPackrOptions,
  shared: SharedArrayBuffer,
  allocate: AllocateForWrite,
  pack: PackNested,
): void {
  packWithoutExtension(packr, shared, allocate, pack);
}

/** pack.js lines 1266–1287: ext 8/16/32, type 0x74, the type code, then the bytes. */
function writeExtBuffer(value: ArrayBufferView | ArrayBufferLike, type: number, allocate: AllocateForWrite): void {
  const length = value.byteLength;
  let target: Uint8Array;
  let position: number;
  if (length + 1 < 0x100) {
    ({ target, position } = allocate(4 + length));
    target[position++] = 0xc7;
    target[position++] = length + 1;
  } else if (length + 1 < 0x10000) {
    ({ target, position } = allocate(5 + length));
    target[position++] = 0xc8;
    target[position++] = (length + 1) >> 8;
    target[position++] = (length + 1) & 0xff;
  } else {
    let targetView: DataView;
    ({ target, position, targetView } = allocate(7 + length));
    target[position++] = 0xc9;
    targetView.setUint32(position, length + 1); // plus one for the type byte
    position += 4;
  }
  target[position++] = 0x74; // "t" for typed array
  target[position++] = type; // -1 (a subclass msgpackr does not know) is stored as 0xff, as in msgpackr
  const bytes = ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : new Uint8Array(value);
  target.set(bytes, position);
}

/** pack.js lines 1288–1311: bin 8/16/32, then the bytes. */
function writeBuffer(value: ArrayBufferView | ArrayBufferLike, allocate: AllocateForWrite): void {
  let bytes: Uint8Array;
  if ((value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT !== 1) {
    bytes = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value);
  } else {
    bytes = value as Uint8Array;
  }
  const length = bytes.byteLength;
  let target: Uint8Array;
  let position: number;
  if (length < 0x100) {
    ({ target, position } = allocate(length + 2));
    target[position++] = 0xc4;
    target[position++] = length;
  } else if (length < 0x10000) {
    ({ target, position } = allocate(length + 3));
    target[position++] = 0xc5;
    target[position++] = length >> 8;
    target[position++] = length & 0xff;
  } else {
    let targetView: DataView;
    ({ target, position, targetView } = allocate(length + 5));
    target[position++] = 0xc6;
    targetView.setUint32(position, length);
    position += 4;
  }
  target.set(bytes, position);
}
