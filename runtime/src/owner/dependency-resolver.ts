/**
 * Waits for the objects a call's top-level ref arguments name, without
 * holding a worker or a CPU meanwhile. Reports once: the resolved bytes (in
 * argument order) or the first error among them.
 */
import type { MemoryStore, Settled, Waiter } from "../object-store/memory-store.js";
import type { ResolvedDeps } from "../protocol/thread-messages.js";

export type DepsOutcome = { readonly deps: ResolvedDeps; readonly error?: undefined } | { readonly error: Error };

export function resolveDeps(
  store: MemoryStore,
  refIdx: readonly number[],
  refIds: readonly string[],
  done: (outcome: DepsOutcome) => void,
): void {
  const request = new DepsRequest(refIdx, refIds.length, done);
  for (let k = 0; k < refIds.length && !request.reported; k++) store.whenSettled(refIds[k]!, request, k);
}

/** One record per call (no closure per argument): the store tells it each argument's position as it settles. */
class DepsRequest implements Waiter {
  reported = false;
  private readonly bytes: Uint8Array[];
  private remaining: number;

  constructor(
    private readonly refIdx: readonly number[],
    count: number,
    private readonly done: (outcome: DepsOutcome) => void,
  ) {
    this.bytes = new Array<Uint8Array>(count);
    this.remaining = count;
  }

  settled(at: number, s: Settled): void {
    if (this.reported) return;
    if (!(s instanceof Uint8Array)) {
      this.reported = true;
      return this.done({ error: s });
    }
    this.bytes[at] = s;
    if (--this.remaining === 0) {
      this.reported = true;
      this.done({ deps: { idx: this.refIdx, bytes: this.bytes } });
    }
  }
}
