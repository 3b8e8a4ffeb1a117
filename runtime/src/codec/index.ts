/** The codec: values to bytes and back (msgpackr with tsray's extensions). */
export { Codec, type CodecOptions, type DecodeOptions, type WireHooks } from "./codec.js";
export { fromWireError, isWireError, toWireError, WIRE_ERROR_FORMAT, type WireError } from "./error-serdes.js";
export { ExtensionType } from "./extension-types.js";
export { OUT_OF_BAND_MIN_BYTES, OWNED_BUFFER_MIN_BYTES } from "./frame.js";
export { findRefusal, inspectValue, type Inspection, type Refusal } from "./serializability.js";
