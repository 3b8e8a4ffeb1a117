/**
 * `ActorHandle<C>`: a reference to a live actor whose methods are called as
 * `handle.method.remote(...)`. The value `ActorHandle` is a class (so
 * `x instanceof ray.ActorHandle` works); the type adds one `ActorMethod`
 * member per method of `C`.
 *
 * At run time a handle is an object whose prototype derives from
 * `ActorHandleBase.prototype` and carries one getter per method name of the
 * actor's class (the list travels with the handle, so a thread that never
 * loaded the class can still call it). A getter builds the method's
 * `{ remote, options }` once per handle and caches it. Calls go to the
 * thread's current core, so a handle decoded inside a task or actor calls
 * from there.
 */
import { currentCore } from "./core.js";
import { compileMethodOptions } from "./remote-options.js";
import type { ActorMethods } from "./remote-types.js";
import type { ActorDescriptor } from "../protocol/thread-messages.js";

declare const instanceType: unique symbol;
const descriptorKey = Symbol("tsray.actor");

export class ActorHandleBase<out C = unknown> {
  /** Type-only marker that carries `C`; never present at run time. */
  declare readonly [instanceType]?: C;
  /** Set on every handle built by `makeActorHandle`. */
  declare readonly [descriptorKey]?: ActorDescriptor;
}

export type ActorHandle<C = unknown> = ActorHandleBase<C> & ActorMethods<C>;
export const ActorHandle = ActorHandleBase;

/** The actor behind a handle, or undefined for something that is not a real handle. */
export function actorDescriptorOf(handle: unknown): ActorDescriptor | undefined {
  if (!(handle instanceof ActorHandleBase)) return undefined;
  return (handle as { [descriptorKey]?: ActorDescriptor })[descriptorKey];
}

/** Prototypes per method list: handles of one class share one. Keyed by the (shared) methods array. */
const prototypes = new WeakMap<readonly string[], object>();
const prototypesByKey = new Map<string, object>();

export function makeActorHandle<C = unknown>(actor: ActorDescriptor): ActorHandle<C> {
  const handle = Object.create(prototypeFor(actor)) as ActorHandleBase<C>;
  Object.defineProperty(handle, descriptorKey, { value: actor });
  return handle as ActorHandle<C>;
}

function prototypeFor(actor: ActorDescriptor): object {
  let proto = prototypes.get(actor.methods);
  if (proto !== undefined) return proto;
  // Decoded descriptors carry fresh arrays: share prototypes by content too.
  const key = `${actor.className}\0${actor.methods.join("\0")}`;
  proto = prototypesByKey.get(key);
  if (proto === undefined) {
    proto = Object.create(ActorHandleBase.prototype) as object;
    for (const method of actor.methods) defineMethod(proto, method, `${actor.className}.${method}`);
    prototypesByKey.set(key, proto);
  }
  prototypes.set(actor.methods, proto);
  return proto;
}

function defineMethod(proto: object, method: string, defaultName: string): void {
  Object.defineProperty(proto, method, {
    configurable: true,
    enumerable: false,
    get(this: ActorHandleBase) {
      const actor = (this as { [descriptorKey]: ActorDescriptor })[descriptorKey];
      // Only handles made by makeActorHandle reach here (the prototype is private to this module).
      const call = (numReturns: number, name: string) => (...args: unknown[]) =>
        currentCore(`${name}.remote()`).submitActorTask(actor, method, args, numReturns, name);
      const member = {
        remote: call(1, defaultName),
        options(options: unknown) {
          const o = compileMethodOptions(options, `${defaultName}.options()`);
          return { remote: call(o.numReturns ?? 1, o.name ?? defaultName) };
        },
      };
      Object.defineProperty(this, method, { value: member, enumerable: false });
      return member;
    },
  });
}
