// A worker that dies in the middle of a batch of calls still delivers the
// results of the calls that finished before it died: results are batched per
// turn of the worker's event loop (protocol/message-batcher.ts), and a call
// that ends the worker must not take its predecessors' results with it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { Counter } from "./remote-fns/actors.js";
import { add } from "./remote-fns/basic.js";
import { throwLater } from "./remote-fns/isolation.js";
import { captureStderr, rejection, until } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  await ray.shutdown();
});

test("calls that finished before an actor's worker exited deliver their results, and the exiting call fails with ActorDiedError", async () => {
  const counter = Counter.remote(100);
  // Submitted in one turn: they reach the actor's thread in one batch, and their results would leave in one.
  const done = [counter.increment.remote(1), counter.increment.remote(2), counter.increment.remote(3)];
  const fatal = counter.crash.remote();
  assert.equal(await ray.get(done), [1, 3, 6]);
  await rejection(ray.get(fatal), ray.ActorDiedError);
});

test("in a child-process worker too, calls that finished before it exited deliver their results", async () => {
  const counter = Counter.options({ isolation: "process" }).remote(100);
  const done = [counter.increment.remote(1), counter.increment.remote(2), counter.increment.remote(3)];
  const fatal = counter.crash.remote();
  assert.equal(await ray.get(done), [1, 3, 6]);
  await rejection(ray.get(fatal), ray.ActorDiedError);
});

test("an uncaught throw from a timer on an idle worker is logged with the worker's label, and the worker is replaced", async () => {
  const stderr = captureStderr();
  try {
    assert.is(await ray.get(throwLater.remote("thrown by a late timer")), 1);
    const logged = () => stderr.lines.join("").split("\n").find((l) => l.includes("thrown by a late timer"));
    await until(() => logged() !== undefined, "the uncaught exception on stderr");
    assert.match(logged()!, /^\(worker pid=\d+ worker=w\d+ node=\w+\) tsray: this worker ends: uncaught exception in code started by throwLater: Error: thrown by a late timer/);
  } finally {
    stderr.restore();
  }
  assert.is(await ray.get(add.remote(1, 1)), 2);
});

test.run();
