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
import { ActorHandleBase, actorDescriptorOf, bindDescriptor } from "./actor-handle-base.js";
import { currentCore } from "./core.js";
import { compileMethodOptions } from "./remote-options.js";
import type { ActorHandle } from "./remote-types.js";
import type { ActorDescriptor } from "../common/task-spec.js";

export { ActorHandleBase, actorDescriptorOf };

/** Prototypes per method list: handles of one class share one. Keyed by the (shared) methods array. */
const prototypes = new WeakMap<readonly string[], object>();
const prototypesByKey = new Map<string, object>();

export function makeActorHandle<C = unknown>(actor: ActorDescriptor): ActorHandle<C> {
  const handle = Object.create(prototypeFor(actor)) as ActorHandleBase<C>;
  bindDescriptor(handle, actor);
  return handle as ActorHandle<C>;
}

function prototypeFor(actor: ActorDescriptor): object {
  let proto = prototypes.get(actor.methods);
  if (proto !== undefined) return proto;
  // Decoded descriptors carry fresh arrays: share prototypes by content too.
  const key = `${actor.className}\0${actor.methods.join("\0")}\0${actor.methodReturns === undefined ? "" : JSON.stringify(actor.methodReturns)}`;
  proto = prototypesByKey.get(key);
  if (proto === undefined) {
    proto = Object.create(ActorHandleBase.prototype) as object;
    for (const method of actor.methods) {
      const returns = actor.methodReturns !== undefined && Object.hasOwn(actor.methodReturns, method) ? actor.methodReturns[method]! : 1;
      defineMethod(proto, method, `${actor.className}.${method}`, returns);
    }
    prototypesByKey.set(key, proto);
  }
  prototypes.set(actor.methods, proto);
  return proto;
}

/** `numReturns`: the method's own (`@ray.method({ numReturns })`), which `.options({ numReturns })` overrides. */
function defineMethod(proto: object, method: string, defaultName: string, numReturns: number): void {
  Object.defineProperty(proto, method, {
    configurable: true,
    enumerable: false,
    get(this: ActorHandleBase) {
      // The calls hold the handle itself (not just its descriptor): a kept `handle.m` keeps the
      // handle, so actor reference counting never ends an actor whose method is still callable.
      const handle = this;
      // Only handles made by makeActorHandle reach here (the prototype is private to this module).
      const call = (n: number, name: string, group: string | undefined) => (...args: unknown[]) =>
        currentCore(`${name}.remote()`).submitActorTask(actorDescriptorOf(handle) as ActorDescriptor, method, args, n, name, group);
      const member = {
        remote: call(numReturns, defaultName, undefined),
        options(options: unknown) {
          const o = compileMethodOptions(options, `${defaultName}.options()`);
          return { remote: call(o.numReturns ?? numReturns, o.name ?? defaultName, o.concurrencyGroup) };
        },
      };
      Object.defineProperty(this, method, { value: member, enumerable: false });
      return member;
    },
  });
}
