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

test.run();
