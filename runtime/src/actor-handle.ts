/**
 * `ActorHandle<C>`: a reference to a live actor whose methods are called as
 * `handle.method.remote(...)`. The value `ActorHandle` is a class (so
 * `x instanceof ray.ActorHandle` works); the type adds one `ActorMethod`
 * member per method of `C`.
 */
import type { ActorMethods } from "./remote-types.js";

declare const instanceType: unique symbol;

export class ActorHandleBase<out C = unknown> {
  /** Type-only marker that carries `C`; never present at run time. */
  declare readonly [instanceType]?: C;
}

export type ActorHandle<C = unknown> = ActorHandleBase<C> & ActorMethods<C>;
export const ActorHandle = ActorHandleBase;
