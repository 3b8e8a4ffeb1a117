// Ids are unique across the cluster's drivers and name their owner (issue 10): every id carries the
// job of the driver that minted it (a random id per ray.init()) and the worker that minted it, and
// an ObjectRef tells its owner from its id.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { add, makeRef } from "./remote-fns/basic.js";
import { runNode } from "./child-process.js";

test.before(async () => {
  await ray.init({ numCpus: 1 });
});
test.after(async () => {
  await ray.shutdown();
});

test("a ref put by the driver is owned by the driver of this job", () => {
  const ref = ray.put(1);
  assert.equal(ref.owner, { jobId: ray.getRuntimeContext().jobId, workerId: "driver" });
  assert.ok(ref.id.startsWith(`${ray.getRuntimeContext().jobId}.`), ref.id);
});

test("a task's result is owned by the driver that submitted it", async () => {
  const ref = add.remote(1, 2);
  assert.is(ref.owner?.workerId, "driver");
  assert.is(await ray.get(ref), 3);
});

test("a ref put inside a task is owned by that task's worker thread, in the same job", async () => {
  const inner = await ray.get(makeRef.remote(5));
  const owner = inner.owner;
  assert.ok(owner !== undefined);
  assert.is(owner.jobId, ray.getRuntimeContext().jobId);
  assert.match(owner.workerId, /^w\d+$/);
  assert.is(await ray.get(inner), 5);
});

test("a ref with an id tsray did not mint has no owner", () => {
  assert.is(new ray.ObjectRef("not-a-tsray-id").owner, undefined);
});

test("two drivers mint disjoint ids: each id names its own job", async () => {
  const program = `
    import * as ray from "tsray";
    await ray.init({ numCpus: 1 });
    console.log(JSON.stringify({ id: ray.put(1).id, job: ray.getRuntimeContext().jobId }));
    await ray.shutdown();`;
  const runs = await Promise.all([0, 1].map(() => runNode(["--input-type=module", "-e", program], 60, process.cwd())));
  const [a, b] = runs.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as { id: string; job: string });
  assert.is.not(a!.job, b!.job);
  assert.is.not(a!.id, b!.id);
  assert.ok(a!.id.startsWith(`${a!.job}.`) && b!.id.startsWith(`${b!.job}.`));
});

test.run();
