// ray.isWorker(): the guard a transform-free entry module puts around its program, so that
// workers importing it to find its remote functions do not run the program again.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { runFixture } from "./child-process.js";
import { isWorkerInTask } from "./remote-fns/basic.js";

test("ray.isWorker() is false in the driver and true inside a task", async () => {
  assert.is(ray.isWorker(), false);
  await ray.init({ numCpus: 1 });
  try {
    assert.is(await ray.get(isWorkerInTask.remote()), true);
  } finally {
    await ray.shutdown();
  }
});

test("an unguarded top-level main() is refused in workers with advice naming ray.isWorker()", async () => {
  const run = await runFixture("worker-guard/unguarded.mjs", [], 60);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "result 3");
  assert.match(run.stderr, "Unhandled promise rejection");
  assert.match(run.stderr, "if (!ray.isWorker()) main();");
  assert.not.match(run.stderr, "compile with the tsray transform");
});

test("an entry module guarded with ray.isWorker() runs its program once, without errors in workers", async () => {
  const run = await runFixture("worker-guard/guarded.mjs", [], 60);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, "result 3 driver false");
  assert.is(run.stderr, "");
});

test.run();
