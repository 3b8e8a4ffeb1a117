/**
 * What cannot cross the wire is a compile error: the TSRAY diagnostics for
 * remote signatures whose values can never be sent (wire-types.ts decides on
 * a type), reported at the user's parameter, return type or argument.
 *
 *  - `checkRemoteSignatures`: every parameter and the (awaited) result of a
 *    remote function; the constructor parameters, and the parameters and
 *    results of the public instance methods, of a remote class;
 *  - `checkRemoteCall`: the arguments of `f.remote(…)` / `f.options(…).remote(…)`
 *    where `f`'s parameter type is wide (`unknown`, `any`, `object`), which the
 *    signature check cannot judge.
 *
 * Given `@ray.remote function f(cb: (x: number) => number) {…}`, produces
 *   error TS9910: parameter `cb` of remote function `f` cannot be sent to a worker: its type is a function. …
 * at `(x: number) => number`.
 */
import type * as ts from "typescript";
import { createTsrayDiagnostic, TsrayDiagnosticCode } from "./diagnostics.js";
import type { TypeScript } from "./typescript-instance.js";
import { findWireRefusal, isWideType, type ClassPolicy, type WireRefusal } from "./wire-types.js";

/** A sentence from a refusal: `its type is a function` / `its type at `.jobs[]` is a WeakMap`. */
function describe(refusal: WireRefusal, subject: string): string {
  const at = refusal.path ? ` at \`${subject}${refusal.path}\`` : "";
  const advice = refusal.advice.charAt(0).toUpperCase() + refusal.advice.slice(1);
  return `its type${at} is ${refusal.what}. ${advice}.`;
}

/** A remote function: decorated, or the function a hand-wrapped `ray.remote(…)` wraps. */
export type RemoteFunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/**
 * TSRAY9910/9911 for a remote function or class: a decorated declaration, or the function or
 * class expression of a hand-wrapped `const name = ray.remote(…)`.
 */
export function checkRemoteSignatures(
  ts: TypeScript,
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  declaration: RemoteFunctionLike | ts.ClassLikeDeclaration,
  name: string,
  classes?: ClassPolicy,
): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];

  const checkParameters = (fn: ts.SignatureDeclaration, owner: string) => {
    for (const parameter of fn.parameters) {
      let type = checker.getTypeAtLocation(parameter);
      // `...args: T[]` sends each T.
      if (parameter.dotDotDotToken && checker.isArrayType(type)) type = checker.getTypeArguments(type as ts.TypeReference)[0] ?? type;
      const refusal = findWireRefusal(ts, checker, type, classes);
      if (!refusal) continue;
      const label = ts.isIdentifier(parameter.name) ? parameter.name.text : parameter.name.getText(file);
      out.push(
        createTsrayDiagnostic(
          ts,
          file,
          parameter.type ?? parameter.name,
          TsrayDiagnosticCode.UnsendableParameter,
          `parameter \`${label}\` of ${owner} cannot be sent to a worker: ${describe(refusal, label)}`,
        ),
      );
    }
  };
  const checkResult = (fn: RemoteFunctionLike | ts.MethodDeclaration, owner: string) => {
    const signature = checker.getSignatureFromDeclaration(fn);
    if (!signature) return;
    const returned = checker.getReturnTypeOfSignature(signature);
    // A generator (`function*`, `async function*`) sends each value it yields, not the generator.
    const yielded = fn.asteriskToken !== undefined ? yieldTypeOf(checker, returned) : undefined;
    // The worker awaits what a task returns: `Promise<T>` (an async function) sends a T.
    const refusal = findWireRefusal(ts, checker, yielded ?? checker.getAwaitedType(returned) ?? returned, classes);
    if (!refusal) return;
    const what = yielded !== undefined ? `the values ${owner} yields` : `the result of ${owner}`;
    out.push(
      createTsrayDiagnostic(
        ts,
        file,
        fn.type ?? fn.name ?? fn,
        TsrayDiagnosticCode.UnsendableResult,
        `${what} cannot be sent back from a worker: ${describe(refusal, yielded !== undefined ? "value" : "result")}`,
      ),
    );
  };

  if (!ts.isClassLike(declaration)) {
    checkParameters(declaration, `remote function \`${name}\``);
    checkResult(declaration, `remote function \`${name}\``);
    return out;
  }
  for (const member of declaration.members) {
    if (ts.isConstructorDeclaration(member) && member.body) {
      checkParameters(member, `the constructor of remote class \`${name}\``);
    } else if (ts.isMethodDeclaration(member) && member.body && isCallableFromHandle(ts, member)) {
      const owner = `method \`${name}.${member.name.getText(file)}\` of a remote class`;
      checkParameters(member, owner);
      checkResult(member, owner);
    }
  }
  return out;
}

/** A public instance method with a plain name: what `handle.method.remote(…)` can call. */
function isCallableFromHandle(ts: TypeScript, method: ts.MethodDeclaration): boolean {
  const flags = ts.getCombinedModifierFlags(method);
  return (
    !(flags & (ts.ModifierFlags.Static | ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
    !ts.isPrivateIdentifier(method.name)
  );
}

/**
 * TSRAY9912 for a call `f.remote(…)` or `f.options(…).remote(…)` of a remote function `fn`
 * (or of an actor's constructor or method, `Counter.remote(…)`, `handle.increment.remote(…)`),
 * named `name` in the message: each argument whose parameter type is wide is checked on its own type.
 */
export function checkRemoteCall(
  ts: TypeScript,
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  call: ts.CallExpression,
  fn: ts.FunctionLikeDeclaration,
  name: string,
  classes?: ClassPolicy,
): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  call.arguments.forEach((argument, i) => {
    if (ts.isSpreadElement(argument)) return;
    const last = fn.parameters[fn.parameters.length - 1];
    const parameter = fn.parameters[i] ?? (last?.dotDotDotToken ? last : undefined);
    if (!parameter) return;
    let parameterType = checker.getTypeAtLocation(parameter);
    if (parameter.dotDotDotToken && checker.isArrayType(parameterType)) {
      parameterType = checker.getTypeArguments(parameterType as ts.TypeReference)[0] ?? parameterType;
    }
    if (!isWideType(ts, checker, parameterType)) return;
    const refusal = findWireRefusal(ts, checker, checker.getTypeAtLocation(argument), classes);
    if (!refusal) return;
    out.push(
      createTsrayDiagnostic(
        ts,
        file,
        argument,
        TsrayDiagnosticCode.UnsendableArgument,
        `argument ${i + 1} of \`${name}.remote()\` cannot be sent to a worker: ${describe(refusal, "argument")}`,
      ),
    );
  });
  return out;
}

/**
 * The `Y` of a generator function's `Generator<Y, …>` / `AsyncGenerator<Y, …>` return type;
 * undefined when the type is not one of those (then the result is checked as it is).
 */
function yieldTypeOf(checker: ts.TypeChecker, returned: ts.Type): ts.Type | undefined {
  const name = returned.getSymbol()?.getName();
  if (name !== "Generator" && name !== "AsyncGenerator") return undefined;
  return checker.getTypeArguments(returned as ts.TypeReference)[0];
}
