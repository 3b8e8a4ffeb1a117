/**
 * `single_client_wait_1k_refs` (ray_perf.py "single client wait 1k refs"):
 * submit 1,000 `noop` tasks, then call `ray.wait(notReady)` until every ref
 * has come back, one ready ref per call. Figure: rounds per second, one round
 * being the whole 1,000 submissions and 1,000 waits (Ray's unit).
 *
 * The piscina equivalent: 1,000 runs, then the same loop over their promises
 * (race the pending ones, take the first settled one in input order), which
 * is what `wait` with numReturns 1 means.
 */
import * as ray from "tsray";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import type { CaseDefinition } from "../case.js";
import { noop } from "../remote/remote-fns.js";
import { nowMs, perSecond } from "../timing.js";

const count = 1000;

export const singleClientWait1kRefs: CaseDefinition = {
  name: "single_client_wait_1k_refs",
  summary: "1,000 tasks, then ray.wait(notReady) until none is left; rounds per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "rounds/s" }],
  async setup(ctx) {
    const rounds = ctx.quick ? 2 : 5;
    const pool = piscinaPool(ctx.cpus);
    await warmPool(pool, ctx.cpus);
    return {
      notes: [`${rounds} rounds of ${count} per run`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let r = 0; r < rounds; r++) {
            let notReady: ray.ObjectRef<number>[] = Array.from({ length: count }, () => noop.remote());
            while (notReady.length > 0) [, notReady] = await ray.wait(notReady);
          }
          return { value: perSecond(rounds, nowMs() - t0) };
        },
      },
      baselines: [
        {
          label: `piscina (${ctx.cpus} threads) + race loop`,
          async run() {
            const t0 = nowMs();
            for (let r = 0; r < rounds; r++) {
              let pending = Array.from({ length: count }, () => {
                const entry = { done: false, promise: undefined as unknown as Promise<unknown> };
                entry.promise = pool.run(null, { name: "noop" }).then(() => (entry.done = true));
                return entry;
              });
              while (pending.length > 0) {
                let i = pending.findIndex((e) => e.done);
                if (i < 0) {
                  await Promise.race(pending.map((e) => e.promise));
                  i = pending.findIndex((e) => e.done);
                }
                pending = pending.filter((_, k) => k !== i);
              }
            }
            return { value: perSecond(rounds, nowMs() - t0) };
          },
        },
      ],
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
