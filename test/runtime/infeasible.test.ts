import { test } from "uvu";
import * as assert from "uvu/assert";
import { runFixture, type ChildResult } from "./child-process.js";

let run: ChildResult;
let out: { fits: number; waiting: number; cancelled: string[] };

test.before(async () => {
  run = await runFixture("infeasible-program.mjs");
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as typeof out;
});

test("a task demanding more CPUs than the node has is reported as infeasible, naming the task and demand", () => {
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stderr, /task add is infeasible: it demands \{ CPU: 4 \}/);
});

test("GPU and custom-resource demands the node lacks are reported too", () => {
  assert.match(run.stderr, /task customAdd is infeasible: it demands \{ CPU: 1, Custom: 2 \}/);
  assert.match(run.stderr, /this node: \{ CPU: 1, Custom: 1 \}/);
});

test("each infeasible task name is reported once", () => {
  assert.is(run.stderr.split("\n").filter((l) => l.includes("task add is infeasible")).length, 1);
});

test("infeasible tasks wait without blocking feasible ones, and can be cancelled", () => {
  assert.is(out.fits, 5);
  assert.is(out.waiting, 3);
  assert.equal(out.cancelled, ["TaskCancelledError", "TaskCancelledError", "TaskCancelledError", "ActorDiedError"]);
});

test("an actor no node can place is reported as infeasible and can be killed", () => {
  assert.match(run.stderr, /actor Counter is infeasible: placing it needs \{ CPU: 8 \}/);
});

test.run();
