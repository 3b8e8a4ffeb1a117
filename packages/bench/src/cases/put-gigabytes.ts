/**
 * `single_client_put_gigabytes` (ray_perf.py "single client put gigabytes",
 * which puts an 800 MB int64 array in a loop), in GB/s, two metrics:
 *
 * - **put**: one step of a put loop: `ray.put(arr)` of a large Float64Array,
 *   whose ref is dropped at once (as Ray's loop does). The harness collects
 *   garbage and lets finalizers run before each run, so the previous run's
 *   object has been freed and its memory may serve this put (tsray keeps
 *   large objects in reused shared-memory slabs, runtime/src/object-store/
 *   slab-pool.ts). Without collections between puts, a put meets memory
 *   still held and writes into new memory (the ≈ 0.3 GB/s of fresh memory on
 *   the reference VM).
 * - **get in a worker**: one step of a read loop: a task reading an object
 *   put once at setup (`byteLengthOf.remote(ref)`: the ref is resolved to the
 *   array in the worker thread), timed from submission to result. The worker
 *   gets a view of the shared slab, no copy.
 *
 * Baselines: structuredClone and a bare memcpy (`slice()`: the copy a put
 * needs at least, since later changes to the array must not be seen) into
 * new memory, and a memcpy into a buffer reused from run to run (`set()`:
 * the floor for a copy into warm memory) for the put; msgpackr's own `pack`
 * of the array (a plain Packr, possible since 30b38ac: msgpackr writes its own
 * bytes for typed arrays despite tsray's extensions; it writes into the
 * buffer it keeps between packs, so its result must be copied before the
 * next pack to be kept); and a cloned postMessage to a raw thread, a piscina
 * run with the array as argument, and a postMessage of a SharedArrayBuffer-
 * backed array (shared, not copied: the floor for handing a thread a view)
 * for the worker-side get. A transferred (moved) buffer would cost ~20 µs at
 * any size, but it empties the sender's array, which a put must not do, so
 * it is not a baseline.
 */
import { Packr } from "msgpackr";
import * as ray from "tsray";
import { slabPoolStatus } from "tsray/internal/object-store";
import { EchoThreads } from "../baselines/post-message.js";
import { piscinaPool, warmPool } from "../baselines/piscina-pool.js";
import type { CaseDefinition } from "../case.js";
import { byteLengthOf } from "../remote/remote-fns.js";
import { nowMs } from "../timing.js";

const gb = (bytes: number, ms: number) => bytes / 1e9 / (ms / 1000);

/** `ray.put` whose ref nobody keeps: a step of a put loop. */
function putAndDrop(value: Float64Array): void {
  ray.put(value);
}

export const singleClientPutGigabytes: CaseDefinition = {
  name: "single_client_put_gigabytes",
  summary: "ray.put(Float64Array) in a put loop, and a worker task reading a stored one; GB/s",
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
    const stored = ray.put(arr);
    const reused = new Float64Array(arr.length);
    reused.set(arr); // fault its pages in once
    const shared = new Float64Array(new SharedArrayBuffer(bytes));
    shared.set(arr);
    const packr = new Packr();
    const pool = piscinaPool(1);
    await warmPool(pool, 1);
    const echo = await EchoThreads.start(1);
    const before = slabPoolStatus();
    const notes = [`${mib} MiB array per run (Ray: 800 MB)`];
    return {
      notes,
      tsray: {
        label: "tsray",
        warmupMs: 0, // one warm-up run of a 256 MiB copy is warm enough; more only costs time
        async run() {
          const t0 = nowMs();
          putAndDrop(arr);
          const t1 = nowMs();
          const n = await ray.get(byteLengthOf.remote(stored));
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
        {
          label: "memcpy to reused / postMessage SAB",
          warmupMs: 0,
          async run() {
            const t0 = nowMs();
            reused.set(arr);
            const t1 = nowMs();
            const reply = await echo.call(shared);
            const t2 = nowMs();
            if (reply.result !== bytes) throw new Error("echo thread saw the wrong size");
            return { put: gb(bytes, t1 - t0), get: gb(bytes, t2 - t1) };
          },
        },
        {
          label: "msgpackr pack",
          warmupMs: 0,
          async run() {
            const t0 = nowMs();
            const packed = packr.pack(arr);
            const t1 = nowMs();
            if (packed.byteLength < bytes) throw new Error("msgpackr packed too few bytes");
            return { put: gb(bytes, t1 - t0) };
          },
        },
      ],
      async teardown() {
        const after = slabPoolStatus();
        if (before !== undefined && after !== undefined) {
          notes.push(`tsray puts into a reused slab: ${after.reused - before.reused} of ${after.reused + after.created - before.reused - before.created}`);
        }
        await pool.destroy();
        await echo.stop();
      },
    };
  },
};
