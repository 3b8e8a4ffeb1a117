// Failures and cancels that travel down long chains of tasks settle without
// recursing once per task, and the errors they leave stay small.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rejection } from "./helpers.js";
import { failRoot, holdRoot, inc, nestFail } from "./remote-fns/chains.js";

const LONG = 100_000;
const release = join(mkdtempSync(join(tmpdir(), "tsray-chains-")), "release");

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  writeFileSync(release, ""); // lets the cancelled root's code end
  await ray.shutdown();
});

/** How many TaskErrors follow each other from `e` down its cause chain. */
function taskErrorsInChain(e: unknown): number {
  let n = 0;
  for (let c = e; c instanceof ray.TaskError; c = c.cause) n++;
  return n;
}

test("a chain of 100,000 dependent tasks whose root fails rejects with the root's error", async () => {
  let r: ray.ObjectRef<number> = failRoot.remote("the root failed");
  for (let i = 1; i < LONG; i++) r = inc.remote(r);
  const e = await rejection(ray.get(r), ray.TaskError);
  assert.is(e.taskName, "inc");
  assert.is(e.taskDepth, LONG);
  assert.is(e.taskPath.at(-1), "failRoot");
  assert.instance(e.rootCause, RangeError);
  assert.is((e.rootCause as Error).message, "the root failed");
});

test("cancelling the root of a chain of 100,000 dependent tasks fails the last one with the cancel as root cause", async () => {
  const root = holdRoot.remote(release);
  let r = inc.remote(root);
  for (let i = 2; i < LONG; i++) r = inc.remote(r);
  await ray.cancel(root);
  const e = await rejection(ray.get(r), ray.TaskError);
  assert.is(e.taskDepth, LONG - 1); // the tasks that failed; the root was cancelled, it did not fail
  assert.instance(e.rootCause, ray.TaskCancelledError);
  assert.is((e.rootCause as ray.TaskCancelledError).taskName, "holdRoot");
});

test("a failure let through 2,000 nested tasks keeps a short message, the root cause and a bounded path", async () => {
  const e = await rejection(ray.get(nestFail.options({ numCpus: 0 }).remote(2000, "deep down")), ray.TaskError);
  assert.is(e.taskDepth, 2000);
  assert.ok(e.message.length < 1000, `message of ${e.message.length} characters`);
  assert.match(e.message, "RangeError: deep down");
  assert.match(e.message, "1984 more");
  assert.is(e.taskPath.length, 16);
  assert.ok(taskErrorsInChain(e) <= 4, `${taskErrorsInChain(e)} TaskErrors in the cause chain`);
  assert.instance(e.rootCause, RangeError);
});

test.run();
