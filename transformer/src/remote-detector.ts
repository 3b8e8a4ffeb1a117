/**
 * Finds `@ray.remote` decorators through the type checker: a decorator is ours
 * when its expression (or, for `@x(…)`, the callee) resolves, after following
 * import aliases, to the `remote` export of the `tsray` module. Identifier text
 * plays no part, so all of these are found:
 *
 *   import * as ray from "tsray";          @ray.remote / @ray.remote({ numCpus: 2 })
 *   import { remote } from "tsray";        @remote
 *   import { remote as r } from "tsray";   @r({ numCpus: 1 })
 *
 * and a local function that happens to be called `remote` is not.
 *
 * Given a file, produces the declarations to transform (`RemoteTarget`s) and a
 * TSRAY diagnostic for every use of the decorator that cannot work.
 */
import type * as ts from "typescript";
import { createTsrayDiagnostic, TsrayDiagnosticCode } from "./diagnostics.js";
import type { TypeScript } from "./typescript-instance.js";
import { checkRemoteCall, checkRemoteSignatures } from "./wire-check.js";
import type { ClassPolicy } from "./wire-types.js";

/** The module whose `remote` export is the decorator. */
export const TSRAY_MODULE = "tsray";

export interface RemoteTarget {
  readonly kind: "function" | "class";
  readonly name: string;
  readonly declaration: ts.FunctionDeclaration | ts.ClassDeclaration;
  /** The `@…` node; its source range is the same in the user's file and in the type view. */
  readonly decorator: ts.Decorator;
  readonly exported: boolean;
  /**
   * Classes: the methods carrying `@ray.method({ numReturns })` (tsray's `method` export, found
   * through the checker like `remote`), with the count as a type: the literal, or `number`.
   */
  readonly methodReturns?: readonly MethodReturns[];
}

export interface MethodReturns {
  /** The method's name as a property name in type text (an identifier, or a quoted string). */
  readonly name: string;
  readonly count: string;
}

/**
 * A top-level `const add = ray.remote(function add…)` or `ray.registerSerializable(Point…)`: the
 * transform-free spellings, in a transformed file (the statement must run in workers too).
 */
export interface HandWrapped {
  readonly name: string;
  readonly statement: ts.VariableStatement | ts.ExpressionStatement;
}

/** A class decorated `@ray.serializable` (registered by the emitted call, as a remote class is). */
export interface SerializableTarget {
  readonly name: string;
  readonly declaration: ts.ClassDeclaration;
  readonly decorator: ts.Decorator;
}

export interface Detection {
  readonly targets: readonly RemoteTarget[];
  /** `@ray.serializable` classes of the file. */
  readonly serializables: readonly SerializableTarget[];
  /**
   * Hand-wrapped remote functions and classes. The runtime registers them itself; the emit
   * transform gives their module the same entry guard as a decorated one, so workers importing
   * it to find them do not run its top-level program.
   */
  readonly handWrapped: readonly HandWrapped[];
  /** Every decorator of ours that cannot work, one TSRAY diagnostic each. */
  readonly diagnostics: readonly ts.Diagnostic[];
  /** The decorators behind `diagnostics`: the compiler's own complaints about them are noise. */
  readonly rejected: readonly ts.Decorator[];
}

export type RemoteDetector = (file: ts.SourceFile) => Detection;

/** The parts of a top-level `const name = ray.remote(…)(wrapped)` / `ray.remote(wrapped)`. */
interface HandWrappedCall {
  readonly name: string;
  readonly statement: ts.VariableStatement;
  /** The expression called: `ray.remote`, or `ray.remote` of `ray.remote({…})(…)`. */
  readonly callee: ts.Expression;
  readonly wrapped: ts.FunctionExpression | ts.ArrowFunction | ts.ClassExpression;
}

/**
 * A detector for the files of `program` (cheap to create; resolves `tsray` lazily, once per folder).
 * `onAutoClass` hears of every class a remote signature sends that the transform is to register
 * (declared at the top level of the user's program, not decorated `@ray.serializable`), in any file.
 */
