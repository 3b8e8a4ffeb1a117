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
import { canHaveTypeView, needsTypeView, planTypeView, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";
import { createViewHost } from "./view-host.js";
import { wrapViewProgram } from "./view-program.js";

/** What ts-patch passes as the fourth argument of a program transformer. */
export interface ProgramTransformerExtras {
  readonly ts: TypeScript;
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
  const detect = createRemoteDetector(ts, program, compilerHost);

  const views = new Map<string, TypeView>();
  for (const file of program.getSourceFiles()) {
    if (!canHaveTypeView(program, file)) continue;
    const detection = detect(file);
    if (needsTypeView(detection)) {
      views.set(file.fileName, planTypeView(ts, file, detection));
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
  return wrapViewProgram(ts, rebuilt, views, projectDirOf(options.configFilePath, program.getCurrentDirectory()));
}
