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
 * References are found by name, over-approximating (a shadowed or
 * property-named match keeps a variable): keeping too much is safe, skipping
 * too much is not.
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
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      define(statement.name.text, statement);
      if (exported) rootNames.push(statement.name.text);
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

/** Calls `visit` with every identifier in `node`, except member names after a `.`. */
function forEachReferencedName(ts: TypeScript, node: ts.Node, visit: (name: string) => void): void {
  const walk = (child: ts.Node): void => {
    if (ts.isIdentifier(child)) visit(child.text);
    else if (ts.isPropertyAccessExpression(child)) walk(child.expression);
    else ts.forEachChild(child, walk);
  };
  walk(node);
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
