export { remote } from "./remote.js";
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
  ActorMethodOptions,
  ActorOptions,
  CustomResources,
  PlacementGroupLike,
  RemoteOptions,
  ResourceOptions,
  SchedulingStrategy,
  TaskOptions,
} from "./options.js";
export * from "./errors.js";
