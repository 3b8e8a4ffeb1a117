// ray.cancel of actor calls made by a caller that does not own the actor (issue 13, cancellation
// that reaches running work, across processes): a task on a node process, or this driver holding
// a handle from ray.getActor, calls an actor another process owns (owner/foreign-actor-calls.ts)
// and cancels the call. As for an owned actor's call (test/runtime/cancel-running.test.ts): a call
// still in the caller never runs, a sent one fails at once with TaskCancelledError and the actor's
// worker drops it or aborts its signal (the `cancelActorCall` node message), force is refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { TestCluster, type NodeRecord } from "./tsray-cli.js";
import { joinHeadAndWorker, leaveAndStop } from "./driver-on-two-nodes.js";
import { holdSignals, rejection, thrown, untilExists } from "../runtime/helpers.js";
import { Waiter } from "../runtime/remote-fns/cancellation.js";
import { Stream } from "./remote-fns/remote-actor-generators.js";
import { cancelQueuedAtActor, cancelQueuedHere, cancelRunning, cancelStreamAfterFirst, createNamedWaiter } from "./remote-fns/foreign-actor-cancel.js";

const TOKEN = "foreign-actor-cancel-token";
const NAMESPACE = "foreign-actor-cancel";
const cluster = new TestCluster();
let head!: NodeRecord;
let worker!: NodeRecord;
const signals = holdSignals("tsray-foreign-actor-cancel-");
let dir = "";

const t = suite("ray.cancel of actor calls by a caller that does not own the actor");

t.before(async () => {
  ({ head, worker } = await joinHeadAndWorker(cluster, TOKEN, NAMESPACE, ["--num-cpus", "1"]));
});
t.before.each(() => {
  signals.fresh();
  dir = signals.dir;
});
t.after(() => leaveAndStop(cluster));

const on = (node: NodeRecord) => ({ schedulingStrategy: { nodeId: node.nodeId!, soft: false } });
/** An actor this driver owns, on the worker node (maxConcurrency 1, a `control` group for `release`). */
const waiterOnWorker = () => Waiter.options({ numCpus: 0, concurrencyGroups: { control: 1 }, ...on(worker) }).remote(dir);
const aborted = async (id: string): Promise<unknown> => {
  await untilExists(join(dir, `aborted-${id}`));
  return JSON.parse(readFileSync(join(dir, `aborted-${id}`), "utf8"));
};
const runs = (): string[] => readFileSync(join(dir, "runs"), "utf8").split("\n").filter((l) => l !== "");

for (const [where, node] of [["another node process", () => head], ["the actor's own node process", () => worker]] as const) {
  t(`a task on ${where} cancelling its running call of an async actor it does not own: TaskCancelledError, and the method's signal aborts`, async () => {
    const w = waiterOnWorker();
    const out = await ray.get(cancelRunning.options(on(node())).remote(w, dir, "r"));
    assert.equal(out, { caller: node().nodeId, cancelled: "TaskCancelledError" });
    assert.equal(await aborted("r"), { reason: "TaskCancelledError", isCanceled: true });
    ray.kill(w);
  });
}

t("a task's call queued at the actor behind a running one, cancelled, never runs", async () => {
  const w = waiterOnWorker();
  const out = await ray.get(cancelQueuedAtActor.options(on(head)).remote(w, dir, "1"));
  assert.equal(out, { cancelled: "TaskCancelledError", first: "released 1", after: "3" });
  assert.equal(runs(), ["1", "echo 3"], "the cancelled call never ran");
  ray.kill(w);
});

t("a task's call still in the task's process (its argument not ready), cancelled, never runs", async () => {
  const w = waiterOnWorker();
  const out = await ray.get(cancelQueuedHere.options(on(head)).remote(w, dir));
  assert.equal(out, { cancelled: "TaskCancelledError", arg: 5, after: "6" });
  assert.equal(runs(), ["echo 6"], "the cancelled call never ran");
  ray.kill(w);
});

t("this driver cancelling its call of a named actor another process owns: TaskCancelledError at once, the signal aborts, force is refused", async () => {
  await ray.get(createNamedWaiter.options(on(head)).remote("theirs", NAMESPACE, dir, worker.nodeId!));
  const w = await ray.getActor<InstanceType<typeof Waiter>>("theirs", { namespace: NAMESPACE });
  const call = w.wait.remote("d");
  await untilExists(join(dir, "started-d"));
  const refused = thrown(() => ray.cancel(call, { force: true }), ray.InvalidArgumentError);
  assert.match(refused.message, "ray.kill");
  ray.cancel(call);
  await rejection(ray.get(call, { timeout: 15 }), ray.TaskCancelledError);
  assert.equal(await aborted("d"), { reason: "TaskCancelledError", isCanceled: true });
  // The actor serves on: a cancelled call does not end it.
  assert.is(await ray.get(w.echo.remote(7)), 7);
  ray.kill(w);
});

t("a task on another node process cancelling a generator method of an actor it does not own stops it there and ends its iteration with TaskCancelledError", async () => {
  const stream = Stream.options({ numCpus: 0, ...on(worker) }).remote("s");
  const closed = join(dir, "closed");
  const out = await ray.get(cancelStreamAfterFirst.options(on(head)).remote(stream, closed));
  assert.is(out.first, 0);
  assert.ok(out.after < 5_000, `the iteration ended (${out.after} refs after the cancel)`);
  assert.is(out.last, "TaskCancelledError");
  await untilExists(closed); // the generator's finally block ran on the actor's node
  ray.kill(stream);
});

t.run();
