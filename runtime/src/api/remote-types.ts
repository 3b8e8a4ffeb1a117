/**
 * The compile-time contract between `@tsray/transformer` and the runtime.
 *
 * The transform gives every `@ray.remote` function `f` a merged
 * `declare namespace f { ... }` whose members are typed with these aliases,
 * and every remote class `C` one typed with `ActorClass`-style members, so the
 * checker (and `.d.ts` consumers without the plugin) see `f.remote(...)`,
 * `f.options(...)`, `C.remote(...)` and `handle.method.remote(...)`.
 * Change these only additively: emitted `.d.ts` files of user packages name them.
 */
import type { ObjectRef } from "./object-ref.js";
import type { ObjectRefGenerator } from "./object-ref-generator.js";
import { ActorHandleBase } from "./actor-handle-base.js";
import type { ActorMethodOptions, ActorOptions, RemoteOptions, TaskOptions } from "../common/options.js";

// `any` is required here: these are the widest function/constructor types, used only as constraints.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClass = abstract new (...args: any[]) => object;

/** Each argument may be given as a value or as a ref to one (resolved before the call runs). */
export type RemoteArgs<A extends readonly unknown[]> = { [K in keyof A]: A[K] | ObjectRef<A[K]> };

/** The parameters of `f.remote(...)` for a function type `F`. */
export type RemoteParams<F extends AnyFunction> = RemoteArgs<Parameters<F>>;

/** The parameters of `C.remote(...)` for a class type `C`. */
export type RemoteCtorParams<C extends AnyClass> = RemoteArgs<ConstructorParameters<C>>;

/** What `numReturns` may be at the type level: a count, `"streaming"`, or not given. */
export type NumReturns = number | "streaming" | undefined;

/**
 * What `.remote()` returns for a function type `F` and a `numReturns` of `N`:
 * one ref for `N` of 1 (or not given); for `N > 1` a tuple of refs, one per
 * element of the returned tuple (or an array of refs when the return type is
 * a plain array). A generator function (`function*`, `async function*`)
 * gives an `ObjectRefGenerator` of what it yields, or with a numeric `N` (a
 * static generator) `N` refs of what it yields.
 */
export type RemoteReturn<F extends AnyFunction, N extends NumReturns = undefined> =
  IsGenerator<ReturnType<F>> extends true
    ? GeneratorReturn<YieldOf<ReturnType<F>>, N>
    : [N] extends [undefined | 1]
      ? ObjectRef<Awaited<ReturnType<F>>>
      : Awaited<ReturnType<F>> extends infer R extends readonly unknown[]
        ? { -readonly [K in keyof R]: ObjectRef<R[K]> }
        : ObjectRef<unknown>[];

// The widest generator types, used only to recognise them (`TNext` is contravariant: `any`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyGenerator = Generator<unknown, unknown, any> | AsyncGenerator<unknown, unknown, any>;

/** Whether `R` (a return type) is a sync or async generator; `any` is not. */
export type IsGenerator<R> = 0 extends 1 & R ? false : [R] extends [never] ? false : [R] extends [AnyGenerator] ? true : false;

/** What a generator of type `R` yields (sync or async). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type YieldOf<R> = R extends Generator<infer Y, unknown, any> ? Y : R extends AsyncGenerator<infer Y, unknown, any> ? Y : never;

/** `.remote()` of a generator yielding `Y`: streaming by default, `N` refs for a numeric `N`. */
export type GeneratorReturn<Y, N extends NumReturns> = [N] extends [undefined | "streaming"]
  ? ObjectRefGenerator<Y>
  : [N] extends [1]
    ? ObjectRef<Y>
    : N extends number
      ? RefTuple<Y, N>
      : ObjectRef<Y>[];

/** `N` refs of `Y` as a tuple for a literal `N` up to 64, else an array. */
export type RefTuple<Y, N extends number, Acc extends readonly ObjectRef<Y>[] = []> = number extends N
  ? ObjectRef<Y>[]
  : Acc["length"] extends N
    ? Acc
    : Acc["length"] extends 64
      ? ObjectRef<Y>[]
      : RefTuple<Y, N, [...Acc, ObjectRef<Y>]>;

/** `f.remote` and `f.options(...).remote`. */
export interface RemoteCallable<F extends AnyFunction, N extends NumReturns = undefined> {
  remote(...args: RemoteParams<F>): RemoteReturn<F, N>;
}

