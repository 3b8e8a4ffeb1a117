// Actor reference counting across node processes (Ray's borrower protocol for actor handles): a
// driver with no CPUs joins a head and a worker node (real `tsray` processes); its counters live on
// the worker node (each holds one `slot`), and their handles go to tasks and actors on both nodes.
// The worker threads there borrow a handle from the driver over the owner link, and release it
// when it is collected or their thread ends.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, until, type NodeRecord } from "./tsray-cli.js";
import { Counter, useCounter } from "../runtime/remote-fns/actors.js";
import { collectHere, gc, Holder, makeCounter, passOn } from "../runtime/remote-fns/handle-holders.js";
import { Gate, yieldBackAfter } from "../runtime/remote-fns/ref-chaos.js";

const TOKEN = "remote-borrowers-token";
const SLOTS = 4;
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;

const t = suite("actor handles borrowed on node processes");

t.before(async () => {
  head = await cluster.start(["--head", "--port", "0", "--num-cpus", "1", "--token", TOKEN]);
  worker = await cluster.start(["--address", head.url, "--num-cpus", "1", "--resources", `{"slot":${SLOTS}}`, "--token", TOKEN]);
  await ray.init({ address: head.url, token: TOKEN, numCpus: 0, namespace: "remote-borrowers" });
  await until(() => ray.availableResources()["slot"] === SLOTS && ray.availableResources()["CPU"] === 2, "both nodes' first reports", 20_000, 50);
});

t.after(async () => {
  if (ray.isInitialized()) await ray.shutdown();
  await cluster.cleanup();
});

/** Counters alive on the worker node, as its resource reports tell (a fully used resource is left out). */
const live = () => SLOTS - (ray.availableResources()["slot"] ?? 0);
const counter = () => Counter.options({ numCpus: 0, resources: { slot: 1 } }).remote(100);
const on = (node: NodeRecord) => ({ schedulingStrategy: { nodeId: node.nodeId!, soft: false } });

/** Collects here and on both nodes' pool threads (one each: one CPU per node). */
async function collectRound(): Promise<void> {
  gc();
  await ray.get([collectHere.options({ numCpus: 0, ...on(head) }).remote(1), collectHere.options({ numCpus: 0, ...on(worker) }).remote(1)]);
  gc();
  await new Promise((r) => setTimeout(r, 20));
}
async function collectUntil(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await collectRound();
    if (cond()) return;
  }
  throw new Error(`not within 300 collection rounds: ${what} (counters alive: ${live()})`);
}
/** Rounds in which at least `n` counters stay alive (their reports come each second: a few of them). */
async function staysAtLeast(n: number): Promise<boolean> {
  const end = Date.now() + 2_500;
  while (Date.now() < end) {
    await collectRound();
    if (live() < n) return false;
  }
  return true;
}

t("a counter whose handle went to tasks on both nodes ends once the driver drops its own", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  let c: ReturnType<typeof counter> | undefined = counter();
  const values = await ray.get([useCounter.options(on(head)).remote(c, 1), useCounter.options(on(worker)).remote(c, 2)]);
  // Either order: 1 then 1 + 2, or 2 then 2 + 1.
  assert.is(Math.max(...values), 3);
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  c = undefined;
  await collectUntil(() => live() === 0, "the counter ended");
});

t("an actor on the head node that keeps the handle keeps the counter, until it forgets it", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  const holder = Holder.options({ numCpus: 0, ...on(head) }).remote();
  await (async () => ray.get(holder.keep.remote(counter())))();
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  assert.ok(await staysAtLeast(1), "kept while the holder holds it");
  assert.is(await ray.get(holder.callHeld.remote(7)), 7);
  await ray.get(holder.forget.remote());
  await collectUntil(() => live() === 0, "the counter ended after the holder forgot it");
  ray.kill(holder);
});

t("a killed actor that held the handle lets the counter go", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  const holder = Holder.options({ numCpus: 0, ...on(head) }).remote();
  await (async () => ray.get(holder.keep.remote(counter())))();
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  ray.kill(holder);
  await collectUntil(() => live() === 0, "the counter ended after its holder was killed");
});

t("a handle returned inside a result from a task on the head node calls the counter, which ends once dropped", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  const value = await (async () => {
    const back = await ray.get(passOn.options(on(head)).remote(counter()));
    return ray.get(back.counter.increment.remote(4));
  })();
  assert.is(value, 4);
  await collectUntil(() => live() === 0, "the counter ended");
});

t("a counter created by a task on the head node and returned to the driver ends once the driver drops it", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  let made: { counter: ReturnType<typeof counter> } | undefined = await ray.get(makeCounter.options(on(head)).remote());
  assert.is(await ray.get(made.counter.increment.remote(6)), 6);
  // Held while the driver holds it (and seen so in the worker node's report).
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  made = undefined;
  await collectUntil(() => live() === 0, "the counter ended");
});

t("a counter a task on the worker node created there is called from the driver and from a task on the head, and ends once dropped", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  // Owned by the worker node's runtime and run on that node: others call it through that node.
  let made: { counter: ReturnType<typeof counter> } | undefined = await ray.get(makeCounter.options(on(worker)).remote());
  assert.is(await ray.get(made.counter.increment.remote(2)), 2);
  assert.is(await ray.get(useCounter.options(on(head)).remote(made.counter, 3)), 5);
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  made = undefined;
  await collectUntil(() => live() === 0, "the counter ended");
});

t("a handle an actor on the head node returns stays usable after the actor forgets it, and ends once dropped", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  const holder = Holder.options({ numCpus: 0, ...on(head) }).remote();
  await (async () => ray.get(holder.keep.remote(counter())))();
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  const value = await (async () => {
    const given = await ray.get(holder.give.remote());
    await ray.get(holder.forget.remote());
    assert.ok(await staysAtLeast(1), "kept by the handle the driver got");
    return ray.get(given.counter!.increment.remote(5));
  })();
  assert.is(value, 5);
  await collectUntil(() => live() === 0, "the counter ended");
  ray.kill(holder);
});

t("a handle a generator on the head node goes on yielding after the driver left it ends its counter once the generator is done", async () => {
  await until(() => live() === 0, "no counter left from before", 20_000, 50);
  const gate = Gate.options({ numCpus: 0, ...on(head) }).remote();
  const value = await (async () => {
    for await (const ref of yieldBackAfter.options(on(head)).remote(counter(), gate, "go", 5)) return ray.get((await ray.get(ref)).counter.increment.remote(3));
    return undefined;
  })();
  assert.is(value, 3);
  await until(() => live() === 1, "the counter's slot held in the report", 20_000, 50);
  assert.ok(await staysAtLeast(1), "kept while the generator waits with the handle");
  await ray.get(gate.open.remote("go"));
  await collectUntil(() => live() === 0, "the counter ended after the generator yielded the rest to nobody");
});

t.run();
