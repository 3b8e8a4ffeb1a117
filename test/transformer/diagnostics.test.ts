/**
 * One test per stable TSRAY code: src/tsrayNNNN*.ts in the fixture project
 * test/fixtures/transformer/diagnostics must report exactly the marked
 * errors, at the user's decorator, with a message naming the code and saying
 * what to do. The project's plugin entry carries an extra `name` key.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TsrayDiagnosticCode } from "@tsray/transformer";
import { compareWithMarkers } from "./expect-markers.js";
import { copyFixtureProject, describe, fixturesRoot, removeProjectCopy, runTspc, type TspcResult } from "./tspc-project.js";

const sourceDir = join(fixturesRoot, "diagnostics", "src");
const files = readdirSync(sourceDir).filter((f) => /\.[cm]?ts$/.test(f)).sort();

let project = "";
let result: TspcResult;

test.before(async () => {
  project = copyFixtureProject("diagnostics");
  result = await runTspc(project, ["-p", "."]);
});
test.after(() => removeProjectCopy(project));

for (const [name, code] of Object.entries(TsrayDiagnosticCode)) {
  test(`TSRAY${code} (${name}) is reported at the marked decorators with advice`, () => {
    const fixtures = files.filter((f) => f.startsWith(`tsray${code}`));
    assert.ok(fixtures.length > 0, `a fixture src/tsray${code}.ts exists`);
    for (const file of fixtures) {
      const text = readFileSync(join(sourceDir, file), "utf8");
      const diagnostics = result.diagnostics.filter((d) => d.file === `src/${file}`);
      assert.equal(compareWithMarkers(text, diagnostics), [], file);
      for (const d of diagnostics) assert.not.match(d.message, /TSRAY|TS99/, "the code is printed once, by tspc");
    }
  });
}

test("every TSRAY message says what to do instead", () => {
  const ours = result.diagnostics.filter((d) => d.code >= 9901 && d.code <= 9999);
  assert.ok(ours.length >= Object.keys(TsrayDiagnosticCode).length, describe(ours));
  for (const d of ours) assert.match(d.message, /(give it|Move|decorate|Decorate|Rename|Declare|remove|can only be used|Use |pass )/);
});

test("tspc prints each TSRAY code once: `error TS9901: @ray.remote …`, not `TS9901: TSRAY9901:`", () => {
  assert.match(result.output, /error TS9901: @ray\.remote cannot be used on an `export default` declaration/);
  assert.not.match(result.output, /TS99\d\d: TSRAY/);
});

test("no TS1206 and no other compiler error accompanies a rejected decorator", () => {
  const others = result.diagnostics.filter((d) => d.code < 9901 || d.code > 9999);
  assert.is(describe(others), "(none)");
});

test.run();
