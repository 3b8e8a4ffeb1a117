// Actors across an in-process cluster: the driver's node A and node B (the only node with the
// custom resource `onlyOnB`) share one cluster state. An actor's lease goes through the node
// clients as a task's does: A's scheduler sends a request only B can place on to B, and the
// actor's worker starts on B, reporting B's node id.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { Counter } from "../runtime/remote-fns/actors.js";
import { context } from "../runtime/remote-fns/basic.js";
import { Introspect, Waiter } from "../runtime/remote-fns/cancellation.js";
import { holdSignals, rejection, until, untilExists } from "../runtime/helpers.js";
import { callByName, callFromTask, Relay } from "./cluster-fns.js";
import { startTwoNodeCluster } from "./in-process-runtime.js";

const { state, nodeA, nodeB, shutdown } = startTwoNodeCluster("multi-node-actors", { numCpus: 2 }, { numCpus: 1, resources: { onlyOnB: 1 } });

test.after(async () => {
  await shutdown();
});

/** An actor that holds B's only `onlyOnB` unit (and no CPU) for its life. */
const onB = (extra: Parameters<typeof Counter.options>[0] = {}) => Counter.options({ numCpus: 0, resources: { onlyOnB: 1 }, ...extra });
/** Waits at most this long for B's unit: a unit never freed fails the test instead of hanging it. */
const UNIT_FREE_S = 30;

test("an actor needing a resource only node B has is created on node B, and the directory says so", async () => {
  const counter = onB().remote(100);
  const me = await ray.get(counter.whoAmI.remote());
  assert.is(me.nodeId, nodeB);
  assert.is(state.actor(me.actorId!)?.nodeId, nodeB);
  assert.is(state.actor(me.actorId!)?.state, "ALIVE");
  // The driver's calls run in order on B.
  assert.equal(await ray.get([counter.increment.remote(1), counter.increment.remote(2), counter.read.remote()]), [1, 3, 3]);
  ray.kill(counter);
});

test("a task on node A calls an actor on node B", async () => {
  const counter = onB().remote(100);
  const where = await ray.get(callFromTask.remote(counter));
  assert.equal(where, { caller: nodeA, actor: nodeB, count: 1 });
  ray.kill(counter);
});

test("an actor on node A calls an actor on node B", async () => {
  const counter = onB().remote(100);
  const relay = Relay.options({ schedulingStrategy: { nodeId: nodeA, soft: false } }).remote();
  const where = await ray.get(relay.callThrough.remote(counter));
  assert.equal(where, { caller: nodeA, actor: nodeB, count: 1 });
  ray.kill(counter);
  ray.kill(relay);
});

test("a named actor on node B is found by ray.getActor, from the driver and from a task on node A", async () => {
  const counter = onB({ name: "counter-on-b" }).remote(100);
  const found = await ray.getActor<InstanceType<typeof Counter>>("counter-on-b");
  const [viaName, viaHandle] = await ray.get([found.whoAmI.remote(), counter.whoAmI.remote()]);
  assert.is(viaName.actorId, viaHandle.actorId);
  assert.is(viaName.nodeId, nodeB);
  assert.equal(await ray.get(callByName.remote("counter-on-b")), { caller: nodeA, actor: nodeB, count: 1 });
  ray.kill(counter);
});

test("killing an actor on node B frees B's resource: a task needing it runs on B", async () => {
  const counter = onB().remote(100);
  const { actorId } = await ray.get(counter.whoAmI.remote());
  ray.kill(counter);
  await rejection(ray.get(counter.read.remote()), ray.ActorDiedError);
  const where = await ray.get(context.options({ numCpus: 0, resources: { onlyOnB: 1 } }).remote(), { timeout: UNIT_FREE_S });
  assert.is(where.nodeId, nodeB);
  assert.is(state.actor(actorId!)?.state, "DEAD");
});

