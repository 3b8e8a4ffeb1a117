/**
 * The compiler host of the rebuilt program: the original host, except that
 * files with a type view are served as their view. Files without one are
 * served as the very source file objects of the original program, so the
 * rebuilt program reuses their parse (and binding) instead of reading and
 * parsing them again.
 *
 * Both `getSourceFile` and `getSourceFileByPath` are served: watch hosts use
 * the latter, and without it `--watch` would silently check the original files.
 */
import type * as ts from "typescript";
import { createViewSourceFile, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";

export interface ViewHost {
  readonly host: ts.CompilerHost;
  /**
   * Forgets the original program once the rebuilt one exists (the rebuilt
   * program keeps its host alive; the original program and its checker need
   * not stay alive with it, e.g. for the whole life of a --watch iteration).
   */
  readonly detach: () => void;
}

export function createViewHost(
  ts: TypeScript,
  host: ts.CompilerHost,
  program: ts.Program,
  views: ReadonlyMap<string, TypeView>,
): ViewHost {
  const created = new Map<string, ts.SourceFile>();
  let original: ts.Program | undefined = program;

  function serve(
    fileName: string,
    options: ts.ScriptTarget | ts.CreateSourceFileOptions,
    fallback: () => ts.SourceFile | undefined,
  ): ts.SourceFile | undefined {
    const view = views.get(fileName);
    const originalFile = original?.getSourceFile(fileName);
    if (view) {
      let file = created.get(fileName);
      if (!file) {
        file = createViewSourceFile(ts, view, originalFile, options);
        created.set(fileName, file);
      }
      return file;
    }
    return originalFile ?? fallback();
  }

  // Prototype delegation keeps every other member (and `this`-based hosts) working.
  const viewHost: ts.CompilerHost = Object.create(host);
  viewHost.getSourceFile = (fileName, options, onError, shouldCreateNewSourceFile) =>
    serve(fileName, options, () => host.getSourceFile(fileName, options, onError, shouldCreateNewSourceFile));
  if (host.getSourceFileByPath) {
    const byPath = host.getSourceFileByPath.bind(host);
    viewHost.getSourceFileByPath = (fileName, path, options, onError, shouldCreateNewSourceFile) =>
      serve(fileName, options, () => byPath(fileName, path, options, onError, shouldCreateNewSourceFile));
  }
  return {
    host: viewHost,
    detach: () => {
      original = undefined;
    },
  };
}
