#!/usr/bin/env node
// `npm run chaos:actor-refs -- --seed N --steps M [--runs R] [--counters K] [--holders H]
// [--cpus C] [--quiesce-every Q] [--verbose 1]`: the randomized actor reference counting test
// (test/fixtures/runtime/actor-refcount-chaos-program.mjs) with a longer configuration, by hand.
// Runs seeds N, N+1, … N+R-1 one after another, each in its own `node --expose-gc` process; prints
// a line per run and the steps of a failing run; exits 1 if any run failed. Needs a build first
// (`npm run chaos:actor-refs` builds).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const program = fileURLToPath(new URL("../test/fixtures/runtime/actor-refcount-chaos-program.mjs", import.meta.url));
const argv = process.argv.slice(2);
const passed = [];
let seed = 1;
let runs = 1;
let steps = 1000;
for (let i = 0; i < argv.length; i += 2) {
  const [name, value] = [argv[i], argv[i + 1]];
  if (value === undefined || !/^--[a-z-]+$/.test(name) || !Number.isFinite(Number(value))) {
    console.error(`chaos:actor-refs: expected --name number pairs, got ${JSON.stringify(argv.slice(i).join(" "))}`);
    process.exit(2);
  }
  if (name === "--seed") seed = Number(value);
  else if (name === "--runs") runs = Number(value);
  else if (name === "--steps") steps = Number(value);
  else passed.push(name, value);
}

let failed = 0;
for (let s = seed; s < seed + runs; s++) {
  const run = spawnSync(process.execPath, ["--expose-gc", program, "--seed", String(s), "--steps", String(steps), ...passed], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 30 * 60_000,
  });
  const line = run.stdout.trim().split("\n").pop() ?? "";
  let out;
  try {
    out = JSON.parse(line);
  } catch {
    out = undefined;
  }
  if (run.status !== 0 || out === undefined || !out.ok) {
    failed++;
    console.log(`seed ${s}: FAILED (exit ${run.status}${run.signal ? `, ${run.signal}` : ""})`);
    if (out !== undefined) console.log(JSON.stringify({ failures: out.failures, log: out.log }, null, 2));
    else console.log(run.stdout);
  } else {
    console.log(`seed ${s}: ok, ${out.steps} steps, ${out.counters} counters, ${out.stepsPerSec} steps/s, ${out.seconds} s`);
  }
}
console.log(`${runs - failed} of ${runs} runs passed`);
process.exit(failed === 0 ? 0 : 1);
