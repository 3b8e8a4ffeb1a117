// Placement groups over two node processes (issue 11): a driver in this process joins a cluster of
// real `tsray` processes with numCpus: 0; its groups' bundles are planned over the nodes'
// reported resources and reserved in two phases over ws (prepare, then commit or roll back), and
// work scheduled into a bundle runs on that bundle's node.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { whereAmI } from "./remote-fns/remote-tasks.js";
import { Keeper } from "./remote-fns/remote-actors.js";

const TOKEN = "remote-pgs-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("placement groups over node processes");

/** Every CPU and `special` unit of both nodes free, as their reports say. */
const allFree = () => until(() => ray.availableResources()["CPU"] === 3 && ray.availableResources()["special"] === 1, "every resource of both nodes free", 20_000, 50);

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"special":1}', "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-pgs" });
  await allFree();
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

t("bundles that fit no single node are reserved on both; a task and an actor in the worker node's bundle run there", async () => {
  // 3 CPUs in all: bundle 1 takes the worker node's two and its special unit, bundle 0 the head's CPU.
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 2, special: 1 }], { strategy: "PACK" });
  await pg.ready();
  const row = ray.placementGroupTable()[pg.id]!;
  assert.is(row.state, "CREATED");
  assert.equal(row.bundlesToNodeId, { 0: head.nodeId, 1: worker.nodeId });

  const inBundle = (bundleIndex: number) => ({ placementGroup: pg, bundleIndex });
  const where = await ray.get([whereAmI.options({ schedulingStrategy: inBundle(0) }).remote(), whereAmI.options({ schedulingStrategy: inBundle(1) }).remote()]);
  assert.equal(where, [head.nodeId, worker.nodeId]);
  const keeper = Keeper.options({ numCpus: 1, resources: { special: 1 }, schedulingStrategy: inBundle(1) }).remote("in a bundle");
  assert.is((await ray.get(keeper.where.remote())).nodeId, worker.nodeId);
  assert.is(await ray.get(keeper.increment.remote(2)), 2);

  await until(() => (ray.availableResources()["special"] ?? 0) === 0 && (ray.availableResources()["CPU"] ?? 0) === 0, "both nodes' reports of their bundles held", 20_000, 50);
  ray.removePlacementGroup(pg);
  // The actor living in the group's bundle dies with it; both nodes get their resources back.
  try {
    await ray.get(keeper.increment.remote(1));
    assert.unreachable("the actor should be dead");
  } catch (e) {
    assert.instance(e, ray.ActorDiedError);
  }
  await allFree();
});

t("after removal the same resources can be reserved again", async () => {
  const pg = ray.placementGroup([{ CPU: 2, special: 1 }], { strategy: "STRICT_PACK" });
  await pg.ready();
  assert.equal(ray.placementGroupTable()[pg.id]!.bundlesToNodeId, { 0: worker.nodeId });
  assert.is(await ray.get(whereAmI.options({ schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } }).remote()), worker.nodeId);
  ray.removePlacementGroup(pg);
  await allFree();
});

const PG_DRIVER = fileURLToPath(new URL("../../fixtures/cluster/pg-driver.mjs", import.meta.url));

/** Runs fixtures/cluster/pg-driver.mjs, which reserves a group and ends (`how`) without removing it; the group's id. */
function driverThatLeaves(how: "exit" | "kill"): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [PG_DRIVER, head.url, how], { env: { ...cluster.env, TSRAY_TOKEN: TOKEN }, timeout: 60_000 }, (_error, stdout, stderr) => {
      const line = stdout.trim().split("\n").pop();
      if (line === undefined || line === "") return reject(new Error(`the driver printed no group id:\n${stderr}`));
      resolve((JSON.parse(line) as { id: string }).id);
    });
  });
}

for (const how of ["exit", "kill"] as const) {
  t(`a group whose driver ends without removing it (${how === "kill" ? "SIGKILL" : "process.exit"}) is removed, and its bundles return to their node`, async () => {
    await allFree();
    const id = await driverThatLeaves(how);
    await until(() => ray.placementGroupTable()[id]?.state === "REMOVED", "the group's record REMOVED", 20_000, 50);
    await allFree();
  });
}

t.run();
