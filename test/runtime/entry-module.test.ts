import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode, type ChildResult } from "./child-process.js";

// The fixture is compiled here with the real tspc through the plugin entry
// { "transform": "@tsray/transformer", "transformProgram": true }.
const project = fileURLToPath(new URL("../../fixtures/runtime/entry-program/", import.meta.url));
const tspc = createRequire(import.meta.url).resolve("ts-patch/bin/tspc.js");
let build: ChildResult;
let run: ChildResult;
let sideEffects: string[];

test.before(async () => {
  build = await runNode([tspc, "-p", project], 120);
  const log = join(mkdtempSync(join(tmpdir(), "tsray-entry-")), "side-effects.log");
  writeFileSync(log, "");
  run = await runNode([join(project, "dist/main.js"), log]);
  sideEffects = readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
});

test("the fixture compiles with tspc and the tsray transformer", () => {
  assert.is(build.code, 0, build.stdout + build.stderr);
});

test("an entry module with remote functions and top-level code runs to its end", () => {
  assert.is(run.code, 0, run.stderr);
});

test("its top-level side effect happens exactly once, in the driver", () => {
  assert.equal(sideEffects, ["top-level ran in driver"]);
});

test("its remote functions ran in worker threads and saw the module-level declarations they use", () => {
  const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
    values: number[];
    workers: string[];
    total: number;
    driver: string;
  };
  assert.equal(out.values, [11, 21, 31, 41]);
  assert.is(out.workers.length, 3);
  for (const w of out.workers) assert.is.not(w, out.driver);
  assert.is(out.total, 31);
});

test("workers skip the initializers that create an actor and call it, although its members share their names", () => {
  // The fixture's actor has members `total` and `values`, like two top-level consts: member
  // names are not references, so these stay driver-only (else every worker importing the
  // module would create another actor, whose worker imports the module again, without end).
  const emitted = readFileSync(join(project, "dist/main.js"), "utf8");
  assert.match(emitted, "\nconst acc = __tsray.inWorker ? undefined : Accumulator.remote();\n");
  assert.match(emitted, "\nconst total = __tsray.inWorker ? undefined : await ray.get(acc.add.remote(2));\n");
  assert.match(emitted, "\nconst values = __tsray.inWorker ? undefined : await ray.get(");
});

test("decorator forms with options, async functions, generators and actor classes work end to end", () => {
  const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { forms: unknown };
  assert.equal(out.forms, {
    split: ["TSRAY", 5],
    double: 42,
    local: 31,
    store: 1,
    stream: [10, 20, 30],
    static: ["static", "generator"],
    keys: ["x", "y"],
  });
});

test.run();
