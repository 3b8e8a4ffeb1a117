/**
 * tsray's msgpackr extensions (codes in extension-types.ts): registered once, process-wide, when the
 * first `Codec` is made. They reach the codec at work through codec-session.ts.
 */
import { Packr, addExtension } from "msgpackr/pack";
import { ActorHandleBase } from "../api/actor-handle-base.js";
import { ObjectRef } from "../api/object-ref.js";
import { BinaryKind, TypedArrayBase, typedArrayKind, type TypedArray } from "./binary-kind.js";
import { readOutOfBand } from "./binary-reader.js";
import { writeBinary, type AllocateForWrite } from "./binary-writer.js";
import { fromWireError, toWireError, type WireError } from "./error-serdes.js";
import { ExtensionType, MSGPACKR_EXTENSION_TYPES } from "./extension-types.js";
import {
  packForeignArrayBuffer,
  packForeignDataView,
  packForeignError,
  packForeignSharedArrayBuffer,
  packForeignTypedArray,
  type ForeignPackrOptions,
  type PackNested,
} from "./foreign-packr-fallback.js";
import { OUT_OF_BAND_MIN_BYTES } from "./frame.js";
import {
  CustomInstance,
  ExactBackRef,
  ExactContainer,
  ExactKind,
  ExactOpen,
  NegativeZero,
  Utf16String,
  fillExactContainer,
  openExactContainer,
  readCustomInstance,
  utf16ToString,
} from "./exact-forms.js";
import { withExactForms } from "./serializability.js";
import { activeDecode, encodeBy, requireEncodeBy, type DecodeContext, type EncodeContext } from "./codec-session.js";

/**
 * A serializable class on the wire: `[0, id, url]` the first time a value names it, `[1, n]` after
 * (its number in the order first written; read in the same order).
 */
function classReference(context: EncodeContext, id: string, url: string): unknown[] {
  const written = (context.classesWritten ??= new Map());
  const n = written.get(id);
  if (n !== undefined) return [1, n];
  written.set(id, written.size);
  return [0, id, url];
}

/** `[id, url]` from what {@link classReference} wrote. */
function readClassReference(context: DecodeContext, reference: unknown[]): [string, string] {
  if (reference[0] === 0 && typeof reference[1] === "string" && typeof reference[2] === "string" && reference.length === 3) {
    const pair: [string, string] = [reference[1], reference[2]];
    context.classesRead.push(pair);
    return pair;
  }
  const pair = reference[0] === 1 && reference.length === 2 ? context.classesRead[reference[1] as number] : undefined;
  if (pair === undefined) throw new Error("a class reference points at no class");
  return pair;
}

// ---------------------------------------------------------------------------
// Extensions: process-global in msgpackr, registered once, when the first
// Codec is made (not at import time: ObjectRef and ActorHandleBase may still be
// in their temporal dead zone while an import cycle through this module runs).

/**
 * msgpackr calls `write` and `pack` with `this` = the Packr. With `write` and
 * `type`, msgpackr writes the tag (fixext 1 of `type`) before calling `write`,
 * whoever the Packr is; so extensions that must write something else for other
 * Packrs use `pack` and write their own tag.
 */
interface TsrayExtension {
  Class?: Function;
  type: number;
  write?(this: unknown, value: never): unknown;
  read?(data: unknown): unknown;
  pack?(this: unknown, value: never, allocate: AllocateForWrite, pack: PackNested): Uint8Array | undefined;
  unpack?(data: Uint8Array): unknown;
}

function register(extension: TsrayExtension): void {
  if (MSGPACKR_EXTENSION_TYPES.includes(extension.type)) {
    throw new Error(`extension type ${extension.type} is msgpackr's own`);
  }
  addExtension(extension as unknown as Parameters<typeof addExtension>[0]);
}

const readOutOfBandRecord = (data: Uint8Array): unknown => {
  const source = activeDecode("a large binary stored out of band (msgpack extension 0x26)").outOfBand;
  if (source === undefined) throw new Error("an out-of-band binary record appeared outside a large frame");
  return readOutOfBand(data, source);
};

let registered = false;

/** Writes the fixext 1 tag of a `pack`-style extension whose payload msgpackr then packs. */
function writeTag(allocate: AllocateForWrite, type: number): void {
  const { target, position } = allocate(3);
  target[position] = 0xd4;
  target[position + 1] = type;
  target[position + 2] = 0;
}

