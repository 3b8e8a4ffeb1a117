/**
 * Makes the rebuilt program (which checks and emits the type views) behave
 * like the user's program:
 *  - diagnostics: footer errors mapped back, TS1206 at our decorators dropped,
 *    TSRAY diagnostics added (view-diagnostics.ts). Both `getSemanticDiagnostics`
 *    (tsc) and `getBindAndCheckDiagnostics` (builder programs: --incremental,
 *    -b, --watch) are served, plus declaration and syntactic diagnostics;
 *  - emit: the `before` transform of emit-transform.ts is added to whatever
 *    transformers the caller passes, so JavaScript never sees the footer while
 *    `.d.ts` output keeps the namespace merges (whose declaration maps point
 *    at the decorators: declaration-maps.ts).
 * Everything else is the program as TypeScript built it.
 */
import type * as ts from "typescript";
import { createDeclarationMapTransformer } from "./declaration-maps.js";
import { createEmitTransformer } from "./emit-transform.js";
import type { TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";
import { mapViewDiagnostics, tsrayDiagnosticsFor, type ViewLookup } from "./view-diagnostics.js";

/** A per-file diagnostics method of `ts.Program`. */
type DiagnosticsOf<D extends ts.Diagnostic> = (file?: ts.SourceFile, token?: ts.CancellationToken) => readonly D[];

/** `getBindAndCheckDiagnostics` is internal API, read by builder programs. */
type BuilderReadProgram = ts.Program & { getBindAndCheckDiagnostics: DiagnosticsOf<ts.Diagnostic> };

export function wrapViewProgram(
  ts: TypeScript,
  program: ts.Program,
  views: ReadonlyMap<string, TypeView>,
  projectDir: string,
): ts.Program {
  const lookup = (fileName: string) => views.get(fileName);

  /** Maps a per-file diagnostics method; `withOwn` adds the TSRAY diagnostics (semantic kinds only). */
  const wrap = <D extends ts.Diagnostic>(method: DiagnosticsOf<D>, withOwn: boolean): DiagnosticsOf<D> => {
    const original = method.bind(program);
    return (file, token) => {
      const mapped = mapViewDiagnostics(original(file, token), lookup);
      const files = !withOwn ? [] : file ? [file] : program.getSourceFiles();
      const own = files.flatMap((f) => tsrayDiagnosticsFor(f, lookup(f.fileName)));
      // Still `D`s: mapping only moves a position within the same file, and our own
      // diagnostics always have a file and a position (a `DiagnosticWithLocation`).
      return [...mapped, ...own] as D[];
    };
  };
  program.getSemanticDiagnostics = wrap(program.getSemanticDiagnostics, true);
  const internal = program as BuilderReadProgram;
  internal.getBindAndCheckDiagnostics = wrap(internal.getBindAndCheckDiagnostics, true);
  program.getSyntacticDiagnostics = wrap(program.getSyntacticDiagnostics, false);
  program.getDeclarationDiagnostics = wrap(program.getDeclarationDiagnostics, false);

  const withViews = createViewTransformers(ts, lookup, projectDir);
  const emit = program.emit.bind(program);
  program.emit = (targetSourceFile, writeFile, cancellationToken, emitOnlyDtsFiles, customTransformers, ...rest) =>
    emit(
      targetSourceFile,
      writeFile,
      cancellationToken,
      emitOnlyDtsFiles,
      withViews(customTransformers),
      // `emit` has further internal parameters (e.g. forceDtsEmit) that builders pass through.
      ...(rest as []),
    );
  return program;
}

/**
 * The emit of type views: the caller's transformers plus ours, `emit-transform` first among the
 * `before` ones (JavaScript never sees the footer) and `declaration-maps` last after declarations.
 * Shared by `tspc` (above) and the editor plugin's language-service emit.
 */
export function createViewTransformers(
  ts: TypeScript,
  lookup: ViewLookup,
  projectDir: string,
): (given: ts.CustomTransformers | undefined) => ts.CustomTransformers {
  const emitTransformer = createEmitTransformer(ts, {
    projectDir,
    marksFor: (file) => lookup(file.fileName)?.marks,
  });
  const declarationMaps = createDeclarationMapTransformer(ts, lookup);
  return (given) => ({
    ...given,
    before: [emitTransformer, ...(given?.before ?? [])],
    afterDeclarations: [...(given?.afterDeclarations ?? []), declarationMaps],
  });
}
