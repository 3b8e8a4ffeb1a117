// Loads the codec under test and gives the suites tiny fake hooks.
//
// The `tsray` package exports only its public surface, and these suites are
// compiled from test/codec/ to test/dist/codec/ (one level deeper), so no
// single relative import works both for the type checker and at run time.
// Types come from a type-only import resolved from this source file; the module
// is imported relative to the compiled file (as test/scheduler does).
import type * as CodecModule from "../../runtime/dist/codec/index.js";
import * as ray from "tsray";

const url = new URL("../../../runtime/dist/codec/index.js", import.meta.url);
export const codecModule: typeof CodecModule = await import(url.href);
export type { CodecModule };
export type Codec = CodecModule.Codec;

/** An actor handle as far as the codec can tell: an ActorHandleBase with an id. */
export class FakeHandle extends ray.ActorHandle {
  constructor(readonly actorId: string) {
    super();
  }
}

/** What the fake hooks saw. */
export interface HookLog {
  encodedRefs: ray.ObjectRef[];
  decodedRefs: unknown[];
  encodedHandles: unknown[];
  decodedHandles: unknown[];
}

/** A codec whose hooks write refs as `{ ref: id }` and handles as `{ actor: id }`, logging each call. */
export function makeCodec(options?: CodecModule.CodecOptions): { codec: Codec; log: HookLog } {
  const log: HookLog = { encodedRefs: [], decodedRefs: [], encodedHandles: [], decodedHandles: [] };
  const codec = new codecModule.Codec(
    {
      encodeRef(ref) {
        log.encodedRefs.push(ref);
        return { ref: ref.id };
      },
      decodeRef(wire) {
        log.decodedRefs.push(wire);
        return new ray.ObjectRef((wire as { ref: string }).ref);
      },
      encodeHandle(handle) {
        log.encodedHandles.push(handle);
        return { actor: (handle as FakeHandle).actorId };
      },
      decodeHandle(wire) {
        log.decodedHandles.push(wire);
        return new FakeHandle((wire as { actor: string }).actor);
      },
    },
    options,
  );
  return { codec, log };
}

const shared = makeCodec().codec;

/** Encodes then decodes with a codec that has the fake hooks. */
export function roundTrip<T>(value: T, codec: Codec = shared): T {
  return codec.decode(codec.encode(value, "test value")) as T;
}

/** The error `fn` throws, which must be an instance of `cls`. */
export function thrown<E extends Error>(fn: () => unknown, cls: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`expected ${cls.name}, got ${String(e)}`);
    return e as E;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}
