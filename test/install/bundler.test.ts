/**
 * Bundling a tsray program with esbuild, as README's "Bundlers" says: tsray
 * stays out of the bundle (its workers start from its own files) and the
 * module with remote code is an entry point of its own (`--splitting`), so a
 * worker importing it to find a remote function does not run the program.
 * Bundling tsray in fails at `ray.init()`, at once, saying what to mark external.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runProgram, type ChildResult } from "../runtime/child-process.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const plainProgram = join(repoRoot, "test/fixtures/loader/plain-program");
const esbuild = join(repoRoot, "node_modules/.bin/esbuild");

/** A fresh folder for the bundle, where `tsray` resolves as it would in the user's project. */
function outputFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsray-bundle-"));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}

async function bundle(args: readonly string[]): Promise<void> {
  const built = await runProgram(esbuild, args, { cwd: plainProgram, limitS: 30 });
  assert.is(built.code, 0, built.stderr);
}

function run(file: string): Promise<ChildResult> {
  return runProgram(process.execPath, [file], { limitS: 60 });
}

test("the README recipe (tsray external, remote code split into its own entry) runs tasks, an actor and a process worker", async () => {
  const out = outputFolder();
  await bundle([
    "./main.ts", "./tasks.ts", "--bundle", "--splitting", "--format=esm", "--platform=node",
    "--keep-names", "--external:tsray", `--outdir=${join(out, "dist")}`, "--log-level=warning",
  ]);
  const ran = await run(join(out, "dist/main.js"));
  assert.is(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
  const result = JSON.parse(ran.stdout.trim().split("\n").pop() ?? "{}") as { squares: number[]; count: number; inProcess: string; driverPid: number };
  assert.equal(result.squares, [1, 4, 9]);
  assert.is(result.count, 5);
  assert.is.not(result.inProcess, `pid ${result.driverPid}`);
});

test("a bundle with tsray inside fails at ray.init() with one message saying to mark tsray external", async () => {
  const out = outputFolder();
  await bundle(["./main.ts", "--bundle", "--format=esm", "--platform=node", `--outfile=${join(out, "app.js")}`, "--log-level=warning"]);
  const ran = await run(join(out, "app.js"));
  assert.is.not(ran.code, 0);
  assert.match(ran.stderr, "tsray cannot start workers");
  assert.match(ran.stderr, "--external:tsray");
  // Before any worker started: no crash reports, no retries.
  assert.not.match(ran.stderr, /WorkerCrashed|retries/);
});

test.run();
