// Resource accounting end to end: real worker threads, the node's scheduler,
// concurrency observed through events (tasks create files when they start and
// wait for their release file), never through sleeps.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { captureStderr, holdSignals, rejection, thrown, until } from "./helpers.js";
import { GpuActor, hold, holdThenThrow, resourcesInside, started, type HoldReport } from "./remote-fns/resources.js";

const totals = { CPU: 2, GPU: 2, memory: 1e9, Custom: 1, Frac: 1 };
const signals = holdSignals("tsray-res-");
const { fresh, release, isStarted } = signals;
const report = (id: string) => signals.report(id) as HoldReport;
const idle = () => assert.equal(ray.availableResources(), totals, "everything is free again");

let stderr: ReturnType<typeof captureStderr>;

test.before(async () => {
  stderr = captureStderr();
  await ray.init({ numCpus: 2, numGpus: 2, memory: 1e9, resources: { Custom: 1, Frac: 1 } });
});
test.after(async () => {
  stderr.restore();
  await ray.shutdown();
});

test("clusterResources reports the node's totals and availableResources all of it when idle", () => {
  assert.equal(ray.clusterResources(), totals);
  idle();
  assert.equal(ray.getGpuIds(), [], "the driver holds no GPU");
});

test("clusterResources and availableResources work inside a task too (the task's own CPU is held)", async () => {
  const inside = await ray.get(resourcesInside.remote());
  assert.equal(inside.total, totals);
  assert.equal(inside.available, { ...totals, CPU: 1 });
  assert.is(inside.groups, 0);
});

test("concurrency is bounded by CPUs; a waiting task starts when a CPU is freed", async () => {
  fresh();
  const refs = ["a", "b", "c"].map((id) => hold.remote(signals.dir, id));
  await until(() => started(signals.dir).length === 2, "two tasks started");
  assert.is(ray.availableResources()["CPU"], undefined, "both CPUs are held");
  const [first, waiting] = isStarted("a") ? ["a", "c"] : ["b", "c"];
  assert.not.ok(isStarted(waiting), "the third task waits for a CPU");
  release(first);
  await until(() => isStarted(waiting), "the third task started after a CPU was freed");
  release("all");
  assert.equal((await ray.get(refs)).map((r) => r.id), ["a", "b", "c"]);
  idle();
});

test("a 2-CPU task runs alone; 1-CPU tasks start once it ends", async () => {
  fresh();
  const big = hold.options({ numCpus: 2 }).remote(signals.dir, "big");
  await until(() => isStarted("big"), "the 2-CPU task started");
  const small = ["s1", "s2"].map((id) => hold.remote(signals.dir, id));
  assert.is(ray.availableResources()["CPU"], undefined);
  assert.equal(started(signals.dir), ["big"], "nothing runs beside the 2-CPU task");
  release("big");
  await ray.get(big);
  await until(() => started(signals.dir).length === 3, "both 1-CPU tasks started");
  release("all");
  await ray.get(small);
  idle();
});

test("small tasks are not stuck behind a big one that cannot fit yet", async () => {
  fresh();
  const first = hold.remote(signals.dir, "first");
  await until(() => isStarted("first"), "first started");
  const big = hold.options({ numCpus: 2 }).remote(signals.dir, "big");
  const small = hold.remote(signals.dir, "small");
  await until(() => isStarted("small"), "the 1-CPU task submitted after the 2-CPU one started");
  assert.not.ok(isStarted("big"));
  release("first");
  release("small");
  await until(() => isStarted("big"), "the 2-CPU task started once both CPUs were free");
  release("big");
  await ray.get([first, big, small]);
  idle();
});

test("a custom resource of capacity 1 serialises tasks that need it, while others run", async () => {
  fresh();
  const custom = hold.options({ resources: { Custom: 1 } });
  const refs = ["c1", "c2"].map((id) => custom.remote(signals.dir, id));
  await until(() => started(signals.dir).length === 1, "one Custom task started");
  const [running, waiting] = isStarted("c1") ? ["c1", "c2"] : ["c2", "c1"];
  const plain = hold.remote(signals.dir, "plain");
  await until(() => isStarted("plain"), "a task without Custom uses the other CPU");
  assert.not.ok(isStarted(waiting), "the second Custom task waits");
  assert.is(ray.availableResources()["Custom"], undefined);
  release("plain");
  await ray.get(plain);
  assert.not.ok(isStarted(waiting), "a free CPU is not enough without Custom");
  release(running);
  await until(() => isStarted(waiting), "the second Custom task started after the first ended");
  release(waiting);
  await ray.get(refs);
  idle();
});

test("0.7 + 0.7 of a capacity-1 resource: the second waits its turn; exact arithmetic leaves 0.3 free", async () => {
  fresh();
  const part = hold.options({ resources: { Frac: 0.7 } });
  const x = part.remote(signals.dir, "x");
  await until(() => isStarted("x"), "x started");
  assert.is(ray.availableResources()["Frac"], 0.3);
  const y = part.remote(signals.dir, "y");
  const z = hold.options({ resources: { Frac: 0.3 } }).remote(signals.dir, "z");
  await until(() => isStarted("z"), "a 0.3 task fits beside the 0.7 one");
  assert.not.ok(isStarted("y"), "0.7 does not fit in the 0.3 left");
  release("x");
  release("z");
  await until(() => isStarted("y"), "y started after x ended");
  release("y");
  await ray.get([x, y, z]);
  idle();
});

