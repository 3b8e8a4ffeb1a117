/**
 * Internal (tests and diagnostics, via `tsray/internal/object-store`; not public
 * API): what the driver's slab pool holds right now (slab-pool.ts), so tests
 * can observe reuse and pinning without timing anything.
 */
import { peekCore } from "../api/core.js";
import type { DriverRuntime } from "../driver/driver-runtime.js";
import type { SlabPoolStatus } from "../object-store/slab-pool.js";

export type { SlabPoolStatus } from "../object-store/slab-pool.js";

/** The status of the slab pool of the runtime started in this thread; `undefined` outside the driver or before `init`. */
export function slabPoolStatus(): SlabPoolStatus | undefined {
  // Only the driver's runtime has a slab pool; a worker thread's core has no `slabStatus`.
  const core = peekCore() as Partial<Pick<DriverRuntime, "slabStatus">> | undefined;
  return core?.slabStatus?.();
}
