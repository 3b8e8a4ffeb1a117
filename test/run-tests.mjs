#!/usr/bin/env node
// Runs every compiled uvu suite (test/dist/**/*.test.js) as its own Node
// process, so that worker threads, sockets and child processes of one suite
// cannot leak into the next, then prints one closing line `N passed, N failed`
// summed over all suites. A suite that crashes, times out or prints no uvu
// totals counts as one failed test.
//
// Usage: node test/run-tests.mjs [substring filter...]
// Env:   TSRAY_TEST_JOBS (suites run at once, default 1),
//        TSRAY_TEST_TIMEOUT_S (per suite, default 180).
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const testRoot = fileURLToPath(new URL(".", import.meta.url));
const distRoot = join(testRoot, "dist");
const filters = process.argv.slice(2);
const jobs = Math.max(1, Number(process.env.TSRAY_TEST_JOBS ?? 1));
const timeoutMs = Number(process.env.TSRAY_TEST_TIMEOUT_S ?? 180) * 1000;

function findSuites(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findSuites(path));
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runSuite(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], {
      cwd: testRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const text = stripAnsi(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let result;
      if (timedOut) result = { passed: Number.isNaN(passed) ? 0 : passed, failed: 1, note: `timed out after ${timeoutMs / 1000} s` };
      else if (Number.isNaN(total) || Number.isNaN(passed)) result = { passed: 0, failed: 1, note: `no uvu totals (exit ${code ?? signal})` };
      else {
        const failed = total - passed - skipped;
        if (failed === 0 && code !== 0) result = { passed, failed: 1, note: `exit ${code ?? signal} after all tests passed` };
        else result = { passed, failed, note: "" };
      }
      resolve({ file, text, skipped, ms: Date.now() - started, ...result });
    });
  });
}

const suites = findSuites(distRoot).filter(
  (f) => filters.length === 0 || filters.some((flt) => f.includes(flt)),
);
let passed = 0;
let failed = 0;
let skipped = 0;
const queue = [...suites];
async function lane() {
  for (let file = queue.shift(); file; file = queue.shift()) {
    const r = await runSuite(file);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const name = relative(distRoot, file);
    const mark = r.failed === 0 ? "ok  " : "FAIL";
    console.log(`${mark} ${name}  (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)} s)${r.note ? "  " + r.note : ""}`);
    if (r.failed > 0) console.log(r.text.split("\n").map((l) => "     | " + l).join("\n"));
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, suites.length || 1) }, lane));
if (suites.length === 0) {
  console.log("no test suites found under test/dist");
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed === 0 ? 0 : 1;
