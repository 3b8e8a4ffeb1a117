/**
 * The codec: values to bytes and back. The only module in tsray that imports
 * msgpackr; its options are pinned here, and its extensions (see
 * extension-types.ts) carry ObjectRefs, ActorHandles, errors, negative zero
 * and binaries.
 *
 * msgpackr's extensions are process-global (`addExtension`), while each
 * `Codec` has its own {@link WireHooks}. The extensions therefore find the
 * codec at work through a module variable that `encode`/`decode` set for the
 * duration of their synchronous call and restore afterwards (a stack
 * discipline), so a hook that itself encodes or decodes with another codec is
 * safe.
 */
import { Packr, Unpackr, addExtension } from "msgpackr";
import { ActorHandleBase } from "../actor-handle.js";
import { SerializationError, TsrayError } from "../errors.js";
import { ObjectRef } from "../object-ref.js";
import { BinaryKind, TypedArrayBase, typedArrayKind, type TypedArray } from "./binary-kind.js";
import { readOutOfBand, type OutOfBandSource } from "./binary-reader.js";
import { writeBinary, type AllocateForWrite, type OutOfBandSink } from "./binary-writer.js";
import { fromWireError, toWireError, type WireError } from "./error-serdes.js";
import { ExtensionType, MSGPACKR_EXTENSION_TYPES } from "./extension-types.js";
import { FRAME_MAGIC, OWNED_BUFFER_MIN_BYTES, allocateOwned, readLargeFrame, writeLargeFrame } from "./frame.js";
import { NegativeZero, replaceNegativeZeros } from "./negative-zero.js";
import { inspectValue } from "./serializability.js";

export interface WireHooks {
  /** Wire form of an ObjectRef met anywhere inside a value (the runtime also uses this to collect contained refs). Must be msgpack-able plain data. */
  encodeRef(ref: ObjectRef): unknown;
  decodeRef(wire: unknown): ObjectRef;
  /** Same for actor handles (instances of ActorHandleBase, possibly Proxies around one). */
  encodeHandle(handle: ActorHandleBase): unknown;
  decodeHandle(wire: unknown): ActorHandleBase;
}

export interface CodecOptions {
  /**
   * Memory for results of {@link OWNED_BUFFER_MIN_BYTES} or more: must return
   * a Uint8Array of exactly `byteLength` bytes (contents may be garbage; the
   * codec writes every byte). Default: a new ArrayBuffer of exactly that size,
   * which the result then owns. A runtime that keeps large objects in a
   * reused arena (e.g. a SharedArrayBuffer) passes its allocator here; the
   * ownership guarantee of `encode` is then the allocator's.
   *
   * Why it matters: on the VM this was measured on, first-touch of fresh
   * memory costs ~250 ms per 64 MiB (≈0.25 GB/s), while copying into memory
   * already touched runs at ≈12 GB/s.
   */
  readonly allocate?: (byteLength: number) => Uint8Array;
}

export interface DecodeOptions {
  /**
   * Return the large binaries (64 KiB or more) of a large frame as views over
   * `bytes` instead of copies, where element alignment allows (always when
   * `bytes` starts on an 8-byte boundary, e.g. a transferred result of
   * `encode`). Default `false`. Only for bytes that are handed over and not
   * decoded again (a transferred message): the decoded typed arrays, DataViews
   * and Buffers then share memory with `bytes`, so decoding the same bytes
   * twice would give values that alias each other. ArrayBuffers and
   * SharedArrayBuffers are copies either way; small binaries are always copies.
   */
  readonly view?: boolean;
}

/**
 * msgpackr's options, pinned. `structuredClone` keeps shared objects and
 * cycles (the codec turns it off for values the check found to be trees);
 * `moreTypes` keeps typed arrays' types, Sets and RegExps; records (`useRecords`) make plain objects decode as objects while
 * msgpack maps decode as `Map` (`mapsAsObjects: false`); BigInts decode as
 * BigInt at any size; `undefined` stays `undefined`; small binaries are copied
 * out of the input (`copyBuffers`) so decoded values never alias it.
 */
const MSGPACKR_OPTIONS = {
  structuredClone: true,
  moreTypes: true,
  useRecords: true,
  mapsAsObjects: false,
  sequential: false,
  bundleStrings: false,
  copyBuffers: true,
  useToJSON: false,
  useFloat32: 0,
  int64AsType: "bigint",
  largeBigIntToFloat: false,
  largeBigIntToString: false,
  useBigIntExtension: true,
  encodeUndefinedAsNil: false,
  useTimestamp32: false,
} as const;

interface EncodeContext extends OutOfBandSink {
  readonly hooks: WireHooks;
}

interface DecodeContext {
  readonly hooks: WireHooks;
  readonly outOfBand: OutOfBandSource | undefined;
}

