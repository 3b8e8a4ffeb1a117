// A ref kept from before `ray.shutdown()` is refused at once in a later `ray.init()` session
// (its owner, the earlier runtime, is gone): before, get/wait waited forever and a task given
// it never ran.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { rejection, thrown } from "./helpers.js";
import { add, makeRef, sumNested } from "./remote-fns/basic.js";
import { Counter } from "./remote-fns/actors.js";

/** Refs made in the first session: by the driver's put, as a task's result, and by a put in a worker thread. */
let put: ray.ObjectRef<number>;
let result: ray.ObjectRef<number>;
let workerPut: ray.ObjectRef<number>;

test.before(async () => {
  await ray.init({ numCpus: 1 });
  put = ray.put(1);
  result = add.remote(1, 2);
  await ray.get(result);
  workerPut = await ray.get(makeRef.remote(3));
  await ray.shutdown();
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

test("get of a ref from an earlier session rejects at once with OwnerDiedError", async () => {
  const error = await rejection(ray.get(put), ray.OwnerDiedError);
  assert.instance(error, ray.ObjectLostError);
  assert.is(error.code, "TSRAY_OWNER_DIED");
  assert.is(error.objectId, put.id);
  assert.match(error.message, "earlier ray.init() session");
});

test("task results and refs put by worker threads of an earlier session are refused the same way", async () => {
  await rejection(ray.get(result), ray.OwnerDiedError);
  await rejection(ray.get(workerPut), ray.OwnerDiedError);
});

test("get of a list holding a ref from an earlier session rejects with OwnerDiedError", async () => {
  await rejection(ray.get([ray.put(5), put]), ray.OwnerDiedError);
});

test("wait counts a ref from an earlier session as ready, so get then shows the error", async () => {
  const [ready, notReady] = await ray.wait([put, result], { numReturns: 2 });
  assert.equal([ready, notReady], [[put, result], []]);
});

test("a task given a ref from an earlier session as an argument is refused at submission", async () => {
  const error = thrown(() => add.remote(put, 1), ray.OwnerDiedError);
  assert.match(error.message, "Argument 0 of add");
});

test("an actor call given a ref from an earlier session is refused at submission", async () => {
  const counter = Counter.remote(10);
  thrown(() => counter.increment.remote(put), ray.OwnerDiedError);
  assert.is(await ray.get(counter.increment.remote(1)), 1);
});

test("a task that gets a ref of an earlier session nested in its argument fails with OwnerDiedError as the cause", async () => {
  const error = await rejection(ray.get(sumNested.remote({ refs: [put] })), ray.TaskError);
  assert.instance(error.cause, ray.OwnerDiedError);
  assert.is((error.cause as ray.OwnerDiedError).code, "TSRAY_OWNER_DIED");
});

test("cancel of a ref from an earlier session throws InvalidArgumentError", () => {
  const error = thrown(() => ray.cancel(result), ray.InvalidArgumentError);
  assert.match(error.message, "earlier ray.init() session");
});

test.run();
