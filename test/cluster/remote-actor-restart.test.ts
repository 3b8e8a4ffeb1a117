// Actors restarted on another node when their node dies (Ray's actor fault tolerance): an actor
// with `maxRestarts` whose node process is SIGKILLed is placed again, like a new actor, on a node
// that fits its demand; calls in flight run again there when `maxTaskRetries` allows, later calls
// wait for the restart, and the directory follows it (RESTARTING, then ALIVE on the new node).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { Keeper } from "./remote-fns/remote-actors.js";
import { rejection } from "../runtime/helpers.js";

const TOKEN = "remote-restart-token";
const cluster = new TestCluster();
let head!: NodeRecord;
let spares: NodeRecord[] = [];

const t = suite("actors restarted on another node");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  spares = [
    await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"spare":1}', "--token", TOKEN]),
    await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", '{"spare":1}', "--token", TOKEN]),
  ];
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-restart" });
  await until(() => ray.availableResources()["spare"] === 2, "both spare nodes' first reports", 20_000, 50);
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

t("an actor with maxRestarts whose node is SIGKILLed restarts on the other node that fits, fresh, and a named lookup finds it there", async () => {
  const keeper = Keeper.options({ name: "phoenix", numCpus: 0, resources: { spare: 1 }, maxRestarts: 1, maxTaskRetries: 1 }).remote("phoenix");
  const first = await ray.get(keeper.where.remote());
  assert.is(await ray.get(keeper.increment.remote(5)), 5);
  const victim = spares.find((n) => n.nodeId === first.nodeId)!;
  const survivor = spares.find((n) => n.nodeId !== first.nodeId)!;
  // In flight when the node dies: run again on the new instance (maxTaskRetries: 1).
  const running = keeper.sleep.remote(1_000);
  process.kill(victim.pid, "SIGKILL");
  assert.is(await ray.get(running), 0, "ran again on a fresh instance (its count starts over)");
  const second = await ray.get(keeper.where.remote());
  assert.is(second.nodeId, survivor.nodeId);
  assert.is(second.actorId, first.actorId, "the same actor");
  assert.is(await ray.get(keeper.increment.remote(2)), 2);
  const found = await ray.getActor<InstanceType<typeof Keeper>>("phoenix");
  assert.is((await ray.get(found.where.remote())).nodeId, survivor.nodeId);
  // Its restarts are used up: the next node death ends it.
  process.kill(survivor.pid, "SIGKILL");
  const error = await rejection(ray.get(keeper.sleep.remote(60_000)), ray.ActorDiedError);
  assert.match(error.message, /restarts used: 1 of maxRestarts 1/);
});

t.run();
