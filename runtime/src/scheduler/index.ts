/**
 * Resource accounting and scheduling (pure: no threads, timers or I/O).
 *
 * The runtime uses `LocalScheduler` (one node) with requests built by
 * `taskRequest` / `actorRequest`, and validates options at the call site with
 * `validateTaskOptions` / `validateActorOptions` / `validateActorMethodOptions`.
 * The cluster reuses `decidePlacement` and `planBundles` over one `NodeView` per node.
 */
export { UNITS_PER_WHOLE, toUnits, fromUnits, isWhole, type Units } from "./fixed-point.js";
export { ResourceSet, CPU, GPU, MEMORY } from "./resource-set.js";
export { GpuAllocator, planGpuShares, type GpuDevice, type GpuShare } from "./gpu-allocator.js";
export { ResourcePool, type Allocation } from "./node-resources.js";
export { isAvailableOn, isFeasibleOn, criticalUtilization, type NodeView } from "./node-view.js";
export {
  validateTaskOptions,
  validateActorOptions,
  validateActorMethodOptions,
  validateResourceOptions,
  TASK_OPTION_KEYS,
  ACTOR_OPTION_KEYS,
  ACTOR_METHOD_OPTION_KEYS,
} from "./options-validation.js";
export { taskDemand, actorDemand, type ActorDemand } from "./resource-demand.js";
export {
  validateSchedulingStrategy,
  toPlacement,
  placementKey,
  DEFAULT_PLACEMENT,
  type Placement,
} from "./scheduling-strategy.js";
export { SchedulingQueue, type AttemptOutcome, type ClassStatus } from "./scheduling-queue.js";
export {
  decidePlacement,
  DEFAULT_SPREAD_THRESHOLD,
  type PlacementDecision,
  type PolicyContext,
  type BundleView,
  type GroupView,
} from "./placement-policy.js";
export { planBundles, type BundlePlan, type PlacementGroupStrategy } from "./bundle-planner.js";
export { PLACEMENT_GROUP_STRATEGIES, validateBundles, validatePlacementGroupStrategy } from "./placement-group-options.js";
export { bundleResourceNames, BundleLedger } from "./placement-group.js";
export {
  taskRequest,
  actorRequest,
  schedulingClassKey,
  type ScheduleRequest,
  type Grant,
} from "./schedule-request.js";
export {
  LocalScheduler,
  type LocalSchedulerOptions,
  type SchedulerEvents,
} from "./local-scheduler.js";
export {
  schedulerStatus,
  infeasibleWarning,
  type SchedulerStatus,
  type PendingClassStatus,
} from "./scheduler-status.js";
export {
  nodeTotals,
  parseNvidiaSmiList,
  visibleGpuIds,
  type NodeResourceOptions,
  type DetectedResources,
  type NodeTotals,
} from "./node-totals.js";
