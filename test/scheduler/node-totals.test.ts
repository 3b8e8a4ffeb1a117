import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { nodeTotals, infeasibleWarning, ResourceSet, taskRequest } = S;
const detected = { cpus: 8, gpus: 2, memoryBytes: 2 ** 34, gpuIds: [2, 3] };
const invalid = (e: unknown) => e instanceof InvalidArgumentError;

test("detected resources fill in what init does not set", () => {
  const { totals, gpuIds } = nodeTotals({}, detected);
  assert.equal(totals.toJSON(), { CPU: 8, GPU: 2, memory: 2 ** 34 });
  assert.equal(gpuIds, [2, 3]);
});

test("init options override detection and add custom resources", () => {
  const { totals, gpuIds } = nodeTotals({ numCpus: 2, numGpus: 1, resources: { Custom: 2 } }, detected);
  assert.equal(totals.toJSON(), { CPU: 2, Custom: 2, GPU: 1, memory: 2 ** 34 });
  assert.is(gpuIds, undefined, "an explicit GPU count does not reuse detected ids");
});

test("bad init amounts are rejected", () => {
  assert.throws(() => nodeTotals({ numCpus: -1 }, detected), invalid);
  assert.throws(() => nodeTotals({ numGpus: 1.5 }, detected), invalid);
  assert.throws(() => nodeTotals({ resources: { CPU: 4 } }, detected), invalid);
});

test("the infeasible warning names the task, its demand, the reason and what is missing", () => {
  const request = taskRequest("t1", "add", { numCpus: 4, numGpus: 1 }, null);
  const text = infeasibleWarning(request, ResourceSet.of({ CPU: 2, GPU: 1 }), "no node has enough resources in total");
  assert.match(text, "Task add cannot be scheduled: it needs {CPU: 4, GPU: 1}");
  assert.match(text, "(missing {CPU: 2, GPU: 1})");
  assert.match(text, "ray.cancel(ref)");
});

const nvidiaSmiSample = [
  "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5c1a3f7e-2b8d-4c55-9e1f-0a7d3c2b1e40)",
  "GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-9d2e4b6a-7c1f-4e3a-8b5d-1f0c9a8e7d62)",
  "  MIG 1g.5gb     Device  0: (UUID: MIG-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d)",
  "GPU 2: Tesla T4 (UUID: GPU-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b)",
  "",
].join("\n");

test("nvidia-smi -L output gives the device indices (MIG lines and blanks are not devices)", () => {
  assert.equal(S.parseNvidiaSmiList(nvidiaSmiSample), [0, 1, 2]);
  assert.equal(S.parseNvidiaSmiList("GPU 0: NVIDIA GeForce RTX 3090 (UUID: GPU-x)\r\n"), [0]);
  assert.equal(S.parseNvidiaSmiList(""), []);
  assert.equal(S.parseNvidiaSmiList("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), []);
});

test("CUDA_VISIBLE_DEVICES restricts the detected devices, in its order; unknown or UUID entries are skipped", () => {
  assert.equal(S.visibleGpuIds([0, 1, 2], undefined), [0, 1, 2]);
  assert.equal(S.visibleGpuIds([0, 1, 2], "2,0"), [2, 0]);
  assert.equal(S.visibleGpuIds([0, 1, 2], "1, 7, GPU-abc, 1"), [1]);
  assert.equal(S.visibleGpuIds([0, 1], ""), []);
});

test.run();
