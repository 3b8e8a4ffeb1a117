export { remote } from "./api/remote.js";
export { serializable, registerSerializable, serialize, deserialize } from "./api/serializable.js";
export type { RegisterSerializableOptions, SerializableContext, SerializableOptions } from "./api/serializable.js";
export { init, type InitOptions } from "./driver/init.js";
export {
  shutdown,
  isInitialized,
  put,
  get,
  wait,
  free,
  cancel,
  kill,
  getActor,
  listNamedActors,
  exitActor,
  getRuntimeContext,
  clusterResources,
  availableResources,
  nodes,
  getGpuIds,
  isWorker,
} from "./api/api.js";
export {
  placementGroup,
  removePlacementGroup,
  placementGroupTable,
  getPlacementGroup,
  PlacementGroup,
} from "./api/placement-group.js";
export type { PlacementGroupOptions, PlacementGroupStrategy, PlacementGroupTableEntry } from "./api/placement-group.js";
export type { CancelOptions, GetOptions, KillOptions, ListNamedActorsOptions, ValuesOf, WaitOptions } from "./api/api.js";
export type { NamedActor } from "./common/task-spec.js";
export type { NodeInfo } from "./api/core.js";
export type { RuntimeContext } from "./api/runtime-context.js";
/** The ids of a runtime context alone: the type of a context a task returns as a value (its methods stay behind). */
export type { RuntimeContext as RuntimeContextIds } from "./common/context.js";
export { method } from "./api/actor-methods.js";
export type { MethodDecorator, MethodFor } from "./api/actor-methods.js";
export { ObjectRef } from "./api/object-ref.js";
export { ObjectRefGenerator } from "./api/object-ref-generator.js";
export type { OwnerAddress } from "./common/ids.js";
export { ActorHandle } from "./api/remote-types.js";
export type {
  ActorClass,
  ActorConstructor,
  ActorMethod,
  ActorMethods,
  MethodNumReturns,
  MethodReturnsKey,
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
  NumReturns,
  IsGenerator,
  YieldOf,
  GeneratorReturn,
  RefTuple,
} from "./api/remote-types.js";
export type {
  ActorHosting,
  ActorMethodOptions,
  ActorOptions,
  CustomResources,
  MethodOptions,
  Isolation,
  PlacementGroupLike,
  RemoteOptions,
  ResourceOptions,
  SchedulingStrategy,
  TaskOptions,
} from "./common/options.js";
export * from "./common/errors.js";
export { ActorPool } from "./util/actor-pool.js";
export type { GetNextOptions, PoolFn } from "./util/actor-pool.js";
export { Queue } from "./util/queue.js";
export type { QueueActor, QueueGetOptions, QueueOptions, QueuePutOptions } from "./util/queue.js";
export { progress } from "./util/progress.js";
export type { ProgressOptions, ProgressStream } from "./util/progress.js";
