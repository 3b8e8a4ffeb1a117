/**
 * Turns case results into the printed table (and a Markdown table for
 * docs/benchmarks.md). Pure functions of the results: every figure printed
 * is a median of measured runs; nothing here invents or adjusts one.
 *
 * Ratio = tsray's median / the baseline's median, in the metric's unit, so
 * for a time (µs, ms) below 1 is better and for a rate above 1 is better;
 * the target column says which way its bound goes.
 */
import { type CaseResult, type MetricSpec, type Sample, type Target, type Unit } from "./case.js";
import { median, relativeSpread } from "./stats.js";

export type Verdict = "PASS" | "MISS" | "n/a";

export interface Figure {
  readonly median: number;
  readonly spread: number;
  readonly runs: number;
}

export interface Row {
  readonly caseName: string;
  readonly metric: MetricSpec;
  readonly tsray: Figure | undefined;
  readonly tsrayError: string | undefined;
  readonly baselines: readonly { readonly label: string; readonly figure: Figure | undefined; readonly error: string | undefined; readonly ratio: number | undefined }[];
  readonly verdict: Verdict;
  /** Why the verdict is n/a or what decided it. */
  readonly verdictNote: string;
}

export function figureOf(runs: readonly Sample[], key: string): Figure | undefined {
  const xs = runs.map((s) => s[key]).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  if (xs.length === 0) return undefined;
  return { median: median(xs), spread: relativeSpread(xs), runs: xs.length };
}

/** PASS/MISS of one target, given tsray's median and the baselines' medians by label. */
export function evaluateTarget(
  target: Target | undefined,
  tsray: number | undefined,
  baselines: readonly { readonly label: string; readonly median: number | undefined }[],
): { verdict: Verdict; note: string } {
  if (target === undefined) return { verdict: "n/a", note: "no target" };
  if (tsray === undefined) return { verdict: "MISS", note: "tsray produced no figure" };
  let x = tsray;
  if (target.kind === "ratio") {
    const b = baselines.find((c) => c.label.startsWith(target.baseline));
    if (b?.median === undefined) return { verdict: "n/a", note: `no ${target.baseline} figure to compare with` };
    x = tsray / b.median;
  }
  const ok = target.op === ">=" ? x >= target.value : x <= target.value;
  return { verdict: ok ? "PASS" : "MISS", note: target.kind === "ratio" ? `ratio ${x.toFixed(2)}` : "" };
}

export function rowsOf(result: CaseResult): Row[] {
  const [tsray, ...baselines] = result.measurements;
  return result.metrics.map((metric) => {
    const t = tsray === undefined ? undefined : figureOf(tsray.runs, metric.key);
    const bs = baselines.map((b) => {
      const f = figureOf(b.runs, metric.key);
      return {
        label: b.label,
        figure: f,
        error: b.error,
        ratio: t !== undefined && f !== undefined && f.median !== 0 ? t.median / f.median : undefined,
      };
    });
    const { verdict, note } = evaluateTarget(metric.target, t?.median, bs.map((b) => ({ label: b.label, median: b.figure?.median })));
    return { caseName: result.name, metric, tsray: t, tsrayError: tsray?.error, baselines: bs, verdict, verdictNote: note };
  });
}

export function formatValue(x: number, unit: Unit): string {
  switch (unit) {
    case "ops/s":
      return `${Math.round(x).toLocaleString("en-US")}/s`;
    case "rounds/s":
      return `${x.toFixed(2)}/s`;
    case "µs":
      return `${x.toFixed(1)} µs`;
    case "ms":
      return `${x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString("en-US")} ms`;
    case "GB/s":
      return `${x.toFixed(2)} GB/s`;
    case "MB/s":
      return `${Math.round(x).toLocaleString("en-US")} MB/s`;
    case "×":
      return `${x.toFixed(2)}×`;
    case "B/task":
      return `${Math.round(x).toLocaleString("en-US")} B`;
    case "MB":
      return `${Math.round(x).toLocaleString("en-US")} MB`;
  }
}

function formatFigure(f: Figure | undefined, unit: Unit, error: string | undefined): string {
  if (f === undefined) return error !== undefined ? "error" : "—";
  const spread = f.runs > 1 && Number.isFinite(f.spread) ? ` ±${Math.round((f.spread * 100) / 2)}%` : "";
  return `${formatValue(f.median, unit)}${spread}`;
}

function rowTitle(r: Row, many: boolean): string {
  return many && r.metric.title !== undefined ? `${r.caseName}: ${r.metric.title}` : r.caseName;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** The terminal table of one case: a line for tsray with the first baseline, then one per other baseline, then notes. */
export function formatCase(result: CaseResult): string {
  const lines: string[] = [];
  if (result.unavailable !== undefined) return `${pad(result.name, 48)}n/a: ${result.unavailable}`;
  if (result.error !== undefined) return `${pad(result.name, 48)}ERROR: ${result.error}`;
  const rows = rowsOf(result);
  for (const r of rows) {
    const unit = r.metric.unit;
    const target = r.metric.target === undefined ? "" : `${r.metric.target.text}  ${r.verdict}`;
    const bs = r.baselines.length === 0 ? [undefined] : r.baselines;
    bs.forEach((b, i) => {
      const left = i === 0 ? pad(rowTitle(r, rows.length > 1), 48) + pad(formatFigure(r.tsray, unit, r.tsrayError), 20) : " ".repeat(68);
      const mid = b === undefined ? pad("(no baseline)", 38) + " ".repeat(18 + 9) : pad(b.label, 38) + pad(formatFigure(b.figure, unit, b.error), 18) + pad(b.ratio === undefined ? "" : `${b.ratio.toFixed(2)}×`, 9);
      lines.push((left + mid + (i === 0 ? target : "")).trimEnd());
    });
  }
  const errors = result.measurements.filter((m) => m.error !== undefined).map((m) => `error in ${m.label}: ${m.error}`);
  for (const n of [...result.notes, ...errors]) lines.push(`${" ".repeat(4)}· ${n}`);
  return lines.join("\n");
}

export function tableHeader(): string {
  return pad("case", 48) + pad("tsray (median)", 20) + pad("baseline", 38) + pad("baseline", 18) + pad("ratio", 9) + "target";
}

/** The Markdown results table for docs/benchmarks.md. */
export function markdownTable(results: readonly CaseResult[]): string {
  const out = ["| case | tsray | baseline | baseline figure | ratio | target | verdict |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const result of results) {
    if (result.unavailable !== undefined || result.error !== undefined) {
      out.push(`| ${result.name} | ${result.unavailable !== undefined ? `n/a: ${result.unavailable}` : `error: ${result.error}`} | | | | | |`);
      continue;
    }
    const rows = rowsOf(result);
    for (const r of rows) {
      const bs = r.baselines.length === 0 ? [undefined] : r.baselines;
      bs.forEach((b, i) => {
        const cells = [
          i === 0 ? `\`${rowTitle(r, rows.length > 1)}\`` : "",
          i === 0 ? formatFigure(r.tsray, r.metric.unit, r.tsrayError) : "",
          b?.label ?? "—",
          b === undefined ? "" : formatFigure(b.figure, r.metric.unit, b.error),
          b?.ratio === undefined ? "" : `${b.ratio.toFixed(2)}×`,
          i === 0 ? (r.metric.target?.text ?? "") : "",
          i === 0 && r.metric.target !== undefined ? `**${r.verdict}**` : "",
        ];
        out.push(`| ${cells.join(" | ")} |`);
      });
    }
  }
  return out.join("\n");
}
