/**
 * Internal (tests and diagnostics, via `tsray/internal/object-store`; not public
 * API): what the driver's slab pool holds right now (slab-pool.ts), so tests
 * can observe reuse and pinning without timing anything.
 */
import { peekCore } from "./core.js";
import type { SlabPoolStatus } from "../object-store/slab-pool.js";

export type { SlabPoolStatus } from "../object-store/slab-pool.js";

/** Implemented by the driver's runtime. */
export interface SlabStatusSource {
  slabStatus(): SlabPoolStatus;
}

/** The status of the slab pool of the runtime started in this thread; `undefined` outside the driver or before `init`. */
export function slabPoolStatus(): SlabPoolStatus | undefined {
  const core = peekCore() as Partial<SlabStatusSource> | undefined;
  return core?.slabStatus?.();
}
