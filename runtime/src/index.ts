export { remote } from "./remote.js";
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
} from "./api.js";
export {
  placementGroup,
  removePlacementGroup,
  placementGroupTable,
  getPlacementGroup,
  PlacementGroup,
} from "./placement-group.js";
export type { PlacementGroupOptions, PlacementGroupStrategy, PlacementGroupTableEntry } from "./placement-group.js";
export type { CancelOptions, GetOptions, InitOptions, KillOptions, ValuesOf, WaitOptions } from "./api.js";
export type { RuntimeContext } from "./context.js";
export { ObjectRef } from "./object-ref.js";
export { ActorHandle } from "./actor-handle.js";
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
} from "./remote-types.js";
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
} from "./options.js";
export * from "./errors.js";
