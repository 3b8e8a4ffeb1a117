import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";
import { harness } from "./harness.js";

test("concurrency is bounded by CPUs and a finished task lets the next one start", () => {
  const h = harness({ CPU: 2 });
  for (const id of ["t1", "t2", "t3", "t4"]) h.task(id);
  assert.equal(h.running(), ["t1", "t2"]);
  h.finish("t1");
  assert.equal(h.running(), ["t2", "t3"]);
  assert.equal(h.scheduler.available().toJSON(), {});
});

test("a 2-CPU task waits while two 1-CPU tasks hold both CPUs", () => {
  const h = harness({ CPU: 2 });
  h.task("small1");
  h.task("small2");
  h.task("big1", { numCpus: 2 });
  assert.equal(h.running(), ["small1", "small2"]);
  h.finish("small1");
  assert.equal(h.running(), ["small2"], "one CPU free is not enough");
  h.finish("small2");
  assert.equal(h.running(), ["big1"]);
});

test("small tasks are not stuck behind a big one that cannot fit yet", () => {
  const h = harness({ CPU: 2 });
  h.task("a1");
  h.task("big1", { numCpus: 2 });
  h.task("b1");
  assert.equal(h.running(), ["a1", "b1"]);
});

test("a custom resource of capacity 1 serialises tasks that need it", () => {
  const h = harness({ CPU: 8, Custom: 1 });
  for (const id of ["c1", "c2", "c3"]) h.task(id, { resources: { Custom: 1 } });
  assert.equal(h.running(), ["c1"]);
  h.finish("c1");
  assert.equal(h.running(), ["c2"]);
});

test("0.7 + 0.7 of a capacity-1 resource runs one at a time", () => {
  const h = harness({ CPU: 8, Custom: 1 });
  h.task("x1", { resources: { Custom: 0.7 } });
  h.task("x2", { resources: { Custom: 0.7 } });
  assert.equal(h.running(), ["x1"]);
  h.finish("x1");
  assert.equal(h.running(), ["x2"]);
});

test("GPU tasks get distinct whole GPUs and fractional ones share a device", () => {
  const h = harness({ CPU: 8, GPU: 2 });
  h.task("w1", { numGpus: 1 });
  h.task("w2", { numGpus: 1 });
  h.task("w3", { numGpus: 1 });
  assert.equal(h.dispatched.map((g) => [g.id, g.gpuIds]), [["w1", [0]], ["w2", [1]]]);
  h.finish("w1");
  h.finish("w2");
  h.finish("w3");
  h.task("f1", { numGpus: 0.5 });
  h.task("f2", { numGpus: 0.5 });
  assert.equal(h.dispatched.slice(-2).map((g) => [g.id, g.gpuIds]), [["f1", [0]], ["f2", [0]]]);
});

test("an infeasible demand is reported once and stays cancellable", () => {
  const h = harness({ CPU: 2 });
  h.task("huge1", { numCpus: 4, numGpus: 1 });
  h.task("huge2", { numCpus: 4, numGpus: 1 });
  h.task("ok1");
  h.finish("ok1");
  assert.equal(h.infeasible.length, 1);
  assert.equal(h.infeasible[0]?.id, "huge1");
  assert.equal(h.infeasible[0]?.missing, { CPU: 2, GPU: 1 });
  assert.ok(h.scheduler.pending()[0]?.infeasible, "status shows the class as infeasible");
  assert.is(h.scheduler.cancel("huge1")?.id, "huge1");
  assert.is(h.scheduler.cancel("huge2")?.id, "huge2");
  assert.equal(h.scheduler.pending(), []);
  assert.equal(h.dispatched.map((g) => g.id), ["ok1"]);
});

test("an infeasible task runs once the node's totals grow to fit it", () => {
  const h = harness({ CPU: 1 });
  h.task("big1", { numCpus: 2 });
  assert.equal(h.infeasible.length, 1);
  h.scheduler.setNodeTotals(S.ResourceSet.of({ CPU: 2 }));
  assert.equal(h.running(), ["big1"]);
});

test("cancelling a queued task means it never starts", () => {
  const h = harness({ CPU: 1 });
  h.task("a1");
  h.task("b1");
  assert.is(h.scheduler.cancel("b1")?.payload, "payload of b1");
  h.finish("a1");
  assert.equal(h.running(), []);
  assert.is(h.scheduler.cancel("b1"), undefined);
});

test("a task blocked in get lends its CPU so a nested task can run, then takes it back", () => {
  const h = harness({ CPU: 1 });
  h.task("parent1");
  h.task("child1");
  assert.equal(h.running(), ["parent1"]);
  h.scheduler.lend("parent1");
  assert.equal(h.running(), ["parent1", "child1"]);
  h.scheduler.reclaim("parent1");
  h.task("other1");
  assert.equal(h.running(), ["parent1", "child1"], "oversubscribed: nothing new starts");
  h.finish("child1");
  assert.equal(h.running(), ["parent1"], "back to exactly full");
  h.finish("parent1");
  assert.equal(h.running(), ["other1"]);
});

