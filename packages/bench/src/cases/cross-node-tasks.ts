/**
 * `cross_node_tasks` (issue 11): tasks from the driver to a node in another process, over ws. The
 * driver joins a cluster of real node processes with `numCpus: 0` (cluster/bench-cluster.ts) and
 * pins `noop` to the worker node with hard node affinity. Figures: µs per task one at a time
 * (`await ray.get(noop.remote())` in a loop) and tasks/s with 1,000 in flight — the message patterns
 * of `ws_round_trip`, against the same raw ws + msgpackr echo, here served by a process of its own
 * (children/ws-peer-child.ts) as the node is.
 *
 * A task on another node is a lease (request, grant), a run, its result and the lease's return:
 * three messages to the node and two back, two round trips (node/remote-node-client.ts: one task
 * per lease, nothing pipelined across processes yet), against one round trip of the echo.
 */
import * as ray from "tsray";
import type { Echo } from "../baselines/raw-ws-peer.js";
import type { CaseDefinition } from "../case.js";
import { on, startCrossNode } from "../cluster/bench-cluster.js";
import { noop } from "../remote/remote-fns.js";
import { measureEcho } from "./ws-round-trip.js";

function remoteTasks(nodeId: string): Echo {
  const remote = noop.options(on(nodeId));
  return {
    roundTrip: (n) => ray.get(remote.remote()).then(() => n),
    burst: async (count) => {
      const refs: ray.ObjectRef<number>[] = [];
      for (let i = 0; i < count; i++) refs.push(remote.remote());
      await ray.get(refs);
    },
    close: async () => {},
  };
}

export const crossNodeTasks: CaseDefinition = {
  name: "cross_node_tasks",
  summary: "noop tasks from the driver to a node process over ws (node affinity), against a raw ws echo to another process",
  needsRuntime: false,
  metrics: [
    { key: "rtt", unit: "µs", title: "one at a time" },
    { key: "pipelined", unit: "ops/s", title: "1,000 in flight" },
  ],
  async setup(ctx) {
    const sequential = ctx.quick ? 200 : 1000;
    const burst = 1000;
    const setup = await startCrossNode(ctx.cpus);
    return {
      notes: [
        `${sequential} sequential tasks and ${burst} in flight per run; driver (numCpus 0), head (cluster state only) and worker node (${ctx.cpus} CPUs) are three processes`,
        "a remote task is a run and its result on a lease; a new lease (request, grant, return) only when none of its class is held",
      ],
      tsray: measureEcho("tsray task on the node process", remoteTasks(setup.nodeId), sequential, burst),
      baselines: [measureEcho("raw ws + msgpackr echo (process)", setup.raw, sequential, burst)],
      teardown: () => setup.stop(),
    };
  },
};
