/**
 * What the codec's msgpackr extensions share with the `Codec` at work: the hooks a codec was made
 * with, and the encode or decode in progress (extensions are process-global in msgpackr, hooks
 * and frames are per call).
 */
import { Packr, Unpackr } from "msgpackr/pack";
import { ActorHandleBase } from "../api/actor-handle-base.js";
import { ObjectRef } from "../api/object-ref.js";
import { type OutOfBandSource } from "./binary-reader.js";
import { type OutOfBandSink } from "./binary-writer.js";

export interface WireHooks {
  /** Wire form of an ObjectRef met anywhere inside a value (the runtime also uses this to collect contained refs). Must be msgpack-able plain data. */
  encodeRef(ref: ObjectRef): unknown;
  decodeRef(wire: unknown): ObjectRef;
  /** Same for actor handles (instances of ActorHandleBase, possibly Proxies around one). */
  encodeHandle(handle: ActorHandleBase): unknown;
  decodeHandle(wire: unknown): ActorHandleBase;
}

export interface EncodeContext extends OutOfBandSink {
  readonly hooks: WireHooks;
  /** The Packr doing this encode: an extension run by any other Packr is not tsray's. */
  readonly packr: Packr;
  /** Exact containers written so far (the next one's number). */
  exactWritten: number;
  /** Serializable classes written so far, by id → their number (a class's id and url are written once per value). */
  classesWritten: Map<string, number> | undefined;
}

export interface DecodeContext {
  readonly hooks: WireHooks;
  readonly outOfBand: OutOfBandSource | undefined;
  /** Exact containers opened so far, by number (see exact-forms.ts). */
  readonly exactOpened: object[];
  /** Those whose entries are still being read, innermost last. */
  readonly exactOpen: object[];
  /** `[id, url]` of the serializable classes read so far, by number. */
  readonly classesRead: [string, string][];
}

/**
 * The encode and the decode in progress on this thread, set by `Codec.encode`/`decode` for the
 * duration of their synchronous call and restored after (a stack discipline), so the
 * process-global msgpackr extensions find the codec at work.
 */
export const inProgress: { encode: EncodeContext | undefined; decode: DecodeContext | undefined } = {
  encode: undefined,
  decode: undefined,
};

/** The encode in progress when `packr` (an extension's `this`) is its Packr; `undefined` for any other Packr. */
export function encodeBy(packr: unknown): EncodeContext | undefined {
  const context = inProgress.encode;
  return context !== undefined && context.packr === packr ? context : undefined;
}

/** For extensions of tsray's own classes, which only tsray can write. */
export function requireEncodeBy(packr: unknown, what: string): EncodeContext {
  const context = encodeBy(packr);
  if (context === undefined) {
    throw new Error(
      `${what} can only be serialized by tsray (ray.put, task and actor method arguments, return values), not by another msgpackr Packr`,
    );
  }
  return context;
}

/**
 * msgpackr does not tell a decode extension which Unpackr runs it, so an
 * extension that needs the codec's hooks or frame can only check that a
 * tsray decode is in progress.
 */
export function activeDecode(what: string): DecodeContext {
  if (inProgress.decode === undefined) {
    throw new Error(`${what} can only be decoded by tsray's codec (Codec.decode), not by another msgpackr Unpackr`);
  }
  return inProgress.decode;
}
