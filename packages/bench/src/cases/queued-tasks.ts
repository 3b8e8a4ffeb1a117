/**
 * `queued_1m_tasks`: in a fresh process, N (default 1,000,000) no-op tasks
 * queued at once, then all awaited; time to submit, time to finish, and peak
 * RSS per queued task, against piscina queueing as many. One run by default
 * (`--queued-runs`): a run of a million tasks takes about a minute.
 */
import type { CaseDefinition, Sample } from "../case.js";
import { childMeasurement } from "../child-measurement.js";

const queuedChild = new URL("../children/queued-tasks-child.js", import.meta.url);
/** The child collects garbage before it reads its idle RSS. */
const gcArgs = ["--expose-gc"];

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
      tsray: childMeasurement("tsray", queuedChild, ["tsray", ...args], timeoutMs, pick, 0, gcArgs),
      baselines: [childMeasurement(`piscina`, queuedChild, ["piscina", ...args], timeoutMs, pick, 0, gcArgs)],
      async teardown() {},
    };
  },
};
