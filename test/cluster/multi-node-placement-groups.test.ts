// Placement groups across an in-process cluster of two nodes (A, the driver's, and B; 2 CPUs
// each): the bundles are planned over both nodes' resource views and reserved in two phases
// through the node clients; the cluster state's record names each bundle's node, and work
// scheduled into a bundle runs on that bundle's node.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { Counter } from "../runtime/remote-fns/actors.js";
import { context } from "../runtime/remote-fns/basic.js";
import { captureStderr, rejection, until } from "../runtime/helpers.js";
import { startTwoNodeCluster } from "./in-process-runtime.js";

const stderr = captureStderr();
const { state, nodeA, nodeB, shutdown } = startTwoNodeCluster("multi-node-pgs", { numCpus: 2, memory: 1e9 }, { numCpus: 2, memory: 1e9 });

test.after(async () => {
  stderr.restore();
  await shutdown();
});

/** Waits at most this long for work that needs every CPU of a node: CPUs never freed fail the test instead of hanging it. */
const ALL_FREE_S = 30;

/** Both nodes have every CPU free: a task needing all of them runs on each (and the driver's node shows them free). */
async function bothNodesIdle(): Promise<void> {
  assert.equal(ray.availableResources(), { CPU: 2, memory: 1e9 }, "node A's resources are all free");
  const whole = (nodeId: string) => context.options({ numCpus: 2, schedulingStrategy: { nodeId, soft: false } }).remote();
  const where = await ray.get([whole(nodeA), whole(nodeB)], { timeout: ALL_FREE_S });
  assert.equal(where.map((c) => c.nodeId), [nodeA, nodeB]);
}

test("STRICT_SPREAD puts one bundle on each node; the table names them; tasks and actors in a bundle run on its node", async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "STRICT_SPREAD" });
  await pg.ready();
  const row = ray.placementGroupTable()[pg.id]!;
  assert.is(row.state, "CREATED");
  assert.equal(Object.values(row.bundlesToNodeId).sort(), [nodeA, nodeB].sort());
  assert.equal(state.placementGroup(pg.id)?.bundleNodes, [row.bundlesToNodeId[0], row.bundlesToNodeId[1]]);

  const inBundle = (bundleIndex: number) => ({ placementGroup: pg, bundleIndex });
  const tasks = await ray.get([0, 1].map((i) => context.options({ numCpus: 1, schedulingStrategy: inBundle(i) }).remote()));
  assert.equal(tasks.map((c) => c.nodeId), [row.bundlesToNodeId[0], row.bundlesToNodeId[1]]);
  const actor = Counter.options({ numCpus: 1, schedulingStrategy: inBundle(1) }).remote(10);
  assert.is((await ray.get(actor.whoAmI.remote())).nodeId, row.bundlesToNodeId[1]);

  ray.removePlacementGroup(pg);
  assert.is(ray.placementGroupTable()[pg.id]!.state, "REMOVED");
  // The actor living in the group's bundle on its node dies with it.
  await rejection(ray.get(actor.read.remote()), ray.ActorDiedError);
});

test("removing a group frees its bundles on both nodes", async () => {
  await bothNodesIdle();
});

test("PACK bundles that do not fit one node span two", async () => {
  const pg = ray.placementGroup([{ CPU: 2 }, { CPU: 2 }], { strategy: "PACK" });
  await pg.ready();
  assert.equal(Object.values(ray.placementGroupTable()[pg.id]!.bundlesToNodeId).sort(), [nodeA, nodeB].sort());
  assert.equal(ray.availableResources(), { memory: 1e9 }, "node A's CPUs are in its bundle");
  ray.removePlacementGroup(pg);
  await bothNodesIdle();
});

test("STRICT_PACK bundles that fit one node are all on one node", async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "STRICT_PACK" });
  await pg.ready();
  assert.is(new Set(Object.values(ray.placementGroupTable()[pg.id]!.bundlesToNodeId)).size, 1);
  ray.removePlacementGroup(pg);
  await bothNodesIdle();
});

test("SPREAD bundles are on both nodes", async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "SPREAD" });
  await pg.ready();
  assert.equal(Object.values(ray.placementGroupTable()[pg.id]!.bundlesToNodeId).sort(), [nodeA, nodeB].sort());
  ray.removePlacementGroup(pg);
  await bothNodesIdle();
});

test("STRICT_PACK bundles that fit no single node stay pending, are warned about, and hold nothing", async () => {
  const pg = ray.placementGroup([{ CPU: 2 }, { CPU: 2 }], { strategy: "STRICT_PACK", name: "too-big" });
  await until(() => stderr.lines.join("").includes("placement group too-big cannot be reserved"), "the infeasible warning");
  assert.is(ray.placementGroupTable()[pg.id]!.state, "PENDING");
  assert.equal(ray.placementGroupTable()[pg.id]!.bundlesToNodeId, {});
  assert.is(await pg.wait(0.01), false, "still pending");
  await bothNodesIdle();
  ray.removePlacementGroup(pg);
});

test("a group waiting for room on the other node is reserved once that node frees it", async () => {
  const holder = Counter.options({ numCpus: 2, schedulingStrategy: { nodeId: nodeB, soft: false } }).remote(10);
  assert.is((await ray.get(holder.whoAmI.remote())).nodeId, nodeB);
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "STRICT_SPREAD" });
  assert.is(await pg.wait(0.01), false, "B has no CPU free: the group waits");
  ray.kill(holder);
  await pg.ready();
  assert.equal(Object.values(ray.placementGroupTable()[pg.id]!.bundlesToNodeId).sort(), [nodeA, nodeB].sort());
  ray.removePlacementGroup(pg);
  await bothNodesIdle();
});

test.run();
