/**
 * Type-level tests: the fixture project test/fixtures/transformer/type-checks,
 * compiled once with the real `tspc`. valid-*.ts must compile (their types are
 * asserted inside with `expectType<Equal<…>>()`); invalid-*.ts must fail at
 * exactly their `// @tsray-expect-error TSxxxx` markers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareWithMarkers, expectedErrors } from "./expect-markers.js";
import { copyFixtureProject, describe, fixturesRoot, removeProjectCopy, runTspc, type TspcResult } from "./tspc-project.js";

const sourceDir = join(fixturesRoot, "type-checks", "src");
const files = readdirSync(sourceDir).filter((f) => f.endsWith(".ts")).sort();

let project = "";
let result: TspcResult;

test.before(async () => {
  project = copyFixtureProject("type-checks");
  result = await runTspc(project, ["-p", "."]);
});
test.after(() => removeProjectCopy(project));

const diagnosticsOf = (file: string) => result.diagnostics.filter((d) => d.file === `src/${file}`);

for (const file of files.filter((f) => f.startsWith("valid-"))) {
  test(`${file} compiles without errors`, () => {
    assert.is(describe(diagnosticsOf(file)), "(none)");
  });
}

for (const file of files.filter((f) => f.startsWith("invalid-"))) {
  test(`${file} fails exactly at its marked lines`, () => {
    const text = readFileSync(join(sourceDir, file), "utf8");
    assert.ok(expectedErrors(text).length > 0, "the fixture has markers");
    assert.equal(compareWithMarkers(text, diagnosticsOf(file)), []);
  });
}

test("an error in decorator options is reported at the option on the user's line, not in the footer", () => {
  const lines = readFileSync(join(sourceDir, "invalid-functions.ts"), "utf8").split("\n");
  const line = lines.findIndex((l) => l.startsWith(`@ray.remote({ numCpus: "2" })`)) + 1;
  const error = diagnosticsOf("invalid-functions.ts").find((d) => d.line === line);
  assert.ok(error, `an error on line ${line}`);
  assert.is(error.column, (lines[line - 1] ?? "").indexOf("numCpus") + 1, "column of the bad option");
});

test("no error is reported outside the fixture's source files", () => {
  const elsewhere = result.diagnostics.filter((d) => !files.some((f) => d.file === `src/${f}`));
  assert.is(describe(elsewhere), "(none)");
});

test("tsray decorators on function declarations raise no TS1206 (only the non-tsray one does)", () => {
  const files1206 = result.diagnostics.filter((d) => d.code === 1206).map((d) => d.file);
  assert.equal(files1206, ["src/invalid-not-tsray.ts"]);
});

test("the compilation fails as a whole (the invalid files are part of it)", () => {
  assert.is.not(result.exitCode, 0);
});

test.run();