/** The members the transform (or `ray.remote(fn)`) adds to a remote function. */
export interface RemoteFunction<F extends AnyFunction, N extends NumReturns = undefined>
  extends RemoteCallable<F, N> {
  options<const M extends number>(options: TaskOptions & { readonly numReturns: M }): RemoteCallable<F, M>;
  options(options: TaskOptions & { readonly numReturns: "streaming" }): RemoteCallable<F, "streaming">;
  options(options: TaskOptions): RemoteCallable<F, N>;
}

/** `C.remote` and `C.options(...).remote`. */
export interface ActorConstructor<C extends AnyClass> {
  remote(...args: RemoteCtorParams<C>): ActorHandle<InstanceType<C>>;
}

/** The members the transform (or `ray.remote(cls)`) adds to a remote class. */
export interface ActorClass<C extends AnyClass> extends ActorConstructor<C> {
  options(options: ActorOptions): ActorConstructor<C>;
}

/** `handle.method.remote` and `handle.method.options(...).remote`. */
export interface ActorMethod<F extends AnyFunction, N extends NumReturns = undefined>
  extends RemoteCallable<F, N> {
  options<const M extends number>(options: ActorMethodOptions & { readonly numReturns: M }): RemoteCallable<F, M>;
  options(options: ActorMethodOptions & { readonly numReturns: "streaming" }): RemoteCallable<F, "streaming">;
  options(options: ActorMethodOptions): RemoteCallable<F, N>;
}

/** A handle to an actor of class `C`: `handle.method.remote(...)` for each method (see actor-handle.ts). */
export type ActorHandle<C = unknown> = ActorHandleBase<C> & ActorMethods<C>;
/** The value `ActorHandle` is the class every handle derives from, so `x instanceof ray.ActorHandle` works. */
export const ActorHandle = ActorHandleBase;

/**
 * Where the transform records `@ray.method({ numReturns })` of a remote class: an optional,
 * type-only property merged into the class's instance type (`interface C { readonly
 * "~tsray.numReturns"?: { pair: 2 } }`), never present at run time. Written by hand it types
 * transform-free code the same way.
 */
export type MethodReturnsKey = "~tsray.numReturns";

/** The `numReturns` recorded for method `K` of `I`, or undefined. */
export type MethodNumReturns<I, K> = MethodReturnsKey extends keyof I
  ? K extends keyof NonNullable<I[MethodReturnsKey]>
    ? NonNullable<I[MethodReturnsKey]>[K] extends infer N extends number
      ? N
      : undefined
    : undefined
  : undefined;

/** The callable members of an actor instance type, each as an `ActorMethod` (with its recorded `numReturns`). */
export type ActorMethods<I> = {
  readonly [K in keyof I as I[K] extends AnyFunction ? K : never]: I[K] extends AnyFunction
    ? ActorMethod<I[K], MethodNumReturns<I, K>>
    : never;
};

/**
 * The context the transform passes when it applies the decorator
 * (stub ABI version 1). `id` is stable across machines with the same code:
 * the defining file's path relative to the project root, `#`, and the name.
 * `url` is the defining module's `import.meta.url`, from which a worker loads it.
 */
export interface RemoteContext {
  readonly kind: "tsray:function" | "tsray:class";
  readonly abi: 1;
  readonly id: string;
  readonly name: string;
  readonly url: string;
}

/** Names the options that do not apply to the decorated kind, as a type error. */
type OnlyOptionsOf<O, Allowed, What extends string> = [Exclude<keyof O, keyof Allowed>] extends [never]
  ? unknown
  : { readonly [K in `tsray: these options are not valid for ${What}`]: Exclude<keyof O, keyof Allowed> };

/** What `@ray.remote({...})` evaluates to: a decorator for a function or a class. */
export interface RemoteDecorator<O extends RemoteOptions> {
  <F extends AnyFunction>(
    fn: F & OnlyOptionsOf<O, TaskOptions, "a remote function">,
    context?: RemoteContext,
  ): F & RemoteFunction<F>;
  <C extends AnyClass>(
    cls: C & OnlyOptionsOf<O, ActorOptions, "a remote class">,
    context?: RemoteContext | ClassDecoratorContext<C>,
  ): C & ActorClass<C>;
}
