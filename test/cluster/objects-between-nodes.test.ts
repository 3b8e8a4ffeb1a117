// Objects between the nodes of an in-process cluster: a large result made by a task on node B
// stays in B's object store (its owner, the driver, records only where it is) and is pulled to
// node A, in chunks over the object-transfer connection, when a task on A or the driver needs it;
// once per node however many need it. Pull counts are read from the nodes' store statistics.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { Checker, checkArray, checkNested, makeArray } from "./remote-fns/objects.js";
import { rejection } from "../runtime/helpers.js";
import { installCore, resourceCluster } from "./in-process-runtime.js";

const driver = resourceCluster("objects-between-nodes", ["onlyOnA", "onlyOnB"]);
const [nodeA, nodeB] = [...driver.objects!.stores.keys()] as [string, string];
const storeA = driver.objects!.stores.get(nodeA)!;
const storeB = driver.objects!.stores.get(nodeB)!;

test.after(async () => {
  installCore(undefined);
  await driver.shutdown();
});

const onA = checkArray.options({ resources: { onlyOnA: 1 } });
const onB = checkArray.options({ resources: { onlyOnB: 1 } });
const makeOnB = makeArray.options({ resources: { onlyOnB: 1 } });

/** A result held by B's store alone, once its task is done. */
async function madeOnB(length: number, seed: number): Promise<ray.ObjectRef<Float64Array>> {
  const ref = makeOnB.remote(length, seed);
  await ray.wait([ref], { numReturns: 1 });
  return ref;
}

test("a large result made on node B stays in B's store; node A holds no copy of it", async () => {
  const ref = await madeOnB(50_000, 3); // 400 KB, over the inline threshold
  assert.ok(storeB.get(ref.id) !== undefined, "B holds it");
  assert.is(storeA.get(ref.id), undefined, "A does not, until something there needs it");
});

test("a small result made on node B goes to its owner inline, with no copy kept on B", async () => {
  const ref = await madeOnB(100, 3);
  assert.is(storeB.get(ref.id), undefined);
  assert.equal(await ray.get(ref), new Float64Array(100).map((_, i) => (i % 1000) * 3 + i));
});

test("a large array made on node B is pulled to node A for a task there and arrives intact", async () => {
  const before = storeA.stats().pulls;
  const ref = await madeOnB(200_000, 5); // 1.6 MB: two 1 MiB chunks
  const checked = await ray.get(onA.remote(ref, 5));
  assert.equal(checked, { nodeId: nodeA, length: 200_000, intact: true });
  assert.is(storeA.stats().pulls - before, 1);
});

test("a 64 MB array made on node B reaches a task on node A intact", async () => {
  const length = 8 * 1024 * 1024; // 64 MiB of float64
  const ref = await madeOnB(length, 7);
  const chunksBefore = storeA.stats().transfer.chunksReceived;
  const checked = await ray.get(onA.remote(ref, 7));
  assert.equal(checked, { nodeId: nodeA, length, intact: true });
  assert.ok(storeA.stats().transfer.chunksReceived - chunksBefore >= 64, "it crossed in 1 MiB chunks");
  assert.ok(storeB.stats().transfer.maxUnacked <= 8, "with at most 8 chunks in flight");
});

test("several tasks on node A needing the same object from B pull it once", async () => {
  const ref = await madeOnB(150_000, 11);
  const pulls = storeA.stats().pulls;
  const served = storeB.stats().transfer.pullsServed;
  const checked = await ray.get(Array.from({ length: 4 }, () => onA.remote(ref, 11)));
  for (const c of checked) assert.equal(c, { nodeId: nodeA, length: 150_000, intact: true });
  assert.is(storeA.stats().pulls - pulls, 1);
  assert.is(storeB.stats().transfer.pullsServed - served, 1);
});

test("a task on node B reads an object B holds without any transfer", async () => {
  const ref = await madeOnB(150_000, 13);
  const pullsB = storeB.stats().pulls;
  const servedB = storeB.stats().transfer.pullsServed;
  assert.equal(await ray.get(onB.remote(ref, 13)), { nodeId: nodeB, length: 150_000, intact: true });
  assert.is(storeB.stats().pulls, pullsB);
  assert.is(storeB.stats().transfer.pullsServed, servedB);
});

test("ray.get in the driver of an object held only on node B pulls it to A once", async () => {
  const ref = await madeOnB(300_000, 17);
  const before = storeA.stats().pulls;
  const [first, second] = await Promise.all([ray.get(ref), ray.get(ref)]);
  const expected = new Float64Array(300_000).map((_, i) => (i % 1000) * 17 + i);
  assert.equal(first, expected);
  assert.equal(second, expected);
  assert.equal(await ray.get(ref), expected);
  assert.is(storeA.stats().pulls - before, 1);
});

test("a task on node A that gets a nested ref of an object held on B receives it intact", async () => {
  const ref = await madeOnB(150_000, 47);
  const checked = await ray.get(checkNested.options({ resources: { onlyOnA: 1 } }).remote({ ref }, 47));
  assert.equal(checked, { nodeId: nodeA, length: 150_000, intact: true });
});

