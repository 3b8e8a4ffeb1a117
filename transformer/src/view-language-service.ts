/**
 * Type views for a language service (the editor half of what plugin-entry.ts
 * does for `tspc`): the language service host is patched so that every file
 * with a `@ray.remote` declaration is served as its type view (the user's text
 * plus the generated footer), and its version carries the footer's tag, so the
 * language service checks exactly the program `tspc` checks.
 *
 * The footer depends on what the checker finds (remote-detector.ts), and the
 * checker runs on the program built from the served files: `sync()` finds the
 * fixed point. It builds the program, detects on it (a view's user text is a
 * prefix of the view, at the same positions, so detecting on a view finds what
 * detecting on the user's file would), and when a file's footer is not the one
 * it needs (a declaration was added, renamed or removed), serves the new footer
 * and builds again. Detection runs once per program (a new program after an
 * edit): its TSRAY diagnostics depend on types declared in other files (a
 * parameter's class, a called remote function), so no file's result is reused
 * across programs; files without `@` or `remote` cost a text search.
 *
 * Invariant after `sync()`: for every file of the returned program, `lookup`
 * gives the view whose text is that file's text (or none for a file without
 * remote declarations or TSRAY diagnostics).
 */
import type * as ts from "typescript";
import { projectDirOf } from "./module-id.js";
import { createRemoteDetector, type RemoteDetector } from "./remote-detector.js";
import { canHaveTypeView, hasFooter, needsTypeView, planTypeView, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";
import type { ViewLookup } from "./view-diagnostics.js";
import { createViewTransformers } from "./view-program.js";

export interface LanguageServiceViews {
  /** Brings the served views in step with the user's files; returns the program the service now checks. */
  readonly sync: () => ts.Program | undefined;
  /** The view of a file of the program `sync()` returned. */
  readonly lookup: ViewLookup;
}

/**
 * Rounds of `sync()` before giving up on a fixed point. One edit needs at most two
 * (the footer of the new text, then a check that it is stable); a third guards
 * against a footer that changes what is detected.
 */
const MAX_ROUNDS = 3;

/** A snapshot served for a view, with the length of the user's text in it. */
interface Served {
  readonly version: string;
  readonly userLength: number;
  readonly snapshot: ts.IScriptSnapshot;
}

/** `version` is an internal member of language-service source files (the host's script version). */
type VersionedSourceFile = ts.SourceFile & { version?: string };

export function serveLanguageServiceViews(
  ts: TypeScript,
  host: ts.LanguageServiceHost,
  languageService: ts.LanguageService,
  /**
   * Called when a new footer needs a new program, before asking for it. tsserver must learn
   * of it (its project keeps its own reference to the program): the plugin marks the project
   * dirty, unless the project is the one asking (it then takes whatever program we return).
   */
  invalidate: () => void = () => {},
  /** Where a failure of ours is reported (tsserver's log): it must not take the editor down with it. */
  log: (message: string) => void = () => {},
): LanguageServiceViews {
  /** The footer each file is served with (files with at least one remote declaration). */
  const planned = new Map<string, TypeView>();
  const served = new Map<string, Served>();
  let current = new Map<string, TypeView>();
  /** The program `current` was planned on: an unchanged program needs no new detection. */
  let plannedOn: ts.Program | undefined;
  let generation = 0;

  const scriptVersion = host.getScriptVersion.bind(host);
  const scriptSnapshot = host.getScriptSnapshot.bind(host);
  const projectVersion = host.getProjectVersion?.bind(host);

  host.getScriptVersion = (fileName) => {
    const version = scriptVersion(fileName);
    const plan = planned.get(fileName);
    return plan ? `${version}+${plan.versionTag}` : version;
  };
  host.getScriptSnapshot = (fileName) => {
    const snapshot = scriptSnapshot(fileName);
    const plan = planned.get(fileName);
    if (!snapshot || !plan) return snapshot;
    const version = host.getScriptVersion(fileName);
    const cached = served.get(fileName);
    if (cached?.version === version) return cached.snapshot;
    const userText = snapshot.getText(0, snapshot.getLength());
    const view = { version, userLength: userText.length, snapshot: ts.ScriptSnapshot.fromString(userText + plan.footer.text) };
    served.set(fileName, view);
    return view.snapshot;
  };
  // The service's own emit (compile on save, `getEmitOutput`) must cut the footer and register, as tspc's.
  const customTransformers = host.getCustomTransformers?.bind(host);
  host.getCustomTransformers = () => {
    const settings = host.getCompilationSettings();
    const projectDir = projectDirOf(settings.configFilePath, host.getCurrentDirectory());
    return createViewTransformers(ts, (fileName) => current.get(fileName), projectDir)(customTransformers?.());
  };
  // The service skips rebuilding while the project version is unchanged: a new footer must change it.
  if (projectVersion) host.getProjectVersion = () => `${projectVersion()}+tsray${generation}`;

  const resolutionHost: ts.ModuleResolutionHost = {
    fileExists: (f) => host.fileExists(f),
    readFile: (f) => host.readFile(f),
    ...(host.realpath ? { realpath: (f: string) => host.realpath!(f) } : {}),
    ...(host.directoryExists ? { directoryExists: (d: string) => host.directoryExists!(d) } : {}),
    getCurrentDirectory: () => host.getCurrentDirectory(),
  };

  /** The user's text of a program file: its text without the footer it was served with. */
  function userTextOf(file: VersionedSourceFile): string {
    const view = served.get(file.fileName);
    return view !== undefined && view.version === file.version ? file.text.slice(0, view.userLength) : file.text;
  }

  function plan(file: ts.SourceFile, detector: () => RemoteDetector): TypeView | undefined {
    const detection = detector()(file);
    return needsTypeView(detection)
      ? planTypeView(ts, file, detection, userTextOf(file))
      : undefined;
  }

  /** True while `sync()` runs: a call back into it (tsserver updating its project) must not nest. */
  let syncing = false;

  function sync(): ts.Program | undefined {
    if (syncing) return undefined;
    syncing = true;
    try {
      return syncRounds();
    } catch (error) {
      // A bug of ours must not break every editor request: the service goes on with the views it has.
      log(`@tsray/transformer: type views not updated: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    } finally {
      syncing = false;
    }
  }

  function syncRounds(): ts.Program | undefined {
    let program: ts.Program | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      program = languageService.getProgram();
      if (!program) return undefined;
      if (program === plannedOn) break;
      const built = program;
      let detector: RemoteDetector | undefined;
      const detectorOf = () => (detector ??= createRemoteDetector(ts, built, resolutionHost));
      const views = new Map<string, TypeView>();
      let stale = false;
      for (const file of program.getSourceFiles()) {
        if (!canHaveTypeView(program, file)) continue;
        const view = plan(file, detectorOf);
        const wanted = view?.text ?? userTextOf(file);
        if (view) views.set(file.fileName, view);
        if (view && hasFooter(view)) planned.set(file.fileName, view);
        else planned.delete(file.fileName);
        if (wanted !== file.text) stale = true;
      }
      current = views;
      plannedOn = program;
      if (!stale) break;
      generation++;
      invalidate();
    }
    return program;
  }

  return { sync, lookup: (fileName) => current.get(fileName) };
}
