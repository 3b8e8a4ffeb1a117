/**
 * `n_actors_1000`: in a fresh process, 1,000 actors created at once, each
 * called once, every result awaited (issue 9: creating them used to block the
 * driver 20–90 ms per actor and peak at 9.7 GB). Reports the time of the
 * `.remote()` loop, the total, the longest event-loop block and the peak RSS.
 * The measured subject is `hosting: "shared"` actors; `--actors-dedicated`
 * adds dedicated ones (a thread each: minutes and gigabytes, hence opt-in)
 * as the comparison.
 */
import type { CaseDefinition, Sample } from "../case.js";
import { childMeasurement } from "../child-measurement.js";

const manyActorsChild = new URL("../children/many-actors-child.js", import.meta.url);
const gcArgs = ["--expose-gc"];
export const MANY_ACTORS = 1000;

export const manyActors: CaseDefinition = {
  name: "n_actors_1000",
  summary: "fresh process: 1,000 actors created, each called once, all results got; time, event-loop block, peak RSS",
  needsRuntime: false,
  metrics: [
    { key: "total", unit: "ms", title: "create + call + get all" },
    { key: "create", unit: "ms", title: "the .remote() loop" },
    { key: "loopDelay", unit: "ms", title: "longest event-loop block" },
    { key: "peakRss", unit: "MB", title: "peak RSS" },
    { key: "perActor", unit: "B/task", title: "peak RSS per actor" },
  ],
  async setup(ctx) {
    const pick = (r: Record<string, number>): Sample => ({
      total: r["totalMs"]!,
      create: r["createMs"]!,
      loopDelay: r["maxLoopDelayMs"]!,
      peakRss: r["peakRssMb"]!,
      perActor: r["bytesPerActor"]!,
    });
    const args = (hosting: string) => [hosting, String(MANY_ACTORS)];
    return {
      // Each run is a fresh process; dedicated actors take minutes per run.
      runs: ctx.dedicatedActors ? 1 : Math.min(ctx.runs, 3),
      notes: [
        `N = ${MANY_ACTORS.toLocaleString("en-US")} actors; one child process per run; RSS per actor above the idle process (pool started)`,
        ...(ctx.dedicatedActors ? [] : ["dedicated actors (a thread each) not run: add --actors-dedicated"]),
      ],
      tsray: childMeasurement("tsray (hosting: shared)", manyActorsChild, args("shared"), 120_000, pick, 0, gcArgs),
      baselines: ctx.dedicatedActors
        ? [childMeasurement("tsray (hosting: dedicated)", manyActorsChild, args("dedicated"), 600_000, pick, 0, gcArgs)]
        : [],
      async teardown() {},
    };
  },
};
