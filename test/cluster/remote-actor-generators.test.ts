// Generator methods of actors on node processes over ws (issue 13, "works across nodes"): a driver in
// this process joins a cluster of real `tsray` processes with numCpus: 0, so its actors live on node
// processes; a generator method's values, backpressure acks and cancel travel with the actor
// messages of the node protocol (actorGenItem / actorGenAck, node/generator-wire.ts).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { joinHeadAndWorker, leaveAndStop } from "./driver-on-two-nodes.js";
import { rejection } from "../runtime/helpers.js";
import { cancelAfterFirst, consumeWithinBound, endsWhenKilled, errorAfterTwo, linesIn, scratchFiles, threeBigArrays, valuesOf } from "../runtime/generator-checks.js";
import { consumeBounded, consumeStream, Stream } from "./remote-fns/remote-actor-generators.js";

const TOKEN = "remote-actor-generators-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;
let stream!: ray.ActorHandle<InstanceType<typeof Stream>>;

const freshFile = scratchFiles("tsray-remote-actor-generators");

const t = suite("generator methods of actors on node processes over ws");

t.before(async () => {
  ({ head, worker } = await joinHeadAndWorker(cluster, TOKEN, "remote-actor-generators", ["--num-cpus", "1", "--resources", '{"special":1}']));
  await until(() => ray.availableResources()["special"] === 1, "the worker node's first report", 20_000, 50);
  // Only the worker node has `special`: the actor lives there, in another process.
  stream = Stream.options({ numCpus: 0, resources: { special: 1 } }).remote("s");
  assert.is(await ray.get(stream.where.remote()), worker.nodeId);
});

t.after(() => leaveAndStop(cluster));

t("a generator method of an actor on a node process streams its values to the driver in order", async () => {
  const gen = stream.tagged.remote(5);
  assert.equal(await valuesOf(gen), [0, 1, 2, 3, 4].map((i) => `s:${i}@${worker.nodeId}`));
  assert.is(await ray.get(gen.completed()), 5);
});

t("generatorBackpressureNumObjects holds for an actor's generator method across the wire", async () => {
  const log = freshFile("produced");
  const gen = stream.logged.options({ generatorBackpressureNumObjects: 2 }).remote(10, log);
  assert.is(await consumeWithinBound(gen, log, 2), 10);
  assert.is(linesIn(log), 10);
});

t("an error in an actor's generator method on a node process arrives after the values yielded before it", async () => {
  await errorAfterTwo(stream.failsAfterTwo.remote());
  assert.is(await ray.get(stream.where.remote()), worker.nodeId, "the actor lives on");
});

t("large values an actor's generator method yields on a node process stay there and the driver's get pulls them", async () => {
  await threeBigArrays(stream.bigArrays.remote(3, 50_000));
});

t("cancelling an actor's generator method on a node process stops it there and ends the iteration with TaskCancelledError", async () => {
  const closed = freshFile("closed");
  await cancelAfterFirst(stream.endless.remote(closed), closed);
});

t("a task on another node process consumes a generator method of an actor it does not own", async () => {
  const { caller, values } = await ray.get(consumeStream.options({ schedulingStrategy: { nodeId: head.nodeId!, soft: false } }).remote(stream, 3));
  assert.is(caller, head.nodeId);
  assert.equal(values, [0, 1, 2].map((i) => `s:${i}@${worker.nodeId}`));
});

t("a task on another node process consuming an actor's bounded generator method keeps it within its bound", async () => {
  const strategy = { schedulingStrategy: { nodeId: head.nodeId!, soft: false } };
  const { values, maxAhead } = await ray.get(consumeBounded.options(strategy).remote(stream, 8, freshFile("foreign"), 1));
  assert.equal(values, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.ok(maxAhead <= 1, `the actor ran ${maxAhead} values ahead with a bound of 1`);
});

t("a task on the actor's own node process consumes its generator method there", async () => {
  const { caller, values } = await ray.get(consumeStream.options({ schedulingStrategy: { nodeId: worker.nodeId!, soft: false } }).remote(stream, 3));
  assert.is(caller, worker.nodeId);
  assert.equal(values, [0, 1, 2].map((i) => `s:${i}@${worker.nodeId}`));
});

t("an actor's node killed with SIGKILL mid-stream ends the generator with ActorDiedError; nothing hangs", async () => {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"victim":1}', "--token", TOKEN]);
  await until(() => ray.availableResources()["victim"] === 1, "the victim node's first report", 20_000, 50);
  // Without restarts (with them it would be placed again: test/cluster/remote-actor-restart.test.ts).
  const doomed = Stream.options({ numCpus: 0, resources: { victim: 1 } }).remote("doomed");
  const gen = doomed.bigThenHangs.remote(50_000); // 400 kB: kept on the victim
  const died = await endsWhenKilled(gen, victim.pid, ray.ActorDiedError);
  assert.match(died.message, /node/);
  await rejection(ray.get(doomed.where.remote()), ray.ActorDiedError);
});

t.run();
