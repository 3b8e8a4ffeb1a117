/**
 * `npm start` from a clone, as the README's "On a fresh machine" runs it: it
 * says what it is building before the (possibly long) first build, builds only
 * the demo's projects, and runs the demo to the end. The demo runs small here
 * (PI_TASKS, PI_SAMPLES): what is tested is the path, not the estimate.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runUserShell } from "./user-shell.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

test("npm start announces the build, then runs the Monte Carlo π demo to completion", async () => {
  const started = await runUserShell("PI_TASKS=4 PI_SAMPLES=20000 npm start", repoRoot, 120);
  const lines = started.stdout.split("\n");
  const announced = lines.findIndex((line) => /^npm start: building .*examples\/monte-carlo-pi/.test(line));
  const demo = lines.findIndex((line) => line.includes("4 tasks × 20,000 samples"));
  assert.is(started.code, 0, `${started.stdout}\n${started.stderr}`);
  assert.ok(announced >= 0 && demo > announced, `the build is announced before the demo's output:\n${started.stdout}`);
  assert.ok(lines.some((line) => line.startsWith("π ≈ ")), started.stdout);
  assert.ok(started.stderr.split("\n").some((line) => line.startsWith("sampling: 4/4 100%")), started.stderr);
});

test("npm start builds the demo's projects and no others (tests and benchmarks are left alone)", async () => {
  // --dry lists what `tspc -b` would build; the start script's build is what it names.
  const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: { start: string } };
  const script = /tspc -b (\S+)/.exec(manifest.scripts.start);
  assert.ok(script, "npm start builds with tspc -b <project>");
  const planned = await runUserShell(`npx tspc -b ${script[1]} --dry --force`, repoRoot, 60);
  assert.is(planned.code, 0, planned.stderr);
  const projects = [...planned.stdout.matchAll(/would build project '([^']+)'/g)].map((m) => m[1]!.replace(repoRoot, ""));
  assert.ok(projects.includes("examples/monte-carlo-pi/tsconfig.json"), planned.stdout);
  assert.equal(projects.filter((p) => /^(test|packages)\//.test(p)), [], planned.stdout);
});

test.run();
