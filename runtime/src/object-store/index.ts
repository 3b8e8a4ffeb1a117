/**
 * `tsray/internal/object-store`: the slab machinery and the driver's pool
 * status, for tests and diagnostics. Not public API.
 */
export { slabPoolStatus, type SlabPoolStatus } from "./slab-status.js";
export { SlabPool, defaultCollectAboveBytes, defaultMaxFreeBytes, slabClassBytes, type SlabPoolOptions } from "./slab-pool.js";
export { SLAB_HEADER_BYTES, slabIdOf } from "./slab-frame.js";
export { ThreadSlabPins } from "./thread-slab-pins.js";
export { ThreadSlabViews } from "../worker/thread-slab-views.js";
