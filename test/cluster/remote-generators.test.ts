// Streaming generators on node processes over ws (issue 13, "works across nodes"): a driver in this
// process joins a cluster of real `tsray` processes with numCpus: 0, so every generator it calls runs
// on a node process; its values, backpressure acks and cancel travel over the node protocol
// (node/generator-wire.ts).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { joinHeadAndWorker, leaveAndStop } from "./driver-on-two-nodes.js";
import { rejection } from "../runtime/helpers.js";
import { cancelAfterFirst, consumeWithinBound, endsWhenKilled, errorAfterTwo, linesIn, scratchFiles, threeBigArrays, valuesOf } from "../runtime/generator-checks.js";
import { bigArrays, countSync, endless, failsAfterTwo, logged, nodeIds, sumInTask } from "../runtime/remote-fns/generators.js";
import { bigThenHangs, yieldsOnRetry } from "./remote-fns/remote-generators.js";

const TOKEN = "remote-generators-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;
/** Only the worker node has `special`: a generator asking for it runs there, in another process. */
const onWorker = { resources: { special: 1 } };

const freshFile = scratchFiles("tsray-remote-generators");

const t = suite("streaming generators on node processes over ws");

t.before(async () => {
  ({ head, worker } = await joinHeadAndWorker(cluster, TOKEN, "remote-generators", ["--num-cpus", "1", "--resources", '{"special":1}']));
});

t.after(() => leaveAndStop(cluster));

t("a generator on a node process streams each value to the driver", async () => {
  const gen = nodeIds.options(onWorker).remote(4);
  assert.equal(await valuesOf(gen), Array.from({ length: 4 }, () => worker.nodeId));
  assert.is(await ray.get(gen.completed()), 4);
});

t("generatorBackpressureNumObjects holds across the wire: the producer never runs more than the bound ahead", async () => {
  const log = freshFile("produced");
  const gen = logged.options({ ...onWorker, generatorBackpressureNumObjects: 2 }).remote(12, log);
  assert.is(await consumeWithinBound(gen, log, 2), 12);
  assert.is(linesIn(log), 12);
});

t("leaving the loop early lets a bounded generator on a node process run to its end", async () => {
  const gen = logged.options({ ...onWorker, generatorBackpressureNumObjects: 1 }).remote(8, freshFile("left"));
  for await (const ref of gen) {
    assert.is(await ray.get(ref), 0);
    break;
  }
  assert.is(await ray.get(gen.completed()), 8);
});

t("a task on a node process with one CPU consumes a generator it calls there (its wait lends the CPU)", async () => {
  assert.is(await ray.get(sumInTask.options(onWorker).remote(5)), 0 + 1 + 2 + 3 + 4);
});

t("an error in a generator on a node process arrives after the values yielded before it", async () => {
  await errorAfterTwo(failsAfterTwo.options(onWorker).remote());
});

t("large values yielded on a node process stay there and the driver's get pulls them", async () => {
  await threeBigArrays(bigArrays.options(onWorker).remote(3, 50_000));
});

t("cancelling a generator on a node process stops it there and ends the iteration with TaskCancelledError", async () => {
  const closed = freshFile("closed");
  await cancelAfterFirst(endless.options(onWorker).remote(closed), closed);
});

t("numReturns: N with a generator on a node process gives exactly N refs, and another count is a clear error", async () => {
  const refs = countSync.options({ ...onWorker, numReturns: 3 }).remote(3);
  assert.equal(await ray.get(refs), [0, 10, 20]);
  const wrong = countSync.options({ ...onWorker, numReturns: 3 }).remote(2);
  const e = await rejection(ray.get(wrong[0]), ray.TaskError);
  assert.match(e.message, /numReturns 3 but yielded 2 values/);
});

/** A node process of its own with resource `name` (killed in a test), once the driver sees its first report. */
async function startVictim(name: string): Promise<NodeRecord> {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", `{"${name}":1}`, "--token", TOKEN]);
  await until(() => ray.nodes().some((n) => n.nodeId === victim.nodeId && n.alive), `node ${name} in the driver's node table`);
  await until(() => ray.availableResources()[name] === 1, `node ${name}'s first report`, 20_000, 50);
  return victim;
}

t("a generator whose node dies before it yielded anything is retried on another node under maxRetries", async () => {
  const victim = await startVictim("retryVictim");
  const marker = freshFile("attempts");
  const gen = yieldsOnRetry.options({ schedulingStrategy: { nodeId: victim.nodeId!, soft: true }, maxRetries: 1 }).remote(marker);
  await until(() => linesIn(marker) === 1, "the first attempt started on the victim");
  process.kill(victim.pid, "SIGKILL");
  const [where, attempt] = await valuesOf(gen as ray.ObjectRefGenerator<string | number>);
  assert.ok(where !== victim.nodeId && [head.nodeId, worker.nodeId].includes(where as string), String(where));
  assert.is(attempt, 2);
});

t("a node that dies mid-stream ends the generator with NodeDiedError, and its kept value with ObjectLostError", async () => {
  const victim = await startVictim("victim");
  const gen = bigThenHangs.options({ resources: { victim: 1 }, maxRetries: 1 }).remote(50_000); // 400 kB: kept on the victim
  const died = await endsWhenKilled(gen, victim.pid, ray.NodeDiedError);
  assert.is(died.code, "TSRAY_NODE_DIED");
  assert.match(died.message, /a generator that has yielded values is not run again/, "maxRetries 1 was not used: it had yielded");
});

t.run();
