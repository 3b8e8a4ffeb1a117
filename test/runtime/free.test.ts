// ray.free: objects freed before their refs are collected; a later get rejects with
// ObjectFreedError (an ObjectLostError), from the driver and from a task.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { addAsync } from "./remote-fns/basic.js";
import { putFreeGet } from "./remote-fns/free.js";
import { rejection, thrown } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 1 });
});

test.after(async () => {
  await ray.shutdown();
});

test("a get of a freed object rejects with ObjectFreedError, which is an ObjectLostError", async () => {
  const ref = ray.put({ a: 1 });
  assert.equal(await ray.get(ref), { a: 1 });
  ray.free(ref);
  const error = await rejection(ray.get(ref), ray.ObjectFreedError);
  assert.instance(error, ray.ObjectLostError);
  assert.is(error.code, "TSRAY_OBJECT_FREED");
  assert.is(error.objectId, ref.id);
});

test("a large put is freed as well (its shared memory goes back to the pool)", async () => {
  const ref = ray.put(new Float64Array(1 << 20));
  ray.free([ref]);
  await rejection(ray.get(ref), ray.ObjectFreedError);
});

test("a task result freed while it is still being computed is freed once it is ready", async () => {
  const ref = addAsync.remote(1, 2);
  ray.free(ref);
  await rejection(ray.get(ref), ray.ObjectFreedError);
});

test("ray.free in a task frees the object: the task's own get rejects with ObjectFreedError", async () => {
  assert.is(await ray.get(putFreeGet.remote()), "ObjectFreedError");
});

test("ray.free refuses what is not a ref", () => {
  thrown(() => ray.free([1 as unknown as ray.ObjectRef]), ray.InvalidArgumentError);
});

test.run();
