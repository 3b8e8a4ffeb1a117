// Pure helpers of the benchmark harness (packages/bench): medians, spreads,
// target verdicts and flag parsing. No timing is asserted anywhere.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { median, relativeSpread } from "@tsray/bench/stats";
import { evaluateTarget, figureOf, formatValue, rowsOf } from "@tsray/bench/report";
import { parseCliOptions } from "@tsray/bench/cli-options";
import type { CaseResult } from "@tsray/bench/case";

test("median of odd and even counts, unsorted input left untouched", () => {
  const xs = [5, 1, 3];
  assert.is(median(xs), 3);
  assert.equal(xs, [5, 1, 3]);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test("relative spread is (max − min) / median, 0 for one run", () => {
  assert.is(relativeSpread([9, 10, 11]), 0.2);
  assert.is(relativeSpread([10]), 0);
});

test("figureOf takes the median of one metric and skips runs without it", () => {
  const f = figureOf([{ value: 1 }, { value: 3 }, { other: 100 }, { value: 2 }], "value");
  assert.equal(f, { median: 2, spread: 1, runs: 3 });
  assert.is(figureOf([{ other: 1 }], "value"), undefined);
});

test("ratio targets compare tsray / named baseline, both directions", () => {
  const bs = [{ label: "piscina (2 threads)", median: 30 }, { label: "postMessage round trip", median: 18 }];
  assert.is(evaluateTarget({ kind: "ratio", baseline: "piscina", op: "<=", value: 1.5, text: "" }, 44, bs).verdict, "PASS");
  assert.is(evaluateTarget({ kind: "ratio", baseline: "piscina", op: "<=", value: 1.5, text: "" }, 46, bs).verdict, "MISS");
  assert.is(evaluateTarget({ kind: "ratio", baseline: "piscina", op: ">=", value: 1, text: "" }, 30, bs).verdict, "PASS");
  assert.is(evaluateTarget({ kind: "ratio", baseline: "absent", op: ">=", value: 1, text: "" }, 30, bs).verdict, "n/a");
});

test("absolute targets; a missing tsray figure is a MISS, not a PASS", () => {
  assert.is(evaluateTarget({ kind: "absolute", op: ">=", value: 200_000, text: "" }, 250_000, []).verdict, "PASS");
  assert.is(evaluateTarget({ kind: "absolute", op: "<=", value: 150, text: "" }, 151, []).verdict, "MISS");
  assert.is(evaluateTarget({ kind: "absolute", op: "<=", value: 150, text: "" }, undefined, []).verdict, "MISS");
  assert.is(evaluateTarget(undefined, 1, []).verdict, "n/a");
});

test("rowsOf gives one row per metric with ratios against every baseline", () => {
  const result: CaseResult = {
    name: "x",
    summary: "",
    metrics: [{ key: "value", unit: "ops/s", target: { kind: "ratio", baseline: "piscina", op: ">=", value: 1, text: "" } }],
    measurements: [
      { label: "tsray", runs: [{ value: 200 }, { value: 100 }, { value: 300 }] },
      { label: "piscina (2 threads)", runs: [{ value: 100 }] },
      { label: "broken", runs: [], error: "boom" },
    ],
    notes: [],
    wallMs: 0,
  };
  const [row] = rowsOf(result);
  assert.is(row!.tsray!.median, 200);
  assert.is(row!.baselines[0]!.ratio, 2);
  assert.is(row!.baselines[1]!.ratio, undefined);
  assert.is(row!.baselines[1]!.error, "boom");
  assert.is(row!.verdict, "PASS");
});

test("formatValue per unit", () => {
  assert.is(formatValue(45123.4, "ops/s"), "45,123/s");
  assert.is(formatValue(30.04, "µs"), "30.0 µs");
  assert.is(formatValue(1234.5, "ms"), "1,235 ms");
  assert.is(formatValue(1.8549, "×"), "1.85×");
});

test("flags: defaults, --quick, --only, --runs=N, errors", () => {
  const d = parseCliOptions([]);
  assert.is(d.runs, 5);
  assert.is(d.queuedTasks, 1_000_000);
  assert.is(d.only, undefined);
  const q = parseCliOptions(["--quick", "--only", "a,b", "--runs=2", "--queued", "1_000"]);
  assert.equal(q.only, ["a", "b"]);
  assert.is(q.runs, 2);
  assert.is(q.queuedTasks, 1000);
  assert.is(q.quick, true);
  assert.throws(() => parseCliOptions(["--runs", "0"]), /positive integer/);
  assert.throws(() => parseCliOptions(["--bogus"]), /unknown flag/);
});

test.run();
