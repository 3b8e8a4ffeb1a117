/**
 * How an object stored in a slab looks to whoever holds its bytes: a slab is
 * one `SharedArrayBuffer` (see slab-pool.ts) holding at most one encoded
 * object at a time, after an 8-byte header:
 *
 * ```
 * 0..3   u32  slab id (platform byte order; unique per slab pool)
 * 4..7   u32  SLAB_MAGIC
 * 8..         the encoded object (a codec frame), then unused capacity
 * ```
 *
 * The header is written once, when the slab is created, and never changes,
 * so any thread may read it at any time; the id travels with the memory
 * (a `SharedArrayBuffer` posted to a thread arrives as a new object over the
 * same memory, so identity cannot name a slab). The frame starts on an
 * 8-byte boundary, so the codec can view every typed array in it.
 *
 * Shared by the driver (which writes slabs) and worker threads (which read
 * them); imports nothing.
 */

export const SLAB_HEADER_BYTES = 8;
export const SLAB_MAGIC = 0x7352_6c62;

/** Writes the header of a new slab. */
export function writeSlabHeader(buffer: SharedArrayBuffer, id: number): void {
  const header = new Uint32Array(buffer, 0, 2);
  header[0] = id;
  header[1] = SLAB_MAGIC;
}

/** The id of the slab `bytes` are stored in, or `undefined` when they are not a slab's object. */
export function slabIdOf(bytes: Uint8Array): number | undefined {
  const buffer = bytes.buffer;
  if (bytes.byteOffset !== SLAB_HEADER_BYTES || !(buffer instanceof SharedArrayBuffer)) return undefined;
  const header = new Uint32Array(buffer, 0, 2);
  return header[1] === SLAB_MAGIC ? header[0] : undefined;
}