export function registerExtensions(): void {
  if (registered) return;
  registered = true;
  // msgpackr checks the last registered extension first: the most common classes go last.
  register({
    Class: NegativeZero,
    type: ExtensionType.NegativeZero,
    write(this: unknown) {
      requireEncodeBy(this, "tsray's negative-zero marker");
      return 0;
    },
    read: () => -0,
  });
  register({
    Class: Utf16String,
    type: ExtensionType.Utf16String,
    pack(this: unknown, text: Utf16String, allocate, pack) {
      const context = requireEncodeBy(this, "tsray's UTF-16 string marker");
      const units = Buffer.from(text.value, "utf16le");
      if (units.byteLength >= OUT_OF_BAND_MIN_BYTES) {
        // A long one is an out-of-band binary that decodes straight into the string.
        writeBinary(allocate, BinaryKind.Utf16Text, units, context);
      } else {
        writeTag(allocate, ExtensionType.Utf16String);
        pack(units);
      }
      return undefined;
    },
    read: utf16ToString,
  });
  register({
    Class: ExactBackRef,
    type: ExtensionType.ExactBackRef,
    write(this: unknown, ref: ExactBackRef) {
      requireEncodeBy(this, "tsray's exact-container back-reference");
      if (ref.target.wireId < 0) throw new Error("a back-reference was written before its container");
      return ref.target.wireId;
    },
    read(id: unknown) {
      const target = activeDecode("An exact-container back-reference (msgpack extension 0x2a)").exactOpened[id as number];
      if (typeof id !== "number" || target === undefined) throw new Error("a back-reference points at no open container");
      return target;
    },
  });
  register({
    Class: ExactOpen,
    type: ExtensionType.ExactOpen,
    write(this: unknown, open: ExactOpen) {
      const context = requireEncodeBy(this, "tsray's exact-container opening");
      if (open.kind !== ExactKind.Instance) return open.payload();
      return [ExactKind.Instance, ...classReference(context, open.classId!, open.url!)];
    },
    read(payload: unknown) {
      const context = activeDecode("An exact container (msgpack extension 0x29)");
      const target = openExactContainer(
        Array.isArray(payload) && payload[0] === ExactKind.Instance ? [ExactKind.Instance, 0, ...readClassReference(context, payload.slice(1))] : payload,
      );
      context.exactOpened.push(target);
      context.exactOpen.push(target);
      return target;
    },
  });
  register({
    Class: CustomInstance,
    type: ExtensionType.CustomInstance,
    write(this: unknown, instance: CustomInstance) {
      const context = requireEncodeBy(this, "A serializable class's instance");
      return [...classReference(context, instance.classId, instance.url), instance.data];
    },
    read(payload: unknown) {
      const context = activeDecode("An instance of a serializable class (msgpack extension 0x2b)");
      if (!Array.isArray(payload) || payload.length < 2) throw new Error("a custom-encoded instance is malformed");
      return readCustomInstance([...readClassReference(context, payload.slice(0, -1)), payload[payload.length - 1]]);
    },
  });
  register({
    Class: ExactContainer,
    type: ExtensionType.ExactContainer,
    write(this: unknown, container: ExactContainer) {
      const context = requireEncodeBy(this, "tsray's exact container");
      container.wireId = context.exactWritten++;
      return container.items;
    },
    read(items: unknown) {
      // items[0] is the container its opening (0x29, read first) made: the innermost one still open.
      const target = activeDecode("An exact container (msgpack extension 0x28)").exactOpen.pop();
      if (!Array.isArray(items) || target === undefined || items[0] !== target) {
        throw new Error("an exact container is malformed");
      }
      return fillExactContainer(target, items);
    },
  });
  register({
    Class: SharedArrayBuffer,
    type: ExtensionType.SharedArrayBuffer,
    pack(this: unknown, value: SharedArrayBuffer, allocate, pack) {
      const context = encodeBy(this);
      if (context === undefined) packForeignSharedArrayBuffer(this as ForeignPackrOptions, value, allocate, pack);
      else writeBinary(allocate, BinaryKind.SharedArrayBuffer, value, context);
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
    pack(this: unknown, value: DataView, allocate) {
      const context = encodeBy(this);
      if (context === undefined) packForeignDataView(this as ForeignPackrOptions, value, allocate);
      else writeBinary(allocate, BinaryKind.DataView, value, context);
      return undefined;
    },
    unpack: readOutOfBandRecord,
  });
  register({
    Class: ArrayBuffer,
    type: ExtensionType.OutOfBandBinary,
    pack(this: unknown, value: ArrayBuffer, allocate, pack) {
      const context = encodeBy(this);
      if (context === undefined) packForeignArrayBuffer(this as ForeignPackrOptions, value, allocate, pack);
      else writeBinary(allocate, BinaryKind.ArrayBuffer, value, context);
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
    pack(this: unknown, error: Error, allocate, pack) {
      if (encodeBy(this) === undefined) {
        packForeignError(this as ForeignPackrOptions, error, allocate, pack);
      } else {
        writeTag(allocate, ExtensionType.Error);
        // Its properties may hold what msgpack would change too (a "__proto__" key, a lone surrogate …).
        pack(withExactForms(toWireError(error)));
      }
      return undefined;
    },
    read: (wire) => fromWireError(wire as WireError),
  });
  register({
    Class: ActorHandleBase,
    type: ExtensionType.ActorHandle,
    write(this: unknown, handle: ActorHandleBase) {
      return requireEncodeBy(this, "An actor handle").hooks.encodeHandle(handle);
    },
    read: (wire) => activeDecode("An actor handle (msgpack extension 0x21)").hooks.decodeHandle(wire),
  });
  register({
    Class: TypedArrayBase,
    type: ExtensionType.OutOfBandBinary,
    pack(this: unknown, value: TypedArray, allocate) {
      const context = encodeBy(this);
      if (context === undefined) packForeignTypedArray(this as ForeignPackrOptions, value, allocate);
      else writeBinary(allocate, typedArrayKind(value), value, context);
      return undefined;
    },
    unpack: readOutOfBandRecord,
  });
  register({
    Class: ObjectRef,
    type: ExtensionType.ObjectRef,
    write(this: unknown, ref: ObjectRef) {
      return requireEncodeBy(this, "An ObjectRef").hooks.encodeRef(ref);
    },
    read: (wire) => activeDecode("An ObjectRef (msgpack extension 0x20)").hooks.decodeRef(wire),
  });
}
