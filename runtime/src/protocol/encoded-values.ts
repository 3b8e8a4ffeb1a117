/**
 * Values as they cross a thread: the encoding of a call's arguments (shared
 * by the driver and the thread-side core, which both submit calls), their
 * decoding on the thread that runs the call, and the rules for when bytes are
 * copied, transferred or viewed. Shared by both sides, it imports only the
 * protocol's types and the public value classes.
 *
 * Top-level `ObjectRef` arguments are taken out (replaced by `null`) so the
 * driver can resolve them before the call runs; refs nested deeper are
 * encoded as refs and stay refs. The hot path encodes the whole argument list
 * in one go; only when that fails is each argument encoded alone, so the
 * `SerializationError` names the argument's position.
 */
import { SerializationError } from "../common/errors.js";
import { ObjectRef } from "../api/object-ref.js";
import { slabIdOf } from "./slab-frame.js";
import type { EncodedArgs, ResolvedDeps } from "./thread-messages.js";

export interface ValueCodec {
  encode(value: unknown, location: string): Uint8Array;
  /**
   * `owned`: these bytes arrived in a message and are decoded exactly once
   * here, so large binaries may be returned as views over them (no copy).
   * Never for bytes kept and decoded again (the object store's).
   */
  decode(bytes: Uint8Array, owned?: boolean): unknown;
}

/**
 * One shared encoding of "no arguments" per codec: every call without
 * arguments encodes to the same bytes, so a queue of such calls holds no
 * buffer per call. Never written to; a message clones it, and it is never
 * transferred (far below `transferThreshold`).
 */
const noArgs = new WeakMap<ValueCodec, EncodedArgs>();

export function encodeArgs(codec: ValueCodec, args: readonly unknown[], name: string): EncodedArgs {
  if (args.length === 0) {
    let none = noArgs.get(codec);
    if (none === undefined) {
      none = Object.freeze({ bytes: codec.encode([], `arguments of ${name}`) });
      noArgs.set(codec, none);
    }
    return none;
  }
  let list: unknown[] | readonly unknown[] = args;
  let refIdx: number[] | undefined;
  let refIds: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isObjectRef(a)) {
      if (refIdx === undefined || refIds === undefined) {
        refIdx = [];
        refIds = [];
        list = args.slice();
      }
      refIdx.push(i);
      refIds.push(a.id);
      (list as unknown[])[i] = null;
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(list, `arguments of ${name}`);
  } catch (e) {
    if (!(e instanceof SerializationError)) throw e;
    // Find the argument at fault so the error names its position.
    for (let i = 0; i < list.length; i++) codec.encode(list[i], `argument ${i + 1} of ${name}`);
    throw e;
  }
  return { bytes, refIdx, refIds };
}

/**
 * `instanceof` that cannot throw: on a revoked Proxy (or one whose
 * getPrototypeOf trap throws) it would, and such an argument must reach the
 * codec, which refuses it with a SerializationError naming the argument.
 */
function isObjectRef(value: unknown): value is ObjectRef {
  try {
    return value instanceof ObjectRef;
  } catch {
    return false;
  }
}

/**
 * The argument list, with the driver-resolved top-level refs put back in
 * place. Runs on the thread that received the bytes in a message, which owns
 * them: large binaries are decoded as views, without a copy.
 */
export function decodeArgs(codec: ValueCodec, bytes: Uint8Array, deps: ResolvedDeps | undefined): unknown[] {
  const args = codec.decode(bytes, true) as unknown[];
  if (deps !== undefined) {
    const values = decodeOwnedList(codec, deps.bytes);
    for (let k = 0; k < deps.idx.length; k++) args[deps.idx[k]!] = values[k];
  }
  return args;
}

/**
 * Told of every decode of bytes stored in a slab of the driver's store
 * (protocol/slab-frame.ts), with the views the decode made of them: the
 * thread's bookkeeping of what keeps the slab in use (the driver's
 * `SlabPool`, a worker's `ThreadSlabViews`).
 */
export interface SlabViewTracker {
  decoded(slab: number, bytes: Uint8Array, views: readonly ArrayBufferView[]): void;
}

/**
 * The codec's small outputs are views into a larger shared buffer, and
 * `postMessage` clones a view's whole buffer: every encoded value that
 * crosses a thread is made to own exactly its bytes first (a small copy;
 * large values already own theirs).
 *
 * With `slabs`, bytes stored in a slab are always decoded as views, whoever
 * else reads them (`owned` or not): that memory is shared by design, held
 * unchanged while any view of it lives (slab-pool.ts), and its large
 * binaries are documented as read-only. Every view is reported to `slabs`.
 */
export function compactCodec(
  codec: {
    encode(value: unknown, location: string): Uint8Array;
    decode(bytes: Uint8Array, options?: { view?: boolean; onView?: (view: ArrayBufferView) => void }): unknown;
  },
  slabs?: SlabViewTracker,
): ValueCodec {
  return {
    encode(value, location) {
      const bytes = codec.encode(value, location);
      if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
      if (slabs !== undefined && slabIdOf(bytes) !== undefined) return bytes; // written into a slab of its own

      // A copy (not `slice`: on a Node Buffer that is a view of the same memory).
      const own = new Uint8Array(bytes.byteLength);
      own.set(bytes);
      return own;
    },
    decode(bytes, owned) {
      const slab = slabs === undefined ? undefined : slabIdOf(bytes);
      if (slab === undefined) return codec.decode(bytes, owned === true ? { view: true } : undefined);
      const views: ArrayBufferView[] = [];
      try {
        return codec.decode(bytes, { view: true, onView: (v) => views.push(v) });
      } finally {
        slabs!.decoded(slab, bytes, views);
      }
    },
  };
}

/**
 * Decodes a list of bytes received in one message. The same object may occur
 * twice (one ref passed twice; a message clone keeps identity): only its
 * first decoding may view the bytes, later ones copy, so values never alias.
 */
export function decodeOwnedList(codec: ValueCodec, list: readonly Uint8Array[]): unknown[] {
  if (list.length === 1) return [codec.decode(list[0]!, true)];
  const seen = new Set<Uint8Array>();
  return list.map((b) => {
    const first = !seen.has(b);
    seen.add(b);
    return codec.decode(b, first);
  });
}

/** Whether bytes own their whole buffer, so that transferring the buffer moves exactly them. */
export function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
}

/** Values at least this large are transferred rather than copied when nobody else holds them. */
export const transferThreshold = 64 * 1024;

export function addTransfer(list: ArrayBuffer[] | undefined, bytes: Uint8Array): ArrayBuffer[] | undefined {
  if (bytes.byteLength < transferThreshold || !ownsBuffer(bytes)) return list;
  (list ??= []).push(bytes.buffer as ArrayBuffer);
  return list;
}
