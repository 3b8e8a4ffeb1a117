// Actor reference counting with borrowers (Ray's borrower protocol for actor handles): handles that
// went to tasks, actors, put objects and results, in a child run with --expose-gc so handles can be
// collected on demand (fixtures/runtime/actor-borrowers-program.mjs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "./child-process.js";

let out: Record<string, unknown>;

test.before(async () => {
  const program = fileURLToPath(new URL("../../fixtures/runtime/actor-borrowers-program.mjs", import.meta.url));
  const run = await runNode(["--expose-gc", program]);
  assert.is(run.code, 0, run.stderr);
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
});

test("an actor whose handle went to a finished task ends once the driver drops its own", () => {
  assert.is(out["taskValue"], 5);
  assert.is(out["taskFreed"], true);
});

test("a handle passed on from a task to a child task ends its actor once both are done", () => {
  assert.is(out["relayValue"], 4);
  assert.is(out["relayFreed"], true);
});

test("a running task that holds the only handle keeps the actor until it is done", () => {
  assert.is(out["runningKept"], true, "kept while the task waited");
  assert.is(out["runningValue"], 6);
  assert.is(out["runningFreed"], true);
});

test("an actor that keeps a handle in a field keeps that actor, until it drops the handle", () => {
  assert.is(out["heldKept"], true);
  assert.is(out["heldValue"], 3);
  assert.is(out["forgottenFreed"], true);
});

test("a handle given to an actor's constructor keeps its actor until that actor is killed", () => {
  assert.is(out["ctorKept"], true);
  assert.is(out["ctorValue"], 2);
  assert.is(out["killedFreed"], true);
});

test("a handle inside a put object keeps its actor while the object's ref lives", () => {
  assert.is(out["boxedKept"], true);
  assert.is(out["boxedValue"], 8);
  assert.is(out["boxedFreed"], true);
});

test("a handle returned inside a task's result calls its actor and ends it once dropped", () => {
  assert.is(out["returnedValue"], 9);
  assert.is(out["returnedFreed"], true);
});

test("an actor created inside a task and returned ends once its handles are dropped", () => {
  assert.is(out["createdValue"], 10);
  assert.is(out["createdLive"], 1, "it held its slot while the driver held it");
  assert.is(out["createdFreed"], true);
});

test("a handle a streaming generator goes on yielding after its caller left it ends its actor once the generator is done", () => {
  assert.is(out["abandonedValue"], 11);
  assert.is(out["abandonedKept"], true, "kept while the generator waits with the handle");
  assert.is(out["abandonedFreed"], true);
});

test("named and detached actors sent to tasks are not ended by reference counting", () => {
  assert.is(out["controlFreed"], true, "the control actor ended");
  assert.is(out["namedKept"], true);
});

test.run();
