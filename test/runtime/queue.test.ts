import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { drain, drainQueue, echoQueue, Producer } from "./remote-fns/queue-users.js";
import { rejection } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "queue-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("items come out in the order they went in", async () => {
  const q = new ray.Queue<string>();
  await q.put("a");
  await q.put("b");
  await q.putNowait("c");
  assert.is(await q.size(), 3);
  assert.equal([await q.get(), await q.getNowait(), await q.get()], ["a", "b", "c"]);
  assert.ok(await q.empty());
});

test("maxsize bounds the queue and full() says when it is reached", async () => {
  const q = new ray.Queue<number>({ maxsize: 2 });
  assert.is(q.maxsize, 2);
  await q.put(1);
  assert.not.ok(await q.full());
  await q.put(2);
  assert.ok(await q.full());
});

test("getNowait on an empty queue throws Empty", async () => {
  const q = new ray.Queue();
  const e = await rejection(q.getNowait(), ray.Empty);
  assert.is(e.code, "TSRAY_QUEUE_EMPTY");
  await rejection(q.get({ block: false }), ray.Empty);
});

test("putNowait on a full queue throws Full", async () => {
  const q = new ray.Queue<number>({ maxsize: 1 });
  await q.put(1);
  const e = await rejection(q.putNowait(2), ray.Full);
  assert.is(e.code, "TSRAY_QUEUE_FULL");
  await rejection(q.put(2, { block: false }), ray.Full);
  assert.is(await q.size(), 1);
});

test("get with a timeout throws Empty when no item comes in time", async () => {
  const q = new ray.Queue();
  const e = await rejection(q.get({ timeout: 0.05 }), ray.Empty);
  assert.match(e.message, /0.05 s/);
});

test("put with a timeout throws Full when no room comes in time", async () => {
  const q = new ray.Queue<number>({ maxsize: 1 });
  await q.put(1);
  await rejection(q.put(2, { timeout: 0.05 }), ray.Full);
  assert.equal(await q.getNowaitBatch(1), [1], "the timed-out item was not added");
});

test("a blocking get waits for the next put", async () => {
  const q = new ray.Queue<number>();
  const waiting = q.get();
  assert.is(await q.size(), 0, "the get is waiting inside the actor, not holding it up");
  await q.put(7);
  assert.is(await waiting, 7);
});

test("a blocking put waits for room and goes in once an item is taken", async () => {
  const q = new ray.Queue<number>({ maxsize: 1 });
  await q.put(1);
  const waiting = q.put(2);
  assert.is(await q.get(), 1);
  await waiting;
  assert.is(await q.get(), 2);
});

test("putNowaitBatch puts all items or, when they do not fit, none", async () => {
  const q = new ray.Queue<number>({ maxsize: 3 });
  await q.putNowaitBatch([1, 2]);
  await rejection(q.putNowaitBatch([3, 4]), ray.Full);
  assert.is(await q.size(), 2);
  await q.putNowaitBatch([3]);
  assert.equal(await q.getNowaitBatch(3), [1, 2, 3]);
});

test("getNowaitBatch takes n items or, when fewer are there, none", async () => {
  const q = new ray.Queue<number>();
  await q.putNowaitBatch([1, 2]);
  await rejection(q.getNowaitBatch(3), ray.Empty);
  assert.is(await q.size(), 2);
  assert.equal(await q.getNowaitBatch(2), [1, 2]);
});

test("a negative timeout is refused", async () => {
  const q = new ray.Queue();
  await rejection(q.get({ timeout: -1 }), ray.InvalidArgumentError);
  await rejection(q.put(1, { timeout: -1 }), ray.InvalidArgumentError);
});

test("a task attached to the queue's actor takes the driver's items", async () => {
  const q = new ray.Queue<number>();
  const result = drain.remote(q.actor, 3);
  for (const x of [10, 20, 30]) await q.put(x);
  assert.equal(await ray.get(result), [10, 20, 30]);
});

test("a task in a child process attaches to the queue as well", async () => {
  const q = new ray.Queue<number>();
  await q.putNowaitBatch([4, 5]);
  assert.equal(await ray.get(drain.options({ isolation: "process" }).remote(q.actor, 2)), [4, 5]);
});

test("an actor attached to the queue's actor puts items the driver gets", async () => {
  const q = new ray.Queue<number>({ maxsize: 2 });
  const p = Producer.remote();
  const done = p.produce.remote(q.actor, [1, 2, 3, 4]);
  const got: number[] = [];
  for (let i = 0; i < 4; i++) got.push(await q.get());
  assert.equal(got, [1, 2, 3, 4]);
  assert.is(await ray.get(done), 2, "maxsize read back on the actor's side");
});

for (const isolation of ["thread", "process"] as const) {
  test(`a queue passed itself to a task (${isolation}) is the same queue there`, async () => {
    const q = new ray.Queue<number>();
    const result = drainQueue.options({ isolation }).remote(q, 2);
    await q.putNowaitBatch([7, 8]);
    assert.equal(await ray.get(result), [7, 8]);
  });
}

test("a queue passed itself to an actor keeps its maxsize and fills the driver's queue", async () => {
  const q = new ray.Queue<number>({ maxsize: 3 });
  const p = Producer.remote();
  const done = p.produceInto.remote(q, [5, 6]);
  assert.equal([await q.get(), await q.get()], [5, 6]);
  assert.is(await ray.get(done), 3);
});

test("a queue returned from a task is a queue over the same actor", async () => {
  const q = new ray.Queue<number>({ maxsize: 4 });
  const back = await ray.get(echoQueue.remote(q));
  assert.instance(back, ray.Queue);
  assert.is(back.maxsize, 4);
  await back.put(1);
  assert.is(await q.get(), 1);
});

test("after shutdown the queue's actor is gone and calls are refused", async () => {
  const q = new ray.Queue<number>();
  const waiting = q.get();
  q.shutdown();
  await rejection(waiting, ray.ActorDiedError);
  const e = await rejection(q.put(1), ray.InvalidArgumentError);
  assert.match(e.message, /shut down/);
});

test("the queue keeps undefined and nested values as they were put", async () => {
  const q = new ray.Queue<unknown>();
  const value = { a: [1, undefined, new Map([["k", 2n]])] };
  await q.put(undefined);
  await q.put(value);
  assert.is(await q.get(), undefined);
  assert.equal(await q.get(), value);
});

test.run();