let encodeContext: EncodeContext | undefined;
let decodeContext: DecodeContext | undefined;

function activeEncode(): EncodeContext {
  if (encodeContext === undefined) throw new Error("a tsray msgpack extension ran outside Codec.encode");
  return encodeContext;
}

function activeDecode(): DecodeContext {
  if (decodeContext === undefined) throw new Error("a tsray msgpack extension ran outside Codec.decode");
  return decodeContext;
}

export class Codec {
  readonly #hooks: WireHooks;
  readonly #allocate: (byteLength: number) => Uint8Array;
  /** For values where some object is reached twice, or that hold an Error. */
  readonly #referencePackr = new Packr({ ...MSGPACKR_OPTIONS });
  /** For tree-shaped values: skips structured clone's per-object bookkeeping (~35% faster on small values). */
  readonly #treePackr = new Packr({ ...MSGPACKR_OPTIONS, structuredClone: false });
  readonly #unpackr = new Unpackr({ ...MSGPACKR_OPTIONS });

  constructor(hooks: WireHooks, options: CodecOptions = {}) {
    registerExtensions();
    this.#hooks = hooks;
    this.#allocate = options.allocate ?? allocateOwned;
  }

  /**
   * Serializes `value`. Throws SerializationError whose `location` is
   * `location` (e.g. "argument 2 of add", "return value of add", "ray.put")
   * and whose message names the path inside the value (e.g. `value.items[3]`),
   * what is wrong and what to do.
   *
   * Buffer guarantee (with the default allocator, see
   * {@link CodecOptions.allocate}): a result of {@link OWNED_BUFFER_MIN_BYTES} (64 KiB) or
   * more owns its ArrayBuffer (`byteOffset === 0` and
   * `byteLength === buffer.byteLength`), so it may go in a `postMessage`
   * transfer list. A smaller result is a view into a slab shared with other
   * results: never transfer it (copy it if you must). Results are never
   * overwritten by later calls.
   *
   * Copies: a binary of 64 KiB or more (typed array, DataView, ArrayBuffer,
   * Buffer, SharedArrayBuffer) is copied exactly once, into the result (see
   * frame.ts). A large result without such binaries (say, a long array of
   * numbers) is copied once more, from msgpackr's buffer into its own.
   */
  encode(value: unknown, location: string): Uint8Array {
    let packed = value;
    let packr: Packr;
    try {
      const inspection = inspectValue(value, location);
      if (inspection.negativeZero) packed = replaceNegativeZeros(value);
      packr = inspection.needsReferences ? this.#referencePackr : this.#treePackr;
    } catch (error) {
      throw toSerializationError(error, location);
    }
    const outermost = encodeContext === undefined;
    const context: EncodeContext = { hooks: this.#hooks, chunks: undefined };
    const previous = encodeContext;
    encodeContext = context;
    let body: Uint8Array;
    try {
      body = packr.pack(packed);
    } catch (error) {
      throw toSerializationError(error, location);
    } finally {
      encodeContext = previous;
    }
    const chunks = context.chunks;
    if (chunks !== undefined) {
      return writeLargeFrame(body, chunks.chunks, chunks.offsets, chunks.regionBytes, this.#allocate);
    }
    if (body.byteLength < OWNED_BUFFER_MIN_BYTES) return body;
    const owned = this.#allocate(body.byteLength);
    if (owned.byteLength !== body.byteLength) {
      throw new SerializationError(location, `Cannot serialize ${location}: the codec's allocator returned the wrong size.`);
    }
    owned.set(body);
    // msgpackr keeps writing into the buffer it grew for this value (up to
    // 1 GiB); hand it a fresh small one instead, unless an outer encode is
    // still writing into the current one.
    if (outermost) packr.useBuffer(Buffer.allocUnsafeSlow(8192));
    return owned;
  }

  /**
   * Deserializes bytes from {@link Codec.encode}. Throws SerializationError
   * (location `"decode"`) when the bytes are malformed or a hook throws.
   *
   * By default the decoded value shares no memory with `bytes` (each large
   * binary costs one copy); `{ view: true }` avoids that copy for bytes that
   * are handed over (see {@link DecodeOptions.view}).
   */
  decode(bytes: Uint8Array, options?: DecodeOptions): unknown {
    const previous = decodeContext;
    try {
      let body = bytes;
      let outOfBand: OutOfBandSource | undefined;
      if (bytes[0] === FRAME_MAGIC) {
        const layout = readLargeFrame(bytes);
        body = bytes.subarray(layout.bodyStart, layout.bodyEnd);
        outOfBand = { frame: bytes, regionStart: layout.regionStart, copy: options?.view !== true };
      }
      decodeContext = { hooks: this.#hooks, outOfBand };
      return this.#unpackr.unpack(body);
    } catch (error) {
      throw toSerializationError(error, "decode");
    } finally {
      decodeContext = previous;
    }
  }
}

/**
 * The ArrayBuffer to put in a `postMessage` transfer list along with `bytes`
 * (a result of {@link Codec.encode}), when `bytes` owns it; `undefined` when
 * `bytes` shares its memory with other results (then let `postMessage` copy
 * it: transferring would detach memory other results and the encoder still
 * use). After a transfer, `bytes` is empty on the sending side.
 */
export function transferableBuffer(bytes: Uint8Array): ArrayBuffer | undefined {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? buffer
    : undefined;
}

function toSerializationError(error: unknown, location: string): Error {
  if (error instanceof TsrayError) return error;
  const decoding = location === "decode";
  const reason =
    error instanceof RangeError && /call stack/i.test(error.message)
      ? "the value is nested too deeply"
      : error instanceof Error
        ? error.message
        : String(error);
  const message = decoding
    ? `Cannot decode a value: ${reason}. The bytes are damaged, were cut short, or come from an incompatible tsray version.`
    : `Cannot serialize ${location}: ${reason}.`;
  return new SerializationError(location, message, { cause: error });
}

// ---------------------------------------------------------------------------
// Extensions: process-global in msgpackr, registered once, when the first
// Codec is made (not at import time: ObjectRef and ActorHandleBase may still be
// in their temporal dead zone while an import cycle through this module runs).

interface TsrayExtension {
  Class?: Function;
  type: number;
  write?(value: never): unknown;
  read?(data: unknown): unknown;
  pack?(value: never, allocate: AllocateForWrite): Uint8Array | undefined;
  unpack?(data: Uint8Array): unknown;
}

function register(extension: TsrayExtension): void {
  if (MSGPACKR_EXTENSION_TYPES.includes(extension.type)) {
    throw new Error(`extension type ${extension.type} is msgpackr's own`);
  }
  addExtension(extension as unknown as Parameters<typeof addExtension>[0]);
}

const readOutOfBandRecord = (data: Uint8Array): unknown => {
  const source = activeDecode().outOfBand;
  if (source === undefined) throw new Error("an out-of-band binary record appeared outside a large frame");
  return readOutOfBand(data, source);
};

let registered = false;

function registerExtensions(): void {
  if (registered) return;
  registered = true;
  // msgpackr checks the last registered extension first: the most common classes go last.
  register({
    Class: NegativeZero,
    type: ExtensionType.NegativeZero,
    write: () => 0,
    read: () => -0,
  });
  register({
    Class: SharedArrayBuffer,
    type: ExtensionType.SharedArrayBuffer,
    pack(value: SharedArrayBuffer, allocate) {
      writeBinary(allocate, BinaryKind.SharedArrayBuffer, value, activeEncode());
      return undefined;
    },
    unpack(data) {
      const shared = new SharedArrayBuffer(data.byteLength);
      new Uint8Array(shared).set(data);
      return shared;
    },
  });
  register({
    Class: DataView,
    type: ExtensionType.OutOfBandBinary,
    pack(value: DataView, allocate) {
      writeBinary(allocate, BinaryKind.DataView, value, activeEncode());
      return undefined;
    },
    unpack: readOutOfBandRecord,
  });
  register({
    Class: ArrayBuffer,
    type: ExtensionType.OutOfBandBinary,
    pack(value: ArrayBuffer, allocate) {
      writeBinary(allocate, BinaryKind.ArrayBuffer, value, activeEncode());
      return undefined;
    },
    unpack: readOutOfBandRecord,
  });
  register({
    type: ExtensionType.Buffer,
    unpack: (data) => Buffer.from(data),
  });
  register({
    Class: Error,
    type: ExtensionType.Error,
    write: (error: Error): WireError => toWireError(error),
    read: (wire) => fromWireError(wire as WireError),
  });
  register({
    Class: ActorHandleBase,
    type: ExtensionType.ActorHandle,
    write: (handle: ActorHandleBase) => activeEncode().hooks.encodeHandle(handle),
    read: (wire) => activeDecode().hooks.decodeHandle(wire),
  });
  register({
    Class: TypedArrayBase,
    type: ExtensionType.OutOfBandBinary,
    pack(value: TypedArray, allocate) {
      writeBinary(allocate, typedArrayKind(value), value, activeEncode());
      return undefined;
    },
    unpack: readOutOfBandRecord,
  });
  register({
    Class: ObjectRef,
    type: ExtensionType.ObjectRef,
    write: (ref: ObjectRef) => activeEncode().hooks.encodeRef(ref),
    read: (wire) => activeDecode().hooks.decodeRef(wire),
  });
}
