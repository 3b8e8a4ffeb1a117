/**
 * Parallel speed-up of CPU-bound tasks: 8 tasks of ~250 ms each (`spin`,
 * calibrated on this machine), submitted at once, against the same 8 bodies
 * run one after another on the main thread. Speed-up = one-thread time /
 * parallel time; on 2 CPUs the ceiling is 2.0×. piscina with the same number
 * of threads is measured the same way.
 */
import * as ray from "tsray";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import type { CaseDefinition } from "../case.js";
import { calibrateSpin, spin } from "../cpu-work.js";
import { median } from "../stats.js";
import { nowMs } from "../timing.js";
import { spinTask } from "../remote/remote-fns.js";

const tasks = 8;

export const cpuSpeedup: CaseDefinition = {
  name: "cpu_bound_speedup",
  summary: "8 × ~250 ms CPU-bound tasks at once vs one after another on one thread; speed-up ×",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "×", target: { kind: "absolute", op: ">=", value: 1.85, text: "≥ 1.85× on 2 CPUs" } }],
  async setup(ctx) {
    const iterations = calibrateSpin(250);
    // The one-thread reference: median of a few serial runs (spin() is hot here after calibration).
    const serialRuns = ctx.quick ? 1 : 3;
    const serial: number[] = [];
    for (let r = 0; r < serialRuns; r++) {
      const t0 = nowMs();
      for (let i = 0; i < tasks; i++) spin(iterations);
      serial.push(nowMs() - t0);
    }
    const serialMs = median(serial);
    const pool = piscinaPool(ctx.cpus);
    await warmPool(pool, ctx.cpus);

    return {
      notes: [
        `${tasks} tasks × ${iterations.toLocaleString("en-US")} iterations; one thread: ${serialMs.toFixed(0)} ms (median of ${serialRuns})`,
        `${ctx.cpus} CPUs / threads`,
      ],
      tsray: {
        label: "tsray",
        // The warm-up run (8 tasks) gets spin() optimised in every worker thread, as it already is on this one.
        warmupMs: 0,
        async run() {
          const t0 = nowMs();
          await ray.get(Array.from({ length: tasks }, () => spinTask.remote(iterations)));
          return { value: serialMs / (nowMs() - t0) };
        },
      },
      baselines: [
        {
          label: `piscina (${ctx.cpus} threads)`,
          warmupMs: 0,
          async run() {
            const t0 = nowMs();
            await Promise.all(Array.from({ length: tasks }, () => pool.run(iterations, { name: "spinTask" })));
            return { value: serialMs / (nowMs() - t0) };
          },
        },
      ],
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
