/**
 * `single_client_tasks_sync` and `single_client_tasks_async` (ray_perf.py:
 * "single client tasks sync/async"): the driver submits `noop` tasks, one at a
 * time and waiting for each, or 1,000 at once and waiting for all. The pool
 * has one thread per CPU; piscina and the raw echo threads get as many.
 */
import * as ray from "tsray";
import { EchoThreads } from "../baselines/post-message.js";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import { piscinaAsync, piscinaSync } from "../baselines/piscina-measures.js";
import type { CaseDefinition } from "../case.js";
import { noop } from "../remote/remote-fns.js";
import { microsPerOp, nowMs, perSecond } from "../timing.js";

export const singleClientTasksSync: CaseDefinition = {
  name: "single_client_tasks_sync",
  summary: "await ray.get(noop.remote()), one task at a time; µs per task",
  needsRuntime: true,
  metrics: [
    {
      key: "value",
      unit: "µs",
      target: { kind: "ratio", baseline: "piscina", op: "<=", value: 1.5, text: "≤ 1.5× piscina round trip" },
    },
  ],
  async setup(ctx) {
    const ops = ctx.quick ? 500 : 2000;
    const pool = piscinaPool(ctx.cpus);
    await warmPool(pool, ctx.cpus);
    const echo = await EchoThreads.start(ctx.cpus);
    return {
      notes: [`${ops} tasks per run; ${ctx.cpus} threads each`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let i = 0; i < ops; i++) await ray.get(noop.remote());
          return { value: microsPerOp(ops, nowMs() - t0) };
        },
      },
      baselines: [
        piscinaSync(`piscina (${ctx.cpus} threads)`, pool, "noop", ops),
        { label: "postMessage round trip", run: async () => ({ value: await echo.roundTripMicros(ops) }) },
      ],
      async teardown() {
        await pool.destroy();
        await echo.stop();
      },
    };
  },
};

export const singleClientTasksAsync: CaseDefinition = {
  name: "single_client_tasks_async",
  summary: "ray.get([1,000 × noop.remote()]), repeated; tasks per second",
  needsRuntime: true,
  metrics: [
    {
      key: "value",
      unit: "ops/s",
      target: { kind: "ratio", baseline: "piscina", op: ">=", value: 1.0, text: "≥ 1.0× piscina (stretch 1.5×)" },
    },
  ],
  async setup(ctx) {
    const batch = 1000;
    const batches = ctx.quick ? 5 : 20;
    const pool = piscinaPool(ctx.cpus);
    await warmPool(pool, ctx.cpus);
    const echo = await EchoThreads.start(ctx.cpus);
    return {
      notes: [`${batches} batches of ${batch} per run; ${ctx.cpus} threads each`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let b = 0; b < batches; b++) {
            const refs: ray.ObjectRef<number>[] = new Array(batch);
            for (let i = 0; i < batch; i++) refs[i] = noop.remote();
            await ray.get(refs);
          }
          return { value: perSecond(batch * batches, nowMs() - t0) };
        },
      },
      baselines: [
        piscinaAsync(`piscina (${ctx.cpus} threads)`, pool, "noop", batch, batches),
        {
          label: "postMessage pipelined",
          async run() {
            const t0 = nowMs();
            for (let b = 0; b < batches; b++) await echo.pipelinedPerSecond(batch);
            return { value: perSecond(batch * batches, nowMs() - t0) };
          },
        },
      ],
      async teardown() {
        await pool.destroy();
        await echo.stop();
      },
    };
  },
};
