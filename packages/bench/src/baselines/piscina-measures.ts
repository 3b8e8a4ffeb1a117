/**
 * piscina measurements shared by the task and actor cases: one task at a
 * time (round-trip µs) and `batch` tasks in flight (tasks/s). piscina sends a
 * thread its next task only after the previous result, so the async figure
 * is bounded by round trips per thread.
 */
import type { Piscina } from "piscina";
import type { Measurement } from "../case.js";
import { microsPerOp, nowMs, perSecond } from "../timing.js";

export function piscinaSync(label: string, pool: Piscina, fn: string, ops: number): Measurement {
  return {
    label,
    rewarm: true,
    async run() {
      const t0 = nowMs();
      for (let i = 0; i < ops; i++) await pool.run(null, { name: fn });
      return { value: microsPerOp(ops, nowMs() - t0) };
    },
  };
}

export function piscinaAsync(label: string, pool: Piscina, fn: string, batch: number, batches: number): Measurement {
  return {
    label,
    async run() {
      const t0 = nowMs();
      for (let b = 0; b < batches; b++) {
        const all: Promise<unknown>[] = new Array(batch);
        for (let i = 0; i < batch; i++) all[i] = pool.run(null, { name: fn });
        await Promise.all(all);
      }
      return { value: perSecond(batch * batches, nowMs() - t0) };
    },
  };
}
