/**
 * The JavaScript side of the transform: a `before` transformer that is purely
 * syntactic (it needs no checker, only where the remote declarations are), so
 * the same code can serve a loader hook that has no program.
 *
 * Given (in `src/main.ts`, project dir = the tsconfig's folder)
 *
 *   import * as ray from "tsray";
 *   @ray.remote({ numCpus: 2 }) export function add(x: number, y: number) { return x + y; }
 *   console.log(add(1, 2));
 *
 * produces
 *
 *   import * as __tsray from "tsray/stubs";
 *   import * as ray from "tsray";
 *   export function add(x, y) { return x + y; }
 *   ray.remote({ numCpus: 2 })(add, { kind: "tsray:function", abi: 1, id: "src/main.ts#add", name: "add", url: import.meta.url });
 *   if (!__tsray.inWorker) {
 *       console.log(add(1, 2));
 *   }
 *
 * It also cuts off the type view's footer (everything from the marker line
 * on), which must never reach JavaScript, in every file that has one.
 */
import type * as ts from "typescript";
import { applyEntryGuard, STUBS_NAMESPACE } from "./entry-guard.js";
import { FOOTER_MARKER } from "./footer.js";
import { remoteId } from "./module-id.js";
import type { RemoteMark } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";

/** The runtime module the emitted code imports for the guard (stub ABI v1). */
export const STUBS_MODULE = "tsray/stubs";

export interface EmitTransformOptions {
  /** Ids are file paths relative to this folder (the tsconfig's). */
  readonly projectDir: string;
  /** The remote declarations of `file` (by decorator position), if any. */
  readonly marksFor: (file: ts.SourceFile) => readonly RemoteMark[] | undefined;
}

export function createEmitTransformer(
  ts: TypeScript,
  options: EmitTransformOptions,
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => {
    const factory = context.factory;
    const footerStart = file.text.lastIndexOf(`\n${FOOTER_MARKER}`);
    const userStatements =
      footerStart < 0 ? file.statements : file.statements.filter((s) => s.getStart(file) < footerStart);
    const marks = options.marksFor(file) ?? [];
    const userEnd = footerStart < 0 ? file.text.length : footerStart;
    const rewritten = footerStart >= 0 || marks.length > 0;
    const trailing = rewritten ? commentsAtEnd(ts, factory, file, userStatements, userEnd) : [];
    if (marks.length === 0) {
      return userStatements === file.statements ? file : factory.updateSourceFile(file, [...userStatements, ...trailing]);
    }
    const markAt = new Map(marks.map((m) => [m.decoratorStart, m]));

    const prologue: ts.Statement[] = [];
    const body: ts.Statement[] = [];
    const keep = new Set<ts.Statement>();
    const remoteNames = new Set<string>();
    const stubImport = factory.createImportDeclaration(
      undefined,
      factory.createImportClause(false, undefined, factory.createNamespaceImport(factory.createIdentifier(STUBS_NAMESPACE))),
      factory.createStringLiteral(STUBS_MODULE),
    );
    keep.add(stubImport);
    body.push(stubImport);

    let inPrologue = true;
    for (const statement of userStatements) {
      inPrologue &&= isPrologueDirective(ts, statement);
      if (inPrologue) {
        prologue.push(statement);
        continue;
      }
      const wrapped = markAt.get(statement.getStart(file));
      if (wrapped?.kind === "hand-wrapped") {
        // The runtime registers it when this statement runs: in a worker too, and it is a root.
        for (const mark of marks) if (mark.decoratorStart === wrapped.decoratorStart) remoteNames.add(mark.name);
        keep.add(statement);
        body.push(statement);
        continue;
      }
      const auto = markAt.get(statement.getStart(file));
      if (auto?.kind === "auto-serializable" && ts.isClassDeclaration(statement)) {
        // Given `class Point {…}` sent by a remote signature, produces it followed by
        // `__tsray.registerClass(Point, { kind: "tsray:serializable", abi: 1, id, name, url: import.meta.url });`.
        body.push(statement);
        const registration = factory.createExpressionStatement(
          factory.createCallExpression(
            factory.createPropertyAccessExpression(factory.createIdentifier(STUBS_NAMESPACE), "registerClass"),
            undefined,
            [factory.createIdentifier(auto.name), remoteContext(ts, factory, auto, remoteId(options.projectDir, file.fileName, auto.name))],
          ),
        );
        keep.add(registration);
        body.push(registration);
        remoteNames.add(auto.name);
        continue;
      }
      const found = findRemoteDecorator(ts, file, statement, markAt);
      if (!found) {
        body.push(statement);
        continue;
      }
      const { declaration, decorator, mark } = found;
      body.push(withoutDecorator(ts, factory, declaration, decorator));
      const registration = factory.createExpressionStatement(
        factory.createCallExpression(decorator.expression, undefined, [
          factory.createIdentifier(mark.name),
          remoteContext(ts, factory, mark, remoteId(options.projectDir, file.fileName, mark.name)),
        ]),
      );
      keep.add(registration);
      body.push(registration);
      remoteNames.add(mark.name);
    }
    const guarded = applyEntryGuard(ts, factory, body, remoteNames, keep);
    return factory.updateSourceFile(file, [...prologue, ...guarded, ...trailing]);
  };
}

