/**
 * The codec: values to bytes and back. The only module in tsray that uses
 * msgpackr (native-strings.ts only loads its main entry); its options are
 * pinned here, and its extensions (see extension-types.ts) carry ObjectRefs,
 * ActorHandles, errors, binaries, and the exact forms of what msgpack would
 * change (negative zero, lone surrogates, sparse arrays, `__proto__` keys …:
 * exact-forms.ts).
 *
 * msgpackr's extensions are process-global (`addExtension`), while each
 * `Codec` has its own {@link WireHooks}. The extensions (codec-extensions.ts)
 * therefore find the codec at work through `inProgress` (codec-session.ts), which `encode`/`decode` set for the
 * duration of their synchronous call and restore afterwards (a stack
 * discipline), so a hook that itself encodes or decodes with another codec is
 * safe.
 *
 * Other msgpackr users in the process meet these extensions too (every Packr
 * consults the global list). For the built-in classes tsray handles (Error,
 * ArrayBuffer, DataView, SharedArrayBuffer, typed arrays) an extension checks
 * that the Packr running it (`this`) is the one of the encode in progress;
 * for any other Packr it writes exactly what msgpackr would have written
 * without tsray (foreign-packr-fallback.ts). tsray's own classes (ObjectRef,
 * actor handles) refuse other Packrs with a clear error.
 *
 * Decoding needs no such care: tsray registers decoders only for its own codes
 * (0x20–0x2a, see extension-types.ts), so an Unpackr reading msgpackr's own
 * formats is unaffected. An Unpackr that meets tsray's codes decodes errors
 * (0x22), Buffers (0x24) and SharedArrayBuffers (0x25), and throws a clear
 * error for ObjectRefs, actor handles and out-of-band binaries, which need a
 * tsray decode in progress.
 */
// `msgpackr/pack` is msgpackr's pure-JS entry under Node (its exports map it to index.js): the same
// pack/unpack modules as `msgpackr`, without loading the native string extractor (msgpackr-extract,
// its loader and detect-libc, which pulls in child_process): ≈ 15 ms of a worker thread's start.
// The driver turns the extractor on (native-strings.ts); it speeds up large string-heavy decodes only.
import { Packr, Unpackr } from "msgpackr/pack";
import { SerializationError, TsrayError } from "../common/errors.js";
import { type OutOfBandSource } from "./binary-reader.js";
import { FRAME_MAGIC, OWNED_BUFFER_MIN_BYTES, allocateOwned, readLargeFrame, writeLargeFrame } from "./frame.js";
import { toExactForms } from "./exact-forms.js";
import { inspectValue } from "./serializability.js";
import { inProgress, type EncodeContext, type WireHooks } from "./codec-session.js";
import { registerExtensions } from "./codec-extensions.js";

export type { WireHooks } from "./codec-session.js";

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
  /**
   * With `view`: called with every view over `bytes` the decode creates
   * (typed arrays, DataViews, Buffers; never copies), so a caller whose
   * memory is reused (the object store's slabs) can tell when the last one
   * is gone. A decode that never calls it made no view of `bytes`.
   */
  readonly onView?: (view: ArrayBufferView) => void;
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
      if (inspection.exactForms) packed = toExactForms(value, inspection.exactContainers, inspection.customData);
      packr = inspection.needsReferences ? this.#referencePackr : this.#treePackr;
    } catch (error) {
      throw toSerializationError(error, location);
    }
    const outermost = inProgress.encode === undefined;
    const context: EncodeContext = { hooks: this.#hooks, chunks: undefined, packr, exactWritten: 0, classesWritten: undefined };
    const previous = inProgress.encode;
    inProgress.encode = context;
    let body: Uint8Array;
    try {
      body = packr.pack(packed);
    } catch (error) {
      throw toSerializationError(error, location);
    } finally {
      inProgress.encode = previous;
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
    const previous = inProgress.decode;
    try {
      let body = bytes;
      let outOfBand: OutOfBandSource | undefined;
      if (bytes[0] === FRAME_MAGIC) {
        const layout = readLargeFrame(bytes);
        body = bytes.subarray(layout.bodyStart, layout.bodyEnd);
        outOfBand = { frame: bytes, regionStart: layout.regionStart, copy: options?.view !== true, onView: options?.onView };
      }
      inProgress.decode = { hooks: this.#hooks, outOfBand, exactOpened: [], exactOpen: [], classesRead: [] };
      return this.#unpackr.unpack(body);
    } catch (error) {
      throw toSerializationError(error, "decode");
    } finally {
      inProgress.decode = previous;
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
  const reason = describeFailure(error);
  const message = decoding
    ? `Cannot decode a value: ${reason}. The bytes are damaged, were cut short, or come from an incompatible tsray version.`
    : `Cannot serialize ${location}: ${reason}.`;
  return new SerializationError(location, message, { cause: error });
}

/**
 * Why packing or unpacking failed, in words. Never throws: what was thrown
 * may come from user code (a Proxy trap or getter that misbehaves only when
 * msgpackr reads it) and be anything, even an object whose `toString` throws.
 */
function describeFailure(error: unknown): string {
  try {
    if (error instanceof RangeError && /call stack/i.test(error.message)) return "the value is nested too deeply";
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return "something was thrown that cannot be described";
  }
}
