// A task that throws something hostile (an error whose getters throw, a
// revoked Proxy, a huge AggregateError) fails with a TaskError that says what
// it could and could not read, and its worker thread lives on.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { rejection } from "./helpers.js";
import {
  rejectBadName,
  throwBadMessageAndStack,
  throwBadName,
  throwManyErrors,
  throwRevokedProxy,
  whichWorker,
} from "./remote-fns/hostile.js";

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

/** Runs `thrower` on the one CPU's thread and checks that the same thread runs the next task. */
async function failsOnLiveWorker(thrower: ray.ObjectRef<unknown>): Promise<ray.TaskError> {
  const before = await ray.get(whichWorker.remote());
  const e = await rejection(ray.get(thrower), ray.TaskError);
  assert.is(await ray.get(whichWorker.remote()), before, "the worker thread was replaced");
  return e;
}

test("an error whose name getter throws fails its task with a TaskError that says so, and the worker lives on", async () => {
  const e = await failsOnLiveWorker(throwBadName.remote());
  assert.match(e.message, "reading name threw TypeError: the name getter refuses");
  assert.is((e.rootCause as Error).message, "named badly");
});

test("an async task rejecting with such an error fails the same way", async () => {
  const e = await failsOnLiveWorker(rejectBadName.remote());
  assert.match(e.message, "reading name threw");
  assert.is((e.rootCause as Error).message, "named badly, later");
});

test("an error whose message and stack getters throw is reported with notes in their place", async () => {
  const e = await failsOnLiveWorker(throwBadMessageAndStack.remote());
  const root = e.rootCause as Error;
  assert.match(root.message, "reading message threw TypeError: the message getter refuses");
  assert.match(root.stack ?? "", "reading stack threw");
});

test("a revoked Proxy thrown from a task fails it with a TaskError saying it could not be read", async () => {
  const e = await failsOnLiveWorker(throwRevokedProxy.remote());
  assert.match(e.message, "could not be read");
});

test("an AggregateError of 100,000 errors arrives with a bounded number of them and a note of the rest", async () => {
  const e = await failsOnLiveWorker(throwManyErrors.remote(100_000));
  const root = e.rootCause as AggregateError;
  assert.instance(root, AggregateError);
  assert.is(root.message, "100000 things failed");
  assert.ok(root.errors.length <= 101, `${root.errors.length} errors carried`);
  assert.match(String(root.errors.at(-1)), "more errors not sent");
  assert.is((root.errors[0] as Error).message, "item 0");
});

test.run();