function findRemoteDecorator(
  ts: TypeScript,
  file: ts.SourceFile,
  statement: ts.Statement,
  markAt: ReadonlyMap<number, RemoteMark>,
):
  | { declaration: ts.FunctionDeclaration | ts.ClassDeclaration; decorator: ts.Decorator; mark: RemoteMark }
  | undefined {
  if (!ts.isFunctionDeclaration(statement) && !ts.isClassDeclaration(statement)) return undefined;
  for (const modifier of statement.modifiers ?? []) {
    const mark = ts.isDecorator(modifier) ? markAt.get(modifier.getStart(file)) : undefined;
    if (mark && mark.kind !== "hand-wrapped" && mark.kind !== "auto-serializable" && ts.isDecorator(modifier)) {
      return { declaration: statement, decorator: modifier, mark };
    }
  }
  return undefined;
}

/** The declaration as written, minus our decorator (other decorators stay and work as usual). */
function withoutDecorator(
  ts: TypeScript,
  factory: ts.NodeFactory,
  node: ts.FunctionDeclaration | ts.ClassDeclaration,
  decorator: ts.Decorator,
): ts.Statement {
  const modifiers = node.modifiers?.filter((m) => m !== decorator);
  if (ts.isFunctionDeclaration(node)) {
    return factory.updateFunctionDeclaration(
      node, modifiers as readonly ts.ModifierLike[] | undefined, node.asteriskToken, node.name,
      node.typeParameters, node.parameters, node.type, node.body,
    );
  }
  return factory.updateClassDeclaration(node, modifiers, node.name, node.typeParameters, node.heritageClauses, node.members);
}

const CONTEXT_KINDS: Readonly<Record<RemoteMark["kind"], string>> = {
  function: "tsray:function",
  class: "tsray:class",
  "hand-wrapped": "tsray:function",
  serializable: "tsray:serializable",
  "auto-serializable": "tsray:serializable",
};

/** `{ kind: "tsray:function", abi: 1, id, name, url: import.meta.url }` */
function remoteContext(ts: TypeScript, factory: ts.NodeFactory, mark: RemoteMark, id: string): ts.Expression {
  const importMetaUrl = factory.createPropertyAccessExpression(
    factory.createMetaProperty(ts.SyntaxKind.ImportKeyword, factory.createIdentifier("meta")),
    "url",
  );
  return factory.createObjectLiteralExpression([
    factory.createPropertyAssignment("kind", factory.createStringLiteral(CONTEXT_KINDS[mark.kind])),
    factory.createPropertyAssignment("abi", factory.createNumericLiteral(1)),
    factory.createPropertyAssignment("id", factory.createStringLiteral(id)),
    factory.createPropertyAssignment("name", factory.createStringLiteral(mark.name)),
    factory.createPropertyAssignment("url", importMetaUrl),
  ]);
}

/** `"use strict";` and friends: they must stay the first statements. */
function isPrologueDirective(ts: TypeScript, statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

/**
 * Comments after the user's last statement would otherwise be lost from a
 * rewritten file (with a footer, the scanner attaches them to the footer's
 * first statement; without one, the printer drops them once the file's
 * statements are replaced): they come back as a statement that prints
 * nothing but them.
 * Given `f();\n// end\n//#tsray-type-view…`, produces a statement printing `// end`.
 */
function commentsAtEnd(
  ts: TypeScript,
  factory: ts.NodeFactory,
  file: ts.SourceFile,
  userStatements: readonly ts.Statement[],
  userEnd: number,
): ts.Statement[] {
  const from = userStatements.at(-1)?.end ?? 0;
  const ranges = (ts.getLeadingCommentRanges(file.text, from) ?? []).filter((r) => r.end <= userEnd);
  if (ranges.length === 0) return [];
  const holder = factory.createNotEmittedStatement(factory.createEmptyStatement());
  for (const range of ranges) {
    const text = file.text.slice(range.pos, range.end);
    const inner = range.kind === ts.SyntaxKind.SingleLineCommentTrivia ? text.slice(2) : text.slice(2, -2);
    ts.addSyntheticLeadingComment(holder, range.kind, inner, true);
  }
  return [holder];
}