test("releasing a task while its CPU is lent does not free the CPU twice", () => {
  const h = harness({ CPU: 1 });
  h.task("p1");
  h.scheduler.lend("p1");
  h.finish("p1");
  assert.equal(h.scheduler.available().toJSON(), { CPU: 1 });
});

test("availability drops while tasks run and returns when they end", () => {
  const h = harness({ CPU: 4, GPU: 1, memory: 1000 });
  h.task("t1", { numCpus: 1.5, numGpus: 0.25, memory: 400 });
  assert.equal(h.scheduler.available().toJSON(), { CPU: 2.5, GPU: 0.75, memory: 600 });
  assert.equal(h.dispatched[0]?.resources.toJSON(), { CPU: 1.5, GPU: 0.25, memory: 400 });
  h.finish("t1");
  assert.equal(h.scheduler.available().toJSON(), h.scheduler.total().toJSON());
});

test("five thousand dispatch/release cycles of 0.1 CPU tasks through the façade leave exactly the total free", () => {
  // Fewer cycles through the whole façade than through ResourceSet (see fixed-point tests): it is slower per cycle.
  const h = harness({ CPU: 1 });
  const req = (id: string) => S.taskRequest(id, "f", { numCpus: 0.1 }, "");
  for (let i = 0; i < 5_000; i++) {
    h.scheduler.submit(req(`t${i}`));
    h.scheduler.release(`t${i}`);
  }
  assert.equal(h.scheduler.available().toJSON(), { CPU: 1 });
  assert.is(h.scheduler.view().available.get("CPU"), 10_000n);
});

test("a default actor needs a free CPU to be placed but holds none", () => {
  const h = harness({ CPU: 1 });
  h.actor("A1");
  h.actor("A2");
  assert.equal(h.running(), ["A1", "A2"]);
  assert.equal(h.scheduler.available().toJSON(), { CPU: 1 });
  h.task("t1");
  h.actor("A3");
  assert.equal(h.running(), ["A1", "A2", "t1"], "no free CPU: the third actor waits");
  h.finish("t1");
  assert.equal(h.running(), ["A1", "A2", "A3"]);
});

test("an actor that asks for resources holds them for its life", () => {
  const h = harness({ CPU: 2, GPU: 1 });
  h.actor("G1", { numGpus: 1 });
  assert.equal(h.dispatched[0]?.resources.toJSON(), { CPU: 1, GPU: 1 });
  assert.equal(h.dispatched[0]?.gpuIds, [0]);
  assert.equal(h.scheduler.available().toJSON(), { CPU: 1 });
});

test("an actor with 0 CPUs cannot be placed on a zero-CPU node by default", () => {
  const h = harness({ Custom: 1 });
  h.actor("A1");
  assert.equal(h.infeasible.map((i) => i.missing), [{ CPU: 1 }]);
});

test("placement group resources are reserved and tasks in a bundle use the bundle's resources", () => {
  const h = harness({ CPU: 4 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 2 }]), "PACK");
  assert.equal(h.groupsReady, ["pg1"]);
  assert.equal(h.scheduler.available().toJSON(), { CPU: 2 });
  const inBundle = { schedulingStrategy: { placementGroup: { id: "pg1" }, bundleIndex: 0 } } as const;
  h.task("b1", inBundle);
  h.task("b2", inBundle);
  h.task("b3", inBundle);
  h.task("free1");
  h.task("free2");
  h.task("free3");
  assert.equal(h.running(), ["b1", "b2", "free1", "free2"]);
  assert.equal(h.dispatched[0]?.bundle, { placementGroupId: "pg1", bundleIndex: 0 });
  h.finish("b1");
  assert.equal(h.running(), ["b2", "free1", "free2", "b3"], "the bundle's CPU goes to the group, not to free3");
});

test("removing a placement group frees its resources and hands back its work", () => {
  const h = harness({ CPU: 2 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1 }]), "PACK");
  const inBundle = { schedulingStrategy: { placementGroup: { id: "pg1" } } } as const;
  h.task("b1", inBundle);
  h.task("b2", inBundle);
  h.task("x1");
  h.task("x2");
  assert.equal(h.running(), ["b1", "x1"]);
  const removed = h.scheduler.removePlacementGroup("pg1");
  assert.equal(removed.pending.map((r) => r.id), ["b2"]);
  assert.equal(removed.running.map((g) => g.id), ["b1"]);
  assert.equal(h.running(), ["b1", "x1", "x2"], "the freed CPU runs x2");
  h.finish("b1");
  h.finish("x1");
  h.finish("x2");
  assert.equal(h.scheduler.available().toJSON(), { CPU: 2 });
  assert.throws(() => h.task("late1", inBundle), (e: unknown) => e instanceof InvalidArgumentError);
});

