/**
 * The entry-module guard (stub ABI v1, docs/architecture.md): a worker imports
 * the module that defines a remote function to find it, and that must not run
 * the driver's program again. In worker threads/processes (`__tsray.inWorker`):
 *
 *  - consecutive top-level statements that are not declarations are skipped together:
 *        main(); console.log("hi");   →   if (!__tsray.inWorker) { main(); console.log("hi"); }
 *  - the initializer of a top-level variable that nothing kept needs is skipped:
 *        const db = connect();        →   const db = __tsray.inWorker ? undefined : connect();
 *        const { a, b } = load();     →   const { a, b } = __tsray.inWorker ? __tsray.skipped : load();
 *
 * "Needed" means referenced, transitively, from a remote declaration, an
 * exported declaration, or something that always evaluates (a class, enum or
 * namespace declaration, an `export default` expression, the registration
 * calls). Function/class declarations, imports and exports always stay.
 * The analysis is syntactic (no checker: the emit must also work in
 * `ts.transpileModule`). It counts only identifiers that can read the
 * top-level binding at run time (see `forEachReferencedName`): a class member,
 * object literal key, property name after `.`, label, type or shadowing local
 * called `total` does not need `const total = …`; `{ total }`, `[total]` and a
 * bare `total` do. Where scoping is unsure it counts the name: keeping too much
 * is safe, skipping too much is not (a worker importing the entry module would
 * run the program again, e.g. create another actor, whose worker imports it…).
 */
import type * as ts from "typescript";
import type { TypeScript } from "./typescript-instance.js";

/** The namespace the guard reads `inWorker`/`skipped` from: `import * as __tsray from "tsray/stubs"`. */
export const STUBS_NAMESPACE = "__tsray";

/**
 * Applies the guard to a module's top-level `statements` (prologue directives
 * excluded). `keep` holds statements that always run and count as roots (the
 * stub import, the registration calls); `remoteNames` the remote declarations.
 */
export function applyEntryGuard(
  ts: TypeScript,
  factory: ts.NodeFactory,
  statements: readonly ts.Statement[],
  remoteNames: ReadonlySet<string>,
  keep: ReadonlySet<ts.Statement>,
): ts.Statement[] {
  const needed = neededNames(ts, statements, remoteNames, keep);
  const stubs = (member: string) => factory.createPropertyAccessExpression(factory.createIdentifier(STUBS_NAMESPACE), member);
  const out: ts.Statement[] = [];
  let skipped: ts.Statement[] = [];
  const flush = () => {
    if (skipped.length === 0) return;
    const inWorker = factory.createPrefixUnaryExpression(ts.SyntaxKind.ExclamationToken, stubs("inWorker"));
    out.push(factory.createIfStatement(inWorker, factory.createBlock(skipped, true)));
    skipped = [];
  };

  for (const statement of statements) {
    if (keep.has(statement) || alwaysEvaluates(ts, statement)) {
      flush();
      out.push(statement);
    } else if (ts.isVariableStatement(statement)) {
      flush();
      out.push(guardVariables(ts, factory, statement, needed, stubs));
    } else {
      skipped.push(statement);
    }
  }
  flush();
  return out;
}

function guardVariables(
  ts: TypeScript,
  factory: ts.NodeFactory,
  statement: ts.VariableStatement,
  needed: ReadonlySet<string>,
  stubs: (member: string) => ts.Expression,
): ts.Statement {
  if (hasModifier(ts, statement, ts.SyntaxKind.ExportKeyword) || hasModifier(ts, statement, ts.SyntaxKind.DeclareKeyword)) {
    return statement;
  }
  let changed = false;
  const declarations = statement.declarationList.declarations.map((declaration) => {
    if (!declaration.initializer || boundNames(ts, declaration.name).some((n) => needed.has(n))) return declaration;
    changed = true;
    const placeholder = ts.isIdentifier(declaration.name) ? factory.createIdentifier("undefined") : stubs("skipped");
    const initializer = factory.createConditionalExpression(
      stubs("inWorker"),
      factory.createToken(ts.SyntaxKind.QuestionToken),
      placeholder,
      factory.createToken(ts.SyntaxKind.ColonToken),
      declaration.initializer,
    );
    return factory.updateVariableDeclaration(declaration, declaration.name, declaration.exclamationToken, declaration.type, initializer);
  });
  if (!changed) return statement;
  return factory.updateVariableStatement(
    statement,
    statement.modifiers,
    factory.updateVariableDeclarationList(statement.declarationList, declarations),
  );
}

