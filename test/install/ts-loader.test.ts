/**
 * `node --import tsray/register main.ts`: a TypeScript program with decorated
 * remote code runs without a build, in the driver, in worker threads (tasks,
 * an actor) and in a worker process, and compiled files are cached on disk.
 * Each test runs real `node` child processes on fixture programs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runProgram, type ChildResult } from "../runtime/child-process.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const typedProgram = join(repoRoot, "test/fixtures/loader/typed-program");

/** Runs `node --import tsray/register main.ts` in `dir`, caching into `cacheDir`. */
function runWithLoader(dir: string, cacheDir: string): Promise<ChildResult> {
  return runProgram(process.execPath, ["--import", "tsray/register", "main.ts"], {
    cwd: dir,
    limitS: 60,
    env: { ...process.env, TSRAY_CACHE_DIR: cacheDir },
  });
}

interface TypedOutput {
  readonly squares: number[];
  readonly count: number;
  readonly inProcess: string;
  readonly driverPid: number;
  readonly stack: string;
}

function lastJsonLine<T>(run: ChildResult): T {
  assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as T;
}

const firstCache = mkdtempSync(join(tmpdir(), "tsray-loader-cache-"));
let first: ChildResult;
test.before(async () => {
  first = await runWithLoader(typedProgram, firstCache);
});

test("a TypeScript program with @ray.remote tasks and an actor runs under --import tsray/register", () => {
  const out = lastJsonLine<TypedOutput>(first);
  assert.equal(out.squares, [1, 4, 9]);
  assert.is(out.count, 5);
});

test("a remote function with isolation \"process\" runs in a child process that loads the .ts module too", () => {
  const out = lastJsonLine<TypedOutput>(first);
  assert.match(out.inProcess, /^pid \d+$/);
  assert.is.not(out.inProcess, `pid ${out.driverPid}`);
});

test("a remote error's stack points at the .ts line that threw", () => {
  const out = lastJsonLine<TypedOutput>(first);
  const source = readFileSync(join(typedProgram, "tasks.ts"), "utf8").split("\n");
  const line = source.findIndex((l) => l.includes('throw new Error("counter failed on purpose")')) + 1;
  assert.ok(line > 0);
  assert.ok(out.stack.includes(`tasks.ts:${line}:`), out.stack);
});

test("the next run loads the compiled JavaScript from the on-disk cache", async () => {
  const entries = readdirSync(firstCache).filter((name) => name.endsWith(".js"));
  assert.is(entries.length, 2, `one entry per .ts file (main.ts, tasks.ts): ${entries.join(", ")}`);
  // Mark the cached main.ts: if the next run prints the mark, it ran the cached output.
  const main = entries.map((name) => join(firstCache, name)).find((p) => readFileSync(p, "utf8").includes("JSON.stringify({ squares"));
  assert.ok(main, "a cached entry holds main.ts's output");
  writeFileSync(main, `console.log("served from the cache");\n${readFileSync(main, "utf8")}`);
  const again = await runWithLoader(typedProgram, firstCache);
  assert.is(again.code, 0, again.stderr);
  assert.ok(again.stdout.startsWith("served from the cache\n"), again.stdout);
});

test("an edited file is compiled again, not served stale from the cache", async () => {
  const project = mkdtempSync(join(tmpdir(), "tsray-loader-edit-"));
  symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", strict: true, skipLibCheck: true, types: ["node"] } }),
  );
  const program = (factor: number) =>
    `import * as ray from "tsray";\n` +
    `@ray.remote function scale(x: number): number { return x * ${factor}; }\n` +
    `await ray.init({ numCpus: 1 });\nconsole.log(await ray.get(scale.remote(7)));\nawait ray.shutdown();\n`;
  const cache = join(project, "cache");
  mkdirSync(cache);
  writeFileSync(join(project, "main.ts"), program(2));
  const before = await runWithLoader(project, cache);
  writeFileSync(join(project, "main.ts"), program(3));
  const after = await runWithLoader(project, cache);
  assert.is(before.stdout.trim(), "14", before.stderr);
  assert.is(after.stdout.trim(), "21", after.stderr);
});

test.run();
