// A 256 MiB typed array between a driver and a node process over ws (issue 11): it crosses intact
// both ways, in chunks, and neither end's event loop stops while it does — a timer keeps ticking on
// the driver, and the node keeps granting and running small tasks. One node process (beside the
// head) on this small machine: the array is made once on each side, and every copy is dropped
// before the next test.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster } from "./tsray-cli.js";
import { makeArray, sumWhere, whereAmI } from "./remote-fns/remote-tasks.js";

const TOKEN = "large-object-token";
const LENGTH = 32 * 1024 * 1024; // 256 MiB of float64
const cluster = new TestCluster();
let workerNodeId!: string;

const t = suite("a 256 MiB typed array between the driver and a node process");

t.before(async () => {
  const head = await cluster.start(["--head", "--port", "0", "--num-cpus", "0", "--token", TOKEN]);
  const worker = await cluster.start(["--address", head.url, "--num-cpus", "2", "--resources", '{"big":1}', "--token", TOKEN]);
  workerNodeId = worker.nodeId!;
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "large-object" });
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

/**
 * Counts the ticks of a 5 ms timer and the longest time between two, until `stop()`. A transfer
 * that held the event loop would show as one gap about as long as the whole transfer; a chunked one
 * leaves many ticks and gaps far shorter than it (on this shared machine a single copy or a
 * collection may still take a few hundred milliseconds, so the bound is relative).
 */
function ticker(): { stop(): { ticks: number; longestGapMs: number; totalMs: number } } {
  const started = performance.now();
  let last = started;
  let ticks = 0;
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      return { ticks, longestGapMs, totalMs: now - started };
    },
  };
}

/** Runs tiny tasks on the node one after another until `done` settles; resolves with how many finished before it did. */
async function tasksServedUntil(done: Promise<unknown>): Promise<number> {
  let over = false;
  void done.finally(() => (over = true)).catch(() => {});
  let served = 0;
  while (!over) {
    await ray.get(whereAmI.options({ schedulingStrategy: { nodeId: workerNodeId, soft: false }, numCpus: 0 }).remote());
    if (!over) served++;
  }
  return served;
}

function assertKeptTicking({ ticks, longestGapMs, totalMs }: { ticks: number; longestGapMs: number; totalMs: number }): void {
  const what = `the driver's timer ticked ${ticks} times in ${totalMs.toFixed(0)} ms, longest gap ${longestGapMs.toFixed(0)} ms`;
  assert.ok(ticks >= 10 && longestGapMs < totalMs / 2, what);
}

const pattern = (i: number, seed: number) => (i % 1000) * seed + i;

t("a 256 MiB Float64Array made on the node reaches the driver intact while both event loops keep running", async () => {
  const ref = makeArray.options({ resources: { big: 1 } }).remote(LENGTH, 7);
  await ray.wait([ref], { numReturns: 1, fetchLocal: false });
  const ticks = ticker();
  const got = ray.get(ref);
  const served = await tasksServedUntil(got);
  const a = await got;
  const loop = ticks.stop();
  assert.is(a.length, LENGTH);
  let bad = -1;
  for (let i = 0; i < LENGTH && bad < 0; i++) if (a[i] !== pattern(i, 7)) bad = i;
  assert.is(bad, -1, `element ${bad} changed on the way`);
  assert.ok(served >= 1, `the node ran ${served} small tasks during the transfer`);
  assertKeptTicking(loop);
});

t("a 256 MiB Float64Array put by the driver reaches a task on the node intact while both event loops keep running", async () => {
  const a = new Float64Array(LENGTH);
  let sum = 0;
  for (let i = 0; i < LENGTH; i++) sum += a[i] = pattern(i, 3);
  const ref = ray.put(a);
  const ticks = ticker();
  const out = sumWhere.options({ resources: { big: 1 } }).remote(ref);
  const served = await tasksServedUntil(ray.wait([out], { numReturns: 1 }));
  const loop = ticks.stop();
  assert.equal(await ray.get(out), { nodeId: workerNodeId, length: LENGTH, sum });
  assert.ok(served >= 1, `the node ran ${served} small tasks during the transfer`);
  assertKeptTicking(loop);
});

t.run();
