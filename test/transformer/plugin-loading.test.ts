/**
 * How ts-patch 3.3 loads the plugin: it `require.resolve`s the `transform`
 * value from the project folder, asks TypeScript whether that file is ESM,
 * and `require`s it (its ESM route needs the optional `esm` package). The
 * package therefore ships a CommonJS build under cjs/dist, whose entry
 * cjs/plugin.js is chosen by "main" and by the "require" condition of
 * package.json "exports"; `import` gets the ESM build. tsserver `require`s
 * the same entry by the entry's `name` and calls the module itself as the
 * plugin factory, so the module is the plugin function.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as esm from "@tsray/transformer";
import { copyFixtureProject, fixturesRoot, removeProjectCopy, runTspc } from "./tspc-project.js";

// Resolve exactly as ts-patch does: from the folder of a user's tsconfig.json.
const requireFromProject = createRequire(join(fixturesRoot, "modes", "tsconfig.json"));
const entry = requireFromProject.resolve("@tsray/transformer");

test("the plugin entry resolves to the CommonJS entry", () => {
  assert.ok(entry.endsWith(["transformer", "cjs", "plugin.js"].join(sep)), entry);
});

test("TypeScript sees the entry as CommonJS, so ts-patch require()s it directly", () => {
  const format = ts.getImpliedNodeFormatForFile(entry, undefined, ts.sys, {
    moduleResolution: ts.ModuleResolutionKind.Node16,
  });
  assert.is(format, ts.ModuleKind.CommonJS);
});

test("the CommonJS module is the plugin function itself, which is also its default export", () => {
  const loaded = requireFromProject(entry) as { (...args: unknown[]): unknown; default?: unknown };
  assert.type(loaded, "function");
  assert.is(loaded.default, loaded);
});

test("called as tsserver calls a plugin factory, the entry returns a language-service plugin", () => {
  const loaded = requireFromProject(entry) as (modules: { typescript: typeof ts }) => { create?: unknown };
  assert.type(loaded({ typescript: ts }).create, "function");
});

test("the ESM default export is the same dual-role plugin function", () => {
  assert.is(esm.default, esm.tsrayPlugin);
  assert.type(esm.default({ typescript: ts }).create, "function");
});

test("the ESM and CommonJS builds export the same names", () => {
  const loaded = requireFromProject(entry) as Record<string, unknown>;
  const names = (o: object) => Object.keys(o).filter((k) => k !== "__esModule").sort();
  assert.equal(names(esm), names(loaded));
});

test("leaving out \"transformProgram\": true makes tspc fail with a message naming the key to add", async () => {
  const project = copyFixtureProject("editor");
  try {
    const tsconfig = join(project, "tsconfig.json");
    const text = readFileSync(tsconfig, "utf8");
    const without = text.replace('"transformProgram": true, ', "");
    assert.is.not(without, text, "the fixture's entry has the key");
    writeFileSync(tsconfig, without);
    const result = await runTspc(project, ["-p", ".", "--noEmit"]);
    assert.is.not(result.exitCode, 0);
    assert.match(result.output, /Error: @tsray\/transformer must run before type checking, as a program transformer: add "transformProgram": true/);
    assert.not.match(result.output, /Cannot destructure/);
  } finally {
    removeProjectCopy(project);
  }
});

test.run();
