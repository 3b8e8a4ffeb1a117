// init({ gpuWorkers: "process" }): tasks and actors granted GPUs run in child
// processes whose CUDA_VISIBLE_DEVICES is exactly their GPU ids. This machine
// has no GPU: numGpus is declared, and the child's environment is checked.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { GpuActor, gpuView, resourcesInside } from "./remote-fns/resources.js";
import { rejection } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2, numGpus: 2, gpuWorkers: "process" });
});
test.after(async () => {
  await ray.shutdown();
});

test("a task granted a whole GPU runs in a child process that sees only that device", async () => {
  const [a, b] = await ray.get([gpuView.options({ numGpus: 1 }).remote(), gpuView.options({ numGpus: 2 }).remote()]);
  assert.is.not(a.pid, process.pid);
  assert.is(a.cudaVisibleDevices, a.gpuIds.join(","));
  assert.is(a.gpuIds.length, 1);
  assert.equal(b.gpuIds, [0, 1]);
  assert.is(b.cudaVisibleDevices, "0,1");
});

test("a fractional GPU task gets its device in CUDA_VISIBLE_DEVICES too", async () => {
  const v = await ray.get(gpuView.options({ numGpus: 0.5 }).remote());
  assert.equal(v.gpuIds, [0]);
  assert.is(v.cudaVisibleDevices, "0");
  assert.is.not(v.pid, process.pid);
});

test("synchronous resource views are refused in a child-process worker, with a clear error", async () => {
  const e = await rejection(ray.get(resourcesInside.options({ numGpus: 1 }).remote()), ray.TaskError);
  assert.instance(e.cause, ray.InvalidArgumentError);
  assert.match(String((e.cause as Error).message), /child-process worker/);
});

test("tasks without GPUs still run in the driver's worker threads", async () => {
  const v = await ray.get(gpuView.remote());
  assert.is(v.pid, process.pid);
  assert.equal(v.gpuIds, []);
});

test("an actor asking for a GPU lives in a child process with its device visible", async () => {
  const actor = GpuActor.options({ numGpus: 1 }).remote();
  const v = await ray.get(actor.view.remote());
  assert.is.not(v.pid, process.pid);
  assert.is(v.gpuIds.length, 1);
  assert.is(v.cudaVisibleDevices, String(v.gpuIds[0]));
  assert.equal(v.atStart, v.gpuIds);
  ray.kill(actor);
});

test.run();
