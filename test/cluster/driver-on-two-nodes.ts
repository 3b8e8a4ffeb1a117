// The setup of suites whose driver (this process, numCpus: 0) joins a head node and one worker node
// of real `tsray start` processes, so everything it places runs on a node process.
import * as ray from "tsray";
import type { NodeRecord, TestCluster } from "./tsray-cli.js";

/** Starts a head (1 CPU) and a worker node (`workerArgs`), then joins them from this process with no CPUs of its own. */
export async function joinHeadAndWorker(cluster: TestCluster, token: string, namespace: string, workerArgs: readonly string[]): Promise<{ head: NodeRecord; worker: NodeRecord }> {
  const head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", token]);
  const worker = await cluster.start(["--address", head.url, ...workerArgs, "--token", token]);
  await ray.init({ address: head.url, token, numCpus: 0, namespace });
  return { head, worker };
}

/** Leaves the cluster and stops its processes (a suite's `after`). */
export async function leaveAndStop(cluster: TestCluster): Promise<void> {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
}
