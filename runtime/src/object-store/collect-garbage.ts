/**
 * A full, synchronous garbage collection of this thread's heap, without the
 * program having been started with `--expose-gc`.
 *
 * Why the store needs one: a slab (slab-pool.ts) is freed when the store
 * drops its object, which happens when a `FinalizationRegistry` reports the
 * object's last `ObjectRef` collected. V8 clears weak references only in a
 * full (mark-compact) collection, and it starts one when its own heap grows;
 * the slabs are shared memory outside that heap and refs are tiny, so a loop
 * that `put`s large objects and drops them grows without bound while the heap
 * hardly grows at all. The pool calls this, rarely (when its slab memory has
 * doubled), so its dead slabs are found.
 *
 * How: `--expose-gc` makes V8 install `gc` in contexts created while the flag
 * is on; we turn it on, create one `vm` context, take its `gc`, and turn the
 * flag off again, so no other context (the program's, or its later `vm`
 * contexts) gains a `gc` global. The function collects the whole isolate's
 * heap, whichever context it came from. A program that has `gc` already
 * (started with `--expose-gc`) has its own used.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/** Runs a full garbage collection now. Finalizers it makes due run later, in their own task. */
export function collectGarbage(): void {
  gc ??= exposedGc();
  gc();
}

function exposedGc(): () => void {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") return own as () => void;
  setFlagsFromString("--expose-gc");
  try {
    return runInNewContext("gc") as () => void;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
