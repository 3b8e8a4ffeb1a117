// A seeded randomized test of actor reference counting (fixtures/runtime/actor-refcount-chaos-program.mjs,
// in a child run with --expose-gc): handles move at random between the driver, tasks (waiting at a
// gate, passing them on), Holder actors, put objects and task results, and are dropped; a counter the
// driver can reach must always answer, and every counter must end once nothing holds it. A short
// configuration here; `npm run chaos:actor-refs -- --seed N --steps M` runs longer ones by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { runNode } from "./child-process.js";

const program = fileURLToPath(new URL("../../fixtures/runtime/actor-refcount-chaos-program.mjs", import.meta.url));

interface ChaosRun {
  readonly ok: boolean;
  readonly steps: number;
  readonly failures: readonly unknown[];
  readonly counts: Record<string, number>;
  readonly log?: readonly string[];
}

async function chaos(seed: number, steps: number): Promise<ChaosRun> {
  const run = await runNode(["--expose-gc", program, "--seed", String(seed), "--steps", String(steps), "--quiesce-every", "20", "--rounds", "100"], 150);
  assert.is(run.code, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as ChaosRun;
}

for (const seed of [1, 2, 3]) {
  test(`with seed ${seed}, reachable counters always answer and all end once nothing holds them`, async () => {
    const out = await chaos(seed, 60);
    assert.equal(out.failures, [], JSON.stringify(out, null, 1));
    assert.is(out.steps, 60);
    assert.ok(out.ok);
    // The run did move handles in the ways it means to (not only no-ops).
    for (const k of ["task", "keep", "put", "passOn", "dropDriver"]) assert.ok((out.counts[k] ?? 0) > 0, `no "${k}" step in ${JSON.stringify(out.counts)}`);
  });
}

test.run();
