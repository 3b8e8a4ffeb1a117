import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { waitForFile } from "./remote-fns/basic.js";
import { Broken, Caller, Counter, exitOutsideActor, findAndUse, Gate, namedActorsSeenFromTask, Quitter, Recorder, useCounter } from "./remote-fns/actors.js";
import { rejection, thrown } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-actors-"));

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "actors-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("Cls.remote returns an ActorHandle at once and its methods run on the actor", async () => {
  const c = Counter.remote(15);
  assert.instance(c, ray.ActorHandle);
  assert.is(await ray.get(c.increment.remote(1)), 1);
  assert.is(await ray.get(c.increment.remote(20)), 6);
  assert.is(await ray.get(c.read.remote()), 6);
});

test("an actor runs in its own worker thread, apart from the driver and other actors", async () => {
  const a = Counter.remote(10);
  const b = Counter.remote(10);
  const [ca, cb] = await ray.get([a.whoAmI.remote(), b.whoAmI.remote()]);
  assert.ok(ca.actorId !== undefined && cb.actorId !== undefined);
  assert.is.not(ca.actorId, cb.actorId);
  assert.is.not(ca.workerId, cb.workerId);
  assert.is.not(ca.workerId, ray.getRuntimeContext().workerId);
  assert.is(ca.namespace, "actors-suite");
});

test("calls from one caller run in submission order even when their arguments resolve out of order", async () => {
  const r = Recorder.remote();
  const path = join(dir, "order-gate");
  const late = waitForFile.options({ numCpus: 0 }).remote(path, 1);
  const first = r.append.remote(late);
  const second = r.append.remote(2);
  const third = r.append.remote(ray.put(3));
  const [ready] = await ray.wait([second], { timeout: 0.1 });
  assert.equal(ready, [], "the second call must wait for the first");
  writeFileSync(path, "");
  assert.equal(await ray.get(third), [1, 2, 3]);
  assert.equal(await ray.get(first), [1]);
});

test("async methods run one at a time by default", async () => {
  const g = Gate.remote();
  const first = g.enter.remote();
  const count = g.count.remote();
  const [ready] = await ray.wait([count], { timeout: 0.1 });
  assert.equal(ready, [], "count must wait behind the unfinished enter");
  // Nothing can open the gate from outside while calls run one at a time: kill it.
  ray.kill(g);
  await rejection(ray.get(first), ray.ActorDiedError);
});

test("maxConcurrency above 1 lets async methods interleave", async () => {
  const g = Gate.options({ maxConcurrency: 4 }).remote();
  const entered = [g.enter.remote(), g.enter.remote(), g.enter.remote()];
  let opened = 0;
  while (opened < 3) opened += await ray.get(g.open.remote());
  assert.equal(await ray.get(entered), [3, 3, 3]);
});

test("an actor handle can be passed into a task and used there", async () => {
  const c = Counter.remote(1000);
  assert.is(await ray.get(useCounter.remote(c, 5)), 5);
  assert.is(await ray.get(c.read.remote()), 5);
});

test("an actor handle can be passed to another actor and used there", async () => {
  const c = Counter.remote(1000);
  const caller = Caller.remote();
  assert.is(await ray.get(caller.callThrough.remote(c)), 10);
});

test("an actor can create an actor and return its handle", async () => {
  const caller = Caller.remote();
  const made = await ray.get(caller.makeCounter.remote());
  assert.instance(made, ray.ActorHandle);
  assert.is(await ray.get(made.increment.remote(7)), 7);
});

test("a named actor is found with getActor, also from inside a task", async () => {
  const c = Counter.options({ name: "finder", namespace: "ns-a" }).remote(10_000);
  await ray.get(c.increment.remote(1));
  const found = await ray.getActor<InstanceType<typeof Counter>>("finder", { namespace: "ns-a" });
  assert.is(await ray.get(found.increment.remote(1)), 2);
  assert.is(await ray.get(findAndUse.remote("finder", "ns-a")), 102);
});

