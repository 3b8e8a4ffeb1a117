/**
 * Writes binary values into msgpackr's output from inside its extension
 * callbacks: small ones inline (msgpackr's typed-array format, or tsray's
 * Buffer / SharedArrayBuffer extensions), large ones as an out-of-band record
 * whose bytes the codec appends after the body (see frame.ts).
 *
 * This module does not import msgpackr: the codec hands it msgpackr's
 * `allocateForWrite` callback.
 */
import { BinaryKind, bytesOf } from "./binary-kind.js";
import { ExtensionType } from "./extension-types.js";
import { OUT_OF_BAND_MIN_BYTES, OUT_OF_BAND_RECORD_BYTES, alignUp } from "./frame.js";

/** msgpackr's `allocateForWrite`: reserves `size` bytes and says where they are. */
export type AllocateForWrite = (size: number) => {
  target: Uint8Array;
  targetView: DataView;
  position: number;
};

/** The binaries of one encode call that go after the body. */
export class OutOfBandChunks {
  readonly chunks: Uint8Array[] = [];
  readonly offsets: number[] = [];
  /** Bytes the chunks take after the region start, padding included. */
  regionBytes = 0;

  /** Records `bytes` and returns its offset from the region start. */
  add(bytes: Uint8Array): number {
    const offset = this.regionBytes;
    this.chunks.push(bytes);
    this.offsets.push(offset);
    this.regionBytes = alignUp(offset + bytes.byteLength);
    return offset;
  }
}

/** Where an encode call keeps its out-of-band chunks; created on the first large binary. */
export interface OutOfBandSink {
  chunks: OutOfBandChunks | undefined;
}

/** Writes a binary of the given kind; one of {@link OUT_OF_BAND_MIN_BYTES} or more goes to `sink`. */
export function writeBinary(
  allocate: AllocateForWrite,
  kind: number,
  value: ArrayBufferView | ArrayBufferLike,
  sink: OutOfBandSink,
): void {
  const bytes = bytesOf(value);
  if (bytes.byteLength >= OUT_OF_BAND_MIN_BYTES) {
    const chunks = (sink.chunks ??= new OutOfBandChunks());
    writeOutOfBandRecord(allocate, kind, chunks.add(bytes), bytes.byteLength);
  } else if (kind === BinaryKind.Buffer) {
    writeExtension(allocate, ExtensionType.Buffer, undefined, bytes);
  } else if (kind === BinaryKind.SharedArrayBuffer) {
    writeExtension(allocate, ExtensionType.SharedArrayBuffer, undefined, bytes);
  } else {
    writeExtension(allocate, ExtensionType.TypedArray, kind, bytes);
  }
}

/** ext 8/16/32 header, the type byte, an optional kind byte, then the bytes (one copy). */
function writeExtension(allocate: AllocateForWrite, type: number, kind: number | undefined, bytes: Uint8Array): void {
  const dataLength = bytes.byteLength + (kind === undefined ? 0 : 1);
  let headerLength: number;
  if (dataLength < 0x100) headerLength = 3;
  else if (dataLength < 0x10000) headerLength = 4;
  else headerLength = 6;
  const { target, targetView, position } = allocate(headerLength + dataLength);
  let at = position;
  if (headerLength === 3) {
    target[at++] = 0xc7;
    target[at++] = dataLength;
  } else if (headerLength === 4) {
    target[at++] = 0xc8;
    targetView.setUint16(at, dataLength);
    at += 2;
  } else {
    target[at++] = 0xc9;
    targetView.setUint32(at, dataLength);
    at += 4;
  }
  target[at++] = type;
  if (kind !== undefined) target[at++] = kind;
  target.set(bytes, at);
}

function writeOutOfBandRecord(allocate: AllocateForWrite, kind: number, offset: number, byteLength: number): void {
  const { target, targetView, position } = allocate(3 + OUT_OF_BAND_RECORD_BYTES);
  target[position] = 0xc7; // ext 8
  target[position + 1] = OUT_OF_BAND_RECORD_BYTES;
  target[position + 2] = ExtensionType.OutOfBandBinary;
  target[position + 3] = kind;
  targetView.setFloat64(position + 4, offset);
  targetView.setFloat64(position + 12, byteLength);
}
