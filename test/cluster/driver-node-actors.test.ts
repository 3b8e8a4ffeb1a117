// Actors of a driver that joined a cluster with ray.init({ address }) and nothing else, as Ray users
// meet them (issue 13 acceptance review): a ray.Queue or an actor the driver made must be usable
// from a task that runs on a node process, and a detached actor must outlive its driver. As in Ray,
// such a driver adds no resources of its own, so its actors live on node processes. Real `tsray
// start` head and worker node processes.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, type NodeRecord } from "./tsray-cli.js";
import { drainQueue } from "../runtime/remote-fns/queue-users.js";
import { Counter, useCounter } from "../runtime/remote-fns/actors.js";
import { Keeper } from "./remote-fns/remote-actors.js";

const TOKEN = "driver-node-actors-token";
const FIXTURE = fileURLToPath(new URL("../../fixtures/cluster/detached-local-driver.mjs", import.meta.url));
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("actors of a driver that joined with default options");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, namespace: "driver-node-actors" });
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

const onWorker = () => ({ schedulingStrategy: { nodeId: worker.nodeId!, soft: false } });

t("a ray.Queue the driver made is usable from a task on a node process", async () => {
  const q = new ray.Queue<number>();
  await q.put(7);
  assert.equal(await ray.get(drainQueue.options(onWorker()).remote(q, 1)), [7]);
  q.shutdown();
});

t("an actor the driver made can be called by a task on a node process", async () => {
  const counter = Counter.options({ numCpus: 0 }).remote(100);
  assert.is(await ray.get(counter.increment.remote(1)), 1);
  assert.is(await ray.get(useCounter.options(onWorker()).remote(counter, 1)), 2);
});

t("a detached actor made with default options by such a driver outlives that driver", async () => {
  const first = await new Promise<{ count: number; nodeId: string; driverNode: string }>((resolve, reject) => {
    execFile(process.execPath, [FIXTURE, head.url, "kept-detached"], { env: { ...cluster.env, TSRAY_TOKEN: TOKEN }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as { count: number; nodeId: string; driverNode: string });
    });
  });
  assert.is(first.count, 1);
  const keeper = await ray.getActor<InstanceType<typeof Keeper>>("kept-detached");
  assert.is(await ray.get(keeper.increment.remote(1)), 2);
  ray.kill(keeper);
});

t.run();
