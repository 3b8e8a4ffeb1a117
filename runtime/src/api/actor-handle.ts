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
import { compileMethodOptions, compileReturns } from "./remote-options.js";
import { streamOrRefs } from "./object-ref-generator.js";
import type { ActorHandle } from "./remote-types.js";
import type { ActorDescriptor, Streaming } from "../common/task-spec.js";

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
  const generators = actor.generators ?? [];
  const returns = actor.methodReturns === undefined ? "" : JSON.stringify(actor.methodReturns);
  const key = `${actor.className}\0${actor.methods.join("\0")}\0*${generators.join("\0")}\0${returns}`;
  proto = prototypesByKey.get(key);
  if (proto === undefined) {
    proto = Object.create(ActorHandleBase.prototype) as object;
    for (const method of actor.methods) {
      const returns = actor.methodReturns !== undefined && Object.hasOwn(actor.methodReturns, method) ? actor.methodReturns[method] : undefined;
      defineMethod(proto, method, `${actor.className}.${method}`, returns, generators.includes(method));
    }
    prototypesByKey.set(key, proto);
  }
  prototypes.set(actor.methods, proto);
  return proto;
}

/**
 * `numReturns`: the method's own (`@ray.method({ numReturns })`), which `.options({ numReturns })`
 * overrides. A generator method streams by default (`ObjectRefGenerator`), as a generator function
 * does; with its own `numReturns` it is a static generator of that many refs.
 */
function defineMethod(proto: object, method: string, defaultName: string, numReturns: number | undefined, generator: boolean): void {
  const defaults = {
    numReturns: numReturns ?? 1,
    streaming: generator && numReturns === undefined ? { backpressure: -1 } : undefined,
  };
  Object.defineProperty(proto, method, {
    configurable: true,
    enumerable: false,
    get(this: ActorHandleBase) {
      // The calls hold the handle itself (not just its descriptor): a kept `handle.m` keeps the
      // handle, so actor reference counting never ends an actor whose method is still callable.
      const handle = this;
      // Only handles made by makeActorHandle reach here (the prototype is private to this module).
      const call = (n: number, name: string, streaming: Streaming | undefined, group: string | undefined) => (...args: unknown[]) =>
        streamOrRefs(currentCore(`${name}.remote()`).submitActorTask(actorDescriptorOf(handle) as ActorDescriptor, method, args, n, name, streaming, group), streaming);
      const member = {
        remote: call(defaults.numReturns, defaultName, defaults.streaming, undefined),
        options(options: unknown) {
          const where = `${defaultName}.options()`;
          const o = compileMethodOptions(options, where);
          const r = compileReturns(defaults, o, where, generator);
          return { remote: call(r.numReturns, o.name ?? defaultName, r.streaming, o.concurrencyGroup) };
        },
      };
      Object.defineProperty(this, method, { value: member, enumerable: false });
      return member;
    },
  });
}
