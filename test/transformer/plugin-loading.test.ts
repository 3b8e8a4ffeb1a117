/**
 * How ts-patch 3.3 loads the plugin: it `require.resolve`s the `transform`
 * value from the project folder, asks TypeScript whether that file is ESM,
 * and `require`s it (its ESM route needs the optional `esm` package). The
 * package therefore ships a CommonJS build under cjs/dist, chosen by the
 * "require" condition of package.json "exports"; `import` gets the ESM build.
 */
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as esm from "@tsray/transformer";
import { fixturesRoot } from "./tspc-project.js";

// Resolve exactly as ts-patch does: from the folder of a user's tsconfig.json.
const requireFromProject = createRequire(join(fixturesRoot, "modes", "tsconfig.json"));
const entry = requireFromProject.resolve("@tsray/transformer");

test("the plugin entry resolves to the CommonJS build", () => {
  assert.ok(entry.endsWith(["transformer", "cjs", "dist", "index.js"].join(sep)), entry);
});

test("TypeScript sees the entry as CommonJS, so ts-patch require()s it directly", () => {
  const format = ts.getImpliedNodeFormatForFile(entry, undefined, ts.sys, {
    moduleResolution: ts.ModuleResolutionKind.Node16,
  });
  assert.is(format, ts.ModuleKind.CommonJS);
});

test("the CommonJS build exports the program transformer as default", () => {
  const loaded = requireFromProject(entry) as { default?: unknown; transformProgram?: unknown };
  assert.type(loaded.default, "function");
  assert.is(loaded.default, loaded.transformProgram);
  assert.is((loaded.default as (...args: unknown[]) => unknown).length, 4, "(program, host, config, extras)");
});

test("the ESM and CommonJS builds export the same names", () => {
  const loaded = requireFromProject(entry) as Record<string, unknown>;
  const names = (o: object) => Object.keys(o).filter((k) => k !== "__esModule").sort();
  assert.equal(names(esm), names(loaded));
});

test.run();
