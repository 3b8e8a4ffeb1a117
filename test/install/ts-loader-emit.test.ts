/**
 * `node --import tsray/register` compiles each file to the JavaScript `tspc`
 * emits for it with the tsray transform (entry guard, registrations, ids),
 * only with an inline source map: compared on the loader fixture.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runProgram } from "../runtime/child-process.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const typedProgram = join(repoRoot, "test/fixtures/loader/typed-program");
const firstCache = mkdtempSync(join(tmpdir(), "tsray-loader-cache-"));

test.before(async () => {
  const ran = await runProgram(process.execPath, ["--import", "tsray/register", "main.ts"], {
    cwd: typedProgram,
    limitS: 60,
    env: { ...process.env, TSRAY_CACHE_DIR: firstCache },
  });
  assert.is(ran.code, 0, ran.stderr);
});

test("the loader emits the JavaScript tspc emits for the same files (source map comment aside)", async () => {
  const outDir = mkdtempSync(join(tmpdir(), "tsray-loader-tspc-"));
  const tspc = createRequire(import.meta.url).resolve("ts-patch/bin/tspc.js");
  const flags = ["--noEmit", "false", "--outDir", outDir, "--declaration", "false", "--declarationMap", "false", "--sourceMap", "false"];
  const built = await runProgram(process.execPath, [tspc, "-p", join(typedProgram, "tsconfig.json"), ...flags], { limitS: 60 });
  assert.is(built.code, 0, built.stdout + built.stderr);
  const withoutMap = (js: string) => js.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
  const cached = readdirSync(firstCache)
    .filter((name) => name.endsWith(".js"))
    .map((name) => withoutMap(readFileSync(join(firstCache, name), "utf8")))
    .sort();
  const emitted = ["main.js", "tasks.js"].map((name) => readFileSync(join(outDir, name), "utf8")).sort();
  assert.equal(cached, emitted);
});

test.run();
