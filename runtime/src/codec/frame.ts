/**
 * The two byte layouts `Codec.encode` produces.
 *
 * **Inline frame**: plain msgpack, nothing else. Used when the value holds no
 * binary of {@link OUT_OF_BAND_MIN_BYTES} or more. Its first byte is never
 * 0xc1 (msgpack's "never used" byte, which no top-level tsray value encodes to).
 *
 * **Large frame**: used as soon as one binary (typed array, DataView,
 * ArrayBuffer, Buffer, SharedArrayBuffer) reaches {@link OUT_OF_BAND_MIN_BYTES}.
 * Such binaries are not written into the msgpack body; the body holds a small
 * record (extension 0x26: kind, offset, byte length) and the bytes follow the
 * body, each starting on an 8-byte boundary of the frame, so that a decoder
 * can create typed-array views over the frame instead of copying:
 *
 * ```
 * 0      u8   0xc1 (FRAME_MAGIC)
 * 1      u8   format version (1)
 * 2..3        zero
 * 4..7   u32  body length B (big endian)
 * 8..8+B      msgpack body
 *             zero padding up to the next multiple of 8 = region start R
 * R..         the binaries, in the order the body refers to them, each at
 *             R + offset (offset a multiple of 8), zero padding between them
 * ```
 */

export const FRAME_MAGIC = 0xc1;
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 8;
export const CHUNK_ALIGNMENT = 8;

/** A binary this large or larger is stored after the body, in a large frame. */
export const OUT_OF_BAND_MIN_BYTES = 64 * 1024;

/**
 * An encoded frame this large or larger owns its ArrayBuffer
 * (`byteOffset === 0 && byteLength === buffer.byteLength`), so it can be put
 * in a `postMessage` transfer list.
 */
export const OWNED_BUFFER_MIN_BYTES = 64 * 1024;

/** Payload length of an out-of-band record: u8 kind, f64 offset, f64 byte length. */
export const OUT_OF_BAND_RECORD_BYTES = 17;

export function alignUp(n: number, alignment: number = CHUNK_ALIGNMENT): number {
  return Math.ceil(n / alignment) * alignment;
}

/** Where a large frame's parts sit. */
export interface LargeFrameLayout {
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Offset (from the frame's first byte) where the out-of-band binaries start. */
  readonly regionStart: number;
}

/**
 * Lays out a large frame: copies `body` and every chunk into one new buffer
 * that the frame owns. Each chunk is copied exactly once.
 * `chunks[i]` is written at `regionStart + chunkOffsets[i]`.
 */
export function writeLargeFrame(
  body: Uint8Array,
  chunks: readonly Uint8Array[],
  chunkOffsets: readonly number[],
  regionBytes: number,
  allocate: (byteLength: number) => Uint8Array = allocateOwned,
): Uint8Array {
  const bodyEnd = FRAME_HEADER_BYTES + body.byteLength;
  const regionStart = alignUp(bodyEnd);
  const total = regionStart + regionBytes;
  const frame = allocate(total);
  if (frame.byteLength !== total) throw new Error(`the frame allocator returned ${frame.byteLength} bytes, not ${total}`);
  // Every byte is written below (padding explicitly zeroed, so no stale
  // memory leaves the process).
  frame[0] = FRAME_MAGIC;
  frame[1] = FRAME_VERSION;
  frame[2] = 0;
  frame[3] = 0;
  new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES).setUint32(4, body.byteLength);
  frame.set(body, FRAME_HEADER_BYTES);
  frame.fill(0, bodyEnd, regionStart);
  let written = regionStart;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const at = regionStart + chunkOffsets[i]!;
    frame.fill(0, written, at);
    frame.set(chunk, at);
    written = at + chunk.byteLength;
  }
  frame.fill(0, written, total);
  return frame;
}

/**
 * A Uint8Array of `byteLength` uninitialized bytes that owns its ArrayBuffer
 * (`Buffer.allocUnsafeSlow` does not take from Node's shared pool).
 */
export function allocateOwned(byteLength: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(byteLength).buffer, 0, byteLength);
}

/** Reads a large frame's header; throws a plain Error when it is malformed. */
export function readLargeFrame(frame: Uint8Array): LargeFrameLayout {
  if (frame.byteLength < FRAME_HEADER_BYTES) throw new Error("the frame is shorter than its header");
  if (frame[1] !== FRAME_VERSION) {
    throw new Error(`the frame has format version ${String(frame[1])}; this tsray reads version ${FRAME_VERSION}`);
  }
  const bodyLength = new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES).getUint32(4);
  const bodyEnd = FRAME_HEADER_BYTES + bodyLength;
  if (bodyEnd > frame.byteLength) throw new Error("the frame's body runs past its end");
  return { bodyStart: FRAME_HEADER_BYTES, bodyEnd, regionStart: alignUp(bodyEnd) };
}
