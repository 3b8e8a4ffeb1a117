/**
 * `1_1_actor_calls_sync` and `1_1_actor_calls_async` (ray_perf.py: "1:1
 * actor calls sync/async"): the driver calls `small()` on one actor, one call
 * at a time or 1,000 in flight. An actor is one thread holding state, so the
 * equivalent piscina pool has exactly one thread (whose module-level counter
 * is the state), and the raw baseline one echo thread.
 */
import * as ray from "tsray";
import { EchoThreads } from "../baselines/post-message.js";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import { piscinaAsync, piscinaSync } from "../baselines/piscina-measures.js";
import type { CaseDefinition } from "../case.js";
import { Server } from "../remote/remote-fns.js";
import { microsPerOp, nowMs, perSecond } from "../timing.js";

export const actorCallsSync: CaseDefinition = {
  name: "1_1_actor_calls_sync",
  summary: "await ray.get(actor.small.remote()), one call at a time; µs per call",
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
    const actor = Server.remote();
    await ray.get(actor.small.remote());
    const pool = piscinaPool(1);
    await warmPool(pool, 1);
    const echo = await EchoThreads.start(1);
    return {
      notes: [`${ops} calls per run; one actor thread / one piscina thread`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let i = 0; i < ops; i++) await ray.get(actor.small.remote());
          return { value: microsPerOp(ops, nowMs() - t0) };
        },
      },
      baselines: [
        piscinaSync("piscina (1 thread)", pool, "small", ops),
        { label: "postMessage round trip", run: async () => ({ value: await echo.roundTripMicros(ops) }) },
      ],
      async teardown() {
        ray.kill(actor);
        await pool.destroy();
        await echo.stop();
      },
    };
  },
};

export const actorCallsAsync: CaseDefinition = {
  name: "1_1_actor_calls_async",
  summary: "ray.get([1,000 × actor.small.remote()]), repeated; calls per second",
  needsRuntime: true,
  metrics: [
    {
      key: "value",
      unit: "ops/s",
      target: { kind: "ratio", baseline: "piscina", op: ">=", value: 1.0, text: "≥ 1.0× piscina" },
    },
  ],
  async setup(ctx) {
    const batch = 1000;
    const batches = ctx.quick ? 5 : 20;
    const actor = Server.remote();
    await ray.get(actor.small.remote());
    const pool = piscinaPool(1);
    await warmPool(pool, 1);
    const echo = await EchoThreads.start(1);
    return {
      notes: [`${batches} batches of ${batch} per run; one actor thread / one piscina thread`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let b = 0; b < batches; b++) {
            const refs: ray.ObjectRef<number>[] = new Array(batch);
            for (let i = 0; i < batch; i++) refs[i] = actor.small.remote();
            await ray.get(refs);
          }
          return { value: perSecond(batch * batches, nowMs() - t0) };
        },
      },
      baselines: [
        piscinaAsync("piscina (1 thread)", pool, "small", batch, batches),
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
        ray.kill(actor);
        await pool.destroy();
        await echo.stop();
      },
    };
  },
};
