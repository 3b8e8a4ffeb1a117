import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "./child-process.js";

let out: {
  putsFreed: boolean;
  resultsFreed: boolean;
  droppedWhileQueuedFreed: boolean;
  churned: number;
  workerObjectsFreed: boolean;
  generatorValuesFreed: boolean;
  keptValue: number;
  keptResultValue: number;
};

test.before(async () => {
  const program = fileURLToPath(new URL("../../fixtures/runtime/gc-program.mjs", import.meta.url));
  const run = await runNode(["--expose-gc", program]);
  assert.is(run.code, 0, run.stderr);
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as typeof out;
});

test("objects put by the driver are freed once their refs are gone", () => {
  assert.ok(out.putsFreed);
});

test("task results are freed once their refs are gone", () => {
  assert.ok(out.resultsFreed);
});

test("results of tasks whose refs were dropped while the tasks were queued are freed when they arrive", () => {
  assert.ok(out.droppedWhileQueuedFreed);
});

test("objects a task created, whose refs it dropped, are freed too", () => {
  assert.is(out.churned, 24 + 24 * 1.5);
  assert.ok(out.workerObjectsFreed);
});

test("a streaming generator's values are freed: taken ones with their refs, the others with the generator", () => {
  assert.ok(out.generatorValuesFreed);
});

test("objects whose refs are still held stay readable", () => {
  assert.is(out.keptValue, 7);
  assert.is(out.keptResultValue, 1.5);
});

test.run();
