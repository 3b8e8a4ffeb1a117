/**
 * `ray.remote`: the decorator the transform applies (stub ABI version 1) and
 * the hand-written spelling for builds without the transform:
 *   export const add = ray.remote(function add(x: number, y: number) { return x + y; });
 *   export const Counter = ray.remote(class Counter { ... });
 */
import type { RemoteOptions } from "./options.js";
import type {
  ActorClass,
  AnyClass,
  AnyFunction,
  RemoteContext,
  RemoteDecorator,
  RemoteFunction,
} from "./remote-types.js";

export function remote<F extends AnyFunction>(fn: F, context?: RemoteContext): F & RemoteFunction<F>;
export function remote<C extends AnyClass>(
  cls: C,
  context?: RemoteContext | ClassDecoratorContext<C>,
): C & ActorClass<C>;
export function remote<const O extends RemoteOptions>(options: O): RemoteDecorator<O>;
export function remote(target: unknown, context?: unknown): unknown {
  // Implemented by the runtime (issue 3); see docs/architecture.md.
  void target;
  void context;
  throw new Error("not yet implemented");
}