/** Declarations (and type-only statements) that evaluate in every thread. */
function alwaysEvaluates(ts: TypeScript, statement: ts.Statement): boolean {
  return (
    ts.isImportDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement) ||
    statement.kind === ts.SyntaxKind.MissingDeclaration
  );
}

/** The names a kept module needs at run time in a worker (see the file comment). */
function neededNames(
  ts: TypeScript,
  statements: readonly ts.Statement[],
  remoteNames: ReadonlySet<string>,
  keep: ReadonlySet<ts.Statement>,
): Set<string> {
  const definitions = new Map<string, ts.Node[]>();
  const define = (name: string, node: ts.Node) => definitions.set(name, [...(definitions.get(name) ?? []), node]);
  const roots: ts.Node[] = [];
  const rootNames: string[] = [...remoteNames];

  for (const statement of statements) {
    const exported = hasModifier(ts, statement, ts.SyntaxKind.ExportKeyword);
    if (keep.has(statement) || ts.isExportAssignment(statement)) roots.push(statement);
    else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) rootNames.push((element.propertyName ?? element.name).text);
    } else if (ts.isFunctionDeclaration(statement)) {
      if (statement.name) define(statement.name.text, statement);
      if (exported) roots.push(statement); // also `export default function () {}`, which has no name to need
    } else if (ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
      roots.push(statement); // evaluated eagerly: extends, decorators, static members, enum and namespace bodies
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        for (const name of boundNames(ts, declaration.name)) {
          define(name, declaration);
          if (exported) rootNames.push(name);
        }
      }
    }
  }

  const needed = new Set<string>();
  const pending: ts.Node[] = [...roots];
  const need = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    pending.push(...(definitions.get(name) ?? []));
  };
  rootNames.forEach(need);
  for (let node = pending.pop(); node; node = pending.pop()) forEachReferencedName(ts, node, need);
  return needed;
}

/**
 * Names in a scope nested inside the module (parameters, locals, catch
 * variables, enum members, a class or function expression's own name): they
 * shadow top-level bindings of the same name. `undefined` is the module level.
 */
interface Scope {
  readonly names: ReadonlySet<string>;
  readonly parent: Scope | undefined;
}

function isShadowed(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true;
  return false;
}

/**
 * Calls `visit` with the name of every identifier in `node` that can refer to
 * a top-level binding at run time, syntactically: an identifier in an
 * expression position that no enclosing scope inside `node` redeclares.
 * Not references: names after `.`, declared names (variables, parameters,
 * functions, classes, members, object literal keys, enum members), labels,
 * import/export specifier names other than the local one, and anything in a
 * type or an ambient declaration (erased from JavaScript). References:
 * shorthand properties `{ total }`, computed names `[total]`, parameter
 * defaults, decorator arguments, `extends` expressions.
 * Given `class A { total = 0; add(x: number) { return this.total + x + limit; } }`,
 * visits only `limit`.
 * Scoping errs on the side of visiting (e.g. a `var` is scoped to its whole
 * function, and a binding's own temporal dead zone is ignored): an extra name
 * keeps an initializer that workers did not need, never the other way round.
 */
