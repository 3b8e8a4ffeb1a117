// ray.getRuntimeContext() beyond the ids (issue 13): getAssignedResources, currentActor,
// wasCurrentActorReconstructed, isCanceled and signal — in the driver, a task and an actor.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { Introspect, taskContext } from "./remote-fns/cancellation.js";
import { rejection, thrown } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2, numGpus: 1, resources: { Custom: 4 } });
});
test.after(async () => {
  await ray.shutdown();
});

test("in the driver the ids are there, nothing is cancelled, and task- and actor-only members throw", () => {
  const ctx = ray.getRuntimeContext();
  assert.is(ctx.workerId, "driver");
  assert.is(ctx.isCanceled(), false);
  assert.is(ctx.signal.aborted, false);
  assert.match(thrown(() => ctx.getAssignedResources(), ray.InvalidArgumentError).message, "only available inside a task or actor");
  assert.match(thrown(() => ctx.currentActor, ray.InvalidArgumentError).message, "the driver is not an actor");
  assert.match(thrown(() => ctx.wasCurrentActorReconstructed, ray.InvalidArgumentError).message, "only available inside an actor");
});

test("the context's ids are its own enumerable properties, so it still crosses the wire as data", async () => {
  assert.equal(Object.keys(ray.getRuntimeContext()).sort(), ["jobId", "namespace", "nodeId", "workerId"]);
  const seen = await ray.get(taskContext.remote());
  assert.equal(Object.keys(seen.returned).sort(), ["jobId", "namespace", "nodeId", "taskId", "workerId"]);
});

test("a task sees the default CPU it holds, is not cancelled, and is no actor", async () => {
  const seen = await ray.get(taskContext.remote());
  assert.equal(seen.assigned, { CPU: 1 });
  assert.is(seen.canceled, false);
  assert.is(seen.aborted, false);
  assert.match(seen.currentActor, "InvalidArgumentError: getRuntimeContext().currentActor is only available inside an actor");
  assert.match(seen.reconstructed, "not in task");
});

test("a task sees the CPUs, GPUs and custom resources it asked for, fractions included", async () => {
  const seen = await ray.get(taskContext.options({ numCpus: 0.5, numGpus: 0.5, resources: { Custom: 1.5 } }).remote());
  assert.equal(seen.assigned, { CPU: 0.5, Custom: 1.5, GPU: 0.5 });
  const none = await ray.get(taskContext.options({ numCpus: 0 }).remote());
  assert.equal(none.assigned, {});
});

test("a task in a placement group's bundle sees its resources under their plain names", async () => {
  const pg = ray.placementGroup([{ CPU: 1, Custom: 2 }]);
  await pg.ready();
  const inBundle = taskContext.options({ resources: { Custom: 1 }, schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } });
  assert.equal((await ray.get(inBundle.remote())).assigned, { CPU: 1, Custom: 1 });
  ray.removePlacementGroup(pg);
});

test("an actor sees what it holds for life: nothing by default, what it asked for otherwise", async () => {
  assert.equal(await ray.get(Introspect.remote().assigned.remote()), {});
  const asked = Introspect.options({ numCpus: 1, resources: { Custom: 0.25 } }).remote();
  assert.equal(await ray.get(asked.assigned.remote()), { CPU: 1, Custom: 0.25 });
});

test("currentActor is a handle to the actor itself: returned to the driver it calls the same actor", async () => {
  const a = Introspect.remote();
  const me = await ray.get(a.me.remote());
  assert.ok(me instanceof ray.ActorHandle);
  assert.is(await ray.get(me.read.remote()), 7);
  const ids = await ray.get([a.read.remote(), me.read.remote()]);
  assert.equal(ids, [7, 7]);
});

test("an async actor can call itself through currentActor", async () => {
  const a = Introspect.options({ maxConcurrency: 2 }).remote();
  assert.is(await ray.get(a.viaSelf.remote()), 7);
});

test("wasCurrentActorReconstructed is false at first and true in the constructor and methods after a crash restart", async () => {
  const a = Introspect.options({ maxRestarts: 1 }).remote();
  assert.equal(await ray.get(a.reconstructed.remote()), [false, false]);
  await rejection(ray.get(a.crash.remote()), ray.ActorDiedError);
  assert.equal(await ray.get(a.reconstructed.remote()), [true, true]);
});

test.run();
