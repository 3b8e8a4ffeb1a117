/**
 * The refusals of the value check (serializability.ts) for what is not data:
 * functions, classes, and instances of classes tsray cannot rebuild, each with
 * what to do instead.
 */
import { sendAdviceOf } from "../common/send-advice.js";
import { serializableClassOf } from "../common/serializable-classes.js";
import type { PathSegment } from "./value-path.js";

/** Why a value (somewhere inside a bigger one) cannot be sent. */
export interface Refusal {
  /** Leaf first; reverse before formatting. */
  readonly segments: PathSegment[];
  /** e.g. `a function (compute)`. */
  readonly what: string;
  /** What to do instead, a sentence without the final period. */
  readonly advice: string;
  /** What was thrown while the value was read, when that is the reason. */
  readonly cause?: unknown;
}

const SENDABLE =
  "only primitives, plain objects, arrays, Map, Set, Date, RegExp, Error, typed arrays, DataView, " +
  "ArrayBuffer, Buffer, ObjectRef, ActorHandle and instances of serializable classes can be sent";

export function refuse(what: string, advice: string): Refusal {
  return { segments: [], what, advice };
}

export function refuseFunction(fn: Function): Refusal {
  const name = fn.name ? ` (${fn.name})` : "";
  if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) {
    return refuse(
      `a class${name}`,
      "classes cannot be sent to another worker; send plain data, or make the class a remote actor class (@ray.remote) and pass its handle",
    );
  }
  return refuse(
    `a function${name}`,
    "functions cannot be sent to a task; pass data, or make it a remote function (@ray.remote) and call it with .remote()",
  );
}

export function refuseInstance(object: object): Refusal {
  if (object instanceof Promise) {
    return refuse(
      "a Promise",
      "await it first and send its value, or send an ObjectRef (from ray.put or .remote()) instead",
    );
  }
  for (const Weak of [WeakMap, WeakSet, WeakRef, FinalizationRegistry]) {
    if (object instanceof Weak) {
      return refuse(`a ${Weak.name}`, "weak collections and references cannot be sent; use a Map, a Set or the value itself");
    }
  }
  for (const Boxed of [Number, String, Boolean, BigInt, Symbol] as Function[]) {
    if (object instanceof Boxed) {
      return refuse(`a boxed ${Boxed.name} (an object wrapping a primitive)`, "send the primitive instead (value.valueOf())");
    }
  }
  const className = classNameOf(object);
  const what = className === undefined ? "an object with a custom prototype" : `an instance of class ${className}`;
  const advice = sendAdviceOf(object);
  if (advice !== undefined) return refuse(what, advice);
  if (className === undefined) return refuse(what, `${SENDABLE}; convert it to one of these first (for example a plain object: { ...value })`);
  const parent = registeredAncestor(object);
  return refuse(
    parent === undefined ? what : `${what} (a subclass of the serializable class ${parent}, which is not itself registered)`,
    `make ${className} serializable so it is rebuilt as a ${className} on the other side: decorate it with ` +
      `@ray.serializable, or call ray.registerSerializable(${className}) at the top level of its module; or send plain data instead ({ ...value })`,
  );
}

function classNameOf(object: object): string | undefined {
  try {
    const ctor: unknown = (Object.getPrototypeOf(object) as { constructor?: unknown } | null)?.constructor;
    return typeof ctor === "function" && ctor.name ? ctor.name : undefined;
  } catch {
    return undefined;
  }
}

/** The nearest registered class above the object's own (sending it as that class would lose the subclass). */
function registeredAncestor(object: object): string | undefined {
  try {
    for (let p: unknown = Object.getPrototypeOf(Object.getPrototypeOf(object)); p !== null; p = Object.getPrototypeOf(p)) {
      const entry = serializableClassOf(p);
      if (entry !== undefined) return entry.name;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
