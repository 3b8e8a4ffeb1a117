/**
 * Calls made by remote code to several actors:
 * - `1_n_actor_calls_async` (ray_perf.py "1:n actor calls async"): one Client
 *   actor calls `small()` on each of n Server actors and waits for all.
 * - `n_n_actor_calls_async` ("n:n actor calls async"): 4 tasks each make
 *   calls spread round-robin over n Server actors.
 * Ray uses n = cpu_count // 2, which is 1 here; we use n = max(2, cpus / 2)
 * so the fan-out is real on a 2-core machine.
 *
 * piscina threads cannot call each other, so its figure is the closest thing
 * it can do: the same number of calls issued from the main thread to an
 * n-thread pool. It is a reference, not an equivalent, and no target uses it.
 */
import * as ray from "tsray";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import { piscinaAsync } from "../baselines/piscina-measures.js";
import type { CaseContext, CaseDefinition } from "../case.js";
import { callActors, Client, Server } from "../remote/remote-fns.js";
import { nowMs, perSecond } from "../timing.js";

function serverCount(ctx: CaseContext): number {
  return Math.max(2, Math.floor(ctx.cpus / 2));
}

export const oneToNActorCalls: CaseDefinition = {
  name: "1_n_actor_calls_async",
  summary: "a Client actor makes k calls to each of n Server actors and waits; calls per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "ops/s" }],
  async setup(ctx) {
    const n = serverCount(ctx);
    const perServer = ctx.quick ? 1000 : 2500;
    const servers = Array.from({ length: n }, () => Server.remote());
    const client = Client.remote(servers);
    await ray.get(client.batch.remote(10));
    const pool = piscinaPool(n);
    await warmPool(pool, n);
    return {
      notes: [`n = ${n} servers, ${perServer} calls to each per run`, "piscina: same calls from the main thread (its threads cannot call each other)"],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          await ray.get(client.batch.remote(perServer));
          return { value: perSecond(n * perServer, nowMs() - t0) };
        },
      },
      baselines: [piscinaAsync(`piscina (${n} threads, from main)`, pool, "small", n * perServer, 1)],
      async teardown() {
        ray.kill(client);
        for (const s of servers) ray.kill(s);
        await pool.destroy();
      },
    };
  },
};

export const nToNActorCalls: CaseDefinition = {
  name: "n_n_actor_calls_async",
  summary: "4 tasks each make k calls spread over n Server actors; calls per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "ops/s" }],
  async setup(ctx) {
    const n = serverCount(ctx);
    const m = 4;
    const perTask = ctx.quick ? 500 : 1250;
    const servers = Array.from({ length: n }, () => Server.remote());
    await ray.get(callActors.remote(servers, 10));
    const pool = piscinaPool(n);
    await warmPool(pool, n);
    return {
      notes: [`n = ${n} servers, ${m} tasks × ${perTask} calls per run`, "piscina: same calls from the main thread"],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          await ray.get(Array.from({ length: m }, () => callActors.remote(servers, perTask)));
          return { value: perSecond(m * perTask, nowMs() - t0) };
        },
      },
      baselines: [piscinaAsync(`piscina (${n} threads, from main)`, pool, "small", m * perTask, 1)],
      async teardown() {
        for (const s of servers) ray.kill(s);
        await pool.destroy();
      },
    };
  },
};
