/**
 * The codec: values to bytes and back (msgpackr with tsray's extensions).
 *
 * - `Codec.encode(value, location)` checks the value first (serializability.ts)
 *   and throws `SerializationError` naming `location` and the path inside the
 *   value; then packs it with pinned msgpackr options (codec.ts). Refs and
 *   actor handles go through the codec's `WireHooks`; errors through
 *   error-serdes.ts; `-0` through negative-zero.ts.
 * - Binaries of 64 KiB or more are copied once, after the msgpack body, each
 *   8-byte aligned (frame.ts); results of 64 KiB or more own their ArrayBuffer
 *   (`transferableBuffer`), smaller ones share a slab and must not be
 *   transferred.
 * - `Codec.decode(bytes)` copies large binaries out by default;
 *   `{ view: true }` returns views over `bytes` instead (for bytes handed over).
 * - `toWireError`/`fromWireError`: errors as plain data, for failures sent
 *   outside values.
 */
export { Codec, transferableBuffer, type CodecOptions, type DecodeOptions, type WireHooks } from "./codec.js";
export { fromWireError, isWireError, toWireError, WIRE_ERROR_FORMAT, type WireError } from "./error-serdes.js";
export { ExtensionType } from "./extension-types.js";
export { OUT_OF_BAND_MIN_BYTES, OWNED_BUFFER_MIN_BYTES } from "./frame.js";
export { MAX_UTF8_DECODE_BYTES } from "./exact-forms.js";
export { findRefusal, inspectValue, MAX_NESTING_DEPTH, type Inspection, type Refusal } from "./serializability.js";
