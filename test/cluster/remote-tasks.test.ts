// Tasks and objects on node processes over ws (issue 11): a driver in this process joins a cluster
// of real `tsray` processes with numCpus: 0, so every task it submits runs on a node process,
// leased through the node protocol; its arguments and results cross both ways.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { rejection } from "../runtime/helpers.js";
import { joinHeadAndWorker, leaveAndStop } from "./driver-on-two-nodes.js";
import { isSeededArray, seededArray } from "./remote-fns/array-pattern.js";
import { fails, hangs, holdsUntilFile, makeArray, slowWhere, sumWhere, whereAmI } from "./remote-fns/remote-tasks.js";

const TOKEN = "remote-tasks-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("tasks on node processes over ws");

t.before(async () => {
  ({ head, worker } = await joinHeadAndWorker(cluster, TOKEN, "remote-tasks", ["--num-cpus", "1", "--resources", '{"special":1}']));
});

t.after(() => leaveAndStop(cluster));

function intact(a: Float64Array, length: number, seed: number): boolean {
  return a.length === length && isSeededArray(a, seed);
}

t("a task that needs a resource only the worker node has runs on that node", async () => {
  const nodeId = await ray.get(whereAmI.options({ resources: { special: 1 } }).remote());
  assert.is(nodeId, worker.nodeId);
});

t("a task with no room on the driver's node (numCpus: 0) runs on a node process", async () => {
  const nodeId = await ray.get(whereAmI.remote());
  assert.ok([head.nodeId, worker.nodeId].includes(nodeId), nodeId);
});

t("hard node affinity to the worker node runs the task there, and to the head there", async () => {
  const [onWorker, onHead] = await ray.get([
    whereAmI.options({ schedulingStrategy: { nodeId: worker.nodeId!, soft: false } }).remote(),
    whereAmI.options({ schedulingStrategy: { nodeId: head.nodeId!, soft: false } }).remote(),
  ]);
  assert.is(onWorker, worker.nodeId);
  assert.is(onHead, head.nodeId);
});

t("SPREAD over the head and the worker node uses both", async () => {
  // Both nodes' CPUs free in the driver's view first: a node reports its resources with its
  // heartbeats (every second), and SPREAD skips a node the view still shows busy from the last test.
  await until(() => ray.availableResources()["CPU"] === 2, "both nodes' CPUs free in the driver's view", 20_000, 50);
  const refs = Array.from({ length: 4 }, () => slowWhere.options({ schedulingStrategy: "SPREAD" }).remote(200));
  const nodes = new Set(await ray.get(refs));
  assert.equal([...nodes].sort(), [head.nodeId, worker.nodeId].sort());
});

t("SPREAD uses both nodes even while the worker node's last report still shows it busy", async () => {
  const gate = join(mkdtempSync(join(tmpdir(), "tsray-spread-")), "gate");
  const held = holdsUntilFile.options({ resources: { special: 1 } }).remote(gate);
  await until(() => ray.availableResources()["special"] === undefined, "a report of the worker node busy", 20_000, 20);
  writeFileSync(gate, "");
  assert.is(await ray.get(held), worker.nodeId);
  // The worker node is free now, but the driver's view of it is its last report (busy) for up to a heartbeat.
  const refs = Array.from({ length: 4 }, () => slowWhere.options({ schedulingStrategy: "SPREAD" }).remote(200));
  const nodes = new Set(await ray.get(refs));
  assert.equal([...nodes].sort(), [head.nodeId, worker.nodeId].sort());
});

t("small arguments and results cross to the worker node and back intact", async () => {
  const out = await ray.get(sumWhere.options({ resources: { special: 1 } }).remote(new Float64Array([1, 2, 3.5])));
  assert.equal(out, { nodeId: worker.nodeId, length: 3, sum: 6.5 });
});

t("a 64 MiB typed array put by the driver is pulled by the worker node intact", async () => {
  const length = 8 * 1024 * 1024; // 64 MiB of float64
  const ref = ray.put(seededArray(length, 3));
  const out = await ray.get(sumWhere.options({ resources: { special: 1 } }).remote(ref));
  let sum = 0;
  const a = seededArray(length, 3);
  for (let i = 0; i < length; i++) sum += a[i]!;
  assert.equal(out, { nodeId: worker.nodeId, length, sum });
});

