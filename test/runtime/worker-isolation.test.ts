// isolation: "process" runs a task or actor in a child process of its own, and
// init({ workerHeapMb }) bounds every worker's heap: a task that outgrows it ends
// its worker with OutOfMemoryError (not retried by default, as in Ray), and the
// worker is replaced.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { Host, abortProcess, hogHeap, hogOneArray, whereAmI } from "./remote-fns/isolation.js";
import { add } from "./remote-fns/basic.js";
import { rejection } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tsray-isolation-"));
let n = 0;
const attemptsFile = () => join(dir, `attempts-${++n}`);
const attempts = (file: string) => readFileSync(file, "utf8").split("\n").filter((l) => l !== "").length;

test.before(async () => {
  await ray.init({ numCpus: 2, workerHeapMb: 64 });
});
test.after(async () => {
  await ray.shutdown();
});

test('a task with isolation: "process" runs in another process, and by default in the driver\'s', async () => {
  const [inProcess, inThread] = await ray.get([whereAmI.options({ isolation: "process" }).remote(), whereAmI.remote()]);
  assert.is.not(inProcess, process.pid);
  assert.is(inThread, process.pid);
});

test("thread and process tasks queued together each run where they asked (never pipelined into the other's lease)", async () => {
  const inProcess = whereAmI.options({ isolation: "process" });
  const refs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? whereAmI.remote() : inProcess.remote()));
  const pids = await ray.get(refs);
  pids.forEach((pid, i) => (i % 2 === 0 ? assert.is(pid, process.pid, `task ${i}`) : assert.is.not(pid, process.pid, `task ${i}`)));
});

test('an actor with isolation: "process" lives in another process', async () => {
  const host = Host.options({ isolation: "process" }).remote();
  assert.is.not(await ray.get(host.pid.remote()), process.pid);
  ray.kill(host);
});

test("a task that outgrows workerHeapMb fails with OutOfMemoryError, is not retried, and the next task runs", async () => {
  const file = attemptsFile();
  const e = await rejection(ray.get(hogHeap.options({ maxRetries: 3 }).remote(file)), ray.OutOfMemoryError);
  assert.is(e.code, "TSRAY_OUT_OF_MEMORY");
  assert.match(e.message, /hogHeap/);
  assert.is(attempts(file), 1);
  assert.is(await ray.get(add.remote(2, 3)), 5, "the thread was replaced");
});

test("a process worker that outgrows workerHeapMb fails its task with OutOfMemoryError too", async () => {
  const file = attemptsFile();
  await rejection(ray.get(hogHeap.options({ isolation: "process" }).remote(file)), ray.OutOfMemoryError);
  assert.is(attempts(file), 1);
  assert.is.not(await ray.get(whereAmI.options({ isolation: "process" }).remote()), process.pid);
});

test("one ever-growing allocation in a process worker ends only that process, with OutOfMemoryError", async () => {
  const e = await rejection(ray.get(hogOneArray.options({ isolation: "process" }).remote()), ray.OutOfMemoryError);
  assert.match(e.message, /hogOneArray/);
  assert.is(await ray.get(add.remote(1, 2)), 3);
});

test("a process worker that aborts (as a native crash does) fails its task with WorkerCrashedError, not OutOfMemoryError", async () => {
  const e = await rejection(ray.get(abortProcess.options({ isolation: "process", maxRetries: 0 }).remote()), ray.WorkerCrashedError);
  assert.is(e.code, "TSRAY_WORKER_CRASHED");
  assert.is(await ray.get(add.remote(1, 2)), 3);
});

test("retryExceptions naming OutOfMemoryError retries a task that ran out of memory", async () => {
  const file = attemptsFile();
  await rejection(ray.get(hogHeap.options({ maxRetries: 1, retryExceptions: ["OutOfMemoryError"] }).remote(file)), ray.OutOfMemoryError);
  assert.is(attempts(file), 2);
});

test("an actor that outgrows workerHeapMb dies with OutOfMemoryError as the cause", async () => {
  const host = Host.remote();
  const e = await rejection(ray.get(host.hog.remote()), ray.ActorDiedError);
  assert.instance(e.cause, ray.OutOfMemoryError);
});

test("bad isolation and workerHeapMb values are refused with InvalidArgumentError", async () => {
  assert.throws(() => whereAmI.options({ isolation: "fork" as "process" }), (e: Error) => e instanceof ray.InvalidArgumentError && /isolation/.test(e.message));
  assert.throws(() => Host.options({ isolation: 1 as unknown as "thread" }), (e: Error) => e instanceof ray.InvalidArgumentError);
  const e = await rejection(ray.init({ workerHeapMb: 8, ignoreReinitError: true }), ray.InvalidArgumentError);
  assert.match(e.message, /workerHeapMb/);
});

test.run();
