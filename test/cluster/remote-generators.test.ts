// Streaming generators on node processes over ws (issue 13, "works across nodes"): a driver in this
// process joins a cluster of real `tsray` processes with numCpus: 0, so every generator it calls runs
// on a node process; its values, backpressure acks and cancel travel over the node protocol
// (node/generator-wire.ts).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { rejection } from "../runtime/helpers.js";
import { bigArrays, bigThenHangs, countTo, endless, failsAfterTwo, logged, nodeIds } from "./remote-fns/remote-generators.js";

const TOKEN = "remote-generators-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;
/** Only the worker node has `special`: a generator asking for it runs there, in another process. */
const onWorker = { resources: { special: 1 } };

const scratch = mkdtempSync(join(tmpdir(), "tsray-remote-generators-"));
let files = 0;
const freshFile = (name: string) => join(scratch, `${name}-${++files}`);
/** Lines a generator appended to `log` so far (one per value it produced). */
const linesIn = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);

async function valuesOf<T>(gen: ray.ObjectRefGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const ref of gen) out.push(await ray.get(ref));
  return out;
}

const t = suite("streaming generators on node processes over ws");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"special":1}', "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-generators" });
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

t("a generator on a node process streams each value to the driver", async () => {
  const gen = nodeIds.options(onWorker).remote(4);
  assert.equal(await valuesOf(gen), Array.from({ length: 4 }, () => worker.nodeId));
  assert.is(await ray.get(gen.completed()), 4);
});

t("generatorBackpressureNumObjects holds across the wire: the producer never runs more than the bound ahead", async () => {
  const bound = 2;
  const log = freshFile("produced");
  const produced = () => linesIn(log);
  const gen = logged.options({ ...onWorker, generatorBackpressureNumObjects: bound }).remote(12, log);
  await until(() => produced() >= bound, "the producer reaches the bound");
  let consumed = 0;
  for await (const ref of gen) {
    consumed++;
    assert.is(await ray.get(ref), consumed - 1);
    assert.ok(produced() <= consumed + bound, `produced ${produced()} with ${consumed} consumed`);
  }
  assert.is(consumed, 12);
  assert.is(produced(), 12);
});

t("an error in a generator on a node process arrives after the values yielded before it", async () => {
  const refs: ray.ObjectRef<number>[] = [];
  for await (const ref of failsAfterTwo.options(onWorker).remote()) refs.push(ref);
  assert.is(refs.length, 3);
  assert.equal(await ray.get(refs.slice(0, 2)), [1, 2]);
  const e = await rejection(ray.get(refs[2]!), ray.TaskError);
  assert.match(e.message, /the third value is out of range/);
});

t("large values yielded on a node process stay there and the driver's get pulls them", async () => {
  const refs: ray.ObjectRef<Float64Array>[] = [];
  for await (const ref of bigArrays.options(onWorker).remote(3, 50_000)) refs.push(ref);
  const values = await ray.get(refs);
  assert.equal(values.map((v) => [v.length, v[0], v[v.length - 1]]), [[50_000, 0, 0], [50_000, 1, 1], [50_000, 2, 2]]);
});

t("cancelling a generator on a node process stops it there and ends the iteration with TaskCancelledError", async () => {
  const closed = freshFile("closed");
  const gen = endless.options(onWorker).remote(closed);
  const first = await gen.next();
  assert.is(await ray.get(first.value as ray.ObjectRef<number>), 0);
  ray.cancel(gen);
  const rest: ray.ObjectRef<number>[] = [];
  for await (const ref of gen) rest.push(ref);
  await rejection(ray.get(rest[rest.length - 1]!), ray.TaskCancelledError);
  await until(() => existsSync(closed), "the generator's finally block ran on the node (return() was called)");
});

t("numReturns: N with a generator on a node process gives exactly N refs, and another count is a clear error", async () => {
  const refs = countTo.options({ ...onWorker, numReturns: 3 }).remote(3);
  assert.equal(await ray.get(refs), [0, 1, 2]);
  const wrong = countTo.options({ ...onWorker, numReturns: 3 }).remote(2);
  const e = await rejection(ray.get(wrong[0]), ray.TaskError);
  assert.match(e.message, /numReturns 3 but yielded 2 values/);
});

t("a node that dies mid-stream ends the generator with NodeDiedError, and its kept value with ObjectLostError", async () => {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"victim":1}', "--token", TOKEN]);
  await until(() => ray.nodes().some((n) => n.nodeId === victim.nodeId && n.alive), "the victim node in the driver's node table");
  await until(() => ray.availableResources()["victim"] === 1, "the victim node's first report", 20_000, 50);
  const gen = bigThenHangs.options({ resources: { victim: 1 }, maxRetries: 1 }).remote(50_000); // 400 kB: kept on the victim
  const first = await gen.next();
  assert.is(first.done, false);
  process.kill(victim.pid, "SIGKILL");
  const rest: ray.ObjectRef[] = [];
  for await (const ref of gen) rest.push(ref);
  assert.is(rest.length, 1, "one more ref: the error");
  const died = await rejection(ray.get(rest[0]!), ray.NodeDiedError);
  assert.is(died.code, "TSRAY_NODE_DIED");
  await rejection(ray.get(first.value as ray.ObjectRef), ray.ObjectLostError);
});

t.run();
