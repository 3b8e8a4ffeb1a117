import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { rejection, thrown } from "./helpers.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { add, fail, failAsync, failOnce } from "./remote-fns/basic.js";
import { awaitChild, catchChild } from "./remote-fns/nested.js";
import { triple } from "./remote-fns/trap.js";

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  await ray.shutdown();
});

test("a task that throws fails with TaskError whose cause is the rebuilt error", async () => {
  const e = await rejection(ray.get(fail.remote("x must be positive")), Error);
  assert.instance(e, ray.TaskError);
  assert.is((e as ray.TaskError).taskName, "fail");
  assert.is((e as ray.TaskError).code, "TSRAY_TASK_ERROR");
  const cause = e.cause as Error;
  assert.instance(cause, RangeError);
  assert.is(cause.message, "x must be positive");
});

test("the cause keeps the remote stack, naming the user's function and file", async () => {
  const e = await rejection(ray.get(fail.remote("boom")), Error);
  const stack = (e.cause as Error).stack ?? "";
  assert.match(stack, "fail");
  assert.match(stack, "remote-fns/basic.js");
});

test("an async task that rejects fails the same way", async () => {
  const e = await rejection(ray.get(failAsync.remote("async boom")), Error);
  assert.instance(e, ray.TaskError);
  assert.instance(e.cause, TypeError);
  assert.is((e.cause as Error).message, "async boom");
});

test("a task whose argument failed fails with a TaskError whose cause is the upstream TaskError", async () => {
  const e = await rejection(ray.get(add.remote(fail.remote("upstream"), 1)), Error);
  assert.instance(e, ray.TaskError);
  assert.is((e as ray.TaskError).taskName, "add");
  assert.instance(e.cause, ray.TaskError);
  assert.is((e.cause as ray.TaskError).taskName, "fail");
  assert.is(((e.cause as Error).cause as Error).message, "upstream");
});

test("a task that awaited a failing child keeps the whole chain", async () => {
  const e = await rejection(ray.get(awaitChild.remote("deep")), Error);
  assert.instance(e, ray.TaskError);
  assert.is((e as ray.TaskError).taskName, "awaitChild");
  assert.instance(e.cause, ray.TaskError);
  assert.is((e.cause as ray.TaskError).taskName, "fail");
  assert.instance((e.cause as Error).cause, RangeError);
  assert.is(((e.cause as Error).cause as Error).message, "deep");
});

test("a task can catch its child's TaskError and read the cause", async () => {
  assert.is(await ray.get(catchChild.remote("caught")), "TaskError:RangeError:caught");
});

test("a failed ref fails every get of it", async () => {
  const ref = fail.remote("twice");
  await rejection(() => ray.get(ref), ray.TaskError);
  await rejection(() => ray.get(ref), ray.TaskError);
});

test("invalid options are rejected at the call site with InvalidArgumentError", () => {
  thrown(() => add.options({ numCpus: -1 }).remote(1, 2), ray.InvalidArgumentError);
  thrown(() => add.options({ numReturns: 0 }).remote(1, 2), ray.InvalidArgumentError);
  thrown(() => add.options({ bogus: 1 } as ray.TaskOptions).remote(1, 2), ray.InvalidArgumentError);
  thrown(() => add.options({ maxRetries: 1.5 }), ray.InvalidArgumentError);
});

test("retryExceptions retries a task that threw", async () => {
  const marker = join(mkdtempSync(join(tmpdir(), "tsray-retry-")), "tried");
  assert.is(await ray.get(failOnce.options({ retryExceptions: true }).remote(marker)), "second try");
});

test("retryExceptions with a list retries only the errors it names", async () => {
  const marker = join(mkdtempSync(join(tmpdir(), "tsray-retry-")), "tried");
  await rejection(ray.get(failOnce.options({ retryExceptions: ["TypeError"] }).remote(marker)), ray.TaskError);
});

test("without retryExceptions a task that threw is not retried", async () => {
  const marker = join(mkdtempSync(join(tmpdir(), "tsray-retry-")), "tried");
  const e = await rejection(ray.get(failOnce.remote(marker)), ray.TaskError);
  assert.is((e.cause as Error).message, "first try fails");
});

test("a module whose top-level code calls the API while a worker imports it fails with a clear error instead of recursing", async () => {
  const e = await rejection(ray.get(triple.remote(2)), ray.TaskError);
  // The module failed to load in the worker, because its top-level call was refused there.
  assert.instance(e.cause, ray.ModuleLoadError);
  const refused = (e.cause as Error).cause as Error;
  assert.instance(refused, ray.InvalidArgumentError);
  assert.match(refused.message, /while a tsray worker imported \S*remote-fns\/trap\.js to find a remote function/);
  assert.match(refused.message, "if (!ray.isWorker()) main();");
});

test.run();
