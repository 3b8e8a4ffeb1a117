// When slabs of the driver's store are reused and when they are not: a child process run with
// --expose-gc (test/fixtures/runtime/slab-program.mjs) observes the slab pool's status.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "./child-process.js";

let out: Record<string, unknown>;

test.before(async () => {
  const program = fileURLToPath(new URL("../../fixtures/runtime/slab-program.mjs", import.meta.url));
  const run = await runNode(["--expose-gc", program]);
  assert.is(run.code, 0, run.stderr);
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
});

test("a freed object's slab is kept and serves the next put of its size", () => {
  assert.is(out["freedSlabKept"], true);
  assert.is(out["nextPutReused"], true);
  assert.is(out["reusedValue"], 2);
});

test("a view the driver got keeps its slab after the object is freed, unchanged by later puts", () => {
  assert.is(out["driverViewOnlyPin"], true);
  assert.is(out["putBesideDriverViewTookAnotherSlab"], true);
  assert.equal(out["driverViewValue"], [3, 3]);
});

test("the slab is freed once the driver's view is collected", () => {
  assert.is(out["driverViewGoneFreesSlab"], true);
});

test("a view a worker keeps keeps its slab after the object is freed, unchanged by later puts", () => {
  assert.is(out["workerViewOnlyPin"], true);
  assert.is(out["putBesideWorkerViewTookAnotherSlab"], true);
  assert.is(out["workerViewValue"], 5);
});

test("the slab is freed once the worker's view is collected", () => {
  assert.is(out["workerCollected"], true);
  assert.is(out["workerViewGoneFreesSlab"], true);
});

test("a worker's read that made no view hands its pin back without waiting for garbage collection", () => {
  assert.is(out["numbersInSlab"], true);
  assert.is(out["numbersSum"], 200_000_000);
  assert.is(out["viewlessReadLeavesOnlyStorePin"], true);
});

test("a worker that exits drops its pins", () => {
  assert.is(out["workerPinBeforeExit"], true);
  assert.is(out["exitFreesSlab"], true);
});

test("no slab stays pinned after any scenario", () => {
  for (const name of ["reuse", "driverView", "workerView", "viewlessRead", "workerExit"]) {
    assert.is(out[`${name}CleanAfter`], true, name);
  }
});

test.run();
