import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { add, addAsync, bigArray, byteLength, echo, isRef, makeRef, pair, rendezvous, sumNested, waitForFile, writeFirstReadSecond } from "./remote-fns/basic.js";

test.before(async () => {
  await ray.init({ numCpus: 2 });
});
test.after(async () => {
  await ray.shutdown();
});

test("a remote function returns an ObjectRef at once and ray.get gives its value", async () => {
  const ref = add.remote(1, 2);
  assert.instance(ref, ray.ObjectRef);
  assert.is(await ray.get(ref), 3);
});

test("a remote function stays callable locally", () => {
  assert.is(add(2, 3), 5);
});

test("async remote functions are awaited", async () => {
  assert.is(await ray.get(addAsync.remote(4, 5)), 9);
});

test("a top-level ObjectRef argument is resolved to its value before the task runs", async () => {
  const a = add.remote(1, 1);
  const b = ray.put(10);
  assert.is(await ray.get(add.remote(a, b)), 12);
});

test("refs nested inside arguments are passed as refs", async () => {
  assert.is(await ray.get(isRef.remote({ ref: ray.put(1) })), true);
  assert.is(await ray.get(sumNested.remote({ refs: [ray.put(1), add.remote(2, 3)] })), 6);
});

test("a task may return a ref, which ray.get returns as a ref", async () => {
  const inner = await ray.get(makeRef.remote(7));
  assert.instance(inner, ray.ObjectRef);
  assert.is(await ray.get(inner), 7);
});

test("numReturns above 1 returns one ref per returned element", async () => {
  const [a, b] = pair.options({ numReturns: 2 }).remote(21);
  assert.is(await ray.get(a), 42);
  assert.is(await ray.get(b), "n21");
});

test("per-call options do not change the function's defaults", async () => {
  const ref = add.options({ numCpus: 1, name: "adder" }).remote(1, 2);
  assert.is(await ray.get(ref), 3);
  assert.instance(add.remote(1, 2), ray.ObjectRef);
});

test("values of many kinds round-trip through a task", async () => {
  const value = {
    map: new Map([[1, "a"]]),
    set: new Set([1, 2]),
    date: new Date(0),
    big: 10n ** 20n,
    bytes: new Uint8Array([1, 2, 3]),
    nothing: undefined,
  };
  const back = await ray.get(echo.remote(value));
  assert.equal(back, value);
});

test("large typed arrays pass into and out of tasks", async () => {
  const n = 1 << 17;
  assert.is(await ray.get(byteLength.remote(new Float64Array(n))), n * 8);
  const out = await ray.get(bigArray.remote(n));
  assert.is(out.length, n);
  assert.is(out[n - 1], 1.5);
});

// Objects the driver puts are shared views instead (test/runtime/large-objects.test.ts).
test("one large task result passed twice arrives as two independent values", async () => {
  const ref = bigArray.remote(1 << 14);
  assert.is(await ray.get(writeFirstReadSecond.remote(ref, ref)), 1.5);
  assert.is((await ray.get(ref))[0], 1.5, "the stored object is unchanged");
});

test("numCpus tasks run at the same time on the pool", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsray-rendezvous-"));
  // Each finishes only once the other has started; the timeout only turns a hang into a failure.
  const both = [rendezvous.remote(dir, "a", "b"), rendezvous.remote(dir, "b", "a")];
  assert.equal(await ray.get(both, { timeout: 60 }), ["a", "b"]);
});

test("tasks queued behind a long task move to a CPU that went idle", async () => {
  const gate = join(mkdtempSync(join(tmpdir(), "tsray-steal-")), "gate");
  const warm = [add.remote(0, 0), add.remote(0, 0)];
  const long = waitForFile.remote(gate, 1);
  const short = Array.from({ length: 6 }, (_, i) => add.remote(i, 1));
  await ray.get(warm);
  // The timeout only turns "stuck behind the long task" into a failure instead of a hang.
  assert.equal(await ray.get(short, { timeout: 60 }), [1, 2, 3, 4, 5, 6]);
  writeFileSync(gate, "");
  assert.is(await ray.get(long), 1);
});

test("many tasks complete", async () => {
  const refs = Array.from({ length: 500 }, (_, i) => add.remote(i, 1));
  const values = await ray.get(refs);
  assert.is(values.length, 500);
  assert.is(values[499], 500);
});

test("calls of different functions sent to the same threads each run their own function", async () => {
  const refs: ray.ObjectRef<unknown>[] = [];
  for (let i = 0; i < 20; i++) refs.push(i % 2 === 0 ? add.remote(i, 1) : echo.remote(`e${i}`));
  assert.equal(await ray.get(refs), refs.map((_, i) => (i % 2 === 0 ? i + 1 : `e${i}`)));
});

test.run();
