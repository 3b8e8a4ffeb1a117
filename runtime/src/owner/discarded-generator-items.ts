/**
 * Streaming generator values the owner does not keep let go of the actor handles they carry
 * (actor reference counting, owner/actor-holds.ts). The worker that yields a value with handles in
 * it holds those actors until the value's object is deleted from the owner's store (`hold`
 * "deleted"; from another node, `takeOver` does the same). `GeneratorStreams.onItem` does not store
 * a value whose caller's `ObjectRefGenerator` was collected (`drop`) or that arrives after the
 * generator's end settled (a cancelled generator still yielding): such an object is never stored,
 * so never deleted, and its actors were held for the session — an actor whose handle a generator
 * kept yielding after its caller walked away never ended. Here a value that is not in the store
 * once `onItem` returns is reported as deleted (`discarded`).
 *
 * Invariant: every value a generator yields is either stored (and let go when deleted) or
 * reported here at once; reporting one that was stored and deleted already is harmless
 * (`ActorHolds.objectDeleted` lets an object go once).
 */
import { generatorItemId } from "../common/ids.js";
import type { ReferenceCounter } from "../common/reference-counter.js";
import type { MemoryStore } from "../object-store/memory-store.js";
import type { Held } from "../object-store/object-location.js";
import { GeneratorStreams, type GeneratorWorker } from "./generator-streams.js";

export class CountedGeneratorStreams extends GeneratorStreams {
  constructor(
    private readonly kept: MemoryStore,
    refs: ReferenceCounter,
    /** A value's object that is not kept: what it holds is let go (ActorHolds.objectDeleted). */
    private readonly discarded: (objectId: string) => void,
  ) {
    super(kept, refs);
  }

  override onItem(worker: GeneratorWorker, taskId: string, index: number, value: Held): void {
    super.onItem(worker, taskId, index, value);
    const id = generatorItemId(taskId, index);
    if (this.kept.peek(id) === undefined) this.discarded(id);
  }
}
