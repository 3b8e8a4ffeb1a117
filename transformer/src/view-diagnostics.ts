/**
 * Turns the diagnostics of the rebuilt program into what the user should see:
 *  - TS1206 ("Decorators are not valid here") at an accepted `@ray.remote` is dropped;
 *  - any compiler complaint at a rejected `@ray.remote` is dropped (its TSRAY error says more);
 *  - an error inside the generated footer is moved onto the user's text: exactly
 *    onto the copied decorator expression when it lies in one, else onto the
 *    decorator of the footer block it lies in;
 *  - the TSRAY diagnostics of the file are added.
 *
 * Given `@ray.remote({ numCpus: "2" }) function f() {}`, the checker reports
 * TS2322 at `numCpus` inside the footer's check statement; produces the same
 * error at `numCpus` on the user's line.
 */
import type * as ts from "typescript";
import type { Footer } from "./footer.js";
import type { Span, TypeView } from "./type-view.js";

const DECORATORS_NOT_VALID_HERE = 1206;

export type ViewLookup = (fileName: string) => TypeView | undefined;

export function mapViewDiagnostics(
  diagnostics: readonly ts.Diagnostic[],
  lookup: ViewLookup,
): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  const seen = new Set<string>();
  for (const diagnostic of diagnostics) {
    const mapped = mapOne(diagnostic, lookup);
    if (!mapped) continue;
    // Several footer errors can land on the same decorator: report each once.
    const key = `${mapped.file?.fileName}:${mapped.start}:${mapped.code}:${messageOf(mapped.messageText)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(mapped);
  }
  return out;
}

/** The TSRAY diagnostics of `file`, attached to the source file the program reports on. */
export function tsrayDiagnosticsFor(file: ts.SourceFile, view: TypeView | undefined): ts.Diagnostic[] {
  return (view?.diagnostics ?? []).map((d) => ({ ...d, file }));
}

function mapOne(diagnostic: ts.Diagnostic, lookup: ViewLookup): ts.Diagnostic | undefined {
  const view = diagnostic.file && lookup(diagnostic.file.fileName);
  if (!view || diagnostic.start === undefined) return diagnostic;
  const start = diagnostic.start;
  if (diagnostic.code === DECORATORS_NOT_VALID_HERE && view.accepted.some((s) => within(s, start))) return undefined;
  if (diagnostic.source !== "tsray" && view.rejected.some((s) => within(s, start))) return undefined;
  const relatedInformation = diagnostic.relatedInformation?.map((info) => mapRelated(info, view));
  if (start < view.footerStart) {
    return relatedInformation ? { ...diagnostic, relatedInformation } : diagnostic;
  }
  const position = toUserPosition(view.footer, start, diagnostic.length ?? 0);
  return { ...diagnostic, ...position, ...(relatedInformation ? { relatedInformation } : {}) };
}

function mapRelated(info: ts.DiagnosticRelatedInformation, view: TypeView): ts.DiagnosticRelatedInformation {
  if (!info.file || info.file.fileName !== view.fileName || info.start === undefined || info.start < view.footerStart) {
    return info;
  }
  return { ...info, ...toUserPosition(view.footer, info.start, info.length ?? 0) };
}

function toUserPosition(footer: Footer, start: number, length: number): { start: number; length: number } {
  for (const copy of footer.copies) {
    if (start >= copy.viewStart && start < copy.viewStart + copy.length) {
      const offset = start - copy.viewStart;
      return { start: copy.userStart + offset, length: Math.min(length, copy.length - offset) };
    }
  }
  const block = footer.blocks.find((b) => start >= b.viewStart && start < b.viewEnd) ?? footer.blocks[0];
  return block ? { start: block.userStart, length: block.userLength } : { start: 0, length: 0 };
}

function within(span: Span, position: number): boolean {
  return position >= span.start && position < span.end;
}

function messageOf(text: string | ts.DiagnosticMessageChain): string {
  return typeof text === "string" ? text : text.messageText;
}
