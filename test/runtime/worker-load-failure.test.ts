// A worker that cannot load what every worker loads before any task (here: a module a Node
// option of the program preloads) fails its task at once, saying what failed to load, not as a
// transient crash retried maxRetries times.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runNode, runProgram } from "./child-process.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/runtime/worker-load-failure/${name}`, import.meta.url));

test("a worker that fails to load a preloaded module fails the task once, naming the module and the option", async () => {
  const run = await runNode(["--import", fixture("fail-in-workers.mjs"), fixture("program.mjs")], 90);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "error WorkerCrashedError: Task add could not run: its worker");
  assert.match(run.stdout, "no-such-module.mjs");
  assert.match(run.stdout, "--import");
  assert.not.match(run.stdout, "Raise maxRetries");
});

test("a pool thread that cannot start is replaced after a growing delay, not in a tight loop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsray-load-"));
  try {
    const attempts = join(dir, "attempts.txt");
    const run = await runProgram(process.execPath, ["--import", fixture("fail-in-workers.mjs"), fixture("program.mjs"), "2000"], {
      limitS: 90,
      env: { ...process.env, TSRAY_TEST_ATTEMPTS: attempts },
    });
    assert.is(run.code, 0, run.stderr);
    const starts = readFileSync(attempts, "utf8").split("\n").filter((l) => l !== "").length;
    // 2 s of delays doubling from 100 ms allow the first start and about 4 replacements; a tight loop makes dozens.
    assert.ok(starts >= 2 && starts <= 7, `${starts} thread starts in 2 s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