test("whole GPUs: concurrent tasks get distinct ids; fractional GPUs share one device", async () => {
  fresh();
  const whole = ["g1", "g2"].map((id) => hold.options({ numGpus: 1 }).remote(signals.dir, id));
  await until(() => started(signals.dir).length === 2, "both GPU tasks started");
  assert.equal([...report("g1").gpuIds, ...report("g2").gpuIds].sort(), [0, 1]);
  assert.is(ray.availableResources()["GPU"], undefined);
  release("all");
  await ray.get(whole);
  fresh();
  const halves = ["h1", "h2"].map((id) => hold.options({ numGpus: 0.5 }).remote(signals.dir, id));
  await until(() => started(signals.dir).length === 2, "both half-GPU tasks started");
  assert.equal(report("h1").gpuIds, [0]);
  assert.equal(report("h2").gpuIds, [0], "fractions pack onto one device");
  assert.is(ray.availableResources()["GPU"], 1);
  release("all");
  await ray.get(halves);
  idle();
});

test("an actor asking for a GPU holds it for life and sees its id; a default actor holds no CPU", async () => {
  const actor = GpuActor.options({ numGpus: 1 }).remote();
  const view = await ray.get(actor.view.remote());
  assert.equal(view.atStart, view.gpuIds);
  assert.is(view.gpuIds.length, 1);
  assert.equal(ray.availableResources(), { ...totals, CPU: 1, GPU: 1 }, "1 CPU (default when it asks) and 1 GPU held");
  const plain = GpuActor.remote();
  assert.equal((await ray.get(plain.view.remote())).gpuIds, []);
  assert.equal(ray.availableResources(), { ...totals, CPU: 1, GPU: 1 }, "an actor asking for nothing holds 0 CPU while alive");
  ray.kill(actor);
  ray.kill(plain);
  await until(() => ray.availableResources()["GPU"] === 2, "the killed actor's GPU is free again");
  idle();
});

test("availableResources drops while a task runs and returns when it ends, fails or is cancelled", async () => {
  fresh();
  const ok = hold.options({ resources: { Custom: 1 }, memory: 4e8 }).remote(signals.dir, "ok");
  await until(() => isStarted("ok"), "started");
  assert.equal(ray.availableResources(), { CPU: 1, GPU: 2, memory: 6e8, Frac: 1 });
  release("ok");
  await ray.get(ok);
  idle();

  const bad = holdThenThrow.options({ resources: { Custom: 1 }, maxRetries: 0 }).remote(signals.dir, "bad");
  await until(() => isStarted("bad"), "started");
  assert.is(ray.availableResources()["Custom"], undefined);
  release("bad");
  await rejection(ray.get(bad), ray.TaskError);
  idle();

  const doomed = hold.options({ resources: { Custom: 1 }, maxRetries: 0 }).remote(signals.dir, "doomed");
  await until(() => isStarted("doomed"), "started");
  assert.is(ray.availableResources()["Custom"], undefined);
  ray.cancel(doomed, { force: true });
  await rejection(ray.get(doomed), ray.TaskCancelledError);
  await until(() => ray.availableResources()["Custom"] === 1, "the cancelled task's resources are back");
  idle();
});

test("an infeasible task stays pending, is warned about once (naming it and what is missing), and can be cancelled", async () => {
  const needy = hold.options({ resources: { Missing: 2 }, name: "needy" });
  const refs = [needy.remote(signals.dir, "n1"), needy.remote(signals.dir, "n2")];
  const [ready] = await ray.wait(refs, { timeout: 0, numReturns: 1 });
  assert.is(ready.length, 0);
  const warnings = stderr.lines.join("").split("\n").filter((l) => l.includes("Task needy cannot be scheduled"));
  assert.is(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, /missing \{Missing: 2\}/);
  for (const r of refs) ray.cancel(r);
  for (const r of refs) await rejection(ray.get(r), ray.TaskCancelledError);
  idle();
});

test("bad options throw InvalidArgumentError at the call site, before anything is submitted", async () => {
  thrown(() => hold.options({ numGpus: 1.5 }), ray.InvalidArgumentError);
  thrown(() => hold.options({ numCpus: Number.NaN }), ray.InvalidArgumentError);
  thrown(() => hold.options({ numCpus: -1 }), ray.InvalidArgumentError);
  thrown(() => hold.options({ memory: -5 }), ray.InvalidArgumentError);
  thrown(() => hold.options({ resources: { Custom: -1 } }), ray.InvalidArgumentError);
  thrown(() => hold.options({ resources: { CPU: 1 } }), ray.InvalidArgumentError);
  thrown(() => hold.options({ numReturns: 0 }), ray.InvalidArgumentError);
  thrown(() => hold.options({ num_cpus: 1 } as ray.TaskOptions), ray.InvalidArgumentError);
  thrown(() => hold.options({ numCpus: 0.00001 }), ray.InvalidArgumentError);
  thrown(() => GpuActor.options({ numGpus: 2.5 }), ray.InvalidArgumentError);
  thrown(() => hold.options({ schedulingStrategy: "FAST" as "SPREAD" }), ray.InvalidArgumentError);
  await rejection(ray.init({ numCpus: -1 }), ray.InvalidArgumentError);
  idle();
});

test.run();
