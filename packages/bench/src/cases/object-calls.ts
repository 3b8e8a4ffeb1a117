/**
 * `single_client_put_calls` and `single_client_get_calls` (ray_perf.py
 * "single client put/get calls"): `ray.put(0)` and `await ray.get(ref)` of a
 * small stored value, in a loop on the driver. The target is absolute
 * (≥ 200,000 per second); the codec baselines show the floor.
 */
import * as ray from "tsray";
import { msgpackrGet, msgpackrPut, structuredCloneGet, structuredClonePut } from "../baselines/codec-store.js";
import type { CaseDefinition } from "../case.js";
import { nowMs, perSecond } from "../timing.js";

export const singleClientPutCalls: CaseDefinition = {
  name: "single_client_put_calls",
  summary: "ray.put(0) in a loop; puts per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "ops/s", target: { kind: "absolute", op: ">=", value: 200_000, text: "≥ 200,000/s" } }],
  async setup(ctx) {
    const ops = ctx.quick ? 20_000 : 100_000;
    return {
      notes: [`${ops} puts per run; refs are dropped at once, as in Ray's loop`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let i = 0; i < ops; i++) ray.put(0);
          return { value: perSecond(ops, nowMs() - t0) };
        },
      },
      baselines: [msgpackrPut(0, ops), structuredClonePut(0, ops)],
      async teardown() {},
    };
  },
};

export const singleClientGetCalls: CaseDefinition = {
  name: "single_client_get_calls",
  summary: "await ray.get(ref) of a stored 0 in a loop; gets per second",
  needsRuntime: true,
  metrics: [{ key: "value", unit: "ops/s", target: { kind: "absolute", op: ">=", value: 200_000, text: "≥ 200,000/s" } }],
  async setup(ctx) {
    const ops = ctx.quick ? 20_000 : 100_000;
    const ref = ray.put(0);
    return {
      notes: [`${ops} gets per run`],
      tsray: {
        label: "tsray",
        async run() {
          const t0 = nowMs();
          for (let i = 0; i < ops; i++) await ray.get(ref);
          return { value: perSecond(ops, nowMs() - t0) };
        },
      },
      baselines: [msgpackrGet(0, ops), structuredCloneGet(0, ops)],
      async teardown() {},
    };
  },
};
