// Timeouts longer than a Node timer can hold (2^31 - 1 ms ≈ 24.8 days) mean "no deadline":
// before, `1e9` seconds (or `Infinity` for placement groups) timed out after about 1 ms.
// Each test starts the long wait, then awaits a short timeout that is started later and so
// fires after an overflowed 1 ms timer would have; only then is the value made ready.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { holdSignals, rejection, until } from "./helpers.js";
import { hold } from "./remote-fns/resources.js";

const signals = holdSignals("tsray-timeouts-");

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  signals.release("all");
  await ray.shutdown();
});

/** Tracks whether `p` has settled, without changing what it settles to. */
function watch<T>(p: Promise<T>): { readonly settled: () => boolean; readonly promise: Promise<T> } {
  let settled = false;
  const promise = p.finally(() => (settled = true));
  promise.catch(() => undefined); // an early rejection fails the test's assertions, not the process
  return { settled: () => settled, promise };
}

/** A task running until released, and a short wait that times out before its release. */
async function heldTask(id: string): Promise<ray.ObjectRef<{ id: string }>> {
  if (signals.dir !== "") signals.release("all"); // a failed test's task must not hold a CPU
  signals.fresh();
  const ref = hold.remote(signals.dir, id);
  await until(() => signals.isStarted(id), `${id} started`);
  return ref;
}

for (const timeout of [1e9, Infinity]) {
  test(`get with a timeout of ${timeout} s waits for the value instead of timing out`, async () => {
    const ref = await heldTask("get");
    const long = watch(ray.get(ref, { timeout }));
    await rejection(ray.get(ref, { timeout: 0.05 }), ray.GetTimeoutError);
    assert.not.ok(long.settled(), "the long get is still waiting");
    signals.release("get");
    assert.is((await long.promise).id, "get");
  });

  test(`wait with a timeout of ${timeout} s waits for the ref to be ready instead of timing out`, async () => {
    const ref = await heldTask("wait");
    const long = watch(ray.wait([ref], { timeout }));
    assert.equal((await ray.wait([ref], { timeout: 0.05 }))[0], []);
    assert.not.ok(long.settled(), "the long wait is still waiting");
    signals.release("wait");
    assert.equal(await long.promise, [[ref], []]);
  });

  test(`placementGroup.wait(${timeout}) waits for the group to be reserved instead of timing out`, async () => {
    const ref = await heldTask("pg"); // takes one of the two CPUs: the group cannot be reserved yet
    const pg = ray.placementGroup([{ CPU: 2 }]);
    try {
      const long = watch(pg.wait(timeout));
      assert.is(await pg.wait(0.05), false);
      assert.not.ok(long.settled(), "the long wait is still waiting");
      signals.release("pg");
      await ray.get(ref);
      assert.is(await long.promise, true);
    } finally {
      ray.removePlacementGroup(pg); // a group left reserved would hold both CPUs
    }
  });
}

test.run();
