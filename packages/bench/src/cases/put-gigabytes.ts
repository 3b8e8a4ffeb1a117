/**
 * `single_client_put_gigabytes` (ray_perf.py "single client put gigabytes",
 * which puts an 800 MB int64 array): `ray.put` of a large Float64Array, in
 * GB/s; and a second metric, the same object read by a task in a worker
 * (`byteLengthOf.remote(ref)`: the ref is resolved to the array in the worker
 * thread), timed from submission to result.
 *
 * Baselines: structuredClone and a bare memcpy (`slice()`: the copy a put
 * needs at least, since later changes to the array must not be seen) for the
 * put; a cloned postMessage to a raw thread and a piscina run with the array
 * as argument for the worker-side get. (msgpackr itself cannot be the
 * baseline here: once tsray's codec has registered its process-global
 * msgpackr extensions, packing a typed array with any other Packr in the
 * process throws "a tsray msgpack extension ran outside Codec.encode".) A
 * transferred (moved) buffer would cost ~20 µs at any size, but it empties
 * the sender's array, which a put must not do, so it is not a baseline.
 */
import * as ray from "tsray";
import { EchoThreads } from "../baselines/post-message.js";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import type { CaseDefinition } from "../case.js";
import { byteLengthOf } from "../remote/remote-fns.js";
import { nowMs } from "../timing.js";

const gb = (bytes: number, ms: number) => bytes / 1e9 / (ms / 1000);

export const singleClientPutGigabytes: CaseDefinition = {
  name: "single_client_put_gigabytes",
  summary: "ray.put(Float64Array) and a worker task reading it; GB/s",
  needsRuntime: true,
  metrics: [
    { key: "put", unit: "GB/s", title: "put", target: { kind: "absolute", op: ">=", value: 2, text: "≥ 2 GB/s" } },
    { key: "get", unit: "GB/s", title: "get in a worker", target: { kind: "absolute", op: ">=", value: 2, text: "≥ 2 GB/s" } },
  ],
  async setup(ctx) {
    const mib = ctx.quick ? 64 : 256;
    const bytes = mib * 1024 * 1024;
    const arr = new Float64Array(bytes / 8);
    for (let i = 0; i < arr.length; i++) arr[i] = i; // touch every page: a zero-filled array may not be backed yet
    const pool = piscinaPool(1);
    await warmPool(pool, 1);
    const echo = await EchoThreads.start(1);
    return {
      notes: [`${mib} MiB array per run (Ray: 800 MB)`],
      tsray: {
        label: "tsray",
        warmupMs: 0, // one warm-up run of a 256 MiB copy is warm enough; more only costs time
        async run() {
          const t0 = nowMs();
          const ref = ray.put(arr);
          const t1 = nowMs();
          const n = await ray.get(byteLengthOf.remote(ref));
          const t2 = nowMs();
          if (n !== bytes) throw new Error(`the worker saw ${n} bytes, not ${bytes}`);
          return { put: gb(bytes, t1 - t0), get: gb(bytes, t2 - t1) };
        },
      },
      baselines: [
        {
          label: "structuredClone / postMessage clone",
          warmupMs: 0,
          async run() {
            const t0 = nowMs();
            const copy = structuredClone(arr);
            const t1 = nowMs();
            const reply = await echo.call(arr);
            const t2 = nowMs();
            if (reply.result !== bytes || copy.length !== arr.length) throw new Error("echo thread saw the wrong size");
            return { put: gb(bytes, t1 - t0), get: gb(bytes, t2 - t1) };
          },
        },
        {
          label: "memcpy (slice) / piscina run(arr)",
          warmupMs: 0,
          async run() {
            const t0 = nowMs();
            const copy = arr.slice();
            const t1 = nowMs();
            const n = (await pool.run(arr, { name: "byteLengthOf" })) as number;
            const t2 = nowMs();
            if (n !== bytes || copy.length !== arr.length) throw new Error("piscina saw the wrong size");
            return { put: gb(bytes, t1 - t0), get: gb(bytes, t2 - t1) };
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
