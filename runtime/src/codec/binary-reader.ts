/**
 * Reads the out-of-band binaries of a large frame (see frame.ts), as views
 * over the frame's memory where that is possible and allowed, else as copies.
 */
import { BinaryKind, typedArrayConstructors } from "./binary-kind.js";
import { OUT_OF_BAND_RECORD_BYTES } from "./frame.js";

export interface OutOfBandSource {
  /** The whole frame. */
  readonly frame: Uint8Array;
  /** Offset of the binaries' region from the frame's first byte. */
  readonly regionStart: number;
  /** Copy every binary instead of viewing the frame's memory. */
  readonly copy: boolean;
  /** Told of every view over the frame's memory this decode makes (never of copies). */
  readonly onView?: ((view: ArrayBufferView) => void) | undefined;
}

/** Decodes one out-of-band record (the payload of extension 0x26). */
export function readOutOfBand(record: Uint8Array, source: OutOfBandSource): unknown {
  if (record.byteLength !== OUT_OF_BAND_RECORD_BYTES) throw new Error("malformed out-of-band binary record");
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const kind = record[0]!;
  const offset = view.getFloat64(1);
  const byteLength = view.getFloat64(9);
  const { frame } = source;
  const start = source.regionStart + offset;
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(byteLength) ||
    offset < 0 ||
    byteLength < 0 ||
    start + byteLength > frame.byteLength
  ) {
    throw new Error("an out-of-band binary lies outside its frame");
  }
  const absolute = frame.byteOffset + start;
  const memory = frame.buffer;
  switch (kind) {
    case BinaryKind.ArrayBuffer:
      return toArrayBuffer(memory.slice(absolute, absolute + byteLength));
    case BinaryKind.SharedArrayBuffer: {
      const shared = new SharedArrayBuffer(byteLength);
      new Uint8Array(shared).set(new Uint8Array(memory, absolute, byteLength));
      return shared;
    }
    case BinaryKind.DataView:
      return source.copy
        ? new DataView(memory.slice(absolute, absolute + byteLength))
        : viewed(source, new DataView(memory, absolute, byteLength));
    case BinaryKind.Utf16Text:
      // Straight from the frame into a string: no copy of the bytes first, whatever `source.copy` says.
      if (byteLength % 2 !== 0) throw new Error("an out-of-band UTF-16 string has half a code unit");
      return Buffer.from(memory, absolute, byteLength).toString("utf16le");
    case BinaryKind.Buffer:
      return source.copy
        ? Buffer.from(memory.slice(absolute, absolute + byteLength))
        : viewed(source, Buffer.from(memory, absolute, byteLength));
  }
  const Ctor = typedArrayConstructors[kind];
  if (Ctor === undefined) throw new Error(`unknown binary kind ${kind}`);
  const size = Ctor.BYTES_PER_ELEMENT;
  if (byteLength % size !== 0) throw new Error("an out-of-band typed array has a partial element");
  if (!source.copy && absolute % size === 0) return viewed(source, new Ctor(memory, absolute, byteLength / size));
  // Misaligned (the frame sat at an odd offset) or a copy was asked for.
  return new Ctor(memory.slice(absolute, absolute + byteLength));
}

function viewed<V extends ArrayBufferView>(source: OutOfBandSource, view: V): V {
  source.onView?.(view);
  return view;
}

/** An ArrayBuffer with the bytes, even when the frame lives in a SharedArrayBuffer. */
function toArrayBuffer(buffer: ArrayBufferLike): ArrayBuffer {
  if (buffer instanceof ArrayBuffer) return buffer;
  const copy = new ArrayBuffer(buffer.byteLength);
  new Uint8Array(copy).set(new Uint8Array(buffer));
  return copy;
}
