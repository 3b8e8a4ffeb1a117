import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { add, context, remoteFib } from "./remote-fns/basic.js";
import { addViaChild, putInside, waitInside } from "./remote-fns/nested.js";

// One CPU: a task blocked in ray.get must lend it to its children.
test.before(async () => {
  await ray.init({ numCpus: 1, namespace: "nested-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

test("a task can submit a task and get its result", async () => {
  assert.is(await ray.get(addViaChild.remote(2, 3)), 5);
});

test("recursive tasks complete on numCpus 1 because a blocked task lends its CPU", async () => {
  assert.is(await ray.get(remoteFib.remote(10)), 55);
});

test("ray.put inside a task returns a ref the driver can get", async () => {
  const inner = await ray.get(putInside.remote(4));
  assert.is(await ray.get(inner), 12);
});

test("ray.wait works inside a task", async () => {
  assert.is(await ray.get(waitInside.remote(5)), 5);
});

test("getRuntimeContext inside a task names the job, node, worker, task and namespace", async () => {
  const driver = ray.getRuntimeContext();
  const inTask = await ray.get(context.remote());
  assert.is(inTask.jobId, driver.jobId);
  assert.is(inTask.nodeId, driver.nodeId);
  assert.is(inTask.namespace, "nested-suite");
  assert.is.not(inTask.workerId, driver.workerId);
  assert.type(inTask.taskId, "string");
  assert.is(inTask.actorId, undefined);
  assert.is(driver.taskId, undefined);
});

test("a task waiting for its arguments does not hold the only CPU", async () => {
  // The dependent task is submitted first; the task it depends on still gets the CPU.
  const a = add.remote(1, 2);
  const dependent = add.remote(a, 10);
  assert.is(await ray.get(dependent), 13);
});

test.run();