function forEachReferencedName(ts: TypeScript, node: ts.Node, visit: (name: string) => void): void {
  const nested = (scope: Scope | undefined, names: Iterable<string>): Scope | undefined => {
    const set = new Set(names);
    return set.size === 0 ? scope : { names: set, parent: scope };
  };
  /** A member, property or binding name: only a computed one holds a reference. */
  const walkPropertyName = (name: ts.Node | undefined, scope: Scope | undefined): void => {
    if (name && ts.isComputedPropertyName(name)) walk(name.expression, scope);
  };
  /** A binding (`x`, `{ a: [b] = c }`): its names are declarations; defaults and computed keys are read. */
  const walkBinding = (name: ts.BindingName, scope: Scope | undefined): void => {
    if (ts.isIdentifier(name)) return;
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      walkPropertyName(element.propertyName, scope);
      walkBinding(element.name, scope);
      if (element.initializer) walk(element.initializer, scope);
    }
  };
  const walkAll = (nodes: readonly ts.Node[] | undefined, scope: Scope | undefined): void => {
    for (const child of nodes ?? []) walk(child, scope);
  };
  /** Function-likes: decorators and a computed name are evaluated outside, parameters in their own scope, the body in one more. */
  const walkFunction = (fn: ts.SignatureDeclaration | ts.ClassStaticBlockDeclaration, outer: Scope | undefined): void => {
    if (ts.canHaveModifiers(fn)) walkAll(ts.getModifiers(fn), outer);
    if (ts.canHaveDecorators(fn)) walkAll(ts.getDecorators(fn), outer);
    if (ts.isClassStaticBlockDeclaration(fn)) {
      walkBlock(fn.body, outer, true);
      return;
    }
    walkPropertyName(fn.name, outer);
    const own = ts.isFunctionExpression(fn) && fn.name ? [fn.name.text] : [];
    const parameters = nested(outer, [...own, ...fn.parameters.flatMap((p) => boundNames(ts, p.name))]);
    for (const parameter of fn.parameters) {
      walkAll(parameter.modifiers, outer);
      walkBinding(parameter.name, parameters);
      if (parameter.initializer) walk(parameter.initializer, parameters);
    }
    const body = (fn as { body?: ts.ConciseBody }).body;
    if (body && ts.isBlock(body)) walkBlock(body, parameters, true);
    else if (body) walk(body, parameters);
  };
  /** A block's statements, in a scope holding its lexical declarations (and, for a function body, its `var`s). */
  const walkBlock = (block: ts.Block | ts.ModuleBlock, outer: Scope | undefined, functionBody: boolean): void => {
    const names = lexicalNames(ts, block.statements);
    if (functionBody) collectVarNames(ts, block, names);
    walkAll(block.statements, nested(outer, names));
  };
  const walkClass = (cls: ts.ClassLikeDeclaration, outer: Scope | undefined): void => {
    walkAll(cls.modifiers, outer);
    const inner = nested(outer, cls.name ? [cls.name.text] : []);
    for (const clause of cls.heritageClauses ?? []) {
      if (clause.token === ts.SyntaxKind.ExtendsKeyword) for (const type of clause.types) walk(type.expression, inner);
    }
    walkAll(cls.members, inner);
  };

  const walk = (child: ts.Node, scope: Scope | undefined): void => {
    if (ts.isIdentifier(child)) {
      if (!isShadowed(scope, child.text)) visit(child.text);
      return;
    }
    if (isErased(ts, child)) return;
    if (ts.isFunctionLike(child) || ts.isClassStaticBlockDeclaration(child)) return walkFunction(child, scope);
    if (ts.isClassLike(child)) return walkClass(child, scope);
    if (ts.isPropertyAccessExpression(child)) return walk(child.expression, scope);
    if (ts.isQualifiedName(child)) return walk(child.left, scope);
    if (ts.isExpressionWithTypeArguments(child)) return walk(child.expression, scope); // `f<T>`
    if (ts.isPropertyAssignment(child)) {
      walkPropertyName(child.name, scope);
      return walk(child.initializer, scope);
    }
    if (ts.isShorthandPropertyAssignment(child)) {
      walk(child.name, scope); // `{ total }` reads `total`
      if (child.objectAssignmentInitializer) walk(child.objectAssignmentInitializer, scope);
      return;
    }
    if (ts.isPropertyDeclaration(child)) {
      walkAll(child.modifiers, scope);
      walkPropertyName(child.name, scope);
      if (child.initializer) walk(child.initializer, scope);
      return;
    }
    if (ts.isVariableDeclaration(child)) {
      walkBinding(child.name, scope);
      if (child.initializer) walk(child.initializer, scope);
      return;
    }
    if (ts.isBindingElement(child) || ts.isParameter(child)) {
      // Reached only outside a declaration list or function, e.g. in an index signature.
      if (child.initializer) walk(child.initializer, scope);
      return;
    }
    if (ts.isBlock(child)) return walkBlock(child, scope, false);
    if (ts.isCaseBlock(child)) {
      const names = lexicalNames(ts, child.clauses.flatMap((clause) => clause.statements));
      return walkAll(child.clauses, nested(scope, names));
    }
    if (ts.isForStatement(child) || ts.isForInStatement(child) || ts.isForOfStatement(child)) {
      const list = child.initializer;
      const names =
        list && ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.BlockScoped
          ? list.declarations.flatMap((d) => boundNames(ts, d.name))
          : [];
      const inner = nested(scope, names);
      return ts.forEachChild(child, (c) => walk(c, inner));
    }
    if (ts.isCatchClause(child)) {
      const declaration = child.variableDeclaration;
      const inner = nested(scope, declaration ? boundNames(ts, declaration.name) : []);
      if (declaration) walk(declaration, inner);
      return walk(child.block, inner);
    }
    if (ts.isEnumDeclaration(child)) {
      // Inside the enum, its members' names refer to the members.
      const members = child.members.flatMap((m) => (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? [m.name.text] : []));
      const inner = nested(scope, members);
      for (const member of child.members) {
        walkPropertyName(member.name, inner);
        if (member.initializer) walk(member.initializer, inner);
      }
      return;
    }
    if (ts.isModuleDeclaration(child)) {
      if (child.body && ts.isModuleBlock(child.body)) return walkBlock(child.body, scope, true);
      if (child.body) walk(child.body, scope);
      return;
    }
    if (ts.isLabeledStatement(child)) return walk(child.statement, scope);
    if (ts.isBreakOrContinueStatement(child) || ts.isMetaProperty(child)) return;
    if (ts.isImportDeclaration(child)) return;
    if (ts.isImportEqualsDeclaration(child)) {
      if (!ts.isExternalModuleReference(child.moduleReference)) walk(child.moduleReference, scope);
      return;
    }
    if (ts.isExportDeclaration(child)) {
      // `export { a as b }` reads `a`, never `b`; with a module specifier it reads nothing here.
      if (child.isTypeOnly || child.moduleSpecifier || !child.exportClause || !ts.isNamedExports(child.exportClause)) return;
      for (const element of child.exportClause.elements) {
        const local = element.propertyName ?? element.name;
        if (!element.isTypeOnly && ts.isIdentifier(local)) walk(local, scope);
      }
      return;
    }
    ts.forEachChild(child, (c) => walk(c, scope));
  };
  walk(node, undefined);
}

