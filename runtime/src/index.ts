export { remote } from "./api/remote.js";
export {
  init,
  shutdown,
  isInitialized,
  put,
  get,
  wait,
  cancel,
  kill,
  getActor,
  getRuntimeContext,
  clusterResources,
  availableResources,
  getGpuIds,
} from "./api/api.js";
export {
  placementGroup,
  removePlacementGroup,
  placementGroupTable,
  getPlacementGroup,
  PlacementGroup,
} from "./api/placement-group.js";
export type { PlacementGroupOptions, PlacementGroupStrategy, PlacementGroupTableEntry } from "./api/placement-group.js";
export type { CancelOptions, GetOptions, InitOptions, KillOptions, ValuesOf, WaitOptions } from "./api/api.js";
export type { RuntimeContext } from "./common/context.js";
export { ObjectRef } from "./api/object-ref.js";
export { ActorHandle } from "./api/actor-handle.js";
export type {
  ActorClass,
  ActorConstructor,
  ActorMethod,
  ActorMethods,
  AnyClass,
  AnyFunction,
  RemoteArgs,
  RemoteCallable,
  RemoteContext,
  RemoteCtorParams,
  RemoteDecorator,
  RemoteFunction,
  RemoteParams,
  RemoteReturn,
} from "./api/remote-types.js";
export type {
  ActorHosting,
  ActorMethodOptions,
  ActorOptions,
  CustomResources,
  Isolation,
  PlacementGroupLike,
  RemoteOptions,
  ResourceOptions,
  SchedulingStrategy,
  TaskOptions,
} from "./common/options.js";
export * from "./common/errors.js";
