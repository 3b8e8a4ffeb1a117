// Programs that never call ray.shutdown(): each exits on its own once nothing is pending, and
// not before (work in flight keeps it alive). Each fixture runs as its own process; one that
// never exits is killed at the limit and reported with signal SIGKILL.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runFixture, type ChildResult } from "./child-process.js";

/** Generous: the machine is shared; a hanging program is what this catches, not a slow one. */
const LIMIT_S = 60;

function exitedOnItsOwn(run: ChildResult): void {
  assert.is(run.signal, null, `the program had to be killed: it did not exit once its work was done\n${run.stdout}${run.stderr}`);
  assert.is(run.code, 0, run.stderr);
}

test("a program that gets a task's result and never calls shutdown exits on its own", async () => {
  const run = await runFixture("exit-without-shutdown/task.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 3");
});

test("an idle actor left alive does not hold the program open", async () => {
  const run = await runFixture("exit-without-shutdown/actor.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 4");
});

test("an idle actor in a child process does not hold the program open", async () => {
  const run = await runFixture("exit-without-shutdown/process-actor.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 6");
});

test("a task in flight keeps the program alive until a timer gets its result", async () => {
  const run = await runFixture("exit-without-shutdown/get-later.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 42");
});

test("a task still running when the main code ends has its result printed from a .then", async () => {
  const run = await runFixture("exit-without-shutdown/then-after-main.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 3");
});

test("an actor call in flight when the main code ends has its result printed from a .then", async () => {
  const run = await runFixture("exit-without-shutdown/actor-call-in-flight.mjs", [], LIMIT_S);
  exitedOnItsOwn(run);
  assert.match(run.stdout, "result 1");
});

test("a task nobody gets still runs to its end before the program exits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsray-exit-"));
  try {
    const file = join(dir, "out.txt");
    const run = await runFixture("exit-without-shutdown/fire-and-forget.mjs", [file], LIMIT_S);
    exitedOnItsOwn(run);
    assert.ok(existsSync(file), "the task's file is missing: the program exited before the task ran");
    assert.is(readFileSync(file, "utf8"), "written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
