/**
 * The transformer's own diagnostics: one stable code per thing that cannot
 * work, each reported as an ordinary `ts.Diagnostic` at the user's line with a
 * message that says what to do instead.
 *
 * Codes live in 9901–9999, a range TypeScript 5.9 does not use. `tspc` and
 * editors print the code themselves (`error TS9901: …`), so the message does
 * not repeat it; every message names `@ray.remote` or a remote declaration, so
 * it reads as tsray's. docs/architecture.md lists the codes (`TSRAY9901` is
 * the name used there and in `tsrayCodeName`).
 *
 * Given `@ray.remote export default function () {}`, produces
 *   error TS9901: @ray.remote cannot be used on an `export default` declaration: …
 */
import type * as ts from "typescript";
import type { TypeScript } from "./typescript-instance.js";

export const TsrayDiagnosticCode = {
  /** `export default function/class` cannot merge with the generated namespace (TS2652). */
  DefaultExport: 9901,
  /** A remote function or class must be a top-level declaration (workers look it up by id). */
  NotTopLevel: 9902,
  /** On a method, property, accessor or parameter. */
  ClassMember: 9903,
  /** An abstract class cannot be instantiated as an actor. */
  AbstractClass: 9904,
  /** A static `remote`/`options` member would clash with the generated members. */
  ReservedStaticMember: 9905,
  /** Overloads: `Parameters<typeof f>` sees only the last signature, so `.remote` would be mistyped. */
  OverloadedFunction: 9906,
  /** Anything else the decorator cannot apply to (class expression, `declare`, ambient declarations). */
  UnsupportedTarget: 9907,
  /** The same declaration carries `@ray.remote` more than once. */
  DuplicateDecorator: 9908,
  /** The file compiles to CommonJS: the registration needs `import.meta.url` (ES modules only). */
  CommonJsOutput: 9909,
  /** A parameter of a remote function, actor constructor or actor method has a type no value of which can be sent. */
  UnsendableParameter: 9910,
  /** The result of a remote function or actor method has a type no value of which can be sent back. */
  UnsendableResult: 9911,
  /** An argument of `.remote(…)` cannot be sent, where the parameter type is wide (`unknown`, `any`, `object`). */
  UnsendableArgument: 9912,
} as const;

export type TsrayDiagnosticCode = (typeof TsrayDiagnosticCode)[keyof typeof TsrayDiagnosticCode];

const advice: Record<TsrayDiagnosticCode, string> = {
  9901:
    "@ray.remote cannot be used on an `export default` declaration: give it a name and export it by name " +
    "(`@ray.remote export function add(…)`, then `export { add as default }` if you need a default export).",
  9902:
    "@ray.remote can only be used on a top-level function or class declaration: workers find remote code by " +
    "its module and name. Move this declaration to the top level of the module.",
  9903:
    "@ray.remote cannot be used on a class member: decorate the class (every method of a remote class is " +
    "callable as `handle.method.remote(…)`) or move the method into a top-level remote function. " +
    "To give a method options, use `@ray.method({ numReturns, concurrencyGroup })`.",
  9904:
    "@ray.remote cannot be used on an abstract class: an actor must be constructible. Decorate a concrete " +
    "subclass instead.",
  9905:
    "a remote class cannot declare a static member named `remote` or `options`: @ray.remote adds " +
    "`Class.remote(…)` and `Class.options(…)`. Rename the static member.",
  9906:
    "@ray.remote cannot be used on an overloaded function: `.remote(…)` would only see the last overload. " +
    "Declare a single signature (e.g. with union parameter types) or wrap the overloads in a remote function " +
    "with one signature.",
  9907:
    "@ray.remote can only be used on a function declaration or a class declaration with a body " +
    "(not on a class expression, an ambient `declare` declaration or anything else).",
  9908: "@ray.remote is applied more than once to this declaration: remove the extra decorator.",
  9909:
    "@ray.remote needs ES module output (workers load remote code by `import.meta.url`), but this file " +
    "compiles to CommonJS. Use an .ts/.mts file in a `\"type\": \"module\"` package with `module: NodeNext` " +
    "(or ES2022/ESNext).",
  // The three below always carry a message of their own (wire-check.ts); these are the fallbacks.
  9910: "a parameter of this remote declaration has a type that cannot be sent to a worker: use plain data.",
  9911: "the result of this remote declaration has a type that cannot be sent back from a worker: return plain data.",
  9912: "this argument cannot be sent to a worker: pass plain data.",
};

/** The stable name users search for, e.g. `TSRAY9901`. */
export function tsrayCodeName(code: TsrayDiagnosticCode): string {
  return `TSRAY${code}`;
}

/** An error of ours at `node` (in `file`), e.g. at the offending decorator; `message` replaces the code's advice. */
export function createTsrayDiagnostic(
  ts: TypeScript,
  file: ts.SourceFile,
  node: ts.Node,
  code: TsrayDiagnosticCode,
  message: string = advice[code],
): ts.Diagnostic {
  const start = node.getStart(file);
  return {
    category: ts.DiagnosticCategory.Error,
    code,
    file,
    start,
    length: node.getEnd() - start,
    messageText: message,
    source: "tsray",
  };
}
