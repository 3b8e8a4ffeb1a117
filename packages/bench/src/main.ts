/**
 * `npm run bench`: the tsray benchmark suite. Prints the machine, then runs
 * each selected case in its own child process (see case-runner.ts) and prints
 * its figures as they come, then a summary of the targets.
 *
 * Flags: see cli-options.ts (`--only`, `--runs`, `--quick`, `--queued`, `--queued-runs`,
 * `--cpus`, `--json`, `--md`, `--cpu-prof`, `--wait-idle`, `--list`).
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import type { CaseContext, CaseResult } from "./case.js";
import { allCases } from "./case-registry.js";
import { runChild } from "./child-process.js";
import { parseCliOptions } from "./cli-options.js";
import { busyShare, waitForIdle } from "./machine-load.js";
import { formatLoad, formatMachine, machineInfo } from "./machine-info.js";
import { formatCase, markdownTable, rowsOf, tableHeader } from "./report.js";
import { nowMs } from "./timing.js";

const runnerScript = new URL("./case-runner.js", import.meta.url);

const opts = parseCliOptions(process.argv.slice(2));
if (opts.list) {
  for (const c of allCases) console.log(`${c.name.padEnd(34)} ${c.summary}`);
  process.exit(0);
}
const unknown = (opts.only ?? []).filter((n) => !allCases.some((c) => c.name === n));
if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(", ")}; see --list`);
const selected = opts.only === undefined ? allCases : allCases.filter((c) => opts.only!.includes(c.name));

const machine = machineInfo();
console.log("tsray benchmarks (Ray microbenchmark names; piscina and raw baselines in the same run)");
console.log(formatMachine(machine));
console.log(`runs:    ${opts.runs} per figure (median; ±x% = half the max−min spread)${opts.quick ? ", --quick workloads" : ""}; ${opts.cpus} CPUs for tsray, the same thread count for pools`);
console.log("");
console.log(tableHeader());

const ctx: CaseContext = { runs: opts.runs, quick: opts.quick, queuedTasks: opts.queuedTasks, queuedRuns: opts.queuedRuns, cpus: opts.cpus, dedicatedActors: opts.dedicatedActors };
// --cpu-prof: V8 writes one profile per thread of the runner (driver and workers) when it exits.
const runnerNodeArgs = ["--expose-gc", ...(opts.cpuProf !== undefined ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProf] : [])];
const results: CaseResult[] = [];
const loads: number[] = [];
/** Share of all CPUs other processes used in the second before each case (we are idle then). */
const busyBefore: (number | undefined)[] = [];
const t0 = nowMs();
for (const c of selected) {
  const quiet = opts.waitIdle !== undefined ? await waitForIdle(opts.waitIdle, opts.waitIdleTimeoutS * 1000) : { share: await busyShare(1000), waitedMs: 0 };
  busyBefore.push(quiet.share);
  // A case that hangs is killed: generous for the child-process cases, which spawn children of their own.
  const timeoutMs =
    c.name === "queued_1m_tasks"
      ? 120_000 + ctx.queuedTasks * 0.3 * 2 * ctx.queuedRuns
      : c.name === "n_actors_1000" && ctx.dedicatedActors
        ? 900_000
        : 180_000;
  const out = await runChild<CaseResult>(runnerScript, { args: [c.name, JSON.stringify(ctx)], nodeArgs: runnerNodeArgs, timeoutMs, echoStderr: true });
  const result: CaseResult = out.result ?? {
    name: c.name,
    summary: c.summary,
    metrics: c.metrics,
    measurements: [],
    notes: [],
    error: `case runner ${out.failure ?? "failed"}`,
    wallMs: 0,
  };
  results.push(result);
  loads.push(loadavg()[0] ?? NaN);
  console.log(formatCase(result));
}

const rows = results.flatMap((r) => (r.error === undefined && r.unavailable === undefined ? rowsOf(r) : []));
const targeted = rows.filter((r) => r.metric.target !== undefined);
const missed = targeted.filter((r) => r.verdict !== "PASS");
console.log("");
console.log(`targets: ${targeted.length - missed.length} of ${targeted.length} met${missed.length > 0 ? `; missed: ${missed.map((r) => (r.metric.title !== undefined && results.find((x) => x.name === r.caseName)!.metrics.length > 1 ? `${r.caseName} (${r.metric.title})` : r.caseName)).join(", ")}` : ""}`);
for (const r of results.filter((x) => x.error !== undefined)) console.log(`failed case: ${r.name}: ${r.error}`);
const pct = (x: number | undefined) => (x === undefined ? "?" : `${Math.round(x * 100)}%`);
console.log(`wall time ${((nowMs() - t0) / 1000).toFixed(0)} s; 1-min load average after each case: ${formatLoad(loads)}; at end ${formatLoad(loadavg())}`);
console.log(`CPU busy (all cores, other processes) in the second before each case: ${busyBefore.map(pct).join(" / ")}`);

if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify({ machine, options: opts, results, loadAfterEachCase: loads, busyBeforeEachCase: busyBefore }, null, 2));
if (opts.md !== undefined) writeFileSync(opts.md, markdownTable(results) + "\n");
