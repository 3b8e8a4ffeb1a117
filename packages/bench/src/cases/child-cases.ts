/**
 * Cases measured in fresh child processes, one child per run:
 * - `init_to_first_result`: `ray.init()` to the first task's value, against
 *   piscina's first `run()` and a bare Worker's first reply.
 * - `queued_1m_tasks`: N (default 1,000,000) no-op tasks queued at once; time
 *   to finish and peak RSS per queued task, against piscina queueing as many.
 * A child that crashes, runs out of memory or times out is reported as such,
 * with how far it got.
 */
import type { CaseDefinition, Measurement, Sample } from "../case.js";
import { runChild } from "../child-process.js";

const initChild = new URL("../children/init-latency-child.js", import.meta.url);
const queuedChild = new URL("../children/queued-tasks-child.js", import.meta.url);

function childMeasurement(label: string, script: URL, args: string[], timeoutMs: number, pick: (r: Record<string, number>) => Sample, warmup: number): Measurement {
  return {
    label,
    warmup,
    async run() {
      const out = await runChild<Record<string, number>>(script, { args, timeoutMs, nodeArgs: ["--expose-gc"] });
      if (out.result === undefined) {
        const progress = out.lastProgress === undefined ? "" : `; last progress ${JSON.stringify(out.lastProgress)}`;
        const tail = out.stderrTail.trim().split("\n").slice(-3).join(" | ");
        throw new Error(`${label} child ${out.failure ?? "failed"}${progress}${tail === "" ? "" : `; stderr: ${tail}`}`);
      }
      return pick(out.result);
    },
  };
}

export const initToFirstResult: CaseDefinition = {
  name: "init_to_first_result",
  summary: "fresh process: ray.init() → first noop result; ms",
  needsRuntime: false,
  metrics: [
    { key: "init", unit: "ms", title: "init → result", target: { kind: "absolute", op: "<=", value: 150, text: "≤ 150 ms" } },
    { key: "process", unit: "ms", title: "process start → result" },
  ],
  async setup() {
    const pick = (r: Record<string, number>): Sample => ({ init: r["initMs"]!, process: r["sinceProcessStartMs"]! });
    return {
      notes: ["one child process per run; piscina: new Piscina → first run; Worker: new Worker → first reply"],
      tsray: childMeasurement("tsray", initChild, ["tsray"], 30_000, pick, 1),
      baselines: [
        childMeasurement("piscina", initChild, ["piscina"], 30_000, pick, 1),
        childMeasurement("new Worker + postMessage", initChild, ["worker"], 30_000, pick, 1),
      ],
      async teardown() {},
    };
  },
};

export const queuedMillionTasks: CaseDefinition = {
  name: "queued_1m_tasks",
  summary: "fresh process: N no-op tasks submitted at once, then all awaited; time and peak RSS per task",
  needsRuntime: false,
  metrics: [
    { key: "total", unit: "ms", title: "submit + finish all" },
    { key: "submit", unit: "ms", title: "submit only" },
    { key: "perTask", unit: "B/task", title: "peak RSS per queued task", target: { kind: "absolute", op: "<=", value: 1024, text: "≤ 1 KB/task, completes" } },
  ],
  async setup(ctx) {
    const n = ctx.queuedTasks;
    // Generous: 60 s plus 0.3 ms per task (1M: 6 min) so a slow but finishing run is still measured.
    const timeoutMs = 60_000 + n * 0.3;
    const pick = (r: Record<string, number>): Sample => ({ total: r["totalMs"]!, submit: r["submitMs"]!, perTask: r["bytesPerTask"]! });
    const args = [String(n)];
    return {
      runs: ctx.queuedRuns,
      notes: [`N = ${n.toLocaleString("en-US")} tasks; ${ctx.queuedRuns} run(s), one child process each; RSS above the idle process (pool started)`],
      tsray: childMeasurement("tsray", queuedChild, ["tsray", ...args], timeoutMs, pick, 0),
      baselines: [childMeasurement(`piscina`, queuedChild, ["piscina", ...args], timeoutMs, pick, 0)],
      async teardown() {},
    };
  },
};
