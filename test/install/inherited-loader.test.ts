/**
 * Worker threads and processes load the user's modules with the loader the
 * program was started with: `node --import tsx main.ts` (tsx registers its
 * hooks only in the main thread on Node before 22.22.3; the runtime registers
 * them in each worker thread) and a custom loader that registers per thread.
 * The fixture uses the transform-free spelling (`ray.remote(function …)`),
 * a task, an actor and a process worker.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runProgram, type ChildResult } from "../runtime/child-process.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const plainProgram = join(repoRoot, "test/fixtures/loader/plain-program");

function runWith(loader: string): Promise<ChildResult> {
  return runProgram(process.execPath, ["--import", loader, "main.ts"], { cwd: plainProgram, limitS: 60 });
}

function checkOutput(run: ChildResult): void {
  assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
    squares: number[];
    count: number;
    inProcess: string;
    driverPid: number;
  };
  assert.equal(out.squares, [1, 4, 9]);
  assert.is(out.count, 5);
  assert.match(out.inProcess, /^pid \d+$/);
  assert.is.not(out.inProcess, `pid ${out.driverPid}`);
}

test("tasks, an actor and a process worker run under node --import tsx main.ts", async () => {
  checkOutput(await runWith("tsx"));
});

test("workers inherit a custom loader given with --import", async () => {
  checkOutput(await runWith("../strip-types-register.mjs"));
});

test.run();
