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

test("no error is reported outside the fixture's source files", () => {
  const elsewhere = result.diagnostics.filter((d) => !files.some((f) => d.file === `src/${f}`));
  assert.is(describe(elsewhere), "(none)");
});

test("decorators on function declarations raise no TS1206", () => {
  assert.not.match(result.output, "TS1206");
});

test("the compilation fails as a whole (the invalid files are part of it)", () => {
  assert.is.not(result.exitCode, 0);
});

test.run();
