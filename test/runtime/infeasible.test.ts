import { test } from "uvu";
import * as assert from "uvu/assert";
import { runFixture, type ChildResult } from "./child-process.js";

let run: ChildResult;
let out: { fits: number; waiting: number; cancelled: string[] };

test.before(async () => {
  run = await runFixture("infeasible-program.mjs");
  out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as typeof out;
});

test("a task demanding more CPUs than the node has is reported as infeasible, naming the task, demand and what is missing", () => {
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stderr, /Task add cannot be scheduled: it needs \{CPU: 4\}, and no node has enough resources in total \(missing \{CPU: 3\}\)/);
});

test("GPU and custom-resource demands the node lacks are reported too", () => {
  assert.match(run.stderr, /Task add cannot be scheduled: it needs \{CPU: 1, GPU: 1\}.*\(missing \{GPU: 1\}\)/);
  assert.match(run.stderr, /Task customAdd cannot be scheduled: it needs \{CPU: 1, Custom: 2\}.*\(missing \{Custom: 1\}\)/);
});

test("each infeasible task name and demand is reported once", () => {
  assert.is(run.stderr.split("\n").filter((l) => l.includes("Task add cannot be scheduled: it needs {CPU: 4}")).length, 1);
  assert.is(run.stderr.split("\n").filter((l) => l.includes("cannot be scheduled")).length, 4);
});

test("infeasible tasks wait without blocking feasible ones, and can be cancelled", () => {
  assert.is(out.fits, 5);
  assert.is(out.waiting, 3);
  assert.equal(out.cancelled, ["TaskCancelledError", "TaskCancelledError", "TaskCancelledError", "ActorDiedError"]);
});

test("an actor no node can place is reported as infeasible and can be killed", () => {
  assert.match(run.stderr, /Actor Counter cannot be scheduled: it needs \{CPU: 8\}/);
});

test.run();
