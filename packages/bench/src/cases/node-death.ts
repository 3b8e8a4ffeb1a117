/**
 * `node_death_detection` (issue 11's liveness bound): how long after a worker node is stopped the
 * driver's node table (`ray.nodes()`, pushed from the head) shows it dead, with the default
 * liveness settings (a heartbeat every 1 s, dead after 5 s of silence;
 * cluster/cluster-state-server.ts). Each run starts a fresh node and waits until the driver sees it
 * alive, then:
 *
 * - **SIGKILL**: the process dies, its kernel closes its sockets, the head sees the connection end;
 * - **SIGSTOP**: the process hangs with its sockets open (a frozen machine looks like this): only
 *   the missed heartbeats tell. The node is SIGKILLed after.
 *
 * Timed from the signal to the first `ray.nodes()` (polled every millisecond) that shows the node
 * not alive. No baseline: a bound, not a rate.
 */
import * as ray from "tsray";
import type { CaseDefinition } from "../case.js";
import { BenchCluster } from "../cluster/bench-cluster.js";
import { nowMs } from "../timing.js";

async function deadAfter(cluster: BenchCluster, signal: "SIGKILL" | "SIGSTOP"): Promise<number> {
  const node = await cluster.addNode({ numCpus: "1" });
  await cluster.waitForNode(node.nodeId!);
  const t0 = nowMs();
  process.kill(node.pid, signal);
  try {
    while (ray.nodes().some((n) => n.nodeId === node.nodeId && n.alive)) {
      if (nowMs() - t0 > 60_000) throw new Error(`node ${node.nodeId} still alive 60 s after ${signal}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    return nowMs() - t0;
  } finally {
    if (signal === "SIGSTOP") process.kill(node.pid, "SIGKILL");
  }
}

export const nodeDeathDetection: CaseDefinition = {
  name: "node_death_detection",
  summary: "time from a worker node's SIGKILL (and SIGSTOP) to the driver's ray.nodes() showing it dead, default liveness settings",
  needsRuntime: false,
  metrics: [
    { key: "kill", unit: "ms", title: "SIGKILL" },
    { key: "stop", unit: "ms", title: "SIGSTOP (silent: heartbeats)" },
  ],
  async setup() {
    const cluster = await BenchCluster.start();
    try {
      await cluster.join();
      const samples: { kill: number[]; stop: number[] } = { kill: [], stop: [] };
      const notes = ["a fresh node per run; defaults: heartbeat every 1,000 ms, dead after 5,000 ms of silence, checked every 500 ms"];
      return {
        notes,
        tsray: {
          label: "tsray (driver's ray.nodes())",
          warmup: 0,
          warmupMs: 0,
          async run() {
            const kill = await deadAfter(cluster, "SIGKILL");
            const stop = await deadAfter(cluster, "SIGSTOP");
            samples.kill.push(kill);
            samples.stop.push(stop);
            return { kill, stop };
          },
        },
        baselines: [],
        async teardown() {
          const range = (xs: number[]) => (xs.length === 0 ? "no runs" : `min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`);
          notes.push(`SIGKILL: ${range(samples.kill)}; SIGSTOP: ${range(samples.stop)} (over ${samples.kill.length} runs)`);
          await cluster.stop();
        },
      };
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  },
};
