// Two drivers (each a node and an owner) in one process, sharing one in-process cluster state:
// named actors and placement groups registered by one are seen by the other, as on a cluster.
// Calling another driver's actor needs the node client (next issue); here only the directory is shared.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import type * as HandleModule from "../../runtime/dist/api/actor-handle-base.js";
import { Counter } from "../runtime/remote-fns/actors.js";
import { rejection, thrown } from "../runtime/helpers.js";
import { ClusterState, DriverRuntime, InProcessClusterStateClient, detectResources, installCore, load, nodeTotals } from "./in-process-runtime.js";

const { actorDescriptorOf } = await load<typeof HandleModule>("api/actor-handle-base.js");

const state = new ClusterState();
const driver = (namespace: string) =>
  new DriverRuntime({
    node: nodeTotals({ numCpus: 1 }, detectResources(), "test"),
    gpuWorkers: "thread",
    namespace,
    cluster: new InProcessClusterStateClient(state),
  });
const a = driver("ns-a");
const b = driver("ns-b");

/**
 * A client whose cache never sees names (as a remote client's cache may lag behind other
 * processes): `.remote()` lets a taken name through, and the cluster state must refuse it.
 */
class LaggingClient extends InProcessClusterStateClient {
  override readonly cache = {
    namedActor: () => undefined,
    placementGroupNamed: () => undefined,
    placementGroup: (id: string) => state.placementGroup(id),
    allPlacementGroups: () => state.allPlacementGroups(),
    allNodes: () => state.allNodes(),
  };
}
const lagging = new DriverRuntime({
  node: nodeTotals({ numCpus: 1 }, detectResources(), "test"),
  gpuWorkers: "thread",
  namespace: "ns-c",
  cluster: new LaggingClient(state),
});

/** Runs `f` with `core` as this thread's runtime (what `ray.*` and `Cls.remote()` call). */
function on<T>(core: InstanceType<typeof DriverRuntime>, f: () => T): T {
  installCore(core);
  try {
    return f();
  } finally {
    installCore(undefined);
  }
}

test.after(async () => {
  await Promise.all([a.shutdown(), b.shutdown(), lagging.shutdown()]);
});

test("every driver's node is in the node table, alive", () => {
  assert.equal(
    state.allNodes().map((n) => [n.nodeId, n.alive]),
    [
      [a.nodeId, true],
      [b.nodeId, true],
      [lagging.nodeId, true],
    ],
  );
});

test("an actor named by one driver is found by the other in the first one's namespace", async () => {
  const counter = on(a, () => Counter.options({ name: "shared" }).remote(100));
  assert.is(await on(a, () => ray.get(counter.increment.remote(2))), 2, "the actor runs on the first driver");
  const found = await b.getActor("shared", "ns-a");
  assert.is(found.actorId, actorDescriptorOf(counter)?.actorId);
  await rejection(b.getActor("shared", undefined), ray.ActorNotFoundError);
});

test("a name held through one driver clashes for the other, and getIfExists gives the holder", () => {
  const held = on(a, () => Counter.options({ name: "taken" }).remote(0));
  thrown(() => on(b, () => Counter.options({ name: "taken", namespace: "ns-a" }).remote(0)), ray.InvalidArgumentError);
  const same = on(b, () => Counter.options({ name: "taken", namespace: "ns-a", getIfExists: true }).remote(0));
  assert.is(actorDescriptorOf(same)?.actorId, actorDescriptorOf(held)?.actorId);
});

test("a placement group made by one driver is in the other's table", async () => {
  const pg = on(a, () => ray.placementGroup([{ CPU: 1 }], { name: "g" }));
  await on(a, () => pg.ready());
  assert.is(b.placementGroupTable()[pg.id]?.state, "CREATED");
  assert.equal(state.placementGroup(pg.id)?.bundleNodes, [a.nodeId]);
  thrown(() => on(b, () => ray.placementGroup([{ CPU: 1 }], { name: "g" })), ray.InvalidArgumentError);
});

test("a name the cache thought free but the cluster state has taken kills the new actor with the clash as reason", async () => {
  on(a, () => Counter.options({ name: "raced" }).remote(100));
  const late = on(lagging, () => Counter.options({ name: "raced", namespace: "ns-a" }).remote(100));
  const call = on(lagging, () => ray.get(late.increment.remote(1)));
  const e = await rejection(call, ray.ActorDiedError);
  assert.match(e.message, /An actor named "raced" already exists in namespace "ns-a"/);
  assert.is((await lagging.getActor("raced", "ns-a")).actorId, (await a.getActor("raced", "ns-a")).actorId, "the holder keeps its name");
});

test("a placement group whose name the cluster state refuses is not reserved and its ready() rejects", async () => {
  on(a, () => ray.placementGroup([{ CPU: 0.5 }], { name: "g2" }));
  const late = on(lagging, () => ray.placementGroup([{ CPU: 0.5 }], { name: "g2" }));
  await rejection(on(lagging, () => late.ready()), ray.InvalidArgumentError);
  assert.is(state.placementGroup(late.id), undefined);
  assert.equal(lagging.availableResources()["CPU"], 1, "the lagging node holds no bundle for it");
});

test("a driver that shuts down leaves its node dead in the table and its actors' names free", async () => {
  on(b, () => Counter.options({ name: "b-owned" }).remote(100));
  const record = state.namedActor("ns-b", "b-owned");
  assert.equal([record?.state, record?.nodeId], ["ALIVE", b.nodeId], "placed at once on the idle node");
  await b.shutdown();
  assert.is(state.namedActor("ns-b", "b-owned"), undefined);
  assert.is(state.node(b.nodeId)?.alive, false);
  assert.is((await a.getActor("shared", "ns-a")).className, "Counter", "the other driver's actors stay");
});

test.run();
