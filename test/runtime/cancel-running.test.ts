// Cancellation that reaches running work (issue 13): the running task's or actor call's
// AbortSignal, sync tasks that keep their CPU unless forced, actor calls queued at the owner
// or at the actor, interleaved async actor calls, and no retry of a cancelled call.
// In the style of Ray's test_cancel.py / test_async_actor_cancel.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ray from "tsray";
import { add, waitForFile } from "./remote-fns/basic.js";
import { Waiter, spinForever, spinUntilReleased, waitOrAbort } from "./remote-fns/cancellation.js";
import { holdSignals, rejection, thrown, untilExists } from "./helpers.js";

const signals = holdSignals("tsray-cancel-running-");
let dir = "";
const started = (id: string) => untilExists(join(dir, `started-${id}`));
const release = (id: string) => signals.release(id);
const aborted = async (id: string): Promise<{ reason: string; isCanceled: boolean }> => {
  await untilExists(join(dir, `aborted-${id}`));
  return JSON.parse(readFileSync(join(dir, `aborted-${id}`), "utf8")) as { reason: string; isCanceled: boolean };
};
const runs = (): string[] => {
  try {
    return readFileSync(join(dir, "runs"), "utf8").split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
};

// Two CPUs: a held CPU and a free one are both observable.
test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.before.each(() => {
  signals.fresh();
  dir = signals.dir;
});
test.after(async () => {
  await ray.shutdown();
});

test("cancelling a running async task fires its signal, and its ref fails with TaskCancelledError though it returns normally", async () => {
  const ref = waitOrAbort.remote(dir, "a");
  await started("a");
  ray.cancel(ref);
  const e = await rejection(ray.get(ref), ray.TaskCancelledError);
  assert.is(e.taskName, "waitOrAbort");
  assert.equal(await aborted("a"), { reason: "TaskCancelledError", isCanceled: true });
});

test("a task that is not cancelled never sees its signal fire", async () => {
  const ref = waitOrAbort.remote(dir, "b");
  await started("b");
  release("b");
  assert.is(await ray.get(ref), "released");
});

test("a sync task cancelled without force keeps its CPU until it ends", async () => {
  const ref = spinUntilReleased.remote(dir, "s");
  await started("s");
  ray.cancel(ref);
  await rejection(ray.get(ref), ray.TaskCancelledError);
  assert.is(ray.availableResources()["CPU"], 1, "the spinning task still holds its CPU");
  release("s");
  // Both CPUs free again once it ends: two tasks holding one CPU each run together.
  const gate = join(dir, "gate");
  const both = [waitForFile.remote(gate, 1), waitForFile.remote(gate, 2)];
  await untilAvailableCpus(0);
  writeFileSync(gate, "");
  assert.equal(await ray.get(both), [1, 2]);
});

test("force-cancelling a sync task that never ends ends its worker and frees its CPU", async () => {
  const ref = spinForever.remote(dir, "f");
  await started("f");
  ray.cancel(ref, { force: true });
  await rejection(ray.get(ref), ray.TaskCancelledError);
  assert.equal(await ray.get([add.remote(1, 1), add.remote(2, 2)]), [2, 4]);
  await untilAvailableCpus(2);
});

test("an actor call queued at the owner (its argument not ready) is cancelled without running", async () => {
  const w = Waiter.remote(dir);
  const gate = join(dir, "gate");
  const arg = waitForFile.remote(gate, 5);
  const queued = w.echo.remote(arg);
  ray.cancel(queued);
  await rejection(ray.get(queued), ray.TaskCancelledError);
  writeFileSync(gate, "");
  assert.is(await ray.get(w.echo.remote(6)), 6);
  assert.equal(runs(), ["echo 6"], "the cancelled call never ran");
});

/**
 * Releases call `id` of `w` (made with the `control` group) through the actor's thread: the
 * owner fails a cancelled call's refs at once, before its thread has heard of the cancel, so a
 * release written from here could let the held call end and the cancelled one start first.
 */
const releaseInActor = (w: ReturnType<typeof Waiter.remote>, id: string) =>
  ray.get(w.release.options({ concurrencyGroup: "control" }).remote(id));

test("an actor call queued at the actor (behind a running one) is cancelled without running", async () => {
  const w = Waiter.options({ concurrencyGroups: { control: 1 } }).remote(dir);
  const first = w.wait.remote("1");
  await started("1");
  // maxConcurrency 1: this call reaches the actor's thread and waits there behind the first.
  const second = w.echo.remote(2);
  ray.cancel(second);
  await rejection(ray.get(second), ray.TaskCancelledError);
  await releaseInActor(w, "1");
  assert.is(await ray.get(first), "released 1");
  assert.is(await ray.get(w.echo.remote(3)), 3);
  assert.equal(runs(), ["1", "echo 3"], "the cancelled call never ran");
});

test("cancelling a running call of an async actor aborts its signal and leaves the calls beside it running", async () => {
  const w = Waiter.options({ maxConcurrency: 3 }).remote(dir);
  const calls = ["x", "y", "z"].map((id) => w.wait.remote(id));
  for (const id of ["x", "y", "z"]) await started(id);
  ray.cancel(calls[1]!);
  await rejection(ray.get(calls[1]!), ray.TaskCancelledError);
  assert.equal(await aborted("y"), { reason: "TaskCancelledError", isCanceled: true });
  release("x");
  release("z");
  assert.equal(await ray.get([calls[0]!, calls[2]!]), ["released x", "released z"]);
});

test("a cancelled actor call is not retried when the actor restarts", async () => {
  const w = Waiter.options({ maxRestarts: 1, maxTaskRetries: 1 }).remote(dir);
  const call = w.waitDeaf.remote("r");
  await started("r");
  ray.cancel(call);
  await rejection(ray.get(call), ray.TaskCancelledError);
  // Still running when the actor's thread ends: maxTaskRetries would send it to the new instance.
  ray.kill(w, { noRestart: false });
  // The restarted actor answers; the cancelled call was not sent to it again.
  assert.is(await ray.get(w.echo.remote(1)), 1);
  assert.equal(runs(), ["r", "echo 1"]);
});

test("an actor call cancelled in the turn it was made never runs, even with its actor idle", async () => {
  const w = Waiter.remote(dir);
  assert.is(await ray.get(w.echo.remote(1)), 1);
  // Sent at once (the actor is up), with the cancel right behind it: nothing else holds the slot.
  const call = w.echo.remote(2);
  ray.cancel(call);
  await rejection(ray.get(call), ray.TaskCancelledError);
  assert.is(await ray.get(w.echo.remote(3)), 3);
  assert.equal(runs(), ["echo 1", "echo 3"], "the cancelled call never ran");
});

test("cancelling one ref of an actor call with several returns cancels the call", async () => {
  const w = Waiter.options({ concurrencyGroups: { control: 1 } }).remote(dir);
  const first = w.wait.remote("1");
  await started("1");
  const [a, b] = w.pair.options({ numReturns: 2 }).remote();
  ray.cancel(a);
  await rejection(ray.get(a), ray.TaskCancelledError);
  await rejection(ray.get(b), ray.TaskCancelledError);
  await releaseInActor(w, "1");
  assert.is(await ray.get(first), "released 1");
  assert.is(await ray.get(w.echo.remote(1)), 1);
  assert.equal(runs(), ["1", "echo 1"], "the cancelled call never ran");
});

test("cancelling a running actor call also cancels the tasks it submitted", async () => {
  const w = Waiter.remote(dir);
  const idFile = join(dir, "child-id");
  const call = w.spawn.remote(join(dir, "never"), idFile);
  await untilExists(idFile);
  const child = new ray.ObjectRef<number>(readFileSync(idFile, "utf8"));
  ray.cancel(call);
  await rejection(ray.get(call), ray.TaskCancelledError);
  // Without the recursive cancel it would wait for a file nobody writes: the timeout turns a hang into a failure.
  await rejection(ray.get(child, { timeout: 30 }), ray.TaskCancelledError);
  ray.kill(w); // used here, so the actor (holding the child's ref, see Waiter.kept) lives until its result was read
});

test("a task an actor call submits after its cancel reached the owner is cancelled too", async () => {
  const w = Waiter.remote(dir);
  const idFile = join(dir, "child-id");
  const gate = join(dir, "gate");
  const call = w.spawnOnAbort.remote("s", gate, idFile);
  await started("s");
  ray.cancel(call);
  await rejection(ray.get(call), ray.TaskCancelledError);
  // The call submits only once its signal fired, which the owner sent after the cancel reached it.
  await untilExists(idFile);
  const child = new ray.ObjectRef<number>(readFileSync(idFile, "utf8"));
  try {
    await rejection(ray.get(child, { timeout: 30 }), ray.TaskCancelledError);
  } finally {
    writeFileSync(gate, ""); // a child that ran (the failure) ends, so the suite goes on
  }
  ray.kill(w); // see the test above
});

test("with recursive: false the tasks an actor call submitted run on", async () => {
  const w = Waiter.remote(dir);
  const idFile = join(dir, "child-id");
  const gate = join(dir, "gate");
  const call = w.spawn.remote(gate, idFile);
  await untilExists(idFile);
  const child = new ray.ObjectRef<number>(readFileSync(idFile, "utf8"));
  ray.cancel(call, { recursive: false });
  await rejection(ray.get(call), ray.TaskCancelledError);
  writeFileSync(gate, "");
  assert.is(await ray.get(child), 1);
});

test("force-cancelling an actor call is refused with a clear error", () => {
  const w = Waiter.remote(dir);
  const call = w.echo.remote(1);
  const e = thrown(() => ray.cancel(call, { force: true }), ray.InvalidArgumentError);
  assert.match(e.message, "ray.kill");
});

async function untilAvailableCpus(n: number): Promise<void> {
  while ((ray.availableResources()["CPU"] ?? 0) !== n) await new Promise((r) => setTimeout(r, 5));
}

test.run();