test("STRICT_SPREAD of two bundles on one node is reported infeasible and reserves nothing", () => {
  const h = harness({ CPU: 4 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1 }, { CPU: 1 }]), "STRICT_SPREAD");
  assert.equal(h.groupsInfeasible, ["pg1"]);
  assert.is(h.scheduler.placementGroupState("pg1"), "pending");
  assert.equal(h.scheduler.available().toJSON(), { CPU: 4 });
});

test("a placement group waits for resources in use and is reserved when they are released", () => {
  const h = harness({ CPU: 2 });
  h.task("t1");
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 2 }]), "STRICT_PACK");
  assert.equal(h.groupsReady, []);
  h.task("p1", { schedulingStrategy: { placementGroup: { id: "pg1" }, bundleIndex: 0 } });
  assert.equal(h.running(), ["t1"]);
  h.finish("t1");
  assert.equal(h.groupsReady, ["pg1"]);
  assert.equal(h.running(), ["p1"]);
});

test("a bundle index outside the group is rejected at submission", () => {
  const h = harness({ CPU: 2 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1 }]), "PACK");
  assert.throws(
    () => h.task("t1", { schedulingStrategy: { placementGroup: { id: "pg1" }, bundleIndex: 1 } }),
    (e: unknown) => e instanceof InvalidArgumentError && /has 1 bundles/.test((e as Error).message),
  );
});

test("a request larger than its bundle is infeasible even when the node could hold it", () => {
  const h = harness({ CPU: 8 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1 }]), "PACK");
  h.task("t1", { numCpus: 2, schedulingStrategy: { placementGroup: { id: "pg1" }, bundleIndex: 0 } });
  assert.equal(h.infeasible.map((i) => [i.id, i.missing]), [["t1", { CPU: 1 }]]);
});

test("GPU tasks in a bundle get the bundle's device", () => {
  const h = harness({ CPU: 4, GPU: 2 });
  h.task("outside1", { numGpus: 1 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 1, GPU: 1 }]), "PACK");
  h.task("in1", { numCpus: 0, numGpus: 0.5, schedulingStrategy: { placementGroup: { id: "pg1" } } });
  assert.equal(h.dispatched.map((g) => [g.id, g.gpuIds]), [["outside1", [0]], ["in1", [1]]]);
});

test("event handlers may call back into the scheduler", () => {
  const started: string[] = [];
  const scheduler: InstanceType<typeof S.LocalScheduler<string>> = new S.LocalScheduler<string>({
    nodeId: "local",
    totals: S.ResourceSet.of({ CPU: 1 }),
    events: {
      onDispatch: (request) => {
        started.push(request.id);
        scheduler.release(request.id); // finishes at once
      },
    },
  });
  for (const id of ["a", "b", "c"]) scheduler.submit(S.taskRequest(id, "f", undefined, ""));
  assert.equal(started, ["a", "b", "c"]);
  assert.equal(scheduler.available().toJSON(), { CPU: 1 });
});

test("with remote nodes, a task that does not fit locally spills to a node with room", () => {
  const remote = { nodeId: "r1", total: S.ResourceSet.of({ CPU: 4 }), available: S.ResourceSet.of({ CPU: 4 }) };
  const h = harness({ CPU: 1 }, { remoteNodes: () => [remote] });
  h.task("a1");
  h.task("b1");
  h.task("big1", { numCpus: 3 });
  assert.equal(h.running(), ["a1"]);
  assert.equal(h.spilled, [
    { id: "b1", nodeId: "r1" },
    { id: "big1", nodeId: "r1" },
  ]);
  assert.equal(h.scheduler.pending(), []);
});

test("with remote nodes, a task only a busy remote node can run is spilled there to wait, not kept here", () => {
  const remote = { nodeId: "r1", total: S.ResourceSet.of({ CPU: 1, Special: 1 }), available: S.ResourceSet.of({ CPU: 1 }) };
  const h = harness({ CPU: 2 }, { remoteNodes: () => [remote] });
  h.task("plain1");
  h.task("special1", { resources: { Special: 1 } });
  assert.equal(h.running(), ["plain1"]);
  assert.equal(h.spilled, [{ id: "special1", nodeId: "r1" }]);
  assert.equal(h.scheduler.pending(), []);
});

test("submitting the same id twice is a runtime bug and throws", () => {
  const h = harness({ CPU: 1 });
  h.task("a1");
  assert.throws(() => h.task("a1"), /twice/);
});