/** Syntax with no run-time meaning: types, interfaces, type aliases, `declare` declarations, `implements`. */
function isErased(ts: TypeScript, node: ts.Node): boolean {
  return (
    (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) ||
    ts.isTypeParameterDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) ||
    hasModifier(ts, node, ts.SyntaxKind.DeclareKeyword)
  );
}

/** Names that `statements` declare in their own block: `let`/`const`/`using`, functions, classes, enums, namespaces. */
function lexicalNames(ts: TypeScript, statements: readonly ts.Statement[]): Set<string> {
  const names = new Set<string>();
  for (const statement of statements) {
    if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.BlockScoped) {
      for (const d of statement.declarationList.declarations) boundNames(ts, d.name).forEach((n) => names.add(n));
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** Adds the `var` names declared anywhere in `node` outside nested functions and classes (they belong to its function). */
function collectVarNames(ts: TypeScript, node: ts.Node, names: Set<string>): void {
  ts.forEachChild(node, (child) => {
    if (ts.isFunctionLike(child) || ts.isClassLike(child) || ts.isClassStaticBlockDeclaration(child) || ts.isModuleDeclaration(child)) return;
    if (ts.isVariableDeclarationList(child) && !(child.flags & ts.NodeFlags.BlockScoped)) {
      for (const d of child.declarations) boundNames(ts, d.name).forEach((n) => names.add(n));
    }
    collectVarNames(ts, child, names);
  });
}

/** `x` → [x]; `{ a, b: [c] }` → [a, c]. */
function boundNames(ts: TypeScript, name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : boundNames(ts, element.name),
  );
}

function hasModifier(ts: TypeScript, node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === kind)) ?? false;
}