test("an actor whose worker crashes on node B restarts on node B and retries the call", async () => {
  const marker = join(mkdtempSync(join(tmpdir(), "tsray-actor-restart-")), "crashed");
  const counter = onB({ maxRestarts: 1, maxTaskRetries: 1 }).remote(100);
  assert.is(await ray.get(counter.increment.remote(7)), 7);
  // The first call ends the worker; the restarted instance (state reset) answers the retry.
  assert.is(await ray.get(counter.crashOnce.remote(marker)), 0);
  const me = await ray.get(counter.whoAmI.remote());
  assert.is(me.nodeId, nodeB);
  await until(() => state.actor(me.actorId!)?.state === "ALIVE", "the directory shows the actor alive again");
  assert.is(state.actor(me.actorId!)?.nodeId, nodeB);
  ray.kill(counter);
});

test("node affinity places an actor on the node it names", async () => {
  const [onA, onBByAffinity] = [nodeA, nodeB].map((nodeId) => Counter.options({ schedulingStrategy: { nodeId, soft: false } }).remote(10));
  const where = await ray.get([onA!.whoAmI.remote(), onBByAffinity!.whoAmI.remote()]);
  assert.equal(where.map((c) => c.nodeId), [nodeA, nodeB]);
  ray.kill(onA!);
  ray.kill(onBByAffinity!);
});

test("an actor with hard affinity to node B while B is full waits there and starts once B frees a CPU", async () => {
  const holder = Counter.options({ numCpus: 1, schedulingStrategy: { nodeId: nodeB, soft: false } }).remote(10);
  assert.is((await ray.get(holder.whoAmI.remote())).nodeId, nodeB);
  const waiting = Counter.options({ schedulingStrategy: { nodeId: nodeB, soft: false } }).remote(10);
  const where = waiting.whoAmI.remote();
  assert.equal(await ray.wait([where], { timeout: 0 }), [[], [where]], "B's only CPU is held: the actor is not placed yet");
  ray.kill(holder);
  assert.is((await ray.get(where, { timeout: UNIT_FREE_S })).nodeId, nodeB);
  ray.kill(waiting);
});

test("SPREAD actors are placed on both nodes", async () => {
  const actors = [0, 1].map(() => Counter.options({ schedulingStrategy: "SPREAD" }).remote(10));
  const where = await ray.get(actors.map((a) => a.whoAmI.remote()));
  assert.equal(where.map((c) => c.nodeId).sort(), [nodeA, nodeB].sort());
  for (const a of actors) ray.kill(a);
});

test("an actor on node B is assigned B's grant and, restarted on B, knows it was reconstructed", async () => {
  const a = Introspect.options({ numCpus: 1, resources: { onlyOnB: 1 }, maxRestarts: 1 }).remote();
  try {
    assert.equal(await ray.get(a.assigned.remote()), { CPU: 1, onlyOnB: 1 });
    assert.equal(await ray.get(a.reconstructed.remote()), [false, false]);
    await rejection(ray.get(a.crash.remote()), ray.ActorDiedError);
    assert.equal(await ray.get(a.reconstructed.remote()), [true, true]);
    assert.equal(await ray.get(a.assigned.remote()), { CPU: 1, onlyOnB: 1 });
  } finally {
    // B's CPU and unit are free again for the tests after this one, whatever happened here.
    ray.kill(a);
  }
  await rejection(ray.get(a.read.remote()), ray.ActorDiedError);
});

test("ray.cancel of a running call of an async actor on node B aborts its signal there", async () => {
  const signals = holdSignals("tsray-multi-node-cancel-");
  signals.fresh();
  const w = Waiter.options({ numCpus: 0, resources: { onlyOnB: 1 }, maxConcurrency: 2 }).remote(signals.dir);
  const running = w.wait.remote("1");
  await untilExists(join(signals.dir, "started-1"));
  ray.cancel(running);
  await rejection(ray.get(running), ray.TaskCancelledError);
  await untilExists(join(signals.dir, "aborted-1"));
  assert.is(await ray.get(w.echo.remote(5)), 5, "the actor on B serves on");
  ray.kill(w);
});

test.run();
