import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { taskDemand, actorDemand } = S;

test("a task holds 1 CPU by default", () => {
  assert.equal(taskDemand(undefined, "f").toJSON(), { CPU: 1 });
  assert.equal(taskDemand({}, "f").toJSON(), { CPU: 1 });
});

test("a task's demand carries CPU, GPU, memory and custom resources", () => {
  const d = taskDemand({ numCpus: 2, numGpus: 0.5, memory: 2048, resources: { Custom: 1 } }, "f");
  assert.equal(d.toJSON(), { CPU: 2, Custom: 1, GPU: 0.5, memory: 2048 });
});

test("a task with numCpus 0 and nothing else demands nothing", () => {
  assert.ok(taskDemand({ numCpus: 0 }, "f").isEmpty());
});

test("a default actor needs 1 CPU to be placed and holds none while alive", () => {
  const d = actorDemand(undefined, "A");
  assert.equal(d.placement.toJSON(), { CPU: 1 });
  assert.ok(d.lifetime.isEmpty());
});

test("an actor asking only for memory is still a default actor for CPUs", () => {
  const d = actorDemand({ memory: 100 }, "A");
  assert.equal(d.placement.toJSON(), { CPU: 1, memory: 100 });
  assert.equal(d.lifetime.toJSON(), { memory: 100 });
});

test("an actor asking for a GPU holds it and 1 CPU for life", () => {
  const d = actorDemand({ numGpus: 1 }, "A");
  assert.equal(d.lifetime.toJSON(), { CPU: 1, GPU: 1 });
  assert.ok(d.placement.equals(d.lifetime));
});

test("an actor asking for CPUs holds exactly those for life", () => {
  assert.equal(actorDemand({ numCpus: 2 }, "A").lifetime.toJSON(), { CPU: 2 });
  const zero = actorDemand({ numCpus: 0, resources: { Custom: 1 } }, "A");
  assert.equal(zero.lifetime.toJSON(), { Custom: 1 });
  assert.equal(zero.placement.toJSON(), { Custom: 1 });
});

test("building a demand validates the amounts", () => {
  assert.throws(() => taskDemand({ numGpus: 2.5 }, "f"), (e: unknown) => e instanceof InvalidArgumentError);
  assert.throws(() => actorDemand({ numCpus: -1 }, "A"), (e: unknown) => e instanceof InvalidArgumentError);
});

test.run();