test("a large array the driver puts is pulled to node B for tasks there, once", async () => {
  const expected = new Float64Array(150_000).map((_, i) => (i % 1000) * 53 + i);
  const ref = ray.put(expected);
  const pulls = storeB.stats().pulls;
  const served = storeA.stats().transfer.pullsServed;
  const checked = await ray.get([onB.remote(ref, 53), onB.remote(ref, 53)]);
  for (const c of checked) assert.equal(c, { nodeId: nodeB, length: 150_000, intact: true });
  assert.is(storeB.stats().pulls - pulls, 1);
  assert.is(storeA.stats().transfer.pullsServed - served, 1, "served from the owner's store on A");
});

test("a task on node A with a large argument the driver put takes it without a transfer", async () => {
  const ref = ray.put(new Float64Array(150_000).map((_, i) => (i % 1000) * 59 + i));
  const pulls = storeA.stats().pulls;
  assert.equal(await ray.get(onA.remote(ref, 59)), { nodeId: nodeA, length: 150_000, intact: true });
  assert.is(storeA.stats().pulls, pulls);
});

test("a task on node B that gets a nested ref of an object held on B reads B's copy, without a transfer", async () => {
  const ref = await madeOnB(150_000, 61);
  const pulls = [storeA.stats().pulls, storeB.stats().pulls];
  const checked = await ray.get(checkNested.options({ resources: { onlyOnB: 1 } }).remote({ ref }, 61));
  assert.equal(checked, { nodeId: nodeB, length: 150_000, intact: true });
  assert.equal([storeA.stats().pulls, storeB.stats().pulls], pulls);
});

test("an actor gets objects held on node B as its constructor's and its calls' arguments", async () => {
  const first = await madeOnB(150_000, 73);
  const second = await madeOnB(160_000, 79);
  const checker = Checker.remote(first);
  assert.is(await ray.get(checker.firstLength.remote()), 150_000);
  assert.is(await ray.get(checker.check.remote(second, 79)), true);
});

test("an actor on node B gets an object B holds without any transfer", async () => {
  const ref = await madeOnB(150_000, 83);
  const checker = Checker.options({ numCpus: 0, resources: { onlyOnB: 1 } }).remote(new Float64Array(1));
  const [pullsA, pullsB, servedB] = [storeA.stats().pulls, storeB.stats().pulls, storeB.stats().transfer.pullsServed];
  assert.equal(await ray.get(checker.checkNested.remote({ ref }, 83)), { nodeId: nodeB, length: 150_000, intact: true });
  assert.equal([storeA.stats().pulls, storeB.stats().pulls, storeB.stats().transfer.pullsServed], [pullsA, pullsB, servedB]);
  ray.kill(checker);
});

test("ray.wait counts an object held on another node as ready without pulling it", async () => {
  const ref = await madeOnB(150_000, 19);
  const before = storeA.stats().pulls;
  const [ready] = await ray.wait([ref], { numReturns: 1, timeout: 0 });
  assert.is(ready.length, 1);
  assert.is(storeA.stats().pulls, before);
});

test("a get of an object node B no longer holds rejects with ObjectLostError", async () => {
  const ref = await madeOnB(150_000, 23);
  storeB.free(ref.id); // B lost its only copy
  const error = await rejection(ray.get(ref), ray.ObjectLostError);
  assert.is(error.objectId, ref.id);
  assert.match(error.message, new RegExp(`node ${nodeB}`));
});

test("a task on node A whose argument node B no longer holds fails with ObjectLostError as its cause", async () => {
  const ref = await madeOnB(150_000, 29);
  storeB.free(ref.id);
  const error = await rejection(ray.get(onA.remote(ref, 29)), ray.TaskError);
  assert.instance(error.cause, ray.ObjectLostError);
  // Node A's worker is fine: the next task there runs.
  const other = await madeOnB(150_000, 31);
  assert.equal(await ray.get(onA.remote(other, 31)), { nodeId: nodeA, length: 150_000, intact: true });
});

test("ray.free frees the copies of an object on every node", async () => {
  const ref = await madeOnB(150_000, 43);
  await ray.get(ref); // now on A too
  assert.ok(storeA.get(ref.id) !== undefined && storeB.get(ref.id) !== undefined);
  ray.free(ref);
  await new Promise((r) => setImmediate(r));
  assert.is(storeA.get(ref.id), undefined);
  assert.is(storeB.get(ref.id), undefined);
  await rejection(ray.get(ref), ray.ObjectFreedError);
});

// Last: it cuts node A off from node B for good.
test("when node B is gone, a pull in progress and later gets reject with ObjectLostError, nothing hangs", async () => {
  const big = await madeOnB(4 * 1024 * 1024, 37); // 32 MiB: many chunks, still crossing when B goes
  const pending = ray.get(big);
  const link = storeA.transferTo(nodeB)!.connection as unknown as { destroy(error?: Error): void };
  link.destroy(new Error("node B died"));
  await rejection(pending, ray.ObjectLostError);
  const other = await madeOnB(150_000, 41);
  await rejection(ray.get(other), ray.ObjectLostError);
  assert.is(storeA.transferTo(nodeB)!.pending, 0);
});

test.run();
