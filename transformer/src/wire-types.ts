/**
 * What can cross the wire, decided on types: the compile-time mirror of the
 * runtime's value check (runtime/src/codec/serializability.ts). A type is
 * refused when no value of it can be sent: functions and classes, symbols,
 * promises, weak collections and references, boxed primitives, and instances
 * of classes that cannot be registered as serializable (see {@link ClassPolicy}:
 * a class decorated `@ray.serializable`, or declared at the top level of the
 * user's program and so registered by the transform, is accepted, its fields
 * looked into unless it encodes itself). Containers are looked into:
 * arrays, tuples, Map, Set, records and object types, property by property.
 *
 * Unions are refused when any member is (a caller may pass that member);
 * `any`, `unknown`, `object` and unconstrained type parameters are "wide":
 * nothing is refused here, and the call site checks the argument instead
 * (see `isWideType`).
 *
 * Termination: a visited set of types (recursive types such as
 * `interface Tree { children: Tree[] }` are one type object), plus a bound on
 * nesting depth and on the number of types looked at, for types that create
 * new instantiations per level (`interface Deep<T> { next: Deep<T[]> }`).
 * Past a bound the type is accepted: the runtime check still stands behind.
 *
 * Given `(x: number) => number`, produces `{ path: "", what: "a function", advice: "…" }`;
 * given `{ jobs: Map<string, Date>[] }`, produces `undefined`.
 */
import type * as ts from "typescript";
import type { TypeScript } from "./typescript-instance.js";

/** Why a type cannot be sent. */
export interface WireRefusal {
  /** Where inside the type, e.g. `.callbacks[]` or `` for the type itself. */
  readonly path: string;
  /** e.g. `a function`, `an instance of class Job`. */
  readonly what: string;
  /** What to do instead: a sentence without the final period. */
  readonly advice: string;
}

const MAX_DEPTH = 12;
const MAX_TYPES = 2000;

/** Library types whose values the runtime sends as they are. */
const SENDABLE_BUILTINS = new Set([
  "Date", "RegExp", "Error", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Buffer",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
]);
/** tsray's own types that cross the wire (the runtime knows them). */
const SENDABLE_TSRAY = new Set(["ObjectRef", "ActorHandle", "ActorHandleBase"]);
/** tsray's own types the runtime refuses to send, with its reason (runtime/src/api/object-ref-generator.ts). */
const REFUSED_TSRAY: Readonly<Record<string, readonly [string, string]>> = {
  ObjectRefGenerator: [
    "an ObjectRefGenerator",
    "an ObjectRefGenerator is its caller's iterator over values its caller's runtime owns, so (as in Ray) it cannot be " +
      "sent to another task or actor or returned; send the refs it gives out (ObjectRef), or gen.completed(), or call " +
      "the generator inside the task that consumes it",
  ],
};

const FUNCTION_ADVICE =
  "functions cannot be sent to a worker; pass data, or make it a remote function (@ray.remote) and pass " +
  "the ObjectRef of its result, or call it inside the task";
const CLASS_ADVICE =
  "the runtime sends only plain data (objects, arrays, Map, Set, Date, typed arrays, ObjectRef, ActorHandle); " +
  "use an interface or type of plain data and send `{ ...value }`, or make the class a remote actor (@ray.remote) " +
  "and pass its handle";
const INSTANCE_ADVICE =
  "tsray rebuilds instances only of classes it can register: declare the class at the top level of a module of " +
  "this program (the transform then registers it) or decorate it with @ray.serializable; otherwise send plain data " +
  "(an interface or type, `{ ...value }`)";
const PRIVATE_ADVICE =
  "private members cannot be read from outside the class: give it its own encoding, static [ray.serialize](x) " +
  "returning plain data and static [ray.deserialize](data) returning an instance";

/**
 * Which user classes' instances can cross the wire (the transform registers them, or they register
 * themselves), decided by the caller that knows the program (remote-detector.ts).
 */
export interface ClassPolicy {
  /**
   * `"encodes-itself"`: registered with its own `[ray.serialize]` hook (its fields are not looked at);
   * `"fields"`: registered, sent field by field; `undefined`: it cannot be registered.
   */
  classify(declaration: ts.ClassDeclaration): "encodes-itself" | "fields" | undefined;
}

