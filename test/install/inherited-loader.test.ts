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
import type * as LoadersModule from "../../runtime/dist/thread/inherited-loaders.js";

const loaders: typeof LoadersModule = await import(new URL("../../../runtime/dist/thread/inherited-loaders.js", import.meta.url).href);

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

test("the loaders a program was started with are read from every spelling of --import and --loader", () => {
  const execArgv = ["--import", "tsx", "--max-old-space-size=64", "--import=./a.mjs", "--loader", "b", "--experimental-loader=c"];
  assert.equal(loaders.importedLoaders(execArgv), ["tsx", "./a.mjs", "b", "c"]);
});

test("tsx's hooks are registered by tsray only on Node versions where tsx skips worker threads", () => {
  const registersItself = ["20.20.2", "22.12.0", "22.22.3", "24.11.0", "24.11.1", "25.1.0", "26.0.0"].filter(loaders.tsxRegistersInWorkers);
  assert.equal(registersItself, ["22.22.3", "24.11.1", "25.1.0", "26.0.0"]);
});

test.run();
