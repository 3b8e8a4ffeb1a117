// An in-process cluster: the driver's node A and a second node B (its own scheduler, worker pool
// and node client) in one process, sharing one cluster state. Tasks reach B the way they will
// reach a remote node: A's scheduler answers a lease request with a spillback naming B, and the
// owner asks B's node client for the lease.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { join } from "node:path";
import { context, crashOnce } from "../runtime/remote-fns/basic.js";
import { hold } from "../runtime/remote-fns/resources.js";
import { holdSignals, rejection, until } from "../runtime/helpers.js";
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

const signals = holdSignals("tsray-multi-node-");
const onB = hold.options({ resources: { onlyOnB: 1 } });

test("a task waiting for node B's only unit runs on B once the task holding it ends", async () => {
  signals.fresh();
  const first = onB.remote(signals.dir, "first");
  await until(() => signals.isStarted("first"), "the first task started on node B");
  const second = onB.remote(signals.dir, "second");
  signals.release("first");
  signals.release("second");
  const [a, b] = await ray.get([first, second]);
  assert.equal([a.id, b.id], ["first", "second"]);
});

test("a task queued on node B is cancelled there and never starts", async () => {
  signals.fresh();
  const running = onB.remote(signals.dir, "running");
  await until(() => signals.isStarted("running"), "the first task started on node B");
  const waiting = onB.remote(signals.dir, "waiting");
  ray.cancel(waiting);
  await rejection(ray.get(waiting), ray.TaskCancelledError);
  signals.release("all");
  assert.is((await ray.get(running)).id, "running");
  // B's unit is free again: a new task gets it, and the cancelled one was not run before it.
  signals.release("after");
  assert.is((await ray.get(onB.remote(signals.dir, "after"))).id, "after");
  assert.not.ok(signals.isStarted("waiting"), "the cancelled task never started");
});

test("a task whose worker on node B dies is retried on B, and B's pool replaced the thread", async () => {
  signals.fresh();
  const retried = crashOnce.options({ resources: { onlyOnB: 1 }, maxRetries: 1 }).remote(join(signals.dir, "crashed"));
  assert.is(await ray.get(retried), "survived");
  const where = await ray.get(context.options({ resources: { onlyOnB: 1 } }).remote());
  assert.is(where.nodeId, nodeB);
});

test("an instance of a serializable class reaches a task on node B as a real instance, and comes back as one", async () => {
  const { Point, inspect, shift } = await import("../runtime/remote-fns/shapes.js");
  const seen = await ray.get(inspect.options({ resources: { onlyOnB: 1 } }).remote(new Point(3, 4)));
  assert.equal(seen, { cls: "Point", isPoint: true, norm: 5, sum: 7 });
  const moved = await ray.get(shift.options({ resources: { onlyOnB: 1 } }).remote(new Point(0, 4), 3));
  assert.ok(moved instanceof Point);
  assert.is(moved.norm(), 5);
});

test("hard node affinity to a node not in the cluster fails the task at once with TaskUnschedulableError", async () => {
  const error = await rejection(ray.get(context.options({ schedulingStrategy: { nodeId: "ffffffffffffffff", soft: false } }).remote()), ray.TaskUnschedulableError);
  assert.match(error.message, "node ffffffffffffffff (hard affinity) is not in the cluster");
  assert.match(error.message, "soft: true");
});

test("soft node affinity to a node not in the cluster runs the task on a node that fits", async () => {
  const where = await ray.get(context.options({ schedulingStrategy: { nodeId: "ffffffffffffffff", soft: true } }).remote());
  assert.ok(where.nodeId === nodeA || where.nodeId === nodeB);
});

test("an actor with hard node affinity to a node not in the cluster dies at once; its calls fail with ActorDiedError", async () => {
  const { Counter } = await import("../runtime/remote-fns/actors.js");
  const counter = Counter.options({ schedulingStrategy: { nodeId: "ffffffffffffffff", soft: false } }).remote(100);
  const error = await rejection(ray.get(counter.increment.remote(1)), ray.ActorDiedError);
  assert.match(error.message, "can never be placed");
});

test.run();
