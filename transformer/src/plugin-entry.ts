/**
 * The ts-patch program transformer, enabled by the tsconfig entry
 *   { "transform": "@tsray/transformer", "transformProgram": true }
 * (the `name` key is for tsserver: plugin-module.ts tells the two callers apart).
 *
 * ts-patch calls it with the program TypeScript built from the user's files.
 * It finds the `@ray.remote` declarations with that program's checker, and if
 * there are any, returns a program rebuilt from type views (the user's text
 * plus a generated footer) whose diagnostics and emit are adjusted to read as
 * the user's program. Given a program with no remote declarations, produces
 * that same program.
 */
import type * as ts from "typescript";
import { projectDirOf } from "./module-id.js";
import { createRemoteDetector } from "./remote-detector.js";
import { canHaveTypeView, needsTypeView, planTypeView, withAutoClasses, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";
import { createViewHost } from "./view-host.js";
import { wrapViewProgram } from "./view-program.js";

/** What ts-patch passes as the fourth argument of a program transformer. */
export interface ProgramTransformerExtras {
  readonly ts: TypeScript;
  /**
   * Classes that remote signatures send, by file name, remembered by a caller that compiles one file
   * per program (the loader): their files register them even when this program does not see the
   * signature. tspc sees the whole program and passes none.
   */
  readonly autoClasses?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Hears of every such class this program finds (the loader remembers them). */
  readonly onAutoClass?: (fileName: string, className: string) => void;
}

export function transformProgram(
  program: ts.Program,
  host: ts.CompilerHost | undefined,
  _config: unknown,
  extras: ProgramTransformerExtras,
): ts.Program {
  const { ts } = extras;
  const options = program.getCompilerOptions();
  const compilerHost = host ?? ts.createCompilerHost(options);
  // Classes sent by remote signatures, in whichever file they are declared: registered there.
  const autoClasses = new Map<ts.SourceFile, Set<ts.ClassDeclaration>>();
  const detect = createRemoteDetector(ts, program, compilerHost, (declaration) => {
    const file = declaration.getSourceFile();
    let set = autoClasses.get(file);
    if (set === undefined) autoClasses.set(file, (set = new Set()));
    set.add(declaration);
  });

  const views = new Map<string, TypeView>();
  const detections = new Map<ts.SourceFile, ReturnType<typeof detect>>();
  for (const file of program.getSourceFiles()) {
    if (!canHaveTypeView(program, file)) continue;
    const detection = detect(file);
    detections.set(file, detection);
  }
  const remembered = extras.autoClasses;
  for (const [file, declarations] of autoClasses) {
    for (const declaration of declarations) if (declaration.name) extras.onAutoClass?.(file.fileName, declaration.name.text);
  }
  for (const [file, detection] of detections) {
    const auto = [...(autoClasses.get(file) ?? []), ...topLevelClasses(ts, file, remembered?.get(file.fileName))];
    if (needsTypeView(detection) || auto.length > 0) {
      views.set(file.fileName, withAutoClasses(planTypeView(ts, file, detection), file, auto));
    }
  }
  if (views.size === 0) return program;

  const projectReferences = program.getProjectReferences();
  const viewHost = createViewHost(ts, compilerHost, program, views);
  const rebuilt = ts.createProgram({
    rootNames: program.getRootFileNames(),
    options,
    host: viewHost.host,
    oldProgram: program,
    configFileParsingDiagnostics: program.getConfigFileParsingDiagnostics(),
    ...(projectReferences ? { projectReferences } : {}),
  });
  viewHost.detach();
  const projectDir = projectDirOf(options.configFilePath, program.getCurrentDirectory());
  return wrapViewProgram(ts, rebuilt, withDiagnosticsOnViews(ts, rebuilt, compilerHost, views), projectDir);
}

/**
 * The TSRAY diagnostics found by detecting again on the rebuilt program, as the editor does
 * (view-language-service.ts detects on the program it checks), so both report the same: calls
 * made through what only the footer types (`const h = Counter.remote(); h.put.remote(…)`) are
 * checked too. The footers stay as planned (the same user text gives the same declarations).
 */
function withDiagnosticsOnViews(
  ts: TypeScript,
  rebuilt: ts.Program,
  host: ts.CompilerHost,
  views: ReadonlyMap<string, TypeView>,
): Map<string, TypeView> {
  const detect = createRemoteDetector(ts, rebuilt, host);
  const out = new Map<string, TypeView>();
  for (const file of rebuilt.getSourceFiles()) {
    if (!canHaveTypeView(rebuilt, file)) continue;
    const detection = detect(file);
    const view = views.get(file.fileName);
    if (view) out.set(file.fileName, { ...view, diagnostics: detection.diagnostics });
    else if (needsTypeView(detection)) out.set(file.fileName, planTypeView(ts, file, detection));
  }
  return out;
}

/** The top-level class declarations of `file` named in `names`. */
function topLevelClasses(ts: TypeScript, file: ts.SourceFile, names: ReadonlySet<string> | undefined): ts.ClassDeclaration[] {
  if (names === undefined || names.size === 0) return [];
  return file.statements.filter((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name !== undefined && names.has(s.name.text));
}
