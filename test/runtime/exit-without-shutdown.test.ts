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

/** Fixture programs (test/fixtures/runtime/exit-without-shutdown/) and the line each must print before it exits. */
const programs: ReadonlyArray<{ readonly title: string; readonly fixture: string; readonly prints: string }> = [
  { title: "a program that gets a task's result and never calls shutdown exits on its own", fixture: "task.mjs", prints: "result 3" },
  { title: "an idle actor left alive does not hold the program open", fixture: "actor.mjs", prints: "result 4" },
  { title: "an idle actor in a child process does not hold the program open", fixture: "process-actor.mjs", prints: "result 6" },
  { title: "a task in flight keeps the program alive until a timer gets its result", fixture: "get-later.mjs", prints: "result 42" },
  {
    title: "a task still running when the main code ends has its result printed from a .then",
    fixture: "then-after-main.mjs",
    prints: "result 3",
  },
  {
    title: "an actor call in flight when the main code ends has its result printed from a .then",
    fixture: "actor-call-in-flight.mjs",
    prints: "result 1",
  },
];

for (const { title, fixture, prints } of programs) {
  test(title, async () => {
    const run = await runFixture(`exit-without-shutdown/${fixture}`, [], LIMIT_S);
    exitedOnItsOwn(run);
    assert.match(run.stdout, prints);
  });
}

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
