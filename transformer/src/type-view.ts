/**
 * The type view of a source file: the user's text byte for byte, plus the
 * generated footer (see footer.ts). Keeping the user's text unchanged keeps
 * every position, source map and JSDoc comment valid; only the footer is new.
 *
 * A `TypeView` is the plan for one file, made from the original program (where
 * the checker found the decorators); the source file itself is created later,
 * when the rebuilt program asks the host for it (view-host.ts), with the parse
 * options that program passes.
 *
 * Given `add.ts` with one `@ray.remote function add`, produces a plan whose
 * `text` is the file's text followed by `//#tsray-type-view…` and the
 * namespace merge for `add`, and whose `marks` tell the emit transform where
 * the decorator is.
 */
import { createHash } from "node:crypto";
import type * as ts from "typescript";
import { buildFooter, type Footer } from "./footer.js";
import type { Detection } from "./remote-detector.js";
import type { TypeScript } from "./typescript-instance.js";

/**
 * What the syntactic emit transform needs to know about one remote declaration:
 * a decorated function or class, or a hand-wrapped `const add = ray.remote(function add…)`
 * (the transform-free spelling, which the runtime registers by itself: only the
 * entry guard applies to it).
 */
export interface RemoteMark {
  /**
   * `serializable`: a `@ray.serializable` class (registered by its decorator's call, as a remote
   * class is); `auto-serializable`: a class a remote signature sends, registered by the transform
   * (`decoratorStart` is then the class statement's start).
   */
  readonly kind: "function" | "class" | "hand-wrapped" | "serializable" | "auto-serializable";
  readonly name: string;
  /** Start of the `@` of the decorator, or of the `const` statement of a hand-wrapped one (same offset in the view). */
  readonly decoratorStart: number;
}

/** A source range `[start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface TypeView {
  readonly fileName: string;
  /** The user's text plus the footer (the user's text alone when no declaration is remote). */
  readonly text: string;
  /** Where the footer starts: the length of the user's text. */
  readonly footerStart: number;
  readonly footer: Footer;
  readonly marks: readonly RemoteMark[];
  /** Decorators that were accepted: TS1206 ("Decorators are not valid here") at them is expected. */
  readonly accepted: readonly Span[];
  /** Decorators that got a TSRAY diagnostic: every other complaint about them is noise. */
  readonly rejected: readonly Span[];
  /** TSRAY diagnostics, positioned in the user's text (`file` is set when reported). */
  readonly diagnostics: readonly ts.Diagnostic[];
  /** Version suffix: the same for the same footer, so `--incremental` sees unchanged files as unchanged. */
  readonly versionTag: string;
}

/**
 * Plans the view of `file`, whose user text is `userText`: `file.text`, except when `file` is an
 * older type view of it (whose user text is a prefix of its text, with the same positions).
 */
export function planTypeView(
  ts: TypeScript,
  file: ts.SourceFile,
  detection: Detection,
  userText = file.text,
): TypeView {
  const footer = buildFooter(ts, file, detection.targets, userText.length);
  const span = (node: ts.Node): Span => ({ start: node.getStart(file), end: node.getEnd() });
  return {
    fileName: file.fileName,
    text: detection.targets.length ? userText + footer.text : userText,
    footerStart: userText.length,
    footer,
    marks: [
      ...detection.targets.map((t): RemoteMark => ({ kind: t.kind, name: t.name, decoratorStart: t.decorator.getStart(file) })),
      ...detection.handWrapped.map((w): RemoteMark => ({ kind: "hand-wrapped", name: w.name, decoratorStart: w.statement.getStart(file) })),
      ...detection.serializables.map((c): RemoteMark => ({ kind: "serializable", name: c.name, decoratorStart: c.decorator.getStart(file) })),
    ],
    accepted: detection.targets.map((t) => span(t.decorator)),
    rejected: detection.rejected.map(span),
    diagnostics: detection.diagnostics,
    versionTag: `tsray1:${createHash("sha1").update(footer.text).digest("hex").slice(0, 16)}`,
  };
}

/** Whether the view adds a footer to the user's text (it has a decorated declaration). */
export function hasFooter(view: TypeView): boolean {
  return view.text.length > view.footerStart;
}

/** Whether `detection` found anything a view is needed for (a footer, a TSRAY diagnostic, a guard). */
export function needsTypeView(detection: Detection): boolean {
  return (
    detection.targets.length > 0 ||
    detection.diagnostics.length > 0 ||
    detection.handWrapped.length > 0 ||
    detection.serializables.length > 0
  );
}

/**
 * `view` with the classes the transform registers in its file (auto-serializable marks). They
 * count in the version tag, so a builder program re-emits the file when the set changes.
 */
export function withAutoClasses(view: TypeView, file: ts.SourceFile, classes: readonly ts.ClassDeclaration[]): TypeView {
  const marks: RemoteMark[] = [];
  for (const c of classes) {
    const mark: RemoteMark = { kind: "auto-serializable", name: c.name?.text ?? "", decoratorStart: c.getStart(file) };
    if (c.name === undefined || [...view.marks, ...marks].some((k) => k.decoratorStart === mark.decoratorStart)) continue;
    marks.push(mark);
  }
  if (marks.length === 0) return view;
  const names = marks.map((m) => m.name).sort().join(",");
  return { ...view, marks: [...view.marks, ...marks], versionTag: `${view.versionTag}:${names}` };
}

/** Parses a view into the source file the rebuilt program checks and emits. */
export function createViewSourceFile(
  ts: TypeScript,
  view: TypeView,
  original: ts.SourceFile | undefined,
  languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions,
): ts.SourceFile {
  const file: VersionedSourceFile = ts.createSourceFile(view.fileName, view.text, languageVersionOrOptions);
  // Builder programs (--incremental, -b, --watch) require versions and compare
  // them across runs: derive ours from the original's and the footer's.
  file.version = `${(original as VersionedSourceFile | undefined)?.version ?? ""}+${view.versionTag}`;
  return file;
}

/** `version` is an internal member of source files that builder programs read. */
type VersionedSourceFile = ts.SourceFile & { version?: string };

/**
 * Whether `file` of `program` can have a type view: a TypeScript file of the user's own
 * (JavaScript files cannot carry the TypeScript footer; declaration and library files are not ours).
 */
export function canHaveTypeView(program: ts.Program, file: ts.SourceFile): boolean {
  return !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !/\.[cm]?jsx?$/.test(file.fileName);
}
