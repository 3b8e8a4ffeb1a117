/**
 * The transform-free spelling, `export const add = ray.remote(function add…)`,
 * in a program compiled with the transform (fixture
 * test/fixtures/transformer/hand-wrapped): its module gets the same entry guard
 * as one with `@ray.remote` declarations, so a worker that imports it to find
 * `add` does not run its top-level program (which, unguarded, made the worker
 * refuse with "compile with the tsray transform", in a program compiled with it).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFixtureProject, describe, removeProjectCopy, runTspc, type TspcResult } from "./tspc-project.js";

let project = "";
let compiled: TspcResult;

test.before(async () => {
  project = copyFixtureProject("hand-wrapped");
  compiled = await runTspc(project, ["-p", "."]);
});
test.after(() => removeProjectCopy(project));

function runNode(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

test("an entry module with hand-wrapped remote functions compiles, its top-level program guarded to the driver", () => {
  assert.is(describe(compiled.diagnostics), "(none)");
  assert.is(compiled.exitCode, 0, compiled.output);
  const js = readFileSync(join(project, "out", "main.js"), "utf8");
  assert.match(js, /if \(!__tsray\.inWorker\) \{\n\s+await ray\.init/);
});

test("the compiled program runs its hand-wrapped remote functions on workers, prints the results and exits", async () => {
  const run = await runNode(join("out", "main.js"));
  assert.is(run.output, "3 42\n");
  assert.is(run.code, 0);
});

test.run();
