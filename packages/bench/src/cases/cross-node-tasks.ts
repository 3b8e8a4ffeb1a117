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
import { RawWsClient, RawWsPeerProcess, type Echo } from "../baselines/raw-ws-peer.js";
import type { CaseDefinition } from "../case.js";
import { BenchCluster, on } from "../cluster/bench-cluster.js";
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
    const cluster = await BenchCluster.start();
    const peer = await RawWsPeerProcess.start();
    try {
      const node = await cluster.addNode({ numCpus: String(ctx.cpus) });
      await cluster.join();
      await cluster.waitForNode(node.nodeId!);
      const raw = await RawWsClient.connect(peer.url);
      return {
        notes: [
          `${sequential} sequential tasks and ${burst} in flight per run; driver (numCpus 0), head (cluster state only) and worker node (${ctx.cpus} CPUs) are three processes`,
          "a remote task is 2 round trips (lease/grant, run/done) and a lease return; the echo is 1 round trip",
        ],
        tsray: measureEcho("tsray task on the node process", remoteTasks(node.nodeId!), sequential, burst),
        baselines: [measureEcho("raw ws + msgpackr echo (process)", raw, sequential, burst)],
        async teardown() {
          await raw.close();
          peer.stop();
          await cluster.stop();
        },
      };
    } catch (e) {
      peer.stop();
      await cluster.stop();
      throw e;
    }
  },
};