test("getActor looks in the current namespace by default and fails for an unknown name", async () => {
  Counter.options({ name: "here" }).remote(10);
  const found = await ray.getActor<InstanceType<typeof Counter>>("here");
  assert.is(await ray.get(found.increment.remote(3)), 3);
  await rejection(ray.getActor("nobody"), ray.ActorNotFoundError);
  await rejection(ray.getActor("here", { namespace: "other" }), ray.ActorNotFoundError);
});

test("an empty namespace is refused by .options() and by getActor, as by ray.init()", async () => {
  const e = thrown(() => Counter.options({ name: "x", namespace: "" }), ray.InvalidArgumentError);
  assert.match(e.message, /namespace .*non-empty string/);
  await rejection(ray.getActor("x", { namespace: "" }), ray.InvalidArgumentError);
});

test("listNamedActors lists the names of the current namespace's live named actors", async () => {
  const here = Counter.options({ name: "listed-here" }).remote(1);
  const elsewhere = Counter.options({ name: "listed-elsewhere", namespace: "ns-list" }).remote(1);
  await ray.get([here.increment.remote(1), elsewhere.increment.remote(1)]);
  const names = await ray.listNamedActors();
  assert.ok(names.includes("listed-here"), names.join());
  assert.not.ok(names.includes("listed-elsewhere"), names.join());
  ray.kill(here);
  ray.kill(elsewhere);
  assert.not.ok((await ray.listNamedActors()).includes("listed-here"));
});

test("listNamedActors with allNamespaces gives every named actor with its namespace, also from a task", async () => {
  const a = Counter.options({ name: "all-a" }).remote(1);
  const b = Counter.options({ name: "all-b", namespace: "ns-all" }).remote(1);
  await ray.get([a.increment.remote(1), b.increment.remote(1)]);
  for (const listed of [await ray.listNamedActors({ allNamespaces: true }), await ray.get(namedActorsSeenFromTask.remote())]) {
    assert.ok(listed.some((x) => x.name === "all-a" && x.namespace === "actors-suite"), JSON.stringify(listed));
    assert.ok(listed.some((x) => x.name === "all-b" && x.namespace === "ns-all"), JSON.stringify(listed));
  }
  await rejection(ray.listNamedActors({ allNamespaces: "yes" as unknown as true }), ray.InvalidArgumentError);
  ray.kill(a);
  ray.kill(b);
});

test("ray.exitActor() ends the actor after the current call: its result arrives, later calls fail saying it exited", async () => {
  const q = Quitter.options({ maxRestarts: 3 }).remote();
  assert.is(await ray.get(q.work.remote()), 1);
  const bye = q.quit.remote();
  const after = q.work.remote();
  assert.is(await ray.get(bye), "bye after 1");
  const e = await rejection(ray.get(after), ray.ActorDiedError);
  assert.match(e.message, /exited with ray\.exitActor\(\)/);
  // Not restarted, whatever maxRestarts allows.
  await rejection(ray.get(q.work.remote()), ray.ActorDiedError);
});

test("a named actor that exits with ray.exitActor() frees its name", async () => {
  const q = Quitter.options({ name: "quitter" }).remote();
  await ray.get(q.quit.remote());
  await rejection(ray.get(q.work.remote()), ray.ActorDiedError);
  assert.not.ok((await ray.listNamedActors()).includes("quitter"));
  const again = Quitter.options({ name: "quitter" }).remote();
  assert.is(await ray.get(again.work.remote()), 1);
  ray.kill(again);
});

test("ray.exitActor() outside an actor is refused: in the driver and in a task", async () => {
  thrown(() => ray.exitActor(), ray.InvalidArgumentError);
  assert.is(await ray.get(exitOutsideActor.remote()), "InvalidArgumentError");
});

