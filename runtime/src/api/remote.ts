/**
 * `ray.remote`: the decorator the transform applies (stub ABI version 1) and
 * the hand-written spelling for builds without the transform:
 *   export const add = ray.remote(function add(x: number, y: number) { return x + y; });
 *   export const Counter = ray.remote(class Counter { ... });
 *
 * Given a function or class (and, from the transform, a `RemoteContext`), it
 * registers `context.id → target` in the thread's registry, attaches the
 * non-enumerable members `remote` and `options`, and returns the target itself,
 * which stays callable locally. Without a context the id is derived from the
 * caller's module: its path relative to the nearest package.json, `#`, name.
 *
 * Importing this module installs, once per thread and only if absent, a
 * `remote` accessor on `Function.prototype` that throws `NotTransformedError`,
 * so `f.remote()` on a function nobody made remote says what to do instead of
 * "undefined is not a function". Assigning `remote` on a function still works
 * (the accessor's setter defines an own property).
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ActorSpecOptions, FnLocation, RemoteClassInfo, TaskCall, TaskSpecOptions } from "../common/task-spec.js";
import { makeActorHandle } from "./actor-handle.js";
import { currentCore } from "./core.js";
import { InvalidArgumentError, NotTransformedError } from "../common/errors.js";
import type { RemoteOptions } from "../common/options.js";
import { compileActorOptions, compileTaskOptions, defaultActorOptions, defaultTaskOptions } from "./remote-options.js";
import { describe } from "../scheduler/options-validation.js";
import type {
  ActorClass,
  AnyClass,
  AnyFunction,
  RemoteContext,
  RemoteDecorator,
  RemoteFunction,
} from "./remote-types.js";
import { threadRegistry } from "./function-registry.js";
import { isGeneratorFunction, streamOrRefs } from "./object-ref-generator.js";
import { checkMethodGroups, methodOptionsOf, type ClassMethodOptions } from "./actor-methods.js";

export function remote<F extends AnyFunction>(fn: F, context?: RemoteContext): F & RemoteFunction<F>;
export function remote<C extends AnyClass>(
  cls: C,
  context?: RemoteContext | ClassDecoratorContext<C>,
): C & ActorClass<C>;
export function remote<const O extends RemoteOptions>(options: O): RemoteDecorator<O>;
export function remote(target: unknown, context?: unknown): unknown {
  if (typeof target === "function") return makeRemote(target, context, undefined, remote);
  if (typeof target === "object" && target !== null && !Array.isArray(target)) {
    const options = target;
    const decorator = (t: unknown, ctx?: unknown): unknown => {
      if (typeof t !== "function") {
        throw new InvalidArgumentError(`ray.remote({...}) decorates a function or a class, got ${describe(t)}.`);
      }
      return makeRemote(t, ctx, options, decorator);
    };
    return decorator;
  }
  throw new InvalidArgumentError(
    `ray.remote expects a function, a class or an options object, got ${describe(target)}.`,
  );
}

interface Resolved {
  readonly kind: "function" | "class";
  readonly location: FnLocation;
  readonly name: string;
}

// `Function` is the honest type of "a function or class we attach members to".
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function makeRemote(target: Function, context: unknown, options: object | undefined, caller: Function): unknown {
  const r = resolveContext(target, context, caller);
  if (r.kind === "class") {
    const cls = target as new (...args: unknown[]) => object;
    threadRegistry.register(r.location.id, { kind: "class", cls });
    // Read at the first creation, so `ray.method(…)(Cls.prototype, "m")` written after `ray.remote(Cls)` counts.
    let info: RemoteClassInfo | undefined;
    let methodOptions: ClassMethodOptions | undefined;
    const defaults = compileActorOptions(defaultActorOptions(), options, `@ray.remote on ${r.name}`);
    const create = (o: ActorSpecOptions) => (...args: unknown[]) => {
      methodOptions ??= methodOptionsOf(cls);
      checkMethodGroups(r.name, methodOptions.groups, o.concurrencyGroups);
      if (info === undefined) {
        const methods = methodNames(cls);
        info = {
          ...r.location,
          className: r.name,
          methods: methods.all,
          methodReturns: methodOptions.returns,
          ...(methods.generators.length > 0 ? { generators: methods.generators } : {}),
        };
      }
      const core = currentCore(`${r.name}.remote()`);
      const actor = core.createActor(info, args, o);
      const handle = makeActorHandle(actor);
      // Named and detached actors live until killed (or, named, until shutdown), as in Ray: not counted.
      if (o.name === undefined && o.lifetime !== "detached") core.trackActorHandle?.(handle, actor);
      return handle;
    };
    define(target, "remote", create(defaults));
    define(target, "options", (o: unknown) => ({
      remote: create(compileActorOptions(defaults, o, `${r.name}.options()`)),
    }));
  } else {
    // Only modules that define remote functions are preloaded into pool threads (the only threads
    // that preload): an actor's class is imported on its own thread, from the creation's module URL.
    threadRegistry.noteModule(r.location.url);
    threadRegistry.register(r.location.id, { kind: "function", fn: target as (...args: unknown[]) => unknown });
    const loc = r.location;
    // A generator function streams its values by default (an ObjectRefGenerator, see object-ref-generator.ts).
    const generator = isGeneratorFunction(target);
    const defaults = compileTaskOptions(defaultTaskOptions(r.name, generator), options, `@ray.remote on ${r.name}`, generator);
    const submit = (o: TaskSpecOptions) => {
      const what = `${o.name}.remote()`;
      const call: TaskCall = { fn: loc, ...o };
      return (...args: unknown[]) => streamOrRefs(currentCore(what).submitTask(call, args), o.streaming);
    };
    define(target, "remote", submit(defaults));
    define(target, "options", (o: unknown) => ({
      remote: submit(compileTaskOptions(defaults, o, `${r.name}.options()`, generator)),
    }));
  }
  return target;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function resolveContext(target: Function, context: unknown, caller: Function): Resolved {
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(target));
  if (isRemoteContext(context)) {
    if (context.abi !== 1) {
      throw new InvalidArgumentError(
        `${context.name} was compiled for tsray stub ABI ${String(context.abi)}; this runtime speaks ABI 1. ` +
          "Rebuild with a matching @tsray/transformer.",
      );
    }
    return {
      kind: context.kind === "tsray:class" ? "class" : "function",
      location: { id: context.id, url: context.url },
      name: context.name,
    };
  }
  let name = target.name;
  if (isClassDecoratorContext(context) && typeof context.name === "string") name = context.name;
  if (name === "") {
    throw new InvalidArgumentError(
      "ray.remote needs a named function or class (its name is part of its id): " +
        "write `ray.remote(function add(...) {...})`, not an anonymous function.",
    );
  }
  const url = callerUrl(caller);
  return { kind: isClass ? "class" : "function", location: { id: `${moduleId(url)}#${name}`, url }, name };
}

function isRemoteContext(c: unknown): c is RemoteContext {
  return (
    typeof c === "object" &&
    c !== null &&
    ((c as { kind?: unknown }).kind === "tsray:function" || (c as { kind?: unknown }).kind === "tsray:class")
  );
}

function isClassDecoratorContext(c: unknown): c is ClassDecoratorContext {
  return typeof c === "object" && c !== null && (c as { kind?: unknown }).kind === "class";
}

/** The module URL of whoever called `caller`, read from V8's structured stack. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function callerUrl(caller: Function): string {
  const holder: { stack?: unknown } = {};
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, sites) => sites;
  try {
    Error.captureStackTrace(holder, caller);
    const sites = holder.stack as NodeJS.CallSite[] | undefined;
    const file = sites?.[0]?.getFileName();
    if (file === undefined || file === null) {
      throw new InvalidArgumentError(
        "ray.remote could not tell which module called it; pass a context or use the tsray transform.",
      );
    }
    return file.startsWith("file:") ? file : pathToFileURL(file).href;
  } finally {
    Error.prepareStackTrace = previous;
  }
}

const moduleIds = new Map<string, string>();

/** The module's path relative to the nearest directory with a package.json, with `/` separators. */
export function moduleId(url: string): string {
  let id = moduleIds.get(url);
  if (id !== undefined) return id;
  if (!url.startsWith("file:")) return url;
  const file = fileURLToPath(url);
  let dir = dirname(file);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  id = relative(dir, file).split(sep).join("/");
  moduleIds.set(url, id);
  return id;
}

/**
 * Method names along the prototype chain (not `constructor`), and those of them that are
 * generator methods (the nearest definition decides), frozen so handles can share them.
 */
function methodNames(cls: new (...args: unknown[]) => object): { all: readonly string[]; generators: readonly string[] } {
  const names = new Set<string>();
  const generators: string[] = [];
  for (let p: object | null = cls.prototype as object; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key === "constructor" || names.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (d === undefined || typeof d.value !== "function") continue;
      names.add(key);
      if (isGeneratorFunction(d.value as (...a: unknown[]) => unknown)) generators.push(key);
    }
  }
  return { all: Object.freeze([...names]), generators: Object.freeze(generators) };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function define(target: Function, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, configurable: true, writable: true });
}

function installNotTransformedAccessor(): void {
  if ("remote" in Function.prototype) return;
  Object.defineProperty(Function.prototype, "remote", {
    configurable: true,
    enumerable: false,
    get(this: unknown): never {
      const name = typeof this === "function" && this.name !== "" ? this.name : "this function";
      throw new NotTransformedError(name);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, "remote", { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

installNotTransformedAccessor();
