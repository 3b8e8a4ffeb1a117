// Serializable classes in a program compiled with the transform: `@ray.serializable`, classes a remote
// signature sends (registered by the transform in their own module) and `ray.registerSerializable`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode, runProgram, type ChildResult } from "./child-process.js";

const project = fileURLToPath(new URL("../../fixtures/runtime/serializable-program/", import.meta.url));
const tspc = createRequire(import.meta.url).resolve("ts-patch/bin/tspc.js");
let build: ChildResult;
let run: ChildResult;
let shapes = "";

test.before(async () => {
  build = await runNode([tspc, "-p", project], 120);
  run = await runNode([join(project, "dist/main.js")]);
  shapes = readFileSync(join(project, "dist/shapes.js"), "utf8");
});

test("the program compiles with tspc: its classes are accepted in remote signatures", () => {
  assert.is(build.code, 0, build.stdout + build.stderr);
});

test("the transform registers a @ray.serializable class with its stable id and module url", () => {
  assert.match(shapes, 'ray.serializable(Point, { kind: "tsray:serializable", abi: 1, id: "src/shapes.ts#Point", name: "Point", url: import.meta.url });');
  assert.not.match(shapes, "@ray.serializable");
});

test("a class a remote signature in another module sends is registered in its own module", () => {
  assert.match(shapes, '__tsray.registerClass(Segment, { kind: "tsray:serializable", abi: 1, id: "src/shapes.ts#Segment", name: "Segment", url: import.meta.url });');
});

test("a class only an actor method's signature sends is registered too", () => {
  assert.match(shapes, '__tsray.registerClass(Tag, { kind: "tsray:serializable", abi: 1, id: "src/shapes.ts#Tag", name: "Tag", url: import.meta.url });');
});

test("a hand-written ray.registerSerializable runs in workers too, and is not registered twice", () => {
  assert.match(shapes, "\nray.registerSerializable(Label);\nif (!__tsray.inWorker) {");
  assert.not.match(shapes, "registerClass(Label");
});

test("instances of all of them reach tasks and actors in threads and child processes as real instances", () => {
  assert.is(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split("\n");
  assert.equal(lines.filter((l) => l === "shapes module evaluated in the driver").length, 1, run.stdout);
  const out = JSON.parse(lines.pop() ?? "{}") as Record<string, unknown>;
  const expected = { measured: { cls: "Segment", length: 5, fromIsPoint: "Point" }, mirrored: [true, true, -1], shouted: "HI", pinned: "#x" };
  assert.equal(out, { thread: expected, process: expected });
});

test("under node --import tsray/register (one file compiled at a time) the program runs the same, cold and cached", async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "tsray-serializable-cache-"));
  for (const round of ["cold", "cached"]) {
    const loaded = await runProgram(process.execPath, ["--import", "tsray/register", "src/main.ts"], {
      cwd: project,
      limitS: 90,
      env: { ...process.env, TSRAY_CACHE_DIR: cacheDir },
    });
    assert.is(loaded.code, 0, `${round}: ${loaded.stderr}`);
    assert.is(loaded.stdout.trim().split("\n").pop(), run.stdout.trim().split("\n").pop(), round);
  }
});

test.run();
