/**
 * The class every actor handle derives from, and the actor descriptor it
 * carries. Kept apart from the handle's methods (`actor-handle.ts`, which call
 * through the current core) so the codec and the API's types can name the
 * class without depending on how calls are made.
 */
import type { ActorDescriptor } from "../common/task-spec.js";

declare const instanceType: unique symbol;
const descriptorKey = Symbol("tsray.actor");

export class ActorHandleBase<out C = unknown> {
  /** Type-only marker that carries `C`; never present at run time. */
  declare readonly [instanceType]?: C;
  /** Set on every handle built by `makeActorHandle` (through `bindDescriptor`). */
  declare readonly [descriptorKey]?: ActorDescriptor;
}

/** The actor behind a handle, or undefined for something that is not a real handle. */
export function actorDescriptorOf(handle: unknown): ActorDescriptor | undefined {
  if (!(handle instanceof ActorHandleBase)) return undefined;
  return (handle as { [descriptorKey]?: ActorDescriptor })[descriptorKey];
}

/** Makes `handle` (an object whose prototype derives from `ActorHandleBase.prototype`) the handle of `actor`; once. */
export function bindDescriptor(handle: ActorHandleBase, actor: ActorDescriptor): void {
  Object.defineProperty(handle, descriptorKey, { value: actor });
}
