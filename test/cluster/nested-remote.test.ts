// Nested tasks on node processes over ws (issue 11): a task running on a node process submits
// tasks and creates objects there; that node's runtime owns them (Ray's ownership model), and any
// process that holds one of its refs asks it, by the owner address in the ref. A driver in this
// process joins real `tsray` processes with numCpus: 0.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { forwardsNested, makesRefs, parentOfChildren, putsHere, returnsHangingChild, spillsChild, sumsNested, total } from "./remote-fns/nested-remote.js";
import { leaveAndStop } from "./driver-on-two-nodes.js";
import { seededArray } from "./remote-fns/array-pattern.js";

const TOKEN = "nested-remote-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("nested tasks and ownership on node processes");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--resources", '{"onhead":1}', "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"special":1}', "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "nested-remote" });
});

t.after(() => leaveAndStop(cluster));

function sum(a: Float64Array): number {
  return a.reduce((s, x) => s + x, 0);
}

/** Fails after `ms` with what was being waited for, so a hang reads as a failure. */
function within<T>(p: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer!: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

t("a task on a worker node submits child tasks and gets their results", async () => {
  const nodes = await within(ray.get(parentOfChildren.options({ resources: { special: 1 } }).remote(3)), "the parent's result");
  assert.is(nodes.length, 4);
  assert.is(nodes[0], worker.nodeId);
});

t("refs a task on a worker node created and returned are got by the driver", async () => {
  for (const length of [10, 64 * 1024]) {
    const refs = await within(ray.get(makesRefs.options({ resources: { special: 1 } }).remote(length)), "the refs");
    // Owned by the worker node's runtime (its job), not by the driver.
    for (const ref of refs) assert.is.not(ref.owner?.jobId, ray.getRuntimeContext().jobId);
    const [put, child] = await within(ray.get(refs), `the values of length ${length}`);
    assert.equal(put, seededArray(length, 2));
    assert.equal(child, seededArray(length, 3));
  }
});

t("ray.wait in the driver counts refs a worker node owns as ready once their owner has them", async () => {
  const refs = await within(ray.get(makesRefs.options({ resources: { special: 1 } }).remote(10)), "the refs");
  const [ready, notReady] = await within(ray.wait(refs, { numReturns: 2 }), "the wait");
  assert.is(ready.length, 2);
  assert.is(notReady.length, 0);
});

t("refs a worker node owns, passed by the driver as top-level arguments, reach tasks on the head", async () => {
  const length = 64 * 1024;
  const refs = await within(ray.get(makesRefs.options({ resources: { special: 1 } }).remote(length)), "the refs");
  const sums = await within(ray.get(refs.map((ref) => total.options({ resources: { onhead: 0.5 } }).remote(ref))), "the sums");
  assert.equal(sums, [
    { nodeId: head.nodeId, sum: sum(seededArray(length, 2)) },
    { nodeId: head.nodeId, sum: sum(seededArray(length, 3)) },
  ]);
});

t("a large object a new worker node owns is pulled by the head, which connects to that node to pull it", async () => {
  const third = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"third":1}', "--token", TOKEN]);
  await until(() => ray.availableResources()["third"] === 1, "the third node's first report", 20_000, 50);
  const length = 64 * 1024;
  const [ref] = await within(ray.get(putsHere.options({ resources: { third: 1 } }).remote(length)), "the ref");
  const out = await within(ray.get(total.options({ resources: { onhead: 0.5 } }).remote(ref!)), "the sum");
  assert.equal(out, { nodeId: head.nodeId, sum: sum(seededArray(length, 6)) });
});

t("a task on a worker node gets driver-owned refs nested in its argument", async () => {
  const small = seededArray(10, 4);
  const large = seededArray(64 * 1024, 5);
  const sums = await within(ray.get(sumsNested.options({ resources: { special: 1 } }).remote([ray.put(small), ray.put(large)])), "the sums");
  assert.equal(sums, [sum(small), sum(large)]);
});

t("driver-owned refs handed on by a task reach a node the driver never used, which asks the driver", async () => {
  const fourth = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"fourth":1}', "--token", TOKEN]);
  await until(() => ray.availableResources()["fourth"] === 1, "the fourth node's first report", 20_000, 50);
  const small = seededArray(10, 7);
  const large = seededArray(64 * 1024, 8);
  const sums = await within(ray.get(forwardsNested.options({ resources: { special: 1 } }).remote([ray.put(small), ray.put(large)], "fourth")), "the sums");
  assert.equal(sums, [sum(small), sum(large)]);
  void fourth;
});

t("a task on the head gets refs a worker node owns, nested in its argument, from that node", async () => {
  const length = 64 * 1024;
  const refs = await within(ray.get(makesRefs.options({ resources: { special: 1 } }).remote(length)), "the refs");
  const sums = await within(ray.get(sumsNested.options({ resources: { onhead: 0.5 } }).remote(refs)), "the sums");
  assert.equal(sums, [sum(seededArray(length, 2)), sum(seededArray(length, 3))]);
});

t("a task on a worker node submits a child that only the head can run, and it runs there", async () => {
  const out = await within(ray.get(spillsChild.options({ resources: { special: 1 } }).remote("onhead")), "the child's node");
  assert.equal(out, { parent: worker.nodeId, child: head.nodeId });
});

t("a task on the head submits a child that only the worker node can run, and it runs there", async () => {
  const out = await within(ray.get(spillsChild.options({ resources: { onhead: 0.5 } }).remote("special")), "the child's node");
  assert.equal(out, { parent: head.nodeId, child: worker.nodeId });
});

t("a driver's get of a ref owned by a node process fails with OwnerDiedError when that node is killed", async () => {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"victim":2}', "--token", TOKEN]);
  await until(() => ray.availableResources()["victim"] === 2, "the victim node's first report", 20_000, 50);
  // The parent returns its child's ref at once; the child (owned by the victim's runtime) runs on there.
  const [child] = await within(ray.get(returnsHangingChild.options({ resources: { victim: 1 } }).remote("victim")), "the child's ref");
  await until(() => ray.availableResources()["victim"] === 1, "the child running on the victim", 20_000, 50);
  const got = ray.get(child!);
  process.kill(victim.pid, "SIGKILL");
  try {
    await within(got, "the get of the child's value");
    assert.unreachable("it should have failed");
  } catch (e) {
    assert.instance(e, ray.OwnerDiedError);
    assert.is((e as ray.OwnerDiedError).code, "TSRAY_OWNER_DIED");
  }
});

t.run();
