// Actors on node processes over ws (issue 11): a driver in this process joins a cluster of real
// `tsray` processes with numCpus: 0, so every actor it creates is placed on a node process through
// the node protocol's actor messages, and called there from the driver and from tasks.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { BrokenKeeper, callKeeper, Keeper, sumFromKeeper } from "./remote-fns/remote-actors.js";

const TOKEN = "remote-actors-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("actors on node processes over ws");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"special":1}', "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-actors" });
  // Both nodes' first resource reports are in (a node with none reads as fully used).
  await until(() => ray.availableResources()["special"] === 1 && ray.availableResources()["CPU"] === 3, "both nodes' first reports", 20_000, 50);
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

/** An actor that holds the worker node's only `special` unit (and no CPU) for its life. */
const onWorker = (label: string) => Keeper.options({ numCpus: 0, resources: { special: 1 } }).remote(label);

/** The worker node's report shows its `special` unit held (a resource fully used is left out of the report). */
const specialHeld = () => until(() => (ray.availableResources()["special"] ?? 0) === 0, "the worker node's report of its special unit held", 20_000, 50);

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("it should have failed");
}

t("an actor needing a resource only the worker node has is placed there, and the driver's calls run there in order", async () => {
  const keeper = onWorker("first");
  const me = await ray.get(keeper.where.remote());
  assert.equal(me, { nodeId: worker.nodeId, actorId: me.actorId, label: "first" });
  assert.equal(await ray.get([keeper.increment.remote(1), keeper.increment.remote(2), keeper.increment.remote(3)]), [1, 3, 6]);
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a method that throws on the worker node fails its ref with the error, and the actor lives on", async () => {
  const keeper = onWorker("thrower");
  const error = await rejection(ray.get(keeper.fail.remote("on purpose")));
  assert.instance(error, ray.TaskError);
  assert.match(error.message, /on purpose/);
  assert.is(await ray.get(keeper.increment.remote(5)), 5);
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a 4 MiB result of an actor on the worker node reaches the driver intact", async () => {
  const keeper = onWorker("arrays");
  const length = 512 * 1024;
  const a = await ray.get(keeper.array.remote(length, 7));
  assert.is(a.length, length);
  let ok = true;
  for (let i = 0; i < length; i++) if (a[i] !== (i % 1000) * 7 + i) ok = false;
  assert.ok(ok, "every element intact");
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a handle passed to a task on the actor's node calls the actor there", async () => {
  const keeper = onWorker("shared");
  assert.is(await ray.get(keeper.increment.remote(10)), 10);
  const out = await ray.get(callKeeper.options({ schedulingStrategy: { nodeId: worker.nodeId!, soft: false } }).remote(keeper, 1));
  assert.equal(out, { caller: worker.nodeId, actor: worker.nodeId, count: 11 });
  // The driver's own calls see the task's.
  assert.is(await ray.get(keeper.increment.remote(0)), 11);
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a handle passed to a task on another node process (the head) calls the actor on the worker node", async () => {
  const keeper = onWorker("far");
  assert.is(await ray.get(keeper.increment.remote(4)), 4);
  try {
    const out = await ray.get(callKeeper.options({ schedulingStrategy: { nodeId: head.nodeId!, soft: false } }).remote(keeper, 1));
    assert.equal(out, { caller: head.nodeId, actor: worker.nodeId, count: 5 });
  } finally {
    ray.kill(keeper);
  }
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a 4 MiB result of an actor reaches a task on the actor's node and one on another node intact", async () => {
  const keeper = onWorker("large");
  const length = 512 * 1024;
  let expected = 0;
  for (let i = 0; i < length; i++) expected += (i % 1000) * 3 + i;
  try {
    const on = (nodeId: string) => sumFromKeeper.options({ schedulingStrategy: { nodeId, soft: false } }).remote(keeper, length);
    const [here, there] = await ray.get([on(worker.nodeId!), on(head.nodeId!)]);
    assert.equal(here, { caller: worker.nodeId, length, sum: expected });
    assert.equal(there, { caller: head.nodeId, length, sum: expected });
  } finally {
    ray.kill(keeper);
  }
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("an actor whose constructor throws on the worker node fails its calls with ActorDiedError, and frees its resource", async () => {
  const broken = BrokenKeeper.options({ numCpus: 0, resources: { special: 1 } }).remote("no luck");
  const error = await rejection(ray.get(broken.ping.remote()));
  assert.instance(error, ray.ActorDiedError);
  assert.match(error.message, /constructor threw.*no luck/);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("ray.kill of an actor on the worker node fails its running and later calls with ActorDiedError", async () => {
  const keeper = onWorker("killed");
  await ray.get(keeper.increment.remote(1));
  await specialHeld();
  const running = keeper.sleep.remote(30_000);
  ray.kill(keeper);
  assert.instance(await rejection(ray.get(running)), ray.ActorDiedError);
  assert.instance(await rejection(ray.get(keeper.increment.remote(1))), ray.ActorDiedError);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("an actor without restarts on a node killed with SIGKILL fails its running and later calls with ActorDiedError; nothing hangs", async () => {
  const victim = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"victim":1}', "--token", TOKEN]);
  await until(() => ray.availableResources()["victim"] === 1, "the victim node's first report", 20_000, 50);
  // Restarts would place it again (test/cluster/remote-actor-restart.test.ts); without, it dies with its node.
  const keeper = Keeper.options({ numCpus: 0, resources: { victim: 1 } }).remote("doomed");
  assert.is((await ray.get(keeper.where.remote())).nodeId, victim.nodeId);
  const running = keeper.sleep.remote(30_000);
  process.kill(victim.pid, "SIGKILL");
  const error = await rejection(ray.get(running));
  assert.instance(error, ray.ActorDiedError);
  assert.match(error.message, /node/);
  assert.instance(await rejection(ray.get(keeper.increment.remote(1))), ray.ActorDiedError);
});

const FIXTURE = fileURLToPath(new URL("../../fixtures/cluster/actor-driver.mjs", import.meta.url));

/** Runs the second driver program (fixtures/cluster/actor-driver.mjs) to its end; its printed JSON. */
function secondDriver(...args: string[]): Promise<{ count: number; nodeId: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [FIXTURE, head.url, ...args], { env: { ...cluster.env, TSRAY_TOKEN: TOKEN }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as { count: number; nodeId: string });
    });
  });
}

t("a named actor this driver created on the worker node is found and called by a second driver process", async () => {
  const keeper = Keeper.options({ name: "named-here", numCpus: 0, resources: { special: 1 } }).remote("named-here");
  assert.is(await ray.get(keeper.increment.remote(1)), 1);
  assert.equal(await secondDriver("call", "named-here"), { count: 2, nodeId: worker.nodeId });
  assert.is(await ray.get(keeper.increment.remote(1)), 3);
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("ray.kill from a second driver process of an actor this driver owns kills it: this driver's calls fail with ActorDiedError", async () => {
  const keeper = Keeper.options({ name: "killed-from-afar", numCpus: 0, resources: { special: 1 }, maxRestarts: 2 }).remote("killed-from-afar");
  assert.is(await ray.get(keeper.increment.remote(1)), 1);
  await specialHeld();
  await secondDriver("kill", "killed-from-afar");
  // Killed for good (no restart despite maxRestarts), as a ray.kill here would.
  assert.instance(await rejection(ray.get(keeper.increment.remote(1))), ray.ActorDiedError);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
});

t("a detached actor of a driver that exited is still callable by other drivers, and ray.kill from one of them ends it", async () => {
  assert.equal(await secondDriver("create", "detached-one", "detached"), { count: 1, nodeId: worker.nodeId });
  const keeper = await ray.getActor<InstanceType<typeof Keeper>>("detached-one");
  assert.is(await ray.get(keeper.increment.remote(1)), 2);
  assert.equal(await secondDriver("call", "detached-one"), { count: 3, nodeId: worker.nodeId });
  await specialHeld();
  ray.kill(keeper);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
  assert.instance(await rejection(ray.get(keeper.increment.remote(1))), ray.ActorDiedError);
});

t("a non-detached actor of a driver that exited is killed, its name freed and its resource returned", async () => {
  assert.equal(await secondDriver("create", "attached-one", "attached"), { count: 1, nodeId: worker.nodeId });
  await until(() => ray.getActor("attached-one").then(() => false, (e: unknown) => e instanceof ray.ActorNotFoundError), "its name freed", 20_000, 50);
  await until(() => ray.availableResources()["special"] === 1, "the special unit free again", 20_000, 50);
  assert.instance(await rejection(ray.getActor("attached-one")), ray.ActorNotFoundError);
});

t.run();