export function createRemoteDetector(
  ts: TypeScript,
  program: ts.Program,
  resolutionHost: ts.ModuleResolutionHost,
  onAutoClass?: (declaration: ts.ClassDeclaration) => void,
): RemoteDetector {
  const checker = program.getTypeChecker();
  const exportSymbolByScope = new Map<string, ts.Symbol | undefined>();

  /** The resolved `remote` symbol of `tsray` as seen from `file` (packages may nest). */
  function tsrayRemoteFor(file: ts.SourceFile): ts.Symbol | undefined {
    return tsrayExportFor(file, "remote");
  }

  /** The resolved export `name` of `tsray` as seen from `file`. */
  function tsrayExportFor(file: ts.SourceFile, name: string): ts.Symbol | undefined {
    const scope = `${file.fileName.replace(/[^/\\]*$/, "")}|${String(file.impliedNodeFormat)}|${name}`;
    if (exportSymbolByScope.has(scope)) return exportSymbolByScope.get(scope);
    const resolved = ts.resolveModuleName(
      TSRAY_MODULE,
      file.fileName,
      program.getCompilerOptions(),
      resolutionHost,
      undefined,
      undefined,
      file.impliedNodeFormat,
    ).resolvedModule;
    const moduleFile = resolved && program.getSourceFile(resolved.resolvedFileName);
    const moduleSymbol = moduleFile && checker.getSymbolAtLocation(moduleFile);
    const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    const symbol = exported && skipAliases(exported);
    exportSymbolByScope.set(scope, symbol);
    return symbol;
  }

  /** Whether `declaration` carries a decorator naming tsray's export `name` (`@ray.remote`, `@ray.serializable(…)`). */
  function decoratedWith(declaration: ts.ClassDeclaration, name: string): ts.Decorator | undefined {
    const symbol = tsrayExportFor(declaration.getSourceFile(), name);
    if (symbol === undefined) return undefined;
    return declaration.modifiers?.find((m): m is ts.Decorator => ts.isDecorator(m) && isRemoteDecorator(m, symbol));
  }

  /** The file `detect` is looking at. */
  let checkedFile: ts.SourceFile | undefined;

  /** Classes whose instances the runtime will rebuild (see wire-types.ts). */
  const classes: ClassPolicy = {
    classify(declaration) {
      if (decoratedWith(declaration, "remote")) return undefined;
      const byHand = registeredByHand(declaration);
      if (byHand) return byHand.arguments.length > 1 || hasSerializeHook(declaration) ? "encodes-itself" : "fields";
      const decorator = decoratedWith(declaration, "serializable");
      if (decorator) {
        // `@ray.serializable({ serialize, deserialize })` or static [ray.serialize]: it encodes itself.
        return ts.isCallExpression(withoutParentheses(ts, decorator.expression)) || hasSerializeHook(declaration) ? "encodes-itself" : "fields";
      }
      const file = declaration.getSourceFile();
      // A package's class that declares the hook (as `ray.Queue` does) registers itself.
      if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file)) {
        return hasSerializeHook(declaration) ? "encodes-itself" : undefined;
      }
      const registrable =
        declaration.name !== undefined &&
        ts.isSourceFile(declaration.parent) &&
        !(ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Ambient | ts.ModifierFlags.Abstract)) &&
        !file.isDeclarationFile &&
        !program.isSourceFileFromExternalLibrary(file) &&
        /\.[cm]?tsx?$/.test(file.fileName) &&
        !emitsCommonJs(file);
      if (!registrable) return undefined;
      onAutoClass?.(declaration);
      return hasSerializeHook(declaration) ? "encodes-itself" : "fields";
    },
  };

  /** The top-level `ray.registerSerializable(Cls, …)` call of the class's own module, if any. */
  function registeredByHand(declaration: ts.ClassDeclaration): ts.CallExpression | undefined {
    const file = declaration.getSourceFile();
    const classSymbol = declaration.name && checker.getSymbolAtLocation(declaration.name);
    for (const statement of file.statements) {
      const call = registrationCall(statement);
      const argument = call?.arguments[0];
      if (argument && ts.isIdentifier(argument) && checker.getSymbolAtLocation(argument) === classSymbol) return call;
    }
    return undefined;
  }

  /** `ray.registerSerializable(…)` as a statement of its own. */
  function registrationCall(statement: ts.Statement): ts.CallExpression | undefined {
    if (!ts.isExpressionStatement(statement)) return undefined;
    const call = withoutParentheses(ts, statement.expression);
    if (!ts.isCallExpression(call)) return undefined;
    const symbol = tsrayExportFor(statement.getSourceFile(), "registerSerializable");
    return symbol !== undefined && isRemoteReference(withoutParentheses(ts, call.expression), symbol) ? call : undefined;
  }

  /** A static member named `[ray.serialize]` (tsray's `serialize` symbol). */
  function hasSerializeHook(declaration: ts.ClassDeclaration): boolean {
    // Resolved from the file being checked: a package's own .d.ts may not resolve `tsray` itself.
    const symbol = tsrayExportFor(checkedFile ?? declaration.getSourceFile(), "serialize");
    return declaration.members.some((member) => {
      const name = member.name;
      if (!name || !ts.isComputedPropertyName(name) || !(ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Static)) return false;
      const expression = withoutParentheses(ts, name.expression);
      const named = ts.isPropertyAccessExpression(expression) ? expression.name : ts.isIdentifier(expression) ? expression : undefined;
      const found = named && checker.getSymbolAtLocation(named);
      return found !== undefined && symbol !== undefined && skipAliases(found) === symbol;
    });
  }

  function skipAliases(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  }

  /** `ray.remote`, `remote`, `r`, `(ray.remote)`, each optionally called: `ray.remote({...})`. */
  function isRemoteDecorator(decorator: ts.Decorator, remoteSymbol: ts.Symbol): boolean {
    let expression = withoutParentheses(ts, decorator.expression);
    if (ts.isCallExpression(expression)) expression = withoutParentheses(ts, expression.expression);
    return isRemoteReference(expression, remoteSymbol);
  }

  /** `ray.remote`, `remote`, `r`: an expression naming the `remote` export of `tsray`. */
  function isRemoteReference(expression: ts.Expression, remoteSymbol: ts.Symbol): boolean {
    const named = ts.isPropertyAccessExpression(expression)
      ? expression.name
      : ts.isIdentifier(expression)
        ? expression
        : undefined;
    const symbol = named && checker.getSymbolAtLocation(named);
    return symbol !== undefined && skipAliases(symbol) === remoteSymbol;
  }

  return function detect(file: ts.SourceFile): Detection {
    const targets: RemoteTarget[] = [];
    const serializables: SerializableTarget[] = [];
    const handWrapped: HandWrapped[] = [];
    const diagnostics: ts.Diagnostic[] = [];
    const rejected: ts.Decorator[] = [];
    // Cheap pre-filter: no `@`, no decorator, no `remote`, no call to check, and no need to resolve `tsray`.
    if (file.isDeclarationFile || (!file.text.includes("@") && !file.text.includes("remote"))) {
      return { targets, serializables, handWrapped, diagnostics, rejected };
    }
    checkedFile = file;
    let remoteSymbol: ts.Symbol | undefined | null = null;
    let serializableSymbol: ts.Symbol | undefined | null = null;
    const decorated = new Set<ts.Node>();

    const visit = (node: ts.Node): void => {
      if (ts.isDecorator(node)) {
        if (remoteSymbol === null) remoteSymbol = tsrayRemoteFor(file);
        if (serializableSymbol === null) serializableSymbol = tsrayExportFor(file, "serializable");
        if (serializableSymbol !== undefined && isRemoteDecorator(node, serializableSymbol)) {
          const target = node.parent;
          const code =
            !ts.isClassDeclaration(target) || target.name === undefined || ts.getCombinedModifierFlags(target) & ts.ModifierFlags.Ambient
              ? TsrayDiagnosticCode.UnsupportedTarget
              : !ts.isSourceFile(target.parent)
                ? TsrayDiagnosticCode.NotTopLevel
                : emitsCommonJs(file)
                  ? TsrayDiagnosticCode.CommonJsOutput
                  : undefined;
          if (code !== undefined) {
            diagnostics.push(createTsrayDiagnostic(ts, file, node, code, `@ray.serializable: ${SERIALIZABLE_ADVICE}`));
            rejected.push(node);
          } else {
            serializables.push({ name: (target as ts.ClassDeclaration).name!.text, declaration: target as ts.ClassDeclaration, decorator: node });
          }
        } else if (remoteSymbol !== undefined && isRemoteDecorator(node, remoteSymbol)) {
          const result = decorated.has(node.parent) ? TsrayDiagnosticCode.DuplicateDecorator : classify(node);
          decorated.add(node.parent);
          if (typeof result === "number") {
            diagnostics.push(createTsrayDiagnostic(ts, file, node, result));
            rejected.push(node);
          } else {
            targets.push(result);
            diagnostics.push(...checkRemoteSignatures(ts, checker, file, result.declaration, result.name, classes));
          }
        }
      } else if (ts.isExpressionStatement(node) && ts.isSourceFile(node.parent) && registrationCall(node)) {
        // Kept in workers (the entry guard would skip an expression statement), like a hand-wrapped remote.
        const argument = registrationCall(node)!.arguments[0];
        handWrapped.push({ name: argument && ts.isIdentifier(argument) ? argument.text : "", statement: node });
      } else if (ts.isCallExpression(node)) {
        const called = remoteFunctionCalled(node);
        if (called) diagnostics.push(...checkRemoteCall(ts, checker, file, node, called.fn, called.name, classes));
        const wrapped = handWrappedAt(node);
        if (wrapped) {
          if (remoteSymbol === null) remoteSymbol = tsrayRemoteFor(file);
          if (remoteSymbol !== undefined && isRemoteReference(wrapped.callee, remoteSymbol)) {
            handWrapped.push({ name: wrapped.name, statement: wrapped.statement });
            diagnostics.push(...checkRemoteSignatures(ts, checker, file, wrapped.wrapped, wrapped.name, classes));
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(file, visit);
    return { targets, serializables, handWrapped, diagnostics, rejected };
  };

  /**
   * The parts of a top-level `const add = ray.remote(function add…)` (or `ray.remote({…})(class C…)`,
   * or an arrow function) at `call`, when its file is emitted as an ES module; whether `callee`
   * is tsray's `remote` is for the caller to decide.
   */
  function handWrappedAt(
    call: ts.CallExpression,
  ): HandWrappedCall | undefined {
    const declaration = call.parent;
    if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== call || !ts.isIdentifier(declaration.name)) {
      return undefined;
    }
    const statement = declaration.parent.parent;
    if (!ts.isVariableStatement(statement) || !ts.isSourceFile(statement.parent)) return undefined;
    const wrapped = call.arguments[0] && withoutParentheses(ts, call.arguments[0]);
    if (!wrapped || !(ts.isFunctionExpression(wrapped) || ts.isClassExpression(wrapped) || ts.isArrowFunction(wrapped))) {
      return undefined;
    }
    let callee = withoutParentheses(ts, call.expression);
    if (ts.isCallExpression(callee)) callee = withoutParentheses(ts, callee.expression);
    if (emitsCommonJs(statement.getSourceFile())) return undefined;
    return { name: declaration.name.text, statement, callee, wrapped };
  }

  /**
   * The remote function that `call` submits to, for `f.remote(…)` and `f.options(…).remote(…)`
   * where `f` is (an import of) a `@ray.remote function` or a hand-wrapped `const f = ray.remote(…)`.
   */
  function remoteFunctionCalled(call: ts.CallExpression): { fn: ts.FunctionLikeDeclaration; name: string } | undefined {
    const callee = withoutParentheses(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "remote") return undefined;
    let target = withoutParentheses(ts, callee.expression);
    if (ts.isCallExpression(target)) {
      const options = withoutParentheses(ts, target.expression);
      if (!ts.isPropertyAccessExpression(options) || options.name.text !== "options") return undefined;
      target = withoutParentheses(ts, options.expression);
    }
    const named = ts.isPropertyAccessExpression(target) ? target.name : ts.isIdentifier(target) ? target : undefined;
    const symbol = named && checker.getSymbolAtLocation(named);
    const declarations = (symbol && skipAliases(symbol).declarations) ?? [];
    const fn = declarations.find(ts.isFunctionDeclaration);
    if (fn?.body && fn.name) {
      const remoteSymbol = tsrayRemoteFor(fn.getSourceFile());
      const decorators = fn.modifiers?.filter(ts.isDecorator) ?? [];
      return remoteSymbol && decorators.some((d) => isRemoteDecorator(d, remoteSymbol)) ? { fn, name: fn.name.text } : undefined;
    }
    // `Counter.remote(…)` (the constructor) and `handle.increment.remote(…)` (ActorHandle's mapped
    // members keep the declarations of the methods they come from).
    const cls = declarations.find(ts.isClassDeclaration);
    const method = declarations.find(ts.isMethodDeclaration);
    const owner = cls ?? (method && ts.isClassDeclaration(method.parent) ? method.parent : undefined);
    if (owner?.name) {
      const remoteSymbol = tsrayRemoteFor(owner.getSourceFile());
      const decorators = owner.modifiers?.filter(ts.isDecorator) ?? [];
      if (!remoteSymbol || !decorators.some((d) => isRemoteDecorator(d, remoteSymbol))) return undefined;
      if (cls) {
        const constructor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
        return constructor ? { fn: constructor, name: cls.name?.text ?? "" } : undefined;
      }
      return method?.body ? { fn: method, name: `${owner.name.text}.${method.name.getText()}` } : undefined;
    }
    const variable = declarations.find(ts.isVariableDeclaration);
    const initializer = variable?.initializer && withoutParentheses(ts, variable.initializer);
    const wrapped = initializer && ts.isCallExpression(initializer) ? handWrappedAt(initializer) : undefined;
    if (!wrapped || ts.isClassExpression(wrapped.wrapped)) return undefined;
    const remoteSymbol = tsrayRemoteFor(wrapped.statement.getSourceFile());
    return remoteSymbol && isRemoteReference(wrapped.callee, remoteSymbol) ? { fn: wrapped.wrapped, name: wrapped.name } : undefined;
  }

  /**
   * Whether `file` is emitted as CommonJS: `module` CommonJS/AMD/UMD/System, or a Node16+ mode
   * deciding CommonJS for this file (.cts, or .ts in a package without `"type": "module"`).
   */
  function emitsCommonJs(file: ts.SourceFile): boolean {
    const options = program.getCompilerOptions();
    const { ModuleKind, ScriptTarget } = ts;
    const kind = options.module ?? ((options.target ?? ScriptTarget.ES5) >= ScriptTarget.ES2015 ? ModuleKind.ES2015 : ModuleKind.CommonJS);
    if (kind >= ModuleKind.Node16 && kind <= ModuleKind.NodeNext) return file.impliedNodeFormat === ModuleKind.CommonJS;
    return kind === ModuleKind.CommonJS || kind === ModuleKind.AMD || kind === ModuleKind.UMD || kind === ModuleKind.System;
  }

  /**
   * The instance methods of `cls` decorated with `@ray.method({ numReturns: … })`.
   * Given `@ray.method({ numReturns: 2 }) pair() {…}`, produces `[{ name: "pair", count: "2" }]`.
   */
  function methodReturnsOf(cls: ts.ClassDeclaration): MethodReturns[] {
    const out: MethodReturns[] = [];
    let methodSymbol: ts.Symbol | undefined | null = null;
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) continue;
      if (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) continue;
      for (const decorator of member.modifiers?.filter(ts.isDecorator) ?? []) {
        const call = withoutParentheses(ts, decorator.expression);
        if (!ts.isCallExpression(call)) continue;
        if (methodSymbol === null) methodSymbol = tsrayExportFor(cls.getSourceFile(), "method");
        if (methodSymbol === undefined || !isRemoteReference(withoutParentheses(ts, call.expression), methodSymbol)) continue;
        const count = numReturnsOf(ts, call.arguments[0]);
        if (count === undefined) continue;
        const name = ts.isIdentifier(member.name) ? member.name.text : JSON.stringify(member.name.text);
        out.push({ name, count });
      }
    }
    return out;
  }

  /** A target, or the code of the reason it cannot be one. */
  function classify(decorator: ts.Decorator): RemoteTarget | TsrayDiagnosticCode {
    const target = decorator.parent;
    if (ts.isFunctionDeclaration(target) || ts.isClassDeclaration(target)) {
      if (emitsCommonJs(target.getSourceFile())) return TsrayDiagnosticCode.CommonJsOutput;
      const flags = ts.getCombinedModifierFlags(target);
      if (flags & ts.ModifierFlags.Default) return TsrayDiagnosticCode.DefaultExport;
      if (!ts.isSourceFile(target.parent)) return TsrayDiagnosticCode.NotTopLevel;
      if (target.name === undefined || flags & ts.ModifierFlags.Ambient) return TsrayDiagnosticCode.UnsupportedTarget;
      const exported = (flags & ts.ModifierFlags.Export) !== 0;
      if (ts.isFunctionDeclaration(target)) {
        const symbol = checker.getSymbolAtLocation(target.name);
        const signatures = symbol?.declarations?.filter(ts.isFunctionDeclaration).length ?? 1;
        if (signatures > 1) return TsrayDiagnosticCode.OverloadedFunction;
        if (target.body === undefined) return TsrayDiagnosticCode.UnsupportedTarget;
        return { kind: "function", name: target.name.text, declaration: target, decorator, exported };
      }
      if (flags & ts.ModifierFlags.Abstract) return TsrayDiagnosticCode.AbstractClass;
      const clashes = target.members.some(
        (member) =>
          ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Static &&
          member.name !== undefined &&
          (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) &&
          (member.name.text === "remote" || member.name.text === "options"),
      );
      if (clashes) return TsrayDiagnosticCode.ReservedStaticMember;
      const methodReturns = methodReturnsOf(target);
      return { kind: "class", name: target.name.text, declaration: target, decorator, exported, ...(methodReturns.length > 0 ? { methodReturns } : {}) };
    }
    if (
      ts.isMethodDeclaration(target) ||
      ts.isPropertyDeclaration(target) ||
      ts.isGetAccessorDeclaration(target) ||
      ts.isSetAccessorDeclaration(target) ||
      ts.isParameter(target)
    ) {
      return TsrayDiagnosticCode.ClassMember;
    }
    return TsrayDiagnosticCode.UnsupportedTarget;
  }
}

const SERIALIZABLE_ADVICE =
  "it can only be used on a named top-level class declaration with a body, in a file emitted as an ES module " +
  "(workers find the class by its module and name).";

/**
 * The `numReturns` of an options object literal as a type: `numReturns: 2` → `2`; any other
 * expression → `number`; none (or not an object literal) → undefined.
 */
export function numReturnsOf(ts: TypeScript, options: ts.Expression | undefined): string | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) {
    if (property.name && ts.isIdentifier(property.name) && property.name.text === "numReturns") {
      if (ts.isPropertyAssignment(property) && ts.isNumericLiteral(property.initializer)) return property.initializer.text;
      return "number";
    }
  }
  return undefined;
}

/** The options argument of `@ray.remote({ ... })`, if the decorator is called with one. */
export function decoratorOptions(ts: TypeScript, decorator: ts.Decorator): ts.Expression | undefined {
  const expression = withoutParentheses(ts, decorator.expression);
  return ts.isCallExpression(expression) ? expression.arguments[0] : undefined;
}

function withoutParentheses(ts: TypeScript, expression: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
  return expression;
}
