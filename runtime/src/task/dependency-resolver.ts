/**
 * Waits for the objects a call's top-level ref arguments name, without
 * holding a worker or a CPU meanwhile. Reports once: the resolved bytes (in
 * argument order) or the first error among them.
 */
import type { MemoryStore } from "../object-store/memory-store.js";
import type { ResolvedDeps } from "../worker/protocol.js";

export type DepsOutcome = { readonly deps: ResolvedDeps; readonly error?: undefined } | { readonly error: Error };

export function resolveDeps(
  store: MemoryStore,
  refIdx: readonly number[],
  refIds: readonly string[],
  done: (outcome: DepsOutcome) => void,
): void {
  const bytes = new Array<Uint8Array>(refIds.length);
  let remaining = refIds.length;
  let reported = false;
  for (let k = 0; k < refIds.length && !reported; k++) {
    store.whenSettled(refIds[k]!, (s) => {
      if (reported) return;
      if (!(s instanceof Uint8Array)) {
        reported = true;
        return done({ error: s });
      }
      bytes[k] = s;
      if (--remaining === 0) {
        reported = true;
        done({ deps: { idx: refIdx, bytes } });
      }
    });
  }
}
