/**
 * `tsray/internal/object-store`: the slab machinery and the driver's pool
 * status, for tests and diagnostics. Not public API.
 */
export { slabPoolStatus, type SlabPoolStatus } from "../api/slab-status.js";
export { SlabPool, defaultCollectAboveBytes, defaultMaxFreeBytes, slabClassBytes, type SlabPoolOptions } from "../object-store/slab-pool.js";
export { SLAB_HEADER_BYTES, slabIdOf } from "../protocol/slab-frame.js";
export { ThreadSlabPins } from "../object-store/thread-slab-pins.js";
export { ThreadSlabViews } from "../thread/thread-slab-views.js";
