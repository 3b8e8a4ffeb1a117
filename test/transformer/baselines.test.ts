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
  result = await runTspc(project, ["-p", ".", "--declarationMap"]);
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

test("declaration maps send each generated namespace to its decorator's line", () => {
  let checked = 0;
  for (const name of cases) {
    const source = readFileSync(join(project, "src", `${name}.ts`), "utf8").split("\n");
    const dts = readFileSync(join(project, "out", `${name}.d.ts`), "utf8").split("\n");
    const map = JSON.parse(readFileSync(join(project, "out", `${name}.d.ts.map`), "utf8")) as { mappings: string };
    const sourceLines = firstSourceLinePerLine(map.mappings);
    dts.forEach((line, index) => {
      const namespace = /^(?:export )?declare namespace (\w+) \{/.exec(line)?.[1];
      if (!namespace) return;
      const declaration = source.findIndex((l) => new RegExp(`(function|class) ${namespace}\\b`).test(l));
      const decorator = source.slice(0, declaration + 1).findLastIndex((l) => /^\s*(export )?@/.test(l));
      assert.is(sourceLines[index], decorator, `${name}.d.ts: namespace ${namespace}`);
      checked++;
    });
  }
  assert.ok(checked >= 8, `checked ${checked} namespaces`);
});

/** For each generated line, the 0-based source line its first mapping points at (source-map VLQ). */
function firstSourceLinePerLine(mappings: string): Array<number | undefined> {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let sourceLine = 0;
  return mappings.split(";").map((line) => {
    let first: number | undefined;
    for (const segment of line ? line.split(",") : []) {
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = digits.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >> 1) : value >> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length >= 4) {
        sourceLine += fields[2] ?? 0;
        first ??= sourceLine;
      }
    }
    return first;
  });
}

test("no emitted file carries the type view's footer", () => {
  for (const name of cases) {
    for (const ext of [".js", ".d.ts"]) {
      const text = readFileSync(join(project, "out", name + ext), "utf8");
      assert.not.match(text, "tsray-type-view", `${name}${ext}`);
    }
  }
});

test.run();
