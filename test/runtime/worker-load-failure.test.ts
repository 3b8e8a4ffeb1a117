// A worker that cannot load what every worker loads before any task (here: a module a Node
// option of the program preloads) fails its task at once, saying what failed to load, not as a
// transient crash retried maxRetries times.
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runNode } from "./child-process.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/runtime/worker-load-failure/${name}`, import.meta.url));

test("a worker that fails to load a preloaded module fails the task once, naming the module and the option", async () => {
  const run = await runNode(["--import", fixture("fail-in-workers.mjs"), fixture("program.mjs")], 90);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "error WorkerCrashedError: Task add could not run: its worker");
  assert.match(run.stdout, "no-such-module.mjs");
  assert.match(run.stdout, "--import");
  assert.not.match(run.stdout, "Raise maxRetries");
});

test.run();
