// Placement groups end to end: reservation, tasks and actors inside bundles,
// removal, and infeasible groups on one node.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { captureStderr, holdSignals, rejection, thrown, until } from "./helpers.js";
import { GpuActor, hold, placementGroupInside } from "./remote-fns/resources.js";

const totals = { CPU: 2, memory: 1e9, Custom: 2 };
const signals = holdSignals("tsray-pg-");
const { fresh, release, isStarted } = signals;
const idle = () => assert.equal(ray.availableResources(), totals, "everything is free again");

let stderr: ReturnType<typeof captureStderr>;

test.before(async () => {
  stderr = captureStderr();
  await ray.init({ numCpus: 2, memory: 1e9, resources: { Custom: 2 } });
});
test.after(async () => {
  stderr.restore();
  await ray.shutdown();
});

test("a group reserves its bundles: others cannot use them, tasks in the bundle can, removal frees them", async () => {
  fresh();
  const pg = ray.placementGroup([{ CPU: 1, Custom: 2 }], { strategy: "PACK", name: "reserved" });
  assert.instance(pg, ray.PlacementGroup);
  assert.equal(pg.bundleSpecs, [{ CPU: 1, Custom: 2 }]);
  assert.is(await pg.wait(30), true);
  assert.equal(ray.availableResources(), { CPU: 1, memory: 1e9 }, "the bundle's resources left the node's availability");
  assert.is(ray.getPlacementGroup("reserved").id, pg.id);
  assert.is(ray.placementGroupTable()[pg.id]!.state, "CREATED");

  const outside = hold.options({ resources: { Custom: 1 } }).remote(signals.dir, "outside");
  const inside = hold.options({ resources: { Custom: 1 }, schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } });
  const refs = [inside.remote(signals.dir, "in1"), inside.remote(signals.dir, "in2")];
  await until(() => isStarted("in1") || isStarted("in2"), "a task in the bundle started");
  assert.not.ok(isStarted("outside"), "the reserved Custom is not available outside the group");
  release("in1");
  release("in2");
  await until(() => isStarted("in1") && isStarted("in2"), "both bundle tasks ran (one bundle CPU: in turn)");
  await ray.get(refs);
  assert.not.ok(isStarted("outside"));

  ray.removePlacementGroup(pg);
  assert.is(ray.placementGroupTable()[pg.id]!.state, "REMOVED");
  await until(() => isStarted("outside"), "the task outside started once the group was removed");
  release("outside");
  await ray.get(outside);
  idle();
});

test("an actor runs inside a bundle; removing the group kills it and frees the bundle", async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }]);
  await pg.ready();
  const actor = GpuActor.options({ numCpus: 1, schedulingStrategy: { placementGroup: pg, bundleIndex: 1 } }).remote();
  assert.equal((await ray.get(actor.view.remote())).gpuIds, []);
  assert.equal(ray.availableResources(), { memory: 1e9, Custom: 2 });
  ray.removePlacementGroup(pg);
  await rejection(ray.get(actor.view.remote()), ray.ActorDiedError);
  idle();
});

test("removing a group stops the tasks running in it and fails the ones waiting for it", async () => {
  fresh();
  const pg = ray.placementGroup([{ CPU: 1 }]);
  await pg.ready();
  const inGroup = hold.options({ maxRetries: 0, schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } });
  const running = inGroup.remote(signals.dir, "running");
  await until(() => isStarted("running"), "the task in the group started");
  const waiting = hold
    .options({ maxRetries: 0, resources: { Custom: 1 }, schedulingStrategy: { placementGroup: pg, bundleIndex: 0 } })
    .remote(signals.dir, "waiting");
  ray.removePlacementGroup(pg);
  await rejection(ray.get(running), ray.TaskCancelledError);
  await rejection(ray.get(waiting), ray.TaskCancelledError);
  assert.not.ok(isStarted("waiting"));
  await until(() => ray.availableResources()["CPU"] === 2, "the group's CPU is free again");
  idle();
});

test("a group that does not fit yet waits, and is reserved when resources are released", async () => {
  fresh();
  const busy = hold.options({ numCpus: 2 }).remote(signals.dir, "busy");
  await until(() => isStarted("busy"), "the 2-CPU task started");
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "STRICT_PACK" });
  let ready = false;
  const readiness = pg.ready().then(() => (ready = true));
  assert.is(ray.placementGroupTable()[pg.id]!.state, "PENDING");
  release("busy");
  await ray.get(busy);
  await readiness;
  assert.ok(ready);
  assert.equal(ray.availableResources(), { memory: 1e9, Custom: 2 });
  ray.removePlacementGroup(pg);
  idle();
});

test("STRICT_SPREAD with two bundles is infeasible on one node: it stays pending, is warned about, and can be removed", async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: "STRICT_SPREAD", name: "spread" });
  const readiness = rejection(pg.ready(), ray.TsrayError);
  await until(() => stderr.lines.join("").includes("placement group spread cannot be reserved"), "the infeasible warning");
  assert.is(ray.placementGroupTable()[pg.id]!.state, "PENDING");
  assert.is(await pg.wait(0.01), false, "still pending");
  idle();
  ray.removePlacementGroup(pg);
  await readiness;
});

test("a task can create a placement group, await it, run a task in it and remove it", async () => {
  const out = await ray.get(placementGroupInside.remote());
  assert.is(out.inBundle.id, "gpuView");
  assert.is(out.wasReady, false, "wait() on a removed group rejects (caught as false)");
  assert.is(Object.values(ray.placementGroupTable()).filter((g) => g.state !== "REMOVED").length, 0);
  idle();
});

test("bad placement-group calls throw InvalidArgumentError at the call site", () => {
  thrown(() => ray.placementGroup([]), ray.InvalidArgumentError);
  thrown(() => ray.placementGroup([{ CPU: -1 }]), ray.InvalidArgumentError);
  thrown(() => ray.placementGroup([{ CPU: 1 }], { strategy: "TIGHT" as "PACK" }), ray.InvalidArgumentError);
  const pg = ray.placementGroup([{ CPU: 1 }]);
  thrown(() => hold.options({ schedulingStrategy: { placementGroup: pg, bundleIndex: 3 } }).remote(signals.dir, "x"), ray.InvalidArgumentError);
  ray.removePlacementGroup(pg);
  thrown(() => hold.options({ schedulingStrategy: { placementGroup: pg } }).remote(signals.dir, "x"), ray.InvalidArgumentError);
  thrown(() => ray.getPlacementGroup("no such group"), ray.InvalidArgumentError);
  idle();
});

test.run();
