// Large objects put by the driver: stored once in shared memory, read as views (docs/architecture.md, "Objects").
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { slabPoolStatus } from "tsray/internal/object-store";
import { writeFirstReadSecond } from "./remote-fns/basic.js";
import { summarize, summarizeNested } from "./remote-fns/large-objects.js";

const n = 1 << 17; // 1 MiB of float64
const ramp = () => Float64Array.from({ length: n }, (_, i) => i);
const rampSum = (n * (n - 1)) / 2;

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

test("a large put is stored in a slab of the driver's pool", () => {
  const before = slabPoolStatus()!;
  const ref = ray.put(ramp());
  const after = slabPoolStatus()!;
  assert.is(after.created + after.reused, before.created + before.reused + 1);
  assert.ok(ref);
});

test("a task given a large put object reads exactly its contents, as a view of shared memory", async () => {
  const summary = await ray.get(summarize.remote(ray.put(ramp())));
  assert.equal(summary, { length: n, sum: rampSum, shared: true });
});

test("a task reading a large object through ray.get in the worker sees exactly its contents", async () => {
  const ref = ray.put(ramp());
  assert.equal(await ray.get(summarizeNested.remote({ ref })), { length: n, sum: rampSum, shared: true });
});

test("the driver's get of a large put object is a view of shared memory with exactly its contents", async () => {
  const got = await ray.get(ray.put(ramp()));
  assert.ok(got.buffer instanceof SharedArrayBuffer);
  assert.is(got.length, n);
  assert.is(got[12345], 12345);
  assert.is(got[n - 1], n - 1);
});

test("changing the original array after the put does not change the stored object", async () => {
  const original = ramp();
  const ref = ray.put(original);
  original.fill(-1);
  assert.is((await ray.get(ref))[n - 1], n - 1);
  assert.is((await ray.get(summarize.remote(ref))).sum, rampSum);
});

test("readers of a large put object share its memory (so its binaries are read-only by contract)", async () => {
  const ref = ray.put(new Float64Array(n));
  // The task writes into its first argument and reads its second: both are views of the same slab.
  assert.is(await ray.get(writeFirstReadSecond.remote(ref, ref)), 42);
  assert.is((await ray.get(ref))[0], 42);
});

test("small values and binaries under 64 KiB are still copies", async () => {
  const ref = ray.put(new Float64Array(16).fill(3));
  const a = await ray.get(ref);
  a[0] = 9;
  assert.is((await ray.get(ref))[0], 3);
  assert.not.ok(a.buffer instanceof SharedArrayBuffer);
});

test.run();
