/**
 * `@ray.method({ numReturns, concurrencyGroup })`: options of one actor method
 * (Ray's `@ray.method`). The decorator records the options against the method's
 * function; `ray.remote(cls)` reads them back from the class's prototype when
 * the first actor is created, so both spellings work:
 *
 *   @ray.remote({ concurrencyGroups: { io: 2 } })
 *   class Svc { @ray.method({ numReturns: 2, concurrencyGroup: "io" }) pair() { return [1, 2]; } }
 *
 *   // without decorators (transform-free code): before the first `Svc.remote()`
 *   ray.method({ numReturns: 2 })(Svc.prototype, "pair");
 *
 * Keyed by the function itself (a `WeakMap`), not by name: a subclass that
 * overrides the method without the decorator gets the defaults back, as in Ray.
 */
import { InvalidArgumentError } from "../common/errors.js";
import type { MethodOptions } from "../common/options.js";
import { describe, validateMethodDecoratorOptions } from "../scheduler/options-validation.js";
import type { AnyFunction } from "./remote-types.js";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const optionsByFunction = new WeakMap<Function, MethodOptions>();

/**
 * What `ray.method({...})` returns: a TS 5 method decorator, also callable as
 * `(Cls.prototype, "name")` (the transform-free spelling, and what
 * `experimentalDecorators` passes).
 */
export interface MethodDecorator<O extends MethodOptions = MethodOptions> {
  <F extends MethodFor<O>>(value: F, context: ClassMethodDecoratorContext): void;
  (prototype: object, name: string, descriptor?: PropertyDescriptor): void;
}

/**
 * A method that fits options `O`: with `numReturns` above 1 it must return an array (or a promise of
 * one), one element per ref, or be a generator method (a static generator: one ref per value it yields).
 */
export type MethodFor<O extends MethodOptions> = O extends { readonly numReturns: infer N extends number }
  ? [N] extends [1]
    ? AnyFunction
    : // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (...args: any[]) => readonly unknown[] | PromiseLike<readonly unknown[]> | Generator<unknown, unknown, any> | AsyncGenerator<unknown, unknown, any>
  : AnyFunction;

export function method<const O extends MethodOptions>(options: O): MethodDecorator<O> {
  validateMethodDecoratorOptions(options, "@ray.method()");
  const o: MethodOptions = { ...options };
  return (target: unknown, context: unknown): void => {
    if (typeof target === "function" && typeof context === "object" && context !== null) {
      const c = context as ClassMethodDecoratorContext;
      if (c.kind !== "method" || c.static || c.private) {
        throw new InvalidArgumentError(
          `@ray.method() goes on a public instance method of an actor class, not on ${c.static ? "a static " : c.private ? "a private " : "a "}${String(c.kind)} ${String(c.name)}.`,
        );
      }
      optionsByFunction.set(target, o);
      return;
    }
    if (typeof target === "object" && target !== null && typeof context === "string") {
      const fn = (target as Record<string, unknown>)[context];
      if (typeof fn !== "function") {
        throw new InvalidArgumentError(`ray.method()(prototype, "${context}"): the prototype has no method ${context}.`);
      }
      optionsByFunction.set(fn, o);
      return;
    }
    throw new InvalidArgumentError(
      `ray.method({...}) decorates an actor method, or is called as ray.method({...})(Cls.prototype, "name"); got ${describe(target)}.`,
    );
  };
}

/** What `@ray.method` set on the methods of a class (its prototype chain; a subclass's own method wins). */
export interface ClassMethodOptions {
  /** Method → its `numReturns`, for those above 1. */
  readonly returns: Readonly<Record<string, number>> | undefined;
  /** Method → its concurrency group. */
  readonly groups: Readonly<Record<string, string>> | undefined;
}

export function methodOptionsOf(cls: abstract new (...args: never[]) => object): ClassMethodOptions {
  let returns: Record<string, number> | undefined;
  let groups: Record<string, string> | undefined;
  const seen = new Set<string>();
  for (let p: object | null = cls.prototype as object; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key === "constructor" || seen.has(key)) continue;
      seen.add(key);
      const d = Object.getOwnPropertyDescriptor(p, key);
      const o = d !== undefined && typeof d.value === "function" ? optionsByFunction.get(d.value as AnyFunction) : undefined;
      if (o === undefined) continue;
      if (o.numReturns !== undefined && o.numReturns !== 1) (returns ??= {})[key] = o.numReturns;
      if (o.concurrencyGroup !== undefined) (groups ??= {})[key] = o.concurrencyGroup;
    }
  }
  return { returns, groups };
}

/**
 * Refuses an actor whose methods name concurrency groups its options do not
 * declare (at `Cls.remote()`, before anything is created).
 */
export function checkMethodGroups(
  className: string,
  groups: Readonly<Record<string, string>> | undefined,
  declared: Readonly<Record<string, number>> | undefined,
): void {
  if (groups === undefined) return;
  for (const [name, group] of Object.entries(groups)) {
    if (declared === undefined || !Object.hasOwn(declared, group)) {
      throw new InvalidArgumentError(
        `${className}.${name} runs in concurrency group "${group}", which ${className} does not declare: ` +
          `add concurrencyGroups: { ${JSON.stringify(group)}: <limit> } to its @ray.remote({...}) or .options({...}).`,
      );
    }
  }
}