const refusalsByName: Readonly<Record<string, readonly [string, string]>> = {
  Promise: ["a Promise", "await it and send its value, or send an ObjectRef (from ray.put or .remote()) instead"],
  PromiseLike: ["a Promise", "await it and send its value, or send an ObjectRef (from ray.put or .remote()) instead"],
  WeakMap: ["a WeakMap", "weak collections cannot be sent; use a Map"],
  WeakSet: ["a WeakSet", "weak collections cannot be sent; use a Set"],
  WeakRef: ["a WeakRef", "weak references cannot be sent; send the value itself"],
  FinalizationRegistry: ["a FinalizationRegistry", "it cannot be sent; keep it in the worker that uses it"],
  Function: ["a function", FUNCTION_ADVICE],
  CallableFunction: ["a function", FUNCTION_ADVICE],
  NewableFunction: ["a class", CLASS_ADVICE],
  Symbol: ["a boxed Symbol", "use a string instead"],
  Number: ["a boxed Number", "use the primitive type `number`"],
  String: ["a boxed String", "use the primitive type `string`"],
  Boolean: ["a boxed Boolean", "use the primitive type `boolean`"],
  BigInt: ["a boxed BigInt", "use the primitive type `bigint`"],
};

/** `any`, `unknown`, `object`, `{}` or a type parameter without a constraint: checked at the call instead. */
export function isWideType(ts: TypeScript, checker: ts.TypeChecker, type: ts.Type): boolean {
  const F = ts.TypeFlags;
  if (type.flags & (F.Any | F.Unknown | F.NonPrimitive)) return true;
  if (type.flags & F.TypeParameter) return checker.getBaseConstraintOfType(type) === undefined;
  if (type.flags & F.Union) return (type as ts.UnionType).types.some((t) => isWideType(ts, checker, t));
  return type.flags & F.Object ? checker.getPropertiesOfType(type).length === 0 && isEmptyObjectLiteral(ts, checker, type) : false;
}

function isEmptyObjectLiteral(ts: TypeScript, checker: ts.TypeChecker, type: ts.Type): boolean {
  return (
    checker.getSignaturesOfType(type, ts.SignatureKind.Call).length === 0 &&
    checker.getSignaturesOfType(type, ts.SignatureKind.Construct).length === 0 &&
    checker.getIndexInfosOfType(type).length === 0 &&
    (type.symbol === undefined || (type.symbol.flags & ts.SymbolFlags.TypeLiteral) !== 0)
  );
}

