import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { add, crashAlways, crashOnce, startThenWait, waitForFile } from "./remote-fns/basic.js";
import { rejection, untilExists } from "./helpers.js";
import { parentOfGated, parentSubmitsLate } from "./remote-fns/nested.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-cancel-"));
let n = 0;
const fresh = (what: string) => join(dir, `${what}-${++n}`);

// One CPU, so a task holding it keeps the next one queued.
test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

test("cancelling a queued task removes it and its ref fails with TaskCancelledError", async () => {
  const gate = fresh("gate");
  const busy = waitForFile.remote(gate, 1);
  const queued = add.remote(1, 2);
  ray.cancel(queued);
  const e = await rejection(ray.get(queued), ray.TaskCancelledError);
  assert.is(e.taskName, "add");
  writeFileSync(gate, "");
  assert.is(await ray.get(busy), 1);
});

test("cancelling a task waiting for its arguments fails its ref", async () => {
  const gate = fresh("gate");
  const upstream = waitForFile.options({ numCpus: 0 }).remote(gate, 1);
  const dependent = add.remote(upstream, 1);
  ray.cancel(dependent);
  await rejection(ray.get(dependent), ray.TaskCancelledError);
  writeFileSync(gate, "");
  assert.is(await ray.get(upstream), 1);
});

test("force-cancelling a running task ends it and it is not retried", async () => {
  const started = fresh("started");
  const running = startThenWait.remote(started, fresh("never"));
  await untilExists(started);
  ray.cancel(running, { force: true });
  await rejection(ray.get(running), ray.TaskCancelledError);
  assert.is(await ray.get(add.remote(2, 2)), 4, "the CPU and the pool are usable again");
});

test("cancelling a running task without force fails its ref (best effort)", async () => {
  const gate = fresh("gate");
  const started = fresh("started");
  const running = startThenWait.remote(started, gate);
  await untilExists(started);
  ray.cancel(running);
  await rejection(ray.get(running), ray.TaskCancelledError);
  writeFileSync(gate, "");
  assert.is(await ray.get(add.remote(3, 3)), 6);
});

test("cancel is recursive by default: the tasks a cancelled task submitted are cancelled too", async () => {
  const started = fresh("started");
  const parent = parentOfGated.remote(fresh("never"), started);
  await untilExists(started);
  const child = new ray.ObjectRef<number>(readFileSync(started, "utf8"));
  ray.cancel(parent);
  await rejection(ray.get(parent), ray.TaskCancelledError);
  await rejection(ray.get(child), ray.TaskCancelledError);
});

test("a child submitted by a task after the task was cancelled is cancelled too", async () => {
  const started = fresh("started");
  const go = fresh("go");
  const childFile = fresh("child");
  const parent = parentSubmitsLate.remote(started, go, fresh("never"), childFile);
  await untilExists(started);
  ray.cancel(parent);
  await rejection(ray.get(parent), ray.TaskCancelledError);
  writeFileSync(go, "");
  await untilExists(childFile);
  const child = new ray.ObjectRef<number>(readFileSync(childFile, "utf8"));
  // Without the cancel it would wait for a file nobody writes: the timeout turns a hang into a failure.
  await rejection(ray.get(child, { timeout: 30 }), ray.TaskCancelledError);
});

test("cancelling a finished task changes nothing", async () => {
  const done = add.remote(1, 1);
  assert.is(await ray.get(done), 2);
  ray.cancel(done);
  assert.is(await ray.get(done), 2);
});

test("a task whose worker thread exits is retried on a new thread", async () => {
  assert.is(await ray.get(crashOnce.remote(fresh("marker"))), "survived");
});

test("a task whose worker keeps exiting fails with WorkerCrashedError once maxRetries runs out", async () => {
  const e = await rejection(ray.get(crashAlways.options({ maxRetries: 1 }).remote()), ray.WorkerCrashedError);
  assert.is(e.code, "TSRAY_WORKER_CRASHED");
  assert.match(e.message, "crashAlways");
});

test("maxRetries 0 fails on the first crash", async () => {
  await rejection(ray.get(crashAlways.options({ maxRetries: 0 }).remote()), ray.WorkerCrashedError);
  assert.is(await ray.get(add.remote(5, 5)), 10, "the pool replaced the thread");
});

test("a function the crashed thread had run still runs on the thread that replaces it", async () => {
  assert.is(await ray.get(add.remote(1, 1)), 2, "the one pool thread has been sent add");
  await rejection(ray.get(crashAlways.options({ maxRetries: 0 }).remote()), ray.WorkerCrashedError);
  assert.is(await ray.get(add.remote(2, 3)), 5, "the new thread is told where add is");
});

test.run();