test("an infeasible placement group is reserved once the node's totals grow to fit it", () => {
  const h = harness({ CPU: 1 });
  h.scheduler.createPlacementGroup("pg1", S.validateBundles([{ CPU: 2 }]), "STRICT_PACK");
  assert.equal(h.groupsInfeasible, ["pg1"]);
  h.scheduler.setNodeTotals(S.ResourceSet.of({ CPU: 2 }));
  assert.equal(h.groupsReady, ["pg1"]);
  assert.is(h.scheduler.placementGroupState("pg1"), "ready");
});

test("SPREAD tasks on one node simply run there", () => {
  const h = harness({ CPU: 2 });
  h.task("s1", { schedulingStrategy: "SPREAD" });
  h.task("s2", { schedulingStrategy: "SPREAD" });
  h.task("s3", { schedulingStrategy: "SPREAD" });
  assert.equal(h.running(), ["s1", "s2"]);
});

test("hard affinity to this node runs here; to an unknown node it is unschedulable and leaves the queue", () => {
  const h = harness({ CPU: 2 });
  h.task("here1", { schedulingStrategy: { nodeId: "local", soft: false } });
  h.task("gone1", { schedulingStrategy: { nodeId: "other", soft: false } });
  h.task("soft1", { schedulingStrategy: { nodeId: "other", soft: true } });
  assert.equal(h.running(), ["here1", "soft1"]);
  assert.equal(h.unschedulable.map((u) => u.id), ["gone1"]);
  assert.match(h.unschedulable[0]!.reason, "node other (hard affinity) is not in the cluster");
  assert.equal(h.infeasible, []);
  assert.is(h.scheduler.cancel("gone1"), undefined, "it is no longer pending");
});

test("without an unschedulable handler, hard affinity to an unknown node stays queued as infeasible", () => {
  const seen: string[] = [];
  const scheduler = new S.LocalScheduler<string>({
    nodeId: "local",
    totals: S.ResourceSet.of({ CPU: 2 }),
    events: { onDispatch: () => {}, onInfeasible: (request) => seen.push(request.id) },
  });
  scheduler.submit(S.taskRequest("gone1", "gone", { schedulingStrategy: { nodeId: "other", soft: false } }, "payload"));
  assert.equal(seen, ["gone1"]);
  assert.ok(scheduler.cancel("gone1") !== undefined, "still pending, so cancellable");
});

test("pipelining: takeNext removes the head of the grant's class, handOver moves the grant to it without a gap", () => {
  const h = harness({ CPU: 1, Custom: 1 });
  h.task("a1", { resources: { Custom: 1 } });
  h.task("a2", { resources: { Custom: 1 } });
  h.task("b1", { numCpus: 1 });
  assert.equal(h.running(), ["a1"]);
  assert.is(h.scheduler.queuedLike("a1"), 1, "a2 is of a1's class; b1 is not");
  const next = h.scheduler.takeNext("a1", () => true);
  assert.is(next?.id, "a2");
  assert.is(h.scheduler.takeNext("a1", () => true), undefined, "b1 is of another class");
  const grant = h.scheduler.handOver("a1", next!);
  assert.is(grant?.id, "a2");
  assert.equal(h.scheduler.available().toJSON(), {}, "still held, now by a2");
  assert.is(h.scheduler.release("a1"), false, "a1 holds nothing any more");
  assert.ok(h.scheduler.release("a2"));
  assert.equal(h.dispatched.map((g) => g.id), ["a1", "b1"], "b1 got the resources a2 released");
});

test("takeNext leaves the head when the caller refuses it, and handOver takes lent CPUs back", () => {
  const h = harness({ CPU: 2 });
  h.task("t1");
  h.task("t2");
  h.task("t3");
  assert.is(h.scheduler.takeNext("t1", () => false), undefined);
  assert.is(h.scheduler.queuedLike("t1"), 1);
  h.scheduler.lend("t1");
  assert.equal(h.running(), ["t1", "t2", "t3"], "t1's lent CPU let t3 start");
  h.task("t4");
  const next = h.scheduler.takeNext("t1", () => true)!;
  h.scheduler.handOver("t1", next);
  assert.is(h.scheduler.availableUnits("CPU"), -10000n, "reclaimed: oversubscribed by one CPU for a while, as Ray does");
});

test("submitFront puts handed-back requests before the others of their class", () => {
  const h = harness({ CPU: 1 });
  h.task("x1");
  h.task("x2");
  const handedBack = h.scheduler.takeNext("x1", () => true)!;
  h.task("x3");
  h.scheduler.submitFront([handedBack]);
  h.finish("x1");
  assert.equal(h.running(), ["x2"], "x2 was put back in front of x3");
});

test.run();
