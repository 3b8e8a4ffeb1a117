// A streaming generator spilled to another node of the in-process cluster: its values, backpressure
// acks and cancel travel between the owner (the driver, node A) and node B's worker.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { bigArrays, nodeIds } from "../runtime/remote-fns/generators.js";
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

test("large values a generator yields on node B stay there; the caller's get pulls them", async () => {
  const storeB = driver.objects!.stores.get(nodeB!)!;
  const refs: ray.ObjectRef<Float64Array>[] = [];
  for await (const ref of bigArrays.options({ resources: { onlyOnB: 1 } }).remote(2, 20_000)) refs.push(ref);
  assert.ok(refs.every((r) => storeB.get(r.id) !== undefined), "node B holds each value (160 kB, above the inline threshold)");
  const values = await ray.get(refs);
  assert.equal(values.map((v) => [v.length, v[0]]), [[20_000, 0], [20_000, 1]]);
});

test.run();