test("a second actor with a taken name fails, unless getIfExists returns the existing one", async () => {
  const first = Counter.options({ name: "unique" }).remote(100);
  await ray.get(first.increment.remote(5));
  thrown(() => Counter.options({ name: "unique" }).remote(100), ray.InvalidArgumentError);
  const same = Counter.options({ name: "unique", getIfExists: true }).remote(100);
  assert.is(await ray.get(same.read.remote()), 5);
});

test("ray.kill makes pending and later calls fail with ActorDiedError", async () => {
  const c = Counter.remote(10);
  await ray.get(c.increment.remote(1));
  ray.kill(c);
  const e = await rejection(ray.get(c.increment.remote(1)), ray.ActorDiedError);
  assert.is(e.code, "TSRAY_ACTOR_DIED");
});

test("a killed named actor frees its name", async () => {
  const c = Counter.options({ name: "short-lived" }).remote(10);
  ray.kill(c);
  await rejection(ray.getActor("short-lived"), ray.ActorNotFoundError);
});

test("a constructor that throws makes every call fail with ActorDiedError carrying the constructor's error", async () => {
  const b = Broken.remote("no config");
  const e1 = await rejection(ray.get(b.ping.remote()), ray.ActorDiedError);
  const e2 = await rejection(ray.get(b.ping.remote()), ray.ActorDiedError);
  for (const e of [e1, e2]) {
    assert.instance(e.cause, ray.TaskError);
    const original = (e.cause as Error).cause as Error;
    assert.instance(original, RangeError);
    assert.is(original.message, "no config");
  }
});

test("an actor whose thread dies is restarted with its constructor when maxRestarts allows", async () => {
  const c = Counter.options({ maxRestarts: 1 }).remote(100);
  assert.is(await ray.get(c.increment.remote(5)), 5);
  await rejection(ray.get(c.crash.remote()), ray.ActorDiedError);
  assert.is(await ray.get(c.increment.remote(1)), 1, "state starts over from the constructor");
  await rejection(ray.get(c.crash.remote()), ray.ActorDiedError);
  await rejection(ray.get(c.increment.remote(1)), ray.ActorDiedError);
});

test("maxTaskRetries re-runs a call that was running when the actor's thread died, after the restart", async () => {
  const c = Counter.options({ maxRestarts: 1, maxTaskRetries: 1 }).remote(100);
  assert.is(await ray.get(c.increment.remote(5)), 5);
  assert.is(await ray.get(c.crashOnce.remote(join(dir, "crash-once"))), 0, "retried on the restarted actor");
});

test("without maxRestarts an actor whose thread dies stays dead", async () => {
  const c = Counter.remote(100);
  await rejection(ray.get(c.crash.remote()), ray.ActorDiedError);
  await rejection(ray.get(c.read.remote()), ray.ActorDiedError);
});

test("kill with noRestart false restarts an actor that may restart", async () => {
  const c = Counter.options({ maxRestarts: 1 }).remote(100);
  assert.is(await ray.get(c.increment.remote(9)), 9);
  ray.kill(c, { noRestart: false });
  assert.is(await ray.get(c.increment.remote(1)), 1);
});

test("actor method options: a name, and numReturns above 1", async () => {
  const c = Counter.remote(100);
  const ref = c.increment.options({ name: "bump" }).remote(2);
  assert.is(await ray.get(ref), 2);
  const [val, cap] = c.both.options({ numReturns: 2 }).remote();
  assert.is(await ray.get(val), 2);
  assert.is(await ray.get(cap), 100);
});

test("an actor handle survives ray.put and ray.get and still calls the actor", async () => {
  const c = Counter.remote(100);
  const back = await ray.get(ray.put({ handle: c }));
  assert.instance(back.handle, ray.ActorHandle);
  assert.is(await ray.get(back.handle.increment.remote(4)), 4);
  assert.is(await ray.get(c.read.remote()), 4);
});

test.run();
