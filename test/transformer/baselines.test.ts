/**
 * Baselines: every test/fixtures/transformer/baselines/project/src/<case>.ts,
 * compiled by the real `tspc` through the plugin, must emit exactly
 * baselines/expected/<case>.js and <case>.d.ts (files humans review as diffs).
 * `TSRAY_ACCEPT_BASELINES=1` rewrites the expected files from the output.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFixtureProject, describe, fixturesRoot, removeProjectCopy, runTspc, type TspcResult } from "./tspc-project.js";

const accept = process.env.TSRAY_ACCEPT_BASELINES === "1";
const expectedDir = join(fixturesRoot, "baselines", "expected");
const cases = readdirSync(join(fixturesRoot, "baselines", "project", "src"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -".ts".length))
  .sort();

let project = "";
let result: TspcResult;

test.before(async () => {
  project = copyFixtureProject("baselines/project");
  result = await runTspc(project, ["-p", "."]);
});
test.after(() => removeProjectCopy(project));

function compareWithBaseline(fileName: string): void {
  const actual = readFileSync(join(project, "out", fileName), "utf8");
  const expectedPath = join(expectedDir, fileName);
  if (accept) {
    mkdirSync(expectedDir, { recursive: true });
    writeFileSync(expectedPath, actual);
    return;
  }
  assert.ok(existsSync(expectedPath), `no baseline ${expectedPath}: run with TSRAY_ACCEPT_BASELINES=1 and review it`);
  // assert.fixture prints a line diff on mismatch.
  assert.fixture(actual, readFileSync(expectedPath, "utf8"), `${fileName} differs from its baseline`);
}

test("the baseline project compiles without errors", () => {
  assert.is(result.diagnostics.length, 0, describe(result.diagnostics));
  assert.is(result.exitCode, 0, result.output);
});

for (const name of cases) {
  test(`${name}.ts emits the reviewed JavaScript`, () => compareWithBaseline(`${name}.js`));
  test(`${name}.ts emits the reviewed declarations`, () => compareWithBaseline(`${name}.d.ts`));
}

test("every baseline file belongs to a fixture case", () => {
  const stale = readdirSync(expectedDir).filter((f) => !cases.includes(f.replace(/\.(d\.ts|js)$/, "")));
  assert.equal(stale, []);
});

test("every emitted JavaScript file is valid ESM for node --check", async () => {
  const run = promisify(execFile);
  for (const name of cases) {
    await run(process.execPath, ["--check", join(project, "out", `${name}.js`)]);
  }
});

test("no emitted file carries the type view's footer", () => {
  for (const name of cases) {
    for (const ext of [".js", ".d.ts"]) {
      const text = readFileSync(join(project, "out", name + ext), "utf8");
      assert.not.match(text, "tsray-type-view", `${name}${ext}`);
    }
  }
});

test.run();
