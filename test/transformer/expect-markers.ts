/**
 * `// @tsray-expect-error TS2345 [TS2554 …]` markers in fixture files: the
 * line after the marker must have exactly these errors, and no other line of
 * the file may have any. (TypeScript's own `@ts-expect-error` cannot be used:
 * it would hide the very errors under test, and errors that the transformer
 * maps onto a line are not seen by it.)
 *
 * Given a file with the marker on line 4, `expectedErrors(text)` produces
 * `[{ line: 5, codes: [2345] }]`, and `compareWithMarkers` lists every
 * missing or unexpected error.
 */
import type { TspcDiagnostic } from "./tspc-project.js";

export interface ExpectedErrors {
  readonly line: number;
  readonly codes: readonly number[];
}

export function expectedErrors(text: string): ExpectedErrors[] {
  const expected: ExpectedErrors[] = [];
  text.split("\n").forEach((line, index) => {
    const marker = /\/\/\s*@tsray-expect-error((?:\s+TS\d+)+)/.exec(line);
    if (!marker?.[1]) return;
    const codes = [...marker[1].matchAll(/TS(\d+)/g)].map((m) => Number(m[1]));
    expected.push({ line: index + 2, codes });
  });
  return expected;
}

/** Problems, one per line; empty when the diagnostics of the file are exactly what the markers say. */
export function compareWithMarkers(text: string, diagnostics: readonly TspcDiagnostic[]): string[] {
  const problems: string[] = [];
  const expected = expectedErrors(text);
  const remaining = [...diagnostics];
  for (const { line, codes } of expected) {
    for (const code of codes) {
      const index = remaining.findIndex((d) => d.line === line && d.code === code);
      if (index < 0) problems.push(`line ${line}: expected TS${code}, not reported`);
      else remaining.splice(index, 1);
    }
  }
  for (const d of remaining) problems.push(`line ${d.line}: unexpected TS${d.code} ${d.message}`);
  return problems;
}
