/**
 * `cross_node_objects` (issue 11): a 256 MiB Float64Array between the driver and a node in another
 * process, over ws, in MB/s (10^6 bytes per second), both ways:
 *
 * - **node → driver**: a task pinned to the worker node makes the array there (its result stays in
 *   the node's store: it is large); once it is ready (untimed), the driver's `ray.get` is timed: the
 *   pull in chunks (1 MiB, 8 in flight) into fresh memory and the decode.
 * - **driver → node**: `ray.put(arr)` on the driver (untimed: a local copy, see
 *   `single_client_put_gigabytes`), then a task on the worker node that takes it as its argument
 *   and returns its length, timed from submission to result: the node's pull of the object plus one
 *   small task.
 *
 * Each run makes a new object, so nothing is served from a copy an earlier run left. Baseline: the
 * same bytes over a raw ws connection (perMessageDeflate off, bufferutil) to a process of its own,
 * in frames of the same 1 MiB, copied into fresh memory by the receiver, without flow control (a
 * ceiling: the sender queues every frame at once).
 */
import * as ray from "tsray";
import type { CaseDefinition } from "../case.js";
import { on, startCrossNode } from "../cluster/bench-cluster.js";
import { byteLengthOf, makeArray } from "../remote/remote-fns.js";
import { nowMs } from "../timing.js";

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const CHUNK = 1 << 20;

export const crossNodeObjects: CaseDefinition = {
  name: "cross_node_objects",
  summary: "a 256 MiB Float64Array from a node process to the driver's get, and from the driver's put to a task there; MB/s against raw ws",
  needsRuntime: false,
  metrics: [
    { key: "toDriver", unit: "MB/s", title: "node → driver get" },
    { key: "toNode", unit: "MB/s", title: "driver put → task on the node" },
  ],
  async setup(ctx) {
    const mib = ctx.quick ? 64 : 256;
    const bytes = mib * 1024 * 1024;
    const length = bytes / 8;
    const arr = new Float64Array(length);
    for (let i = 0; i < length; i++) arr[i] = i; // every page touched
    const setup = await startCrossNode(1);
    const there = on(setup.nodeId);
    const raw = setup.raw;
    let seed = 0;
    return {
      notes: [`${mib} MiB per run and direction; driver, head and worker node are separate processes; raw ws sends 1 MiB frames without flow control`],
      tsray: {
        label: "tsray object between nodes",
        warmupMs: 0,
        async run() {
          const s = ++seed;
          const made = makeArray.options(there).remote(length, s);
          await ray.wait([made], { numReturns: 1, fetchLocal: false });
          let t0 = nowMs();
          const got = await ray.get(made);
          const toDriver = mbps(bytes, nowMs() - t0);
          if (got.length !== length || got[length - 1] !== (length - 1) * s || got[12345] !== 12345 * s) throw new Error("the array reached the driver changed");
          const put = ray.put(arr);
          t0 = nowMs();
          const n = await ray.get(byteLengthOf.options(there).remote(put));
          const toNode = mbps(bytes, nowMs() - t0);
          if (n !== bytes) throw new Error(`the node saw ${n} bytes, not ${bytes}`);
          return { toDriver, toNode };
        },
      },
      baselines: [
        {
          label: "raw ws, 1 MiB frames (process)",
          warmupMs: 0,
          async run() {
            let t0 = nowMs();
            const got = await raw.pull(bytes, CHUNK);
            const toDriver = mbps(bytes, nowMs() - t0);
            if (got.byteLength !== bytes) throw new Error("raw pull got the wrong size");
            t0 = nowMs();
            await raw.push(new Uint8Array(arr.buffer), CHUNK);
            return { toDriver, toNode: mbps(bytes, nowMs() - t0) };
          },
        },
      ],
      teardown: () => setup.stop(),
    };
  },
};