t("a 64 MiB result made on the worker node reaches the driver's get intact", async () => {
  const length = 8 * 1024 * 1024;
  const a = await ray.get(makeArray.options({ resources: { special: 1 } }).remote(length, 7));
  assert.ok(intact(a, length, 7));
});

t("a task that throws on the worker node fails its ref with the error", async () => {
  try {
    await ray.get(fails.options({ resources: { special: 1 } }).remote("on purpose"));
    assert.unreachable("it should have failed");
  } catch (e) {
    assert.instance(e, ray.TaskError);
    assert.match((e as Error).message, /on purpose/);
  }
});

t("a task no node can fit waits as infeasible and runs by itself once a node that fits joins", async () => {
  const ref = whereAmI.options({ resources: { late: 1 } }).remote();
  const [ready] = await ray.wait([ref], { numReturns: 1, timeout: 0.5 });
  assert.equal(ready, [], "no node has `late` yet");
  const late = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"late":1}', "--token", TOKEN]);
  assert.is(await ray.get(ref), late.nodeId);
  process.kill(late.pid, "SIGTERM");
});

t("a killed node's running task is rerun on another node with maxRetries: 1, and fails with NodeDiedError with maxRetries: 0", async () => {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"victim":1}', "--token", TOKEN]);
  await until(() => ray.nodes().some((n) => n.nodeId === victim.nodeId && n.alive), "the victim node in the driver's node table");
  // Its first resource report is in (else its resources would be missing from the view, as if used).
  await until(() => ray.availableResources()["victim"] === 1 && ray.availableResources()["CPU"] === 4, "the victim node's first report", 20_000, 50);
  // Soft affinity: on the victim while it lives; the retried task may run anywhere after.
  const onVictim = { schedulingStrategy: { nodeId: victim.nodeId!, soft: true } };
  const retried = hangs.options({ ...onVictim, maxRetries: 1 }).remote("retried");
  const lost = hangs.options({ ...onVictim, maxRetries: 0, resources: { victim: 1 } }).remote("lost");
  // Both run on the victim (its heartbeats report its 2 CPUs and its resource used; the other nodes are idle).
  const running = () => !("victim" in ray.availableResources()) && ray.availableResources()["CPU"] === 2;
  await until(running, "both tasks running on the victim node", 20_000, 50);
  process.kill(victim.pid, "SIGKILL");
  try {
    await ray.get(lost);
    assert.unreachable("it should have failed");
  } catch (e) {
    assert.instance(e, ray.NodeDiedError);
    assert.is((e as ray.NodeDiedError).code, "TSRAY_NODE_DIED");
    assert.match((e as Error).message, /maxRetries 0/);
  }
  const reran = await ray.get(retried);
  assert.ok([head.nodeId, worker.nodeId].includes(reran), reran);
});

t("an object held only on a killed node fails the driver's get with ObjectLostError; hard affinity to that node then fails at once", async () => {
  const doomed = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"doomed":1}', "--token", TOKEN]);
  await until(() => ray.nodes().some((n) => n.nodeId === doomed.nodeId && n.alive), "the doomed node in the driver's node table");
  const ref = makeArray.options({ resources: { doomed: 1 } }).remote(64 * 1024, 1); // 512 KiB: kept on the node
  await ray.wait([ref], { numReturns: 1 });
  process.kill(doomed.pid, "SIGKILL");
  await until(() => ray.nodes().some((n) => n.nodeId === doomed.nodeId && !n.alive), "the doomed node marked dead");
  try {
    await ray.get(ref);
    assert.unreachable("it should have failed");
  } catch (e) {
    assert.instance(e, ray.ObjectLostError);
  }
  // A node id never comes back: hard affinity to the dead node fails at once, soft runs elsewhere.
  const pinned = whereAmI.options({ schedulingStrategy: { nodeId: doomed.nodeId!, soft: false } }).remote();
  await rejection(ray.get(pinned), ray.TaskUnschedulableError);
  const soft = await ray.get(whereAmI.options({ schedulingStrategy: { nodeId: doomed.nodeId!, soft: true } }).remote());
  assert.ok([head.nodeId, worker.nodeId].includes(soft), soft);
});

t.run();
