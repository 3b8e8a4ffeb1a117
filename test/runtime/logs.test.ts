import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFixture, type ChildResult } from "./child-process.js";

let run: ChildResult;

test.before(async () => {
  const gate = join(mkdtempSync(join(tmpdir(), "tsray-logs-")), "gate");
  run = await runFixture("log-program.mjs", [gate]);
});

const prefix = (label: string) => new RegExp(`^\\(${label.replace(".", "\\.")} pid=\\d+ worker=w\\d+ node=[0-9a-f]{4}\\) `);

function linesOf(text: string, suffix: string): string[] {
  return text.split("\n").filter((l) => l.endsWith(suffix));
}

test("the program ran to its end", () => {
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "driver done");
});

test("console.log inside a task reaches the driver's stdout prefixed with the task, pid, worker and node", () => {
  const [line] = linesOf(run.stdout, " log A");
  assert.ok(line !== undefined, run.stdout);
  assert.match(line, prefix("chattyA"));
});

test("every line of a multi-line message carries the prefix", () => {
  assert.match(linesOf(run.stdout, " info A")[0] ?? "", prefix("chattyA"));
  assert.match(linesOf(run.stdout, " second line A")[0] ?? "", prefix("chattyA"));
});

test("console.warn and console.error inside a task reach the driver's stderr", () => {
  assert.match(linesOf(run.stderr, " warn B")[0] ?? "", prefix("chattyB"));
  assert.match(linesOf(run.stderr, " error B")[0] ?? "", prefix("chattyB"));
  assert.equal(linesOf(run.stdout, " error B"), []);
});

test("lines of two interleaved async tasks on one thread are each labelled with their own task", () => {
  for (const tag of ["A", "B"]) {
    const out = [...linesOf(run.stdout, ` log ${tag}`), ...linesOf(run.stdout, ` info ${tag}`)];
    const err = [...linesOf(run.stderr, ` warn ${tag}`), ...linesOf(run.stderr, ` error ${tag}`)];
    assert.is(out.length + err.length, 4);
    for (const line of [...out, ...err]) assert.match(line, prefix(`chatty${tag}`));
  }
});

test("console.log inside an actor method is prefixed with Class.method", () => {
  assert.match(linesOf(run.stdout, " counter at 0")[0] ?? "", prefix("Counter.hello"));
});

test("an unawaited rejected promise in a task is reported on stderr and does not crash its worker", () => {
  assert.match(run.stdout, "forgetsRejection → still fine");
  assert.match(linesOf(run.stderr, "Unhandled promise rejection (a promise nobody awaited): Error: nobody awaited me")[0] ?? "", prefix("forgetsRejection"));
});

test.run();
