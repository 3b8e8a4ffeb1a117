// An in-process cluster: the driver's node A and a second node B (its own scheduler, worker pool
// and node client) in one process, sharing one cluster state. Tasks reach B the way they will
// reach a remote node: A's scheduler answers a lease request with a spillback naming B, and the
// owner asks B's node client for the lease.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { context } from "../runtime/remote-fns/basic.js";
import { ClusterState, DriverRuntime, InProcessClusterStateClient, detectResources, installCore, nodeTotals } from "./in-process-runtime.js";

const state = new ClusterState();
const driver = new DriverRuntime({
  node: nodeTotals({ numCpus: 1 }, detectResources(), "node A"),
  gpuWorkers: "thread",
  namespace: "multi-node",
  cluster: new InProcessClusterStateClient(state),
  inProcessNodes: [nodeTotals({ numCpus: 1, resources: { onlyOnB: 1 } }, detectResources(), "node B")],
});
const nodeA = driver.nodeId;
const nodeB = state.allNodes().find((n) => n.nodeId !== nodeA)?.nodeId;
installCore(driver);

test.after(async () => {
  installCore(undefined);
  await driver.shutdown();
});

test("both nodes are in the node table, alive, B with its custom resource", () => {
  assert.ok(nodeB !== undefined, "node B registered itself");
  assert.equal(
    state.allNodes().map((n) => [n.nodeId === nodeA ? "A" : "B", n.alive, n.resources["onlyOnB"] ?? 0]),
    [
      ["A", true, 0],
      ["B", true, 1],
    ],
  );
});

test("a task needing a resource only node B has runs on node B", async () => {
  const where = await ray.get(context.options({ resources: { onlyOnB: 1 } }).remote());
  assert.is(where.nodeId, nodeB);
});

test("a task with no special needs runs on the driver's node", async () => {
  const where = await ray.get(context.remote());
  assert.is(where.nodeId, nodeA);
});

test("SPREAD tasks run on both nodes", async () => {
  const spread = context.options({ schedulingStrategy: "SPREAD" });
  const where = await ray.get(Array.from({ length: 4 }, () => spread.remote()));
  assert.equal([...new Set(where.map((c) => c.nodeId))].sort(), [nodeA, nodeB].sort());
});

test.run();
