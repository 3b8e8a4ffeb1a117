// A streaming generator spilled to another node of the in-process cluster: its values, backpressure
// acks and cancel travel between the owner (the driver, node A) and node B's worker.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { nodeIds } from "../runtime/remote-fns/generators.js";
import { ClusterState, DriverRuntime, InProcessClusterStateClient, detectResources, installCore, nodeTotals } from "./in-process-runtime.js";

const state = new ClusterState();
const driver = new DriverRuntime({
  node: nodeTotals({ numCpus: 1 }, detectResources(), "node A"),
  gpuWorkers: "thread",
  namespace: "generators-multi-node",
  cluster: new InProcessClusterStateClient(state),
  inProcessNodes: [nodeTotals({ numCpus: 1, resources: { onlyOnB: 1 } }, detectResources(), "node B")],
});
const nodeB = state.allNodes().find((n) => n.nodeId !== driver.nodeId)?.nodeId;
installCore(driver);

test.after(async () => {
  installCore(undefined);
  await driver.shutdown();
});

test("a generator that runs on node B streams its values to its caller on node A, with backpressure", async () => {
  const gen = nodeIds.options({ resources: { onlyOnB: 1 }, generatorBackpressureNumObjects: 1 }).remote(5);
  const seen: string[] = [];
  for await (const ref of gen) seen.push(await ray.get(ref));
  assert.equal(seen, Array.from({ length: 5 }, () => nodeB));
});

test.run();
