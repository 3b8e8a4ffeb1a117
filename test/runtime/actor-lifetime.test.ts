// Actor reference counting (Ray's "actor lifetimes"), in a child run with --expose-gc so
// handles can be collected on demand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "./child-process.js";

let out: {
  droppedFreed: boolean;
  fullTask: number;
  pendingFreed: boolean;
  pendingValues: number[];
  queuedKept: boolean;
  cancelledFreed: boolean;
  controlFreed: boolean;
  keptCpus: number;
  namedValue: number;
  boxedValue: number;
};

test.before(async () => {
  const program = fileURLToPath(new URL("../../fixtures/runtime/actor-lifetime-program.mjs", import.meta.url));
  const run = await runNode(["--expose-gc", program]);
  assert.is(run.code, 0, run.stderr);
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as typeof out;
});

test("an actor whose only handle is dropped ends and its CPU returns", () => {
  assert.ok(out.droppedFreed);
  assert.is(out.fullTask, 3, "a task needing every CPU ran");
});

test("calls submitted before the last handle dropped finish before the actor ends", () => {
  assert.ok(out.pendingFreed);
  assert.equal(out.pendingValues, [1, 3, 6]);
});

test("an actor whose handles are gone ends once its last queued call is cancelled", () => {
  assert.ok(out.queuedKept, "kept while the call waited for its argument");
  assert.ok(out.cancelledFreed, "ended after the cancel");
});

test("a handle inside a live put object, a named and a detached actor keep their actors", () => {
  assert.ok(out.controlFreed, "the control actor, dropped alongside, ended");
  // Five CPUs; three actors of one CPU each are kept: inside a put, named, detached.
  assert.is(out.keptCpus, 2);
});

test("a named actor whose handles were all dropped is still found by name", () => {
  assert.is(out.namedValue, 7);
});

test("a handle inside a put object still calls its actor", () => {
  assert.is(out.boxedValue, 2);
});

test.run();
