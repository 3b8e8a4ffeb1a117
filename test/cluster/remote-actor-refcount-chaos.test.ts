// The seeded randomized actor reference counting test (fixtures/runtime/actor-refcount-chaos-program.mjs)
// across processes: a head and a worker node (real `tsray` processes, started by the program) and a
// driver with no CPUs; counters live on the worker node, tasks and Holder actors on either node, so
// every handle a task or Holder gets is borrowed over an owner link. A short configuration;
// `npm run chaos:actor-refs -- --cluster 1 --seed N --steps M` runs longer ones by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "../runtime/child-process.js";

const program = fileURLToPath(new URL("../../fixtures/runtime/actor-refcount-chaos-program.mjs", import.meta.url));

test("across node processes, reachable counters always answer and all end once nothing holds them", async () => {
  const args = ["--seed", "4", "--steps", "60", "--cluster", "1", "--cpus", "1", "--quiesce-every", "20", "--rounds", "200"];
  const run = await runNode(["--expose-gc", program, ...args], 170);
  assert.is(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { ok: boolean; steps: number; failures: unknown[]; counts: Record<string, number> };
  assert.equal(out.failures, [], JSON.stringify(out, null, 1));
  assert.is(out.steps, 60);
  assert.ok(out.ok);
  for (const k of ["task", "keep", "put", "passOn"]) assert.ok((out.counts[k] ?? 0) > 0, `no "${k}" step in ${JSON.stringify(out.counts)}`);
});

test.run();