/** Why no value of `type` can be sent, or `undefined` when values of it can be. */
export function findWireRefusal(
  ts: TypeScript,
  checker: ts.TypeChecker,
  type: ts.Type,
  classes?: ClassPolicy,
): WireRefusal | undefined {
  const F = ts.TypeFlags;
  const visited = new Set<ts.Type>();

  const visit = (t: ts.Type, path: string, depth: number): WireRefusal | undefined => {
    if (visited.has(t) || depth > MAX_DEPTH || visited.size > MAX_TYPES) return undefined;
    visited.add(t);
    // `ActorHandle<C>` is an alias of `ActorHandleBase<C> & ActorMethods<C>`: the runtime sends any
    // ActorHandleBase, whatever else the type says of it.
    if (isTsrayWireType(t) || (t.flags & F.Intersection && (t as ts.IntersectionType).types.some(isTsrayWireType))) {
      return undefined;
    }
    const tsrayRefused = t.symbol !== undefined && Object.hasOwn(REFUSED_TSRAY, t.symbol.name) ? REFUSED_TSRAY[t.symbol.name] : undefined;
    if (tsrayRefused !== undefined) return { path, what: tsrayRefused[0], advice: tsrayRefused[1] };
    if (t.flags & (F.ESSymbol | F.UniqueESSymbol)) return { path, what: "a symbol", advice: "symbols cannot be sent; use a string instead" };
    if (t.flags & F.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(t);
      return constraint && constraint !== t ? visit(constraint, path, depth + 1) : undefined;
    }
    if (t.flags & (F.Union | F.Intersection)) {
      for (const member of (t as ts.UnionOrIntersectionType).types) {
        const refusal = visit(member, path, depth + 1);
        if (refusal) return refusal;
      }
      return undefined;
    }
    if (!(t.flags & F.Object)) return undefined; // primitives, literals, enums, any, unknown, never, void
    return visitObject(t as ts.ObjectType, path, depth);
  };

  /** ObjectRef, ActorHandle: tsray's own types that cross the wire (by name, as declared by tsray). */
  const isTsrayWireType = (t: ts.Type): boolean =>
    [t.aliasSymbol, t.symbol].some((s) => s !== undefined && SENDABLE_TSRAY.has(s.name));

  const visitObject = (t: ts.ObjectType, path: string, depth: number): WireRefusal | undefined => {
    const symbol = t.symbol;
    const name = symbol?.name;
    if (name !== undefined && isLibrarySymbol(symbol)) {
      const refused = refusalsByName[name];
      if (refused) return { path, what: refused[0], advice: refused[1] };
      if (SENDABLE_BUILTINS.has(name) || /Error$/.test(name)) return undefined;
    }
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      const elements = checker.getTypeArguments(t as ts.TypeReference);
      for (const [i, element] of elements.entries()) {
        const refusal = visit(element, checker.isTupleType(t) ? `${path}[${i}]` : `${path}[]`, depth + 1);
        if (refusal) return refusal;
      }
      return undefined;
    }
    if (name !== undefined && isLibrarySymbol(symbol) && /^(Readonly)?(Map|Set)$/.test(name)) {
      const args = (t.objectFlags & ts.ObjectFlags.Reference) !== 0 ? checker.getTypeArguments(t as ts.TypeReference) : [];
      for (const [i, arg] of args.entries()) {
        const where = name.endsWith("Set") ? `${path} (item)` : i === 0 ? `${path} (key)` : `${path} (value)`;
        const refusal = visit(arg, where, depth + 1);
        if (refusal) return refusal;
      }
      return undefined;
    }
    if (checker.getSignaturesOfType(t, ts.SignatureKind.Construct).length > 0) return { path, what: "a class", advice: CLASS_ADVICE };
    if (checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0) return { path, what: "a function", advice: FUNCTION_ADVICE };
    if (symbol && symbol.flags & ts.SymbolFlags.Class && !extendsError(t)) return visitInstance(t, symbol, path, depth);
    for (const property of checker.getPropertiesOfType(t)) {
      const refusal = visit(checker.getTypeOfSymbol(property), `${path}.${property.name}`, depth + 1);
      if (refusal) return refusal;
    }
    for (const index of checker.getIndexInfosOfType(t)) {
      const refusal = visit(index.type, `${path}[key]`, depth + 1);
      if (refusal) return refusal;
    }
    return undefined;
  };

  /** An instance of a class: sent when the class is (or will be) registered as serializable. */
  const visitInstance = (t: ts.ObjectType, symbol: ts.Symbol, path: string, depth: number): WireRefusal | undefined => {
    const declaration = symbol.declarations?.find(ts.isClassDeclaration);
    const how = declaration && classes?.classify(declaration);
    if (how === undefined) return { path, what: `an instance of class ${symbol.name}`, advice: INSTANCE_ADVICE };
    if (how === "encodes-itself") return undefined;
    const hidden = declaration!.members.find((m) => m.name !== undefined && ts.isPrivateIdentifier(m.name));
    if (hidden) {
      return { path, what: `an instance of class ${symbol.name}, which has private members (${hidden.name!.getText()})`, advice: PRIVATE_ADVICE };
    }
    // Own data properties travel; methods and accessors live on the prototype, which is restored.
    for (const property of checker.getPropertiesOfType(t)) {
      const data = property.declarations?.some((d) => ts.isPropertyDeclaration(d) || ts.isParameter(d) || ts.isPropertyAssignment(d));
      if (!data) continue;
      const refusal = visit(checker.getTypeOfSymbol(property), `${path}.${property.name}`, depth + 1);
      if (refusal) return refusal;
    }
    return undefined;
  };

  /** A user class extending Error is sent as an error (the runtime accepts any `instanceof Error`). */
  const extendsError = (t: ts.ObjectType): boolean => {
    const seen = new Set<ts.Type>();
    let current: ts.Type[] = [t];
    while (current.length > 0 && seen.size < 64) {
      const next: ts.Type[] = [];
      for (const c of current) {
        if (seen.has(c)) continue;
        seen.add(c);
        if (c.symbol?.name === "Error" && isLibrarySymbol(c.symbol)) return true;
        const target = (c as ts.TypeReference).target ?? c;
        if (target.isClassOrInterface()) next.push(...checker.getBaseTypes(target));
      }
      current = next;
    }
    return false;
  };

  /** Declared in a `.d.ts` of TypeScript's lib or of a package (Buffer is @types/node's). */
  const isLibrarySymbol = (symbol: ts.Symbol): boolean =>
    symbol.declarations?.some((d) => d.getSourceFile().isDeclarationFile) ?? false;

  return visit(type, "", 0);
}
