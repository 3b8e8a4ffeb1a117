/**
 * `@ray.serializable` and `ray.registerSerializable`: make a class's instances
 * cross to tasks and actors as real instances (prototype, methods,
 * `instanceof`). The table itself is common/serializable-classes.ts.
 *
 *   @ray.serializable class Point { … }                       // with the transform: stable id, module url
 *   ray.registerSerializable(Point);                           // transform-free: id from the caller's module
 *   ray.registerSerializable(Secret, { serialize, deserialize });  // own encoding (#private fields)
 *
 * Without the transform's context, the id is derived as `ray.remote` derives
 * it: the caller's module path relative to the nearest package.json, `#`, the
 * class's name.
 */
import { InvalidArgumentError } from "../common/errors.js";
import {
  registerClass,
  type SerializableContext,
  type SerializableOptions,
} from "../common/serializable-classes.js";
import { describe } from "../scheduler/options-validation.js";
import { callerUrl, moduleId } from "./remote.js";

export { serialize, deserialize } from "../common/serializable-classes.js";
export type { SerializableContext, SerializableOptions } from "../common/serializable-classes.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Class = abstract new (...args: any[]) => unknown;

/** Options of `registerSerializable`: a custom encoding, and an explicit id if the derived one will not do. */
export interface RegisterSerializableOptions<T = unknown, D = unknown> extends SerializableOptions<T, D> {
  readonly id?: string;
}

export function serializable<C extends Class>(cls: C, context?: ClassDecoratorContext<C> | SerializableContext): C;
export function serializable<T, D>(
  options: SerializableOptions<T, D>,
): <C extends Class>(cls: C, context?: ClassDecoratorContext<C> | SerializableContext) => C;
export function serializable(target: unknown, context?: unknown): unknown {
  if (typeof target === "function") return register(target, context, {}, serializable);
  if (typeof target === "object" && target !== null && !Array.isArray(target)) {
    const options = target as SerializableOptions;
    const decorator = (cls: unknown, ctx?: unknown): unknown => {
      if (typeof cls !== "function") {
        throw new InvalidArgumentError(`ray.serializable({...}) decorates a class, got ${describe(cls)}.`);
      }
      return register(cls, ctx, options, decorator);
    };
    return decorator;
  }
  throw new InvalidArgumentError(`ray.serializable expects a class or an options object, got ${describe(target)}.`);
}

/** The transform-free spelling of `@ray.serializable`: call it at the top level of the class's module. */
export function registerSerializable<C extends Class>(cls: C, options: RegisterSerializableOptions<InstanceType<C>> = {}): C {
  if (typeof cls !== "function") {
    throw new InvalidArgumentError(`ray.registerSerializable expects a class, got ${describe(cls)}.`);
  }
  const url = callerUrl(registerSerializable);
  const id = options.id ?? `${moduleId(url)}#${className(cls, undefined)}`;
  registerClass(cls, { kind: "tsray:serializable", abi: 1, id, name: className(cls, undefined), url }, options as SerializableOptions);
  return cls;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function register(cls: Function, context: unknown, options: SerializableOptions, caller: Function): unknown {
  if (isSerializableContext(context)) {
    if (context.abi !== 1) {
      throw new InvalidArgumentError(
        `${context.name} was compiled for tsray stub ABI ${String(context.abi)}; this runtime speaks ABI 1. Rebuild with a matching @tsray/transformer.`,
      );
    }
    registerClass(cls, context, options);
    return cls;
  }
  const name = className(cls, context);
  const url = callerUrl(caller);
  registerClass(cls, { kind: "tsray:serializable", abi: 1, id: `${moduleId(url)}#${name}`, name, url }, options);
  return cls;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function className(cls: Function, context: unknown): string {
  const fromContext = (context as { kind?: unknown; name?: unknown } | undefined)?.kind === "class" ? (context as { name?: unknown }).name : undefined;
  const name = typeof fromContext === "string" ? fromContext : cls.name;
  if (name === "") {
    throw new InvalidArgumentError(
      "A serializable class needs a name (its name is part of its id): write `class Point {…}`, not an anonymous class.",
    );
  }
  return name;
}

function isSerializableContext(c: unknown): c is SerializableContext {
  return typeof c === "object" && c !== null && (c as { kind?: unknown }).kind === "tsray:serializable";
}
